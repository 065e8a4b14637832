/** The admin API's audit trail: what the signed-in administrator of the current request did, and from where. */
import { AuditLog, CurrentAdmin, RecordAudit } from "@groupbuy/core"
import { Effect } from "effect"
import { clientAddress } from "../http/ClientAddress.js"

/** Records an action of the current admin (their id and e-mail, the client's address) in the audit log. */
export const auditAdminAction = (
  action: string,
  targetType: string | null,
  targetId: string | null,
  details: Record<string, unknown> = {}
) =>
  Effect.gen(function* () {
    const admin = yield* CurrentAdmin
    const auditLog = yield* AuditLog
    yield* auditLog.record(
      new RecordAudit({
        actorId: admin.id,
        actorKind: "admin",
        action,
        targetType,
        targetId,
        details: { ...details, adminEmail: admin.email },
        ip: yield* clientAddress
      })
    )
  })
