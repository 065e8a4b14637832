/** The audit log of administrative actions. */
import { Context, type Effect, Schema } from "effect"
import type { Page } from "./Common.js"
import { PageRequest } from "./Common.js"
import type { AuditEntry } from "./Models.js"
import { ActorKind } from "./Models.js"

export class RecordAudit extends Schema.Class<RecordAudit>("RecordAudit")({
  actorId: Schema.NullOr(Schema.String),
  actorKind: ActorKind,
  action: Schema.NonEmptyTrimmedString,
  targetType: Schema.optional(Schema.NullOr(Schema.String)),
  targetId: Schema.optional(Schema.NullOr(Schema.String)),
  details: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  ip: Schema.optional(Schema.NullOr(Schema.String))
}) {}

export class AuditFilter extends Schema.Class<AuditFilter>("AuditFilter")({
  ...PageRequest.fields,
  actorId: Schema.optional(Schema.String),
  action: Schema.optional(Schema.String),
  targetType: Schema.optional(Schema.String),
  targetId: Schema.optional(Schema.String)
}) {}

export interface AuditLogService {
  readonly record: (entry: RecordAudit) => Effect.Effect<AuditEntry>
  readonly list: (filter: AuditFilter) => Effect.Effect<Page<AuditEntry>>
}

export class AuditLog extends Context.Tag("@groupbuy/core/AuditLog")<AuditLog, AuditLogService>() {}
