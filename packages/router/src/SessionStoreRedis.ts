/**
 * The Redis `SessionStore` (ioredis). Keys are prefixed (default `groupbuy:router:`) so several deployments or test
 * runs can share one Redis; expiry is Redis's own (`SET ... PX`), `setIfAbsent` is `SET ... NX`.
 */
import { Duration, Effect, Layer } from "effect"
import type { Redis } from "ioredis"
import { scopedRedis } from "./internal/RedisClient.js"
import { SessionStore, SessionStoreError } from "./SessionStore.js"

export interface SessionStoreRedisOptions {
  readonly prefix?: string
}

const ttlArgs = (ttl: Duration.DurationInput | undefined): Array<string | number> =>
  ttl === undefined ? [] : ["PX", Math.max(1, Math.round(Duration.toMillis(Duration.decode(ttl))))]

/** A store over an existing ioredis client (the caller owns its lifecycle). */
export const makeSessionStoreRedis = (client: Redis, options: SessionStoreRedisOptions = {}) => {
  const prefix = options.prefix ?? "groupbuy:router:"
  const call = <A>(operation: string, run: () => Promise<A>) =>
    Effect.tryPromise({ try: run, catch: (cause) => new SessionStoreError({ operation, cause }) })
  const parse = (raw: string | null) => (raw === null ? undefined : (JSON.parse(raw) as unknown))
  return SessionStore.of({
    get: (key) =>
      Effect.map(
        call("get", () => client.get(prefix + key)),
        parse
      ),
    getMany: (keys) =>
      keys.length === 0
        ? Effect.succeed([])
        : Effect.map(
            call("getMany", () => client.mget(keys.map((key) => prefix + key))),
            (raws) => raws.map(parse)
          ),
    set: (key, value, ttl) =>
      call("set", () =>
        (client.set as (...args: Array<unknown>) => Promise<unknown>)(
          prefix + key,
          JSON.stringify(value),
          ...ttlArgs(ttl)
        )
      ).pipe(Effect.asVoid),
    setIfAbsent: (key, value, ttl) =>
      Effect.map(
        call("setIfAbsent", () =>
          (client.set as (...args: Array<unknown>) => Promise<unknown>)(
            prefix + key,
            JSON.stringify(value),
            ...ttlArgs(ttl),
            "NX"
          )
        ),
        (result) => result === "OK"
      ),
    remove: (key) => call("remove", () => client.del(prefix + key)).pipe(Effect.asVoid)
  })
}

/** A scoped layer: connects to `url` (redis://...), quits when released. */
export const SessionStoreRedis = (url: string, options: SessionStoreRedisOptions = {}): Layer.Layer<SessionStore> =>
  Layer.scoped(
    SessionStore,
    Effect.map(scopedRedis(url), (client) => makeSessionStoreRedis(client, options))
  )
