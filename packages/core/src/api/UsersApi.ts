/** Accounts: registration (bots), profile, platform identities, one-time codes, linking. */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Forbidden, InvalidInput, NotFound, RuleViolation } from "../Errors.js"
import { Platform, UserId } from "../Ids.js"
import { OneTimeCodePurpose, Role, User } from "../Models.js"
import { NamedUser } from "../Procurements.js"
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
      .annotate(OpenApi.Summary, "Register a user (bots)")
      .annotate(
        OpenApi.Description,
        "Creates the account and its first platform identity; phone is normalised to E.164, email lower-cased. " +
          "Service token only (403 otherwise). 400 with readable issues (phone.invalid, email.invalid, names); 409 " +
          "register.already, phone.taken, email.taken."
      )
      .setPayload(RegisterUser)
      .addSuccess(User.json, { status: 201 })
      .addError(InvalidInput)
      .addError(RuleViolation)
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.get("me", "/users/me")
      .annotate(OpenApi.Summary, "The signed-in user")
      .annotate(OpenApi.Description, "The account of the bearer token, with its balance in kopecks (a string).")
      .addSuccess(User.json)
      .addError(NotFound)
      .addError(Forbidden)
  )
  .add(
    pageEndpoint("list", "/users", UserListParams, User.json)
      .annotate(OpenApi.Summary, "Users (service)")
      .annotate(
        OpenApi.Description,
        "Paged users filtered by `query` (name, username, email, phone, platform id), role, platform, active and " +
          "verified flags. Service token only."
      )
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.get("get", "/users/:id")
      .annotate(OpenApi.Summary, "A user")
      .annotate(
        OpenApi.Description,
        "One account: oneself, or anyone with the service token; 403 otherwise, 404 when there is none."
      )
      .setPath(IdPath)
      .addSuccess(User.json)
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.get("byIdentity", "/users/by-identity/:platform/:externalId")
      .annotate(OpenApi.Summary, "A user by a platform identity")
      .annotate(
        OpenApi.Description,
        "The account behind a platform's user id (Telegram user id, VK id, WhatsApp JID) and that identity; " +
          "records it as the most recently used one. Service token only; 404 when nobody registered with it."
      )
      .setPath(Schema.Struct({ platform: Platform, externalId: Schema.NonEmptyTrimmedString }))
      .addSuccess(ResolvedUserJson)
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.post("resolve", "/users/resolve")
      .annotate(OpenApi.Summary, "Resolve a platform identity")
      .annotate(
        OpenApi.Description,
        "As byIdentity, with the platform's current username and display name recorded; null when nobody " +
          "registered with it. Service token only."
      )
      .setPayload(IdentityRef)
      .addSuccess(Schema.NullOr(ResolvedUserJson))
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.patch("update", "/users/:id")
      .annotate(OpenApi.Summary, "Update a profile")
      .annotate(
        OpenApi.Description,
        "Names, phone, email, language (each optional; null clears the optional ones). A role is changed only by " +
          "administrators (see role requests). 400 with readable issues; 409 phone.taken, email.taken."
      )
      .setPath(IdPath)
      .setPayload(UpdateProfile)
      .addSuccess(User.json)
      .addError(RuleViolation)
      .pipe(Refusals.invalid)
  )
  .add(
    HttpApiEndpoint.put("setFlags", "/users/:id/flags")
      .annotate(OpenApi.Summary, "Set account flags (service)")
      .annotate(
        OpenApi.Description,
        "isActive, isVerified, isAdmin; service token only. Administrators use the audited admin API instead."
      )
      .setPath(IdPath)
      .setPayload(UserFlagsBody)
      .addSuccess(User.json)
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.get("identities", "/users/:id/identities")
      .annotate(OpenApi.Summary, "A user's linked platforms")
      .annotate(
        OpenApi.Description,
        "Every platform identity of the account (platform, external id, username, reachable, last seen)."
      )
      .setPath(IdPath)
      .addSuccess(Schema.Array(PlatformIdentityJson))
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.get("lastUsedIdentity", "/users/:id/last-identity")
      .annotate(OpenApi.Summary, "Where a user is reached")
      .annotate(
        OpenApi.Description,
        "The reachable identity the user used last (where notifications go), or null. Service token only."
      )
      .setPath(IdPath)
      .addSuccess(Schema.NullOr(PlatformIdentityJson))
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.put("setReachable", "/identities/:platform/:externalId/reachable")
      .annotate(OpenApi.Summary, "Mark an identity reachable or not")
      .annotate(
        OpenApi.Description,
        "Bots report a user who blocked them (reachable=false) and a user who wrote again (true). Service token " +
          "only."
      )
      .setPath(Schema.Struct({ platform: Platform, externalId: Schema.NonEmptyTrimmedString }))
      .setPayload(Schema.Struct({ reachable: Schema.Boolean }))
      .addSuccess(HttpApiSchema.NoContent)
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.post("createCode", "/users/:id/codes")
      .annotate(OpenApi.Summary, "Issue a one-time code")
      .annotate(
        OpenApi.Description,
        "A code (8 characters, unambiguous alphabet) for `/link` (joining another platform to this account) or a " +
          "web login link; `ttlSeconds` between 60 and 86 400."
      )
      .setPath(IdPath)
      .setPayload(CreateCodeBody)
      .addSuccess(IssuedCode, { status: 201 })
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.post("redeemLinkCode", "/users/link")
      .annotate(OpenApi.Summary, "Link a platform with a code")
      .annotate(
        OpenApi.Description,
        "Joins the identity to the account that issued the code; an account of its own that holds nothing is " +
          "merged away. 409 link.code-invalid, link.code-used, link.code-expired, link.account-in-use, " +
          "link.same-account."
      )
      .setPayload(RedeemLinkBody)
      .addSuccess(User.json)
      .addError(RuleViolation)
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.get("suppliers", "/users/suppliers")
      .addSuccess(Schema.Array(NamedUser))
      .addError(Forbidden)
      .annotate(OpenApi.Summary, "The suppliers an organizer can name")
      .annotate(
        OpenApi.Description,
        "Active users with the supplier role (id and name), by first name, at most 100: the choice for a new " +
          "procurement's `supplierId`. Signed-in users."
      )
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
