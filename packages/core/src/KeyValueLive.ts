/**
 * `KeyValue` over the `kv_store` table. Values are JSON documents (jsonb), stored and read as text so the client's
 * snake_case/camelCase name transforms never touch their keys. Expiry is decided by Effect's `Clock`, so tests can
 * move time with `TestClock`.
 */
import { SqlClient } from "@effect/sql"
import { Clock, Duration, Effect, Layer, Schema } from "effect"
import { CountRow, decodeRows, orDie, parseJsonColumns, toJsonText } from "./internal/people/Sql.js"
import { KeyValue } from "./KeyValue.js"

const KeyRow = Schema.Struct({ key: Schema.String })

export const KeyValueLive = Layer.effect(
  KeyValue,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const now = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms))

    const expiry = (ttl: Duration.DurationInput | undefined) =>
      ttl === undefined
        ? Effect.succeed(null)
        : Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms + Duration.toMillis(Duration.decode(ttl))))

    const get = Effect.fn("KeyValue.get")(function* (namespace: string, key: string) {
      const at = yield* now
      const rows = yield* parseJsonColumns("value")(
        sql<Record<string, unknown>>`SELECT value::text AS value FROM kv_store
          WHERE namespace = ${namespace} AND key = ${key} AND (expires_at IS NULL OR expires_at > ${at})`
      )
      return rows[0]?.value
    }, orDie)

    const getMany = Effect.fn("KeyValue.getMany")(function* (namespace: string, keys: ReadonlyArray<string>) {
      if (keys.length === 0) return []
      const at = yield* now
      const rows = yield* parseJsonColumns("value")(
        sql<Record<string, unknown>>`SELECT key, value::text AS value FROM kv_store
          WHERE namespace = ${namespace} AND key IN ${sql.in(keys)} AND (expires_at IS NULL OR expires_at > ${at})`
      )
      const byKey = new Map(rows.map((row) => [String(row.key), row.value]))
      return keys.map((key) => byKey.get(key))
    }, orDie)

    /** Writes the entry; with `replaceExpiredAt`, an existing entry is replaced only if it had expired by then. */
    const upsert = (
      namespace: string,
      key: string,
      value: unknown,
      ttl: Duration.DurationInput | undefined,
      replaceExpiredAt?: Date
    ) =>
      Effect.gen(function* () {
        const json = yield* toJsonText(value)
        const expiresAt = yield* expiry(ttl)
        const onlyExpired =
          replaceExpiredAt === undefined
            ? sql.literal("")
            : sql`WHERE kv_store.expires_at IS NOT NULL AND kv_store.expires_at <= ${replaceExpiredAt}`
        // One statement: a concurrent writer of the same key waits on the row and then sees it present.
        return yield* sql`INSERT INTO kv_store (namespace, key, value, expires_at, updated_at)
          VALUES (${namespace}, ${key}, ${json}::jsonb, ${expiresAt}, now())
          ON CONFLICT (namespace, key) DO UPDATE
            SET value = excluded.value, expires_at = excluded.expires_at, updated_at = excluded.updated_at
            ${onlyExpired}
          RETURNING 1 AS stored`
      })

    const set = Effect.fn("KeyValue.set")(function* (
      namespace: string,
      key: string,
      value: unknown,
      ttl?: Duration.DurationInput
    ) {
      yield* upsert(namespace, key, value, ttl)
    }, orDie)

    const setIfAbsent = Effect.fn("KeyValue.setIfAbsent")(function* (
      namespace: string,
      key: string,
      value: unknown,
      ttl?: Duration.DurationInput
    ) {
      const stored = yield* upsert(namespace, key, value, ttl, yield* now)
      return stored.length > 0
    }, orDie)

    const remove = (namespace: string, key: string) =>
      sql`DELETE FROM kv_store WHERE namespace = ${namespace} AND key = ${key}`.pipe(Effect.asVoid, orDie)

    const keys = Effect.fn("KeyValue.keys")(function* (namespace: string, prefix?: string) {
      const at = yield* now
      const rows = yield* decodeRows(KeyRow)(
        sql`SELECT key FROM kv_store WHERE namespace = ${namespace}
              AND starts_with(key, ${prefix ?? ""})
              AND (expires_at IS NULL OR expires_at > ${at})
            ORDER BY key`
      )
      return rows.map((row) => row.key)
    }, orDie)

    const sweep = Effect.fn("KeyValue.sweep")(function* () {
      const at = yield* now
      const [row] = yield* decodeRows(CountRow)(
        sql`WITH swept AS (DELETE FROM kv_store WHERE expires_at IS NOT NULL AND expires_at <= ${at} RETURNING 1)
            SELECT count(*)::int AS n FROM swept`
      )
      return row?.n ?? 0
    }, orDie)

    return KeyValue.of({ get, getMany, set, setIfAbsent, remove, keys, sweep })
  })
)
