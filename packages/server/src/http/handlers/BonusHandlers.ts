/** `adminBonus` group: an admin grants a bonus (a BONUS ledger transaction), audited; core tells the user. */
import { HttpApiBuilder } from "@effect/platform"
import { Adjustment, AuditLog, CurrentAdmin, GroupBuyApi, InvalidInput, Ledger, RecordAudit } from "@groupbuy/core"
import { Effect } from "effect"
import { clientAddress } from "../ClientAddress.js"

export const AdminBonusHandlers = HttpApiBuilder.group(GroupBuyApi, "adminBonus", (handlers) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    const auditLog = yield* AuditLog
    return handlers.handle("grantBonus", ({ path, payload }) =>
      Effect.gen(function* () {
        const admin = yield* CurrentAdmin
        // a bonus gives; taking money back is a correction (POST /admin/users/{id}/balance)
        if (payload.amount <= 0n)
          return yield* InvalidInput.single(
            "amount",
            "amount.not-positive",
            "The amount must be greater than zero",
            "Сумма должна быть больше нуля"
          )
        const transaction = yield* (
          ledger
            .adjust(
              new Adjustment({
                userId: path.id,
                amount: payload.amount,
                type: "BONUS",
                reason: payload.reason,
                createdBy: admin.userId,
                ...(payload.idempotencyKey === undefined ? {} : { idempotencyKey: `bonus:${payload.idempotencyKey}` })
              })
            )
            // a credit never lacks funds
            .pipe(Effect.catchTag("InsufficientFunds", (e) => Effect.die(e)))
        )
        yield* auditLog.record(
          new RecordAudit({
            actorId: admin.id,
            actorKind: "admin",
            action: "ledger.bonus",
            targetType: "user",
            targetId: path.id,
            details: {
              amount: payload.amount.toString(),
              reason: payload.reason,
              transactionId: transaction.id,
              adminEmail: admin.email
            },
            ip: yield* clientAddress
          })
        )
        return transaction
      })
    )
  })
)
