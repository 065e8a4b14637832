/** Accounts: registration (bots), profile, platform identities, one-time codes, linking. */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Forbidden, InvalidInput, NotFound, RuleViolation } from "../Errors.js"
import { Platform, UserId } from "../Ids.js"
import { OneTimeCodePurpose, Role, User } from "../Models.js"
import { RequestableRole, RoleRequestJson } from "../RoleRequests.js"
import { IdentityRef, RegisterUser, UpdateProfile } from "../Users.js"
import { BooleanParam, IssuedCode, PageParams, ResolvedUserJson, PlatformIdentityJson } from "./Dto.js"
import { pageEndpoint } from "./PageEndpoint.js"
import { specAlias } from "./SpecAlias.js"
import * as Refusals from "./Refusals.js"
import { Authentication } from "./Security.js"

const IdPath = Schema.Struct({ id: UserId })

export class CreateCodeBody extends Schema.Class<CreateCodeBody>("CreateCodeBody")({
  purpose: OneTimeCodePurpose,
  /** 60 s .. 1 day */
  ttlSeconds: Schema.Int.pipe(Schema.between(60, 86_400))
}) {}

export class RedeemLinkBody extends Schema.Class<RedeemLinkBody>("RedeemLinkBody")({
  code: Schema.NonEmptyTrimmedString,
  identity: IdentityRef
}) {}

export class UserFlagsBody extends Schema.Class<UserFlagsBody>("UserFlagsBody")({
  isActive: Schema.optional(Schema.Boolean),
  isVerified: Schema.optional(Schema.Boolean),
  isAdmin: Schema.optional(Schema.Boolean)
}) {}

export class RoleRequestBody extends Schema.Class<RoleRequestBody>("RoleRequestBody")({ role: RequestableRole }) {}

/** The request, and whether this call created it (false: the same request was already pending). */
export const RoleRequestOutcome = Schema.Struct({ request: RoleRequestJson, created: Schema.Boolean })

export const UserListParams = Schema.Struct({
  ...PageParams,
  query: Schema.optional(Schema.String),
  role: Schema.optional(Role),
  platform: Schema.optional(Platform),
  isActive: Schema.optional(BooleanParam),
  isVerified: Schema.optional(BooleanParam)
})

export class UsersApi extends HttpApiGroup.make("users")
  .add(
    HttpApiEndpoint.post("register", "/users")
      .setPayload(RegisterUser)
      .addSuccess(User.json, { status: 201 })
      .addError(InvalidInput)
      .addError(RuleViolation)
      .addError(Forbidden)
  )
  .add(HttpApiEndpoint.get("me", "/users/me").addSuccess(User.json).addError(NotFound).addError(Forbidden))
  .add(pageEndpoint("list", "/users", UserListParams, User.json).addError(Forbidden))
  .add(HttpApiEndpoint.get("get", "/users/:id").setPath(IdPath).addSuccess(User.json).pipe(Refusals.missing))
  .add(
    HttpApiEndpoint.get("byIdentity", "/users/by-identity/:platform/:externalId")
      .setPath(Schema.Struct({ platform: Platform, externalId: Schema.NonEmptyTrimmedString }))
      .addSuccess(ResolvedUserJson)
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.post("resolve", "/users/resolve")
      .setPayload(IdentityRef)
      .addSuccess(Schema.NullOr(ResolvedUserJson))
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.patch("update", "/users/:id")
      .setPath(IdPath)
      .setPayload(UpdateProfile)
      .addSuccess(User.json)
      .addError(RuleViolation)
      .pipe(Refusals.invalid)
  )
  .add(
    HttpApiEndpoint.put("setFlags", "/users/:id/flags")
      .setPath(IdPath)
      .setPayload(UserFlagsBody)
      .addSuccess(User.json)
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.get("identities", "/users/:id/identities")
      .setPath(IdPath)
      .addSuccess(Schema.Array(PlatformIdentityJson))
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.get("lastUsedIdentity", "/users/:id/last-identity")
      .setPath(IdPath)
      .addSuccess(Schema.NullOr(PlatformIdentityJson))
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.put("setReachable", "/identities/:platform/:externalId/reachable")
      .setPath(Schema.Struct({ platform: Platform, externalId: Schema.NonEmptyTrimmedString }))
      .setPayload(Schema.Struct({ reachable: Schema.Boolean }))
      .addSuccess(HttpApiSchema.NoContent)
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.post("createCode", "/users/:id/codes")
      .setPath(IdPath)
      .setPayload(CreateCodeBody)
      .addSuccess(IssuedCode, { status: 201 })
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.post("redeemLinkCode", "/users/link")
      .setPayload(RedeemLinkBody)
      .addSuccess(User.json)
      .addError(RuleViolation)
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.post("requestRole", "/users/:id/role-request")
      .setPath(IdPath)
      .setPayload(RoleRequestBody)
      .addSuccess(RoleRequestOutcome)
      .addError(RuleViolation)
      .pipe(Refusals.missing)
      .annotate(OpenApi.Summary, "Ask to become an organizer or a supplier")
      .annotate(
        OpenApi.Description,
        "The request reaches the administrators, who approve or decline it; the user is notified in their language. " +
          "One pending request per account: asking again for the same role returns the pending request " +
          "(`created: false`). 409 role-request.pending (a request for the other role waits), role-request.has-role, " +
          "role-request.inactive."
      )
  )
  .add(
    HttpApiEndpoint.get("roleRequest", "/users/:id/role-request")
      .setPath(IdPath)
      .addSuccess(Schema.NullOr(RoleRequestJson))
      .addError(Forbidden)
      .annotate(OpenApi.Summary, "The user's pending role request")
      .annotate(OpenApi.Description, "The request waiting for an administrator, or null.")
  )
  .add(
    HttpApiEndpoint.get("byPlatform", "/users/by_platform")
      .setUrlParams(Schema.Struct({ platform: Platform, platform_user_id: Schema.NonEmptyTrimmedString }))
      .addSuccess(ResolvedUserJson)
      .pipe(
        Refusals.missing,
        specAlias(
          "A user by a platform identity",
          "GET /users/by-identity/{platform}/{externalId}",
          "`platform_user_id` is the platform's id of the person (Telegram user id, VK id, WhatsApp JID)."
        )
      )
  )
  .middleware(Authentication) {}
