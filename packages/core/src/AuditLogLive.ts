/** `AuditLog` over PostgreSQL: an append-only record of administrative actions, newest first. */
import { SqlClient } from "@effect/sql"
import { Effect, Layer, Schema } from "effect"
import { AuditFilter, AuditLog, type AuditSortColumn, RecordAudit } from "./AuditLog.js"
import { dateRange, orderBy } from "./internal/ListSql.js"
import { CountRow, decodeRows, orDie, parseJsonColumns, toJsonText } from "./internal/people/Sql.js"
import { AuditEntry } from "./Models.js"

const auditOrder: { readonly [K in AuditSortColumn]: string } = {
  createdAt: "created_at",
  action: "action",
  actorId: "actor_id",
  targetType: "target_type"
}

export const AuditLogLive = Layer.effect(
  AuditLog,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    // `details` is read as text: the client's name transform would otherwise rewrite the keys inside it
    const COLUMNS = sql.literal(
      "id, actor_id, actor_kind, action, target_type, target_id, details::text AS details, ip, created_at"
    )
    const entries = <E, R>(statement: Effect.Effect<ReadonlyArray<Record<string, unknown>>, E, R>) =>
      decodeRows(AuditEntry)(parseJsonColumns("details")(statement))

    const record = Effect.fn("AuditLog.record")(function* (entry: RecordAudit) {
      const valid = yield* Schema.decodeUnknown(RecordAudit)(entry)
      const details = yield* toJsonText(valid.details ?? {})
      const [row] = yield* entries(
        sql<Record<string, unknown>>`INSERT INTO audit_log (actor_id, actor_kind, action, target_type, target_id,
            details, ip)
          VALUES (${valid.actorId}, ${valid.actorKind}, ${valid.action}, ${valid.targetType ?? null},
            ${valid.targetId ?? null}, ${details}::jsonb, ${valid.ip ?? null})
          RETURNING ${COLUMNS}`
      )
      return row!
    }, orDie)

    const list = Effect.fn("AuditLog.list")(function* (filter: AuditFilter) {
      const f = yield* Schema.decodeUnknown(AuditFilter)(filter)
      const conditions = []
      if (f.actorId !== undefined) conditions.push(sql`actor_id = ${f.actorId}`)
      if (f.action !== undefined) conditions.push(sql`action = ${f.action}`)
      if (f.targetType !== undefined) conditions.push(sql`target_type = ${f.targetType}`)
      if (f.targetId !== undefined) conditions.push(sql`target_id = ${f.targetId}`)
      conditions.push(dateRange(sql, "created_at", f))
      const where = sql.and(conditions)
      const [count] = yield* decodeRows(CountRow)(sql`SELECT count(*)::int AS n FROM audit_log WHERE ${where}`)
      const items = yield* entries(
        sql<Record<string, unknown>>`SELECT ${COLUMNS} FROM audit_log WHERE ${where}
          ORDER BY ${orderBy(sql, f.sort, auditOrder, "created_at DESC, id DESC", "id DESC")}
          LIMIT ${f.limit} OFFSET ${f.offset}`
      )
      return { items, total: count?.n ?? 0, offset: f.offset, limit: f.limit }
    }, orDie)

    return AuditLog.of({ record, list })
  })
)
