/**
 * Role requests: a buyer asks to become an organizer or a supplier (from the bot's `/profile`, the cabinet or the
 * API); an admin approves (the role changes under the same rules as a direct change) or declines. One pending request
 * per account. Core publishes `RoleRequested` / `RoleRequestDecided`; the server notifies admins and the requester.
 */
import { Model } from "@effect/sql"
import { Context, type Effect, Schema } from "effect"
import type { Page } from "./Common.js"
import { PageRequest } from "./Common.js"
import type { NotFound, RuleViolation } from "./Errors.js"
import { RoleRequestId, UserId } from "./Ids.js"

/** The roles a person may ask for (a buyer is what everybody is; admin rights are only given by an admin). */
export const RequestableRole = Schema.Literal("organizer", "supplier")
export type RequestableRole = typeof RequestableRole.Type

export const RoleRequestStatus = Schema.Literal("PENDING", "APPROVED", "DECLINED")
export type RoleRequestStatus = typeof RoleRequestStatus.Type

export class RoleRequest extends Model.Class<RoleRequest>("RoleRequest")({
  id: Model.Generated(RoleRequestId),
  userId: UserId,
  role: RequestableRole,
  status: RoleRequestStatus,
  /** the admin's linked account, when the admin has one */
  decidedBy: Schema.NullOr(UserId),
  decidedAt: Schema.NullOr(Model.DateTimeFromDate),
  createdAt: Model.DateTimeInsertFromDate
}) {}

/** The wire shape: `decidedAt` as an ISO string (a `Model.DateTimeFromDate` column encodes to a JS `Date`). */
export const RoleRequestJson = Schema.Struct({
  ...RoleRequest.json.fields,
  decidedAt: Schema.NullOr(Schema.DateTimeUtc)
})

export class RoleRequestFilter extends Schema.Class<RoleRequestFilter>("RoleRequestFilter")({
  ...PageRequest.fields,
  /** PENDING when not given */
  status: Schema.optional(RoleRequestStatus),
  userId: Schema.optional(UserId)
}) {}

/** A request with the name the admin list shows (first and last name, username). */
export interface RoleRequestView {
  readonly request: RoleRequest
  readonly user: {
    readonly firstName: string
    readonly lastName: string | null
    readonly username: string | null
    readonly currentRole: "buyer" | "organizer" | "supplier"
  }
}

export interface RoleRequestsService {
  /**
   * Asks for `role`. Asking again for the same role while a request is pending returns that request (a double tap
   * asks once); `role-request.pending` when a request for the other role is pending, `role-request.has-role` when the
   * account already has the role, `role-request.inactive` for a blocked account.
   */
  readonly request: (
    userId: UserId,
    role: RequestableRole
  ) => Effect.Effect<{ readonly request: RoleRequest; readonly created: boolean }, NotFound | RuleViolation>
  /** The account's pending request, if any. */
  readonly pending: (userId: UserId) => Effect.Effect<RoleRequest | null>
  readonly list: (filter: RoleRequestFilter) => Effect.Effect<Page<RoleRequestView>>
  /**
   * Approves (the account gets the role, with the rules of `Users.setRole`, in the same transaction) or declines a
   * pending request. Deciding an already decided request the same way again returns it unchanged (a double click acts
   * once); `role-request.decided` when it was decided the other way.
   */
  readonly decide: (
    id: RoleRequestId,
    approve: boolean,
    by: UserId | null
  ) => Effect.Effect<{ readonly request: RoleRequest; readonly changed: boolean }, NotFound | RuleViolation>
}

export class RoleRequests extends Context.Tag("@groupbuy/core/RoleRequests")<RoleRequests, RoleRequestsService>() {}
