/**
 * JWTs for the web chat: HS256 only (the algorithm is pinned on both sides), `iss`, `aud`, `exp` and `sub` always
 * checked. Guests get a random subject; an account token names the subject the server chose.
 */
import { randomUUID } from "node:crypto"
import { Data, Duration, Effect } from "effect"
import { errors, jwtVerify, SignJWT } from "jose"

const ALGORITHM = "HS256"
/** HS256 keys shorter than the hash output are brute-forceable; refuse them. */
const MIN_SECRET_BYTES = 32

export interface TokenConfig {
  /** at least 32 bytes */
  readonly secret: string | Uint8Array
  readonly issuer: string
  readonly audience: string
}

export type TokenKind = "guest" | "account"

/** What a verified token says. `expiresAt` is epoch ms. */
export interface ChatClaims {
  readonly subject: string
  readonly kind: TokenKind
  readonly expiresAt: number
}

export interface IssuedToken extends ChatClaims {
  readonly token: string
}

/** Why a token was refused; `reason` is safe to show to the client. */
export class InvalidToken extends Data.TaggedError("InvalidToken")<{
  readonly reason: "expired" | "invalid"
  readonly message: string
}> {}

export class InvalidTokenConfig extends Data.TaggedError("InvalidTokenConfig")<{ readonly message: string }> {}

const encoder = new TextEncoder()
const keyOf = (config: TokenConfig): Uint8Array =>
  typeof config.secret === "string" ? encoder.encode(config.secret) : config.secret

/** Checks the secret and names once, at startup, so a weak configuration never serves a request. */
export const validateConfig = (config: TokenConfig): Effect.Effect<TokenConfig, InvalidTokenConfig> =>
  keyOf(config).byteLength < MIN_SECRET_BYTES
    ? Effect.fail(
        new InvalidTokenConfig({ message: `the chat token secret must be at least ${MIN_SECRET_BYTES} bytes` })
      )
    : config.issuer.length === 0 || config.audience.length === 0
      ? Effect.fail(new InvalidTokenConfig({ message: "the chat token issuer and audience must not be empty" }))
      : Effect.succeed(config)

/** Signs a token for `subject`; the default lifetime is one day. */
export const issueToken = (
  config: TokenConfig,
  options: { readonly subject: string; readonly kind: TokenKind; readonly ttl?: Duration.DurationInput }
): Effect.Effect<IssuedToken, InvalidTokenConfig> =>
  Effect.gen(function* () {
    yield* validateConfig(config)
    const now = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
    const ttlMs = Duration.toMillis(options.ttl ?? Duration.days(1))
    const exp = Math.floor((now + ttlMs) / 1000)
    const token = yield* Effect.promise(() =>
      new SignJWT({ kind: options.kind })
        .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
        .setSubject(options.subject)
        .setIssuer(config.issuer)
        .setAudience(config.audience)
        .setIssuedAt(Math.floor(now / 1000))
        .setExpirationTime(exp)
        .sign(keyOf(config))
    )
    return { token, subject: options.subject, kind: options.kind, expiresAt: exp * 1000 }
  })

/** A new guest identity: a random subject `guest-<uuid>`, signed for `ttl` (default 30 days). */
export const issueGuestToken = (
  config: TokenConfig,
  options?: { readonly ttl?: Duration.DurationInput }
): Effect.Effect<IssuedToken, InvalidTokenConfig> =>
  issueToken(config, { subject: `guest-${randomUUID()}`, kind: "guest", ttl: options?.ttl ?? Duration.days(30) })

const verifyWith = (config: TokenConfig, token: string, toleranceSeconds: number) =>
  Effect.gen(function* () {
    const now = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
    const result = yield* Effect.tryPromise({
      try: () =>
        jwtVerify(token, keyOf(config), {
          algorithms: [ALGORITHM],
          issuer: config.issuer,
          audience: config.audience,
          requiredClaims: ["exp", "sub"],
          currentDate: new Date(now),
          clockTolerance: toleranceSeconds
        }),
      catch: (cause) =>
        cause instanceof errors.JWTExpired
          ? new InvalidToken({ reason: "expired", message: "the token has expired" })
          : new InvalidToken({ reason: "invalid", message: "the token is not valid for this chat" })
    })
    const { sub, exp, kind } = result.payload
    if (typeof sub !== "string" || sub.length === 0 || typeof exp !== "number") {
      return yield* new InvalidToken({ reason: "invalid", message: "the token has no subject or expiry" })
    }
    if (kind !== "guest" && kind !== "account") {
      return yield* new InvalidToken({ reason: "invalid", message: "the token has an unknown kind" })
    }
    return { subject: sub, kind, expiresAt: exp * 1000 } satisfies ChatClaims
  })

/** Verifies signature (HS256 only), issuer, audience and expiry. */
export const verifyToken = (config: TokenConfig, token: string): Effect.Effect<ChatClaims, InvalidToken> =>
  verifyWith(config, token, 0)

/**
 * Re-issues a guest token for the same subject, so a returning guest keeps the conversation (and any `/link`ed
 * account) after the old token expired — as long as it expired less than `grace` ago (default 90 days).
 */
export const renewGuestToken = (
  config: TokenConfig,
  previous: string,
  options?: { readonly ttl?: Duration.DurationInput; readonly grace?: Duration.DurationInput }
): Effect.Effect<IssuedToken, InvalidToken | InvalidTokenConfig> =>
  Effect.gen(function* () {
    const grace = Math.floor(Duration.toSeconds(options?.grace ?? Duration.days(90)))
    const claims = yield* verifyWith(config, previous, grace)
    if (claims.kind !== "guest") {
      return yield* new InvalidToken({ reason: "invalid", message: "only guest tokens can be renewed" })
    }
    return yield* issueToken(config, { subject: claims.subject, kind: "guest", ttl: options?.ttl ?? Duration.days(30) })
  })
