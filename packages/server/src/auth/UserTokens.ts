/**
 * User JWTs for the web (cabinet, widget, WebSocket hub): HS256 only, issuer `groupbuy`, an audience per use, the
 * user id as subject, always an expiry (a token without `exp` is refused). Time comes from Effect's Clock.
 */
import { Unauthorized, UserId } from "@groupbuy/core"
import { Clock, Context, Duration, Effect, Layer, Option, Redacted, Schema } from "effect"
import { errors, jwtVerify, SignJWT } from "jose"
import { ServerConfig } from "../config/ServerConfig.js"

export const ISSUER = "groupbuy"
/** The audience of tokens that authenticate the public API and the WebSocket hub. */
export const WEB_AUDIENCE = "groupbuy:web"

export interface IssuedToken {
  readonly token: string
  readonly expiresAt: Date
}

export interface UserTokensService {
  readonly issue: (
    userId: UserId,
    options?: { readonly audience?: string; readonly ttl?: Duration.DurationInput }
  ) => Effect.Effect<IssuedToken>
  readonly verify: (token: string, audience?: string) => Effect.Effect<UserId, Unauthorized>
}

export class UserTokens extends Context.Tag("@groupbuy/server/UserTokens")<UserTokens, UserTokensService>() {}

const decodeUserId = Schema.decodeUnknownOption(UserId)

export const makeUserTokens = (secret: Redacted.Redacted, defaultTtl: Duration.DurationInput = Duration.days(30)) => {
  const key = new TextEncoder().encode(Redacted.value(secret))
  return UserTokens.of({
    issue: (userId, options = {}) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const ttl = Duration.toMillis(Duration.decode(options.ttl ?? defaultTtl))
        const expiresAt = new Date(now + ttl)
        const token = yield* Effect.promise(() =>
          new SignJWT({})
            .setProtectedHeader({ alg: "HS256", typ: "JWT" })
            .setIssuer(ISSUER)
            .setAudience(options.audience ?? WEB_AUDIENCE)
            .setSubject(userId)
            .setIssuedAt(Math.floor(now / 1000))
            .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
            .sign(key)
        )
        return { token, expiresAt }
      }),
    verify: (token, audience = WEB_AUDIENCE) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const { payload } = yield* Effect.tryPromise({
          try: () =>
            jwtVerify(token, key, {
              algorithms: ["HS256"],
              issuer: ISSUER,
              audience,
              // jose checks `exp` only when present: a token without one would never expire
              requiredClaims: ["exp", "sub"],
              currentDate: new Date(now)
            }),
          catch: (e) =>
            new Unauthorized({
              reason: e instanceof errors.JWTExpired ? "the token has expired" : "the token is not valid"
            })
        })
        return yield* Option.match(decodeUserId(payload.sub), {
          onNone: () => Effect.fail(new Unauthorized({ reason: "the token has no user" })),
          onSome: Effect.succeed
        })
      })
  })
}

export const UserTokensLive = Layer.effect(
  UserTokens,
  Effect.map(ServerConfig, (config) => makeUserTokens(config.jwtSecret))
)
