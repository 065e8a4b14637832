/**
 * Who is calling the HTTP API. Bots and embedding programs present the service token, the web presents a user JWT
 * (both as `Authorization: Bearer ...`); the admin API uses a session cookie plus a CSRF header on every change.
 */
import { HttpApiMiddleware, HttpApiSchema, HttpApiSecurity } from "@effect/platform"
import { Context, Schema } from "effect"
import { Forbidden } from "../Errors.js"
import { AdminId, UserId } from "../Ids.js"

/** A trusted program (bot, embedding app) or a signed-in user. */
export const Principal = Schema.Union(
  Schema.TaggedStruct("Service", { name: Schema.String }),
  Schema.TaggedStruct("User", { userId: UserId, isAdmin: Schema.Boolean })
)
export type Principal = typeof Principal.Type

/** The authenticated principal of the current request. */
export class CurrentPrincipal extends Context.Tag("@groupbuy/core/api/CurrentPrincipal")<
  CurrentPrincipal,
  Principal
>() {}

/** Missing, malformed, expired or revoked credentials. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()(
  "Unauthorized",
  { reason: Schema.String },
  HttpApiSchema.annotations({ status: 401 })
) {
  override get message() {
    return `unauthorized: ${this.reason}`
  }
}

/** Too many failed sign-in attempts for this account or from this address; try again after `retryAfter` seconds. */
export class TooManyRequests extends Schema.TaggedError<TooManyRequests>()(
  "TooManyRequests",
  { retryAfter: Schema.Int.pipe(Schema.positive()) },
  HttpApiSchema.annotations({ status: 429 })
) {
  override get message() {
    return `too many attempts: try again in ${this.retryAfter} s`
  }
}

/** Bearer authentication for the public API: the service token or a user JWT. */
export class Authentication extends HttpApiMiddleware.Tag<Authentication>()("Authentication", {
  failure: Unauthorized,
  provides: CurrentPrincipal,
  security: { bearer: HttpApiSecurity.bearer }
}) {}

/** The name of the admin session cookie. */
export const ADMIN_SESSION_COOKIE = "groupbuy_admin"
/** The header that must repeat the session's CSRF token on every state-changing admin request. */
export const CSRF_HEADER = "x-csrf-token"

export const adminSessionSecurity = HttpApiSecurity.apiKey({ in: "cookie", key: ADMIN_SESSION_COOKIE })

export class AdminIdentity extends Schema.Class<AdminIdentity>("AdminIdentity")({
  id: AdminId,
  email: Schema.String,
  userId: Schema.NullOr(UserId)
}) {}

/** The signed-in administrator of the current admin request. */
export class CurrentAdmin extends Context.Tag("@groupbuy/core/api/CurrentAdmin")<CurrentAdmin, AdminIdentity>() {}

/** Session-cookie authentication for the admin API; state-changing requests also need a valid CSRF header. */
export class AdminAuthentication extends HttpApiMiddleware.Tag<AdminAuthentication>()("AdminAuthentication", {
  failure: Schema.Union(Unauthorized, Forbidden),
  provides: CurrentAdmin,
  security: { session: adminSessionSecurity }
}) {}
