/**
 * `ChatLock` across instances: first the in-process lock (waiters of one instance queue in arrival order and do not
 * poll Redis), then a Redis lease on the chat — `SET <prefix><key> <token> NX PX <lease>`, retried with a short
 * backoff while another instance holds it. The holder renews the lease every third of its length, so a long turn
 * keeps it; an instance that dies stops renewing and its lease lapses after `lease`. Release and renewal compare the
 * token first (a Lua script), so an instance never frees or extends a lease that has passed to another one.
 *
 * What it guarantees: turns of one chat never overlap anywhere. Between instances there is no queue, so two updates
 * of one chat that reach two instances at the same instant run one after the other in either order — the platforms
 * deliver one chat's updates to one webhook call or poller at a time, which keeps that rare.
 */
import { Duration, Effect, Layer, Schedule } from "effect"
import type { Redis } from "ioredis"
import { randomUUID } from "node:crypto"
import { ChatLock, ChatLockTimeout } from "./ChatLock.js"
import { makeKeyedLock } from "./internal/KeyedLock.js"
import { scopedRedis } from "./internal/RedisClient.js"

export interface ChatLockRedisOptions {
  /** key prefix (default `groupbuy:chatlock:`) */
  readonly prefix?: string
  /** how long a lease lasts without renewal (default 15 s) */
  readonly lease?: Duration.DurationInput
  /** how long a turn waits for another instance's lease before it gives up (default 60 s) */
  readonly maxWait?: Duration.DurationInput
}

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`

/** A lock over an existing ioredis client (the caller owns its lifecycle). */
export const makeChatLockRedis = (client: Redis, options: ChatLockRedisOptions = {}) =>
  Effect.map(makeKeyedLock, (local) => {
    const prefix = options.prefix ?? "groupbuy:chatlock:"
    const leaseMs = Math.max(100, Math.round(Duration.toMillis(Duration.decode(options.lease ?? "15 seconds"))))
    const maxWait = Duration.decode(options.maxWait ?? "60 seconds")
    const eval_ = client.eval.bind(client) as (...args: Array<unknown>) => Promise<unknown>

    const tryAcquire = (key: string, token: string) =>
      Effect.tryPromise({
        try: () => (client.set as (...args: Array<unknown>) => Promise<unknown>)(key, token, "PX", leaseMs, "NX"),
        catch: (cause) => new ChatLockTimeout({ message: `Redis refused the chat lock ${key}: ${String(cause)}` })
      }).pipe(
        Effect.flatMap((result) =>
          result === "OK" ? Effect.void : Effect.fail(new ChatLockTimeout({ message: `the chat lock ${key} is held` }))
        )
      )

    const acquire = (key: string, token: string) =>
      tryAcquire(key, token).pipe(
        Effect.retry(
          Schedule.exponential("5 millis", 1.5).pipe(
            Schedule.union(Schedule.spaced("100 millis")),
            Schedule.upTo(maxWait)
          )
        ),
        Effect.orDie
      )

    const release = (key: string, token: string) =>
      Effect.tryPromise(() => eval_(RELEASE, 1, key, token)).pipe(
        Effect.catchAll((cause) => Effect.logWarning("chat lock: release failed; the lease will lapse", cause))
      )

    const renew = (key: string, token: string) =>
      Effect.tryPromise(() => eval_(RENEW, 1, key, token, leaseMs)).pipe(
        Effect.flatMap((renewed) =>
          renewed === 1 ? Effect.void : Effect.logError("chat lock: the lease was lost while a turn held it")
        ),
        Effect.catchAll((cause) => Effect.logWarning("chat lock: renewal failed", cause)),
        Effect.repeat(Schedule.spaced(Duration.millis(Math.floor(leaseMs / 3)))),
        Effect.delay(Duration.millis(Math.floor(leaseMs / 3)))
      )

    return ChatLock.of({
      withLock: (key, effect) =>
        local.withLock(
          key,
          Effect.suspend(() => {
            const redisKey = prefix + key
            const token = randomUUID()
            return Effect.acquireUseRelease(
              acquire(redisKey, token),
              () =>
                Effect.scoped(
                  Effect.gen(function* () {
                    yield* Effect.forkScoped(renew(redisKey, token))
                    return yield* effect
                  })
                ),
              () => release(redisKey, token)
            )
          })
        )
    })
  })

/** A scoped layer: connects to `url` (redis://...), quits when released. */
export const ChatLockRedis = (url: string, options: ChatLockRedisOptions = {}): Layer.Layer<ChatLock> =>
  Layer.scoped(
    ChatLock,
    Effect.flatMap(scopedRedis(url), (client) => makeChatLockRedis(client, options))
  )
