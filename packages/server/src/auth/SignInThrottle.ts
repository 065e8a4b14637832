/**
 * Throttling of sign-in guesses (admin passwords per account and per client address, web-login codes per address)
 * with `rate-limiter-flexible`: in Redis when `REDIS_URL` is set, so every instance counts the same attempts (with an
 * in-memory fallback while Redis is unreachable), in memory otherwise. Each attempt takes a point before it runs, so
 * parallel guesses are counted too; a success gives it back. Past the limit a key is blocked, and every further
 * block within a day lasts twice as long (backoff), up to a day.
 */
import { TooManyRequests } from "@groupbuy/core"
import { Context, Duration, Effect, Layer, Option, Redacted } from "effect"
import { Redis } from "ioredis"
import type ipaddr from "ipaddr.js"
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible"
import { ServerConfig } from "../config/ServerConfig.js"
import { canonicalIp } from "../internal/IpRange.js"

export interface ThrottlePolicy {
  /** attempts allowed within `window` (a success gives its attempt back) */
  readonly attempts: number
  readonly window: Duration.DurationInput
  /** the first block; each further one within a day is twice as long, up to `maxBlock` */
  readonly block: Duration.DurationInput
  readonly maxBlock: Duration.DurationInput
}

/** What is counted: admin passwords per account and per address, web-login codes per address. */
export type ThrottleScope = "admin-account" | "admin-address" | "web-login-address"

export const DEFAULT_THROTTLE_POLICIES: Record<ThrottleScope, ThrottlePolicy> = {
  "admin-account": {
    attempts: 5,
    window: Duration.minutes(15),
    block: Duration.minutes(15),
    maxBlock: Duration.days(1)
  },
  "admin-address": { attempts: 20, window: Duration.hours(1), block: Duration.minutes(15), maxBlock: Duration.days(1) },
  "web-login-address": {
    attempts: 10,
    window: Duration.minutes(15),
    block: Duration.minutes(15),
    maxBlock: Duration.days(1)
  }
}

export interface ThrottleKey {
  readonly scope: ThrottleScope
  readonly id: string
}

/**
 * The throttling key of a client address: IPv6 clients by their /64 (one subscriber usually holds a whole /64, so
 * single addresses would be free to rotate), IPv4 by the address.
 */
export const addressKey = (address: string | null): string => {
  const parsed = canonicalIp(address ?? undefined)
  if (parsed === undefined) return address ?? "unknown"
  if (parsed.kind() === "ipv4") return parsed.toString()
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16))
  return `${parts.join(":")}::/64`
}

export interface SignInThrottleService {
  /**
   * Runs `attempt` unless one of the keys is blocked (then `TooManyRequests` with the seconds to wait). A failure
   * for which `isGuess` holds keeps its point; a success, or a failure that is no guess, gives it back; a success
   * also clears the account keys (their limit counts consecutive failures).
   */
  readonly guard: <A, E, R>(
    keys: ReadonlyArray<ThrottleKey>,
    attempt: Effect.Effect<A, E, R>,
    isGuess: (error: E) => boolean
  ) => Effect.Effect<A, E | TooManyRequests, R>
}

export class SignInThrottle extends Context.Tag("@groupbuy/server/SignInThrottle")<
  SignInThrottle,
  SignInThrottleService
>() {}

interface Limiters {
  readonly attempts: RateLimiterAbstract
  /** how many times the key was blocked within a day: the backoff exponent */
  readonly strikes: RateLimiterAbstract
  readonly policy: ThrottlePolicy
}

const seconds = (d: Duration.DurationInput) => Math.max(1, Math.ceil(Duration.toSeconds(Duration.decode(d))))
const retryAfter = (ms: number) => Math.max(1, Math.ceil(ms / 1000))

/** A limiter's verdict: `RateLimiterRes` when the key is over its limit; any other rejection is a store failure. */
const call = (run: () => Promise<RateLimiterRes | boolean | null>) =>
  Effect.tryPromise({ try: run, catch: (e) => e }).pipe(
    Effect.catchAll((e) => (e instanceof RateLimiterRes ? Effect.fail(e) : Effect.die(e)))
  )

export const makeSignInThrottle = (
  makeLimiter: (options: { keyPrefix: string; points: number; duration: number }) => RateLimiterAbstract,
  policies: Record<ThrottleScope, ThrottlePolicy> = DEFAULT_THROTTLE_POLICIES
): SignInThrottleService => {
  const limiters = Object.fromEntries(
    Object.entries(policies).map(([scope, policy]) => [
      scope,
      {
        policy,
        attempts: makeLimiter({
          keyPrefix: `signin:${scope}`,
          points: policy.attempts,
          duration: seconds(policy.window)
        }),
        strikes: makeLimiter({ keyPrefix: `signin:${scope}:strikes`, points: 1_000_000, duration: seconds("1 day") })
      }
    ])
  ) as Record<ThrottleScope, Limiters>

  /** Takes a point of the key; past the limit blocks it (once per block, with backoff) and says how long to wait. */
  const take = (key: ThrottleKey) => {
    const { attempts, policy, strikes } = limiters[key.scope]
    return call(() => attempts.consume(key.id)).pipe(
      Effect.asVoid,
      Effect.catchAll((refused) =>
        Effect.gen(function* () {
          if (refused.consumedPoints !== policy.attempts + 1) {
            return yield* new TooManyRequests({ retryAfter: retryAfter(refused.msBeforeNext) })
          }
          // the first refusal after the limit: block, twice as long as the previous block of the day
          const strike = yield* call(() => strikes.consume(key.id)).pipe(Effect.orElseSucceed(() => null))
          const count = strike instanceof RateLimiterRes ? strike.consumedPoints : 1
          const block = Math.min(seconds(policy.block) * 2 ** Math.min(count - 1, 30), seconds(policy.maxBlock))
          yield* call(() => attempts.block(key.id, block)).pipe(Effect.ignore)
          return yield* new TooManyRequests({ retryAfter: block })
        })
      )
    )
  }

  const giveBack = (key: ThrottleKey, clear: boolean) => {
    const { attempts } = limiters[key.scope]
    return call(() => (clear ? attempts.delete(key.id) : attempts.reward(key.id))).pipe(Effect.ignore)
  }

  return SignInThrottle.of({
    guard: (keys, attempt, isGuess) =>
      Effect.gen(function* () {
        const taken: Array<ThrottleKey> = []
        for (const key of keys) {
          const refused = yield* Effect.flip(take(key)).pipe(Effect.option)
          if (Option.isSome(refused)) {
            yield* Effect.forEach(taken, (k) => giveBack(k, false), { discard: true })
            return yield* refused.value
          }
          taken.push(key)
        }
        return yield* attempt.pipe(
          Effect.tapBoth({
            onFailure: (error) =>
              isGuess(error) ? Effect.void : Effect.forEach(taken, (k) => giveBack(k, false), { discard: true }),
            onSuccess: () => Effect.forEach(taken, (k) => giveBack(k, k.scope === "admin-account"), { discard: true })
          })
        )
      })
  })
}

/** In memory: one process. */
export const SignInThrottleMemory = (policies?: Record<ThrottleScope, ThrottlePolicy>) =>
  Layer.sync(SignInThrottle, () => makeSignInThrottle((options) => new RateLimiterMemory(options), policies))

/** In Redis (shared by every instance), falling back to memory while Redis is unreachable. */
export const SignInThrottleRedis = (
  url: Redacted.Redacted,
  prefix: string,
  policies?: Record<ThrottleScope, ThrottlePolicy>
) =>
  Layer.scoped(
    SignInThrottle,
    Effect.gen(function* () {
      const redis = yield* Effect.acquireRelease(
        Effect.sync(
          () =>
            new Redis(Redacted.value(url), { enableOfflineQueue: false, connectionName: "groupbuy-signin-throttle" })
        ),
        (r) => Effect.promise(() => r.quit().catch(() => r.disconnect()))
      )
      // ioredis reports connection errors as events: without a listener they would be printed as unhandled
      redis.on("error", () => undefined)
      return makeSignInThrottle(
        (options) =>
          new RateLimiterRedis({
            ...options,
            keyPrefix: `${prefix}${options.keyPrefix}`,
            storeClient: redis,
            insuranceLimiter: new RateLimiterMemory(options)
          }),
        policies
      )
    })
  )

/** Redis when `REDIS_URL` is set, else memory. */
export const SignInThrottleLive = Layer.unwrapEffect(
  Effect.map(ServerConfig, (config) =>
    Option.match(config.redisUrl, {
      onNone: () => SignInThrottleMemory(),
      onSome: (url) => SignInThrottleRedis(url, config.redisPrefix)
    })
  )
)
