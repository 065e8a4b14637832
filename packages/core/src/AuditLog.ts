/** The audit log of administrative actions. */
import { Context, type Effect, Schema } from "effect"
import type { Page } from "./Common.js"
import { PageRequest } from "./Common.js"
import type { AuditEntry } from "./Models.js"
import { ActorKind } from "./Models.js"
import { SortOrder } from "./SortOrder.js"

export class RecordAudit extends Schema.Class<RecordAudit>("RecordAudit")({
  actorId: Schema.NullOr(Schema.String),
  actorKind: ActorKind,
  action: Schema.NonEmptyTrimmedString,
  targetType: Schema.optional(Schema.NullOr(Schema.String)),
  targetId: Schema.optional(Schema.NullOr(Schema.String)),
  details: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  ip: Schema.optional(Schema.NullOr(Schema.String))
}) {}

/** The columns an admin may order the audit log by. */
export const AuditSortColumn = Schema.Literal("createdAt", "action", "actorId", "targetType")
export type AuditSortColumn = typeof AuditSortColumn.Type

export class AuditFilter extends Schema.Class<AuditFilter>("AuditFilter")({
  ...PageRequest.fields,
  actorId: Schema.optional(Schema.String),
  action: Schema.optional(Schema.String),
  targetType: Schema.optional(Schema.String),
  targetId: Schema.optional(Schema.String),
  sort: Schema.optional(SortOrder(AuditSortColumn)),
  /** recorded at or after */
  from: Schema.optional(Schema.DateFromSelf),
  /** recorded at or before (to the millisecond) */
  to: Schema.optional(Schema.DateFromSelf)
}) {}

export interface AuditLogService {
  readonly record: (entry: RecordAudit) => Effect.Effect<AuditEntry>
  readonly list: (filter: AuditFilter) => Effect.Effect<Page<AuditEntry>>
}

export class AuditLog extends Context.Tag("@groupbuy/core/AuditLog")<AuditLog, AuditLogService>() {}
