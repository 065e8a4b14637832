/**
 * Where the engine keeps per-chat state: the active flow's snapshot, the button payload table, pending prompts,
 * update de-duplication marks and each user's last chat per bot. Values are JSON. Three implementations pass one
 * contract suite: `SessionStoreMemory`, `SessionStoreRedis(url)` (ioredis) and `SessionStorePostgres` (over core's
 * `KeyValue`, so the router never touches SQL).
 */
import { Context, Data, type Duration, Effect, Option, Schema } from "effect"

/** The backing store failed (connection lost, ...). The engine answers with an apology and logs it. */
export class SessionStoreError extends Data.TaggedError("SessionStoreError")<{
  readonly operation: string
  readonly cause: unknown
}> {}

export interface SessionStoreService {
  /** The stored JSON value, or undefined when absent or expired. */
  readonly get: (key: string) => Effect.Effect<unknown, SessionStoreError>
  /** The values of several keys in one round trip, in the order of `keys` (undefined where absent or expired). */
  readonly getMany: (keys: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<unknown>, SessionStoreError>
  readonly set: (key: string, value: unknown, ttl?: Duration.DurationInput) => Effect.Effect<void, SessionStoreError>
  /** Stores only when the key is absent (or expired), atomically; true when this call stored it. */
  readonly setIfAbsent: (
    key: string,
    value: unknown,
    ttl?: Duration.DurationInput
  ) => Effect.Effect<boolean, SessionStoreError>
  readonly remove: (key: string) => Effect.Effect<void, SessionStoreError>
}

export class SessionStore extends Context.Tag("@groupbuy/router/SessionStore")<SessionStore, SessionStoreService>() {}

/** A view of the store for the values of one schema: nothing read is `unknown`, nothing written goes unencoded. */
export interface SchemaStore<A> {
  /** The stored value decoded, or none when absent, expired or unreadable (old or foreign data starts afresh). */
  readonly get: (key: string) => Effect.Effect<Option.Option<A>, SessionStoreError>
  readonly getMany: (keys: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<Option.Option<A>>, SessionStoreError>
  readonly set: (key: string, value: A, ttl?: Duration.DurationInput) => Effect.Effect<void, SessionStoreError>
}

/** The typed view of `store` for `schema` (as `@effect/platform`'s `KeyValueStore.forSchema`). */
export const forSchema = <A, I>(store: SessionStoreService, schema: Schema.Schema<A, I>): SchemaStore<A> => {
  const decode = Schema.decodeUnknownOption(schema)
  const encode = Schema.encode(schema)
  const read = (value: unknown) => (value === undefined ? Option.none() : decode(value))
  return {
    get: (key) => Effect.map(store.get(key), read),
    getMany: (keys) => Effect.map(store.getMany(keys), (values) => values.map(read)),
    set: (key, value, ttl) => Effect.flatMap(Effect.orDie(encode(value)), (encoded) => store.set(key, encoded, ttl))
  }
}
