/**
 * A small namespaced key/value store with expiry, kept in PostgreSQL (`kv_store`). The router's PostgreSQL session
 * store, update de-duplication, button payload tables and WhatsApp auth state are built on it.
 */
import { Context, type Duration, type Effect } from "effect"

export interface KeyValueService {
  readonly get: (namespace: string, key: string) => Effect.Effect<unknown | undefined>
  /** The values of several keys in one read, in the order of `keys` (undefined where absent or expired). */
  readonly getMany: (namespace: string, keys: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<unknown>>
  readonly set: (namespace: string, key: string, value: unknown, ttl?: Duration.DurationInput) => Effect.Effect<void>
  /** Atomically stores the value only when the key is absent (or expired); true when this call stored it. */
  readonly setIfAbsent: (
    namespace: string,
    key: string,
    value: unknown,
    ttl?: Duration.DurationInput
  ) => Effect.Effect<boolean>
  readonly remove: (namespace: string, key: string) => Effect.Effect<void>
  /** Every live key of a namespace with the given prefix. */
  readonly keys: (namespace: string, prefix?: string) => Effect.Effect<ReadonlyArray<string>>
  /** Deletes expired rows; returns how many. */
  readonly sweep: () => Effect.Effect<number>
}

export class KeyValue extends Context.Tag("@groupbuy/core/KeyValue")<KeyValue, KeyValueService>() {}
