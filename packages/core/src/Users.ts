/** Accounts and the platform identities linked to them: one person, one account across every platform. */
import { Context, type Duration, type Effect, type Option, Schema } from "effect"
import type { Page } from "./Common.js"
import { PageRequest } from "./Common.js"
import type { InvalidInput, NotFound, RuleViolation } from "./Errors.js"
import { Language, Platform, UserId } from "./Ids.js"
import type { OneTimeCodePurpose, PlatformIdentity, User } from "./Models.js"
import { Role } from "./Models.js"
import { SortOrder } from "./SortOrder.js"

/** The platform's view of a person: what an adapter knows before the account exists. */
export class IdentityRef extends Schema.Class<IdentityRef>("IdentityRef")({
  platform: Platform,
  externalId: Schema.NonEmptyTrimmedString,
  username: Schema.optional(Schema.NullOr(Schema.String)),
  displayName: Schema.optional(Schema.NullOr(Schema.String))
}) {}

/** Raw registration input; the service validates and normalises every field (phone → E.164, email lower-cased). */
export class RegisterUser extends Schema.Class<RegisterUser>("RegisterUser")({
  identity: IdentityRef,
  firstName: Schema.String,
  lastName: Schema.optional(Schema.NullOr(Schema.String)),
  phone: Schema.optional(Schema.NullOr(Schema.String)),
  email: Schema.optional(Schema.NullOr(Schema.String)),
  language: Schema.optional(Language),
  role: Role
}) {}

export class UpdateProfile extends Schema.Class<UpdateProfile>("UpdateProfile")({
  firstName: Schema.optional(Schema.String),
  lastName: Schema.optional(Schema.NullOr(Schema.String)),
  phone: Schema.optional(Schema.NullOr(Schema.String)),
  email: Schema.optional(Schema.NullOr(Schema.String)),
  language: Schema.optional(Language),
  role: Schema.optional(Role)
}) {}

/** What an admin assigns: a role, or `admin` (the account's admin rights, its role kept). */
export const AccountRole = Schema.Literal("buyer", "organizer", "supplier", "admin")
export type AccountRole = typeof AccountRole.Type

/** An account's role as the admin panel shows it. */
export const accountRole = (user: Pick<User, "role" | "isAdmin">): AccountRole => (user.isAdmin ? "admin" : user.role)

/** The columns an admin may order the user list by. */
export const UserSortColumn = Schema.Literal("createdAt", "firstName", "lastName", "email", "role", "balance")
export type UserSortColumn = typeof UserSortColumn.Type

export class UserFilter extends Schema.Class<UserFilter>("UserFilter")({
  ...PageRequest.fields,
  /** matches name, username, email, phone or a platform external id */
  query: Schema.optional(Schema.String),
  role: Schema.optional(Role),
  platform: Schema.optional(Platform),
  isActive: Schema.optional(Schema.Boolean),
  isVerified: Schema.optional(Schema.Boolean),
  sort: Schema.optional(SortOrder(UserSortColumn))
}) {}

export interface ResolvedUser {
  readonly user: User
  readonly identity: PlatformIdentity
}

export interface UsersService {
  /** Creates the account and its first identity. Fails `register.already` if the identity has an account. */
  readonly register: (input: RegisterUser) => Effect.Effect<User, InvalidInput | RuleViolation>
  /** The account behind a platform identity, recording it as the most recently used one. */
  readonly resolve: (identity: IdentityRef) => Effect.Effect<Option.Option<ResolvedUser>>
  readonly get: (id: UserId) => Effect.Effect<User, NotFound>
  readonly update: (id: UserId, patch: UpdateProfile) => Effect.Effect<User, InvalidInput | NotFound | RuleViolation>
  readonly identities: (id: UserId) => Effect.Effect<ReadonlyArray<PlatformIdentity>>
  /** The reachable identity the user used last: where notifications go. */
  readonly lastUsedIdentity: (id: UserId) => Effect.Effect<Option.Option<PlatformIdentity>>
  /** Marks an identity unreachable (user blocked the bot) or reachable again. */
  readonly setReachable: (platform: Platform, externalId: string, reachable: boolean) => Effect.Effect<void>
  /** A fresh one-time code (8 chars, unambiguous alphabet) for `/link` or the `/web` login link. */
  readonly createCode: (
    id: UserId,
    purpose: OneTimeCodePurpose,
    ttl: Duration.DurationInput
  ) => Effect.Effect<{ readonly code: string; readonly expiresAt: Date }, NotFound>
  /**
   * Joins `identity` to the account that issued the link code. If the identity had an account of its own that holds
   * nothing (no balance, no procurements), that account is merged away; otherwise `link.account-in-use`.
   * Codes are single-use and expire (`link.code-invalid`, `link.code-expired`, `link.code-used`).
   */
  readonly redeemLinkCode: (code: string, identity: IdentityRef) => Effect.Effect<User, RuleViolation>
  /** Exchanges a one-time web-login code for its user (single use). */
  readonly redeemWebLogin: (code: string) => Effect.Effect<User, RuleViolation>
  readonly list: (filter: UserFilter) => Effect.Effect<Page<User>>
  readonly setActive: (id: UserId, active: boolean) => Effect.Effect<User, NotFound>
  readonly setVerified: (id: UserId, verified: boolean) => Effect.Effect<User, NotFound>
  readonly setAdmin: (id: UserId, admin: boolean) => Effect.Effect<User, NotFound>
  /**
   * Gives the account `role` (`admin`: admin rights; another role: that role without admin rights) in one transaction.
   * Refuses `role.last-admin` (the last active admin would lose the rights) and `role.self-demotion` (`by` is the
   * account). Returns the account before and after.
   */
  readonly setRole: (
    id: UserId,
    role: AccountRole,
    by: UserId | null
  ) => Effect.Effect<{ readonly before: User; readonly after: User }, NotFound | RuleViolation>
}

export class Users extends Context.Tag("@groupbuy/core/Users")<Users, UsersService>() {}
