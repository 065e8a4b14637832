import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { randomUUID } from "node:crypto"
import { AuditFilter, AuditLog, RecordAudit } from "../src/AuditLog.js"
import { AuditLogLive } from "../src/AuditLogLive.js"
import { databaseProfiles } from "../src/testing/index.js"

for (const profile of databaseProfiles()) {
  describe(`AuditLog (${profile.name})`, () => {
    it.layer(Layer.fresh(AuditLogLive).pipe(Layer.provideMerge(profile.layer)), { timeout: "120 seconds" })((it) => {
      it.effect("records entries with details kept verbatim, for any kind of actor", () =>
        Effect.gen(function* () {
          const audit = yield* AuditLog
          const admin = randomUUID()
          const entry = yield* audit.record(
            RecordAudit.make({
              actorId: admin,
              actorKind: "admin",
              action: "user.set_active",
              targetType: "user",
              targetId: "u-1",
              details: { is_active: false, reason_text: "спам" },
              ip: "127.0.0.1"
            })
          )
          assert.strictEqual(entry.actorId, admin)
          assert.deepStrictEqual(entry.details, { is_active: false, reason_text: "спам" })
          assert.strictEqual(entry.ip, "127.0.0.1")
          const service = yield* audit.record(
            RecordAudit.make({ actorId: "sandbox-webhook", actorKind: "service", action: "payment.settled" })
          )
          assert.strictEqual(service.actorId, "sandbox-webhook")
          assert.deepStrictEqual(service.details, {})
          assert.isNull(service.targetType)
          const system = yield* audit.record(RecordAudit.make({ actorId: null, actorKind: "system", action: "sweep" }))
          assert.isNull(system.actorId)
          const invalid = yield* audit
            .record({ actorId: null, actorKind: "robot", action: "x" } as never)
            .pipe(Effect.exit)
          assert.strictEqual(invalid._tag, "Failure")
        })
      )

      it.effect("lists newest first, filtered by actor, action and target, with totals", () =>
        Effect.gen(function* () {
          const audit = yield* AuditLog
          const admin = randomUUID()
          const target = randomUUID()
          for (const action of ["ledger.adjust", "user.set_admin", "ledger.adjust"]) {
            yield* audit.record(
              RecordAudit.make({ actorId: admin, actorKind: "admin", action, targetType: "user", targetId: target })
            )
          }
          yield* audit.record(
            RecordAudit.make({ actorId: randomUUID(), actorKind: "admin", action: "ledger.adjust", targetId: target })
          )
          const mine = yield* audit.list(AuditFilter.make({ actorId: admin }))
          assert.strictEqual(mine.total, 3)
          assert.deepStrictEqual(
            mine.items.map((e) => e.action),
            ["ledger.adjust", "user.set_admin", "ledger.adjust"]
          )
          const adjustments = yield* audit.list(AuditFilter.make({ action: "ledger.adjust", targetId: target }))
          assert.strictEqual(adjustments.total, 3)
          const typed = yield* audit.list(
            AuditFilter.make({ action: "ledger.adjust", targetType: "user", targetId: target, limit: 1, offset: 1 })
          )
          assert.strictEqual(typed.total, 2)
          assert.strictEqual(typed.items.length, 1)
          assert.strictEqual(typed.limit, 1)
          assert.strictEqual((yield* audit.list(AuditFilter.make({ actorId: "nobody" }))).total, 0)
        })
      )
    })
  })
}
