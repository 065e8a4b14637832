/**
 * Bonuses over the admin API on both database profiles: an admin grants one (a BONUS transaction, audited, the user
 * told in their language); the same key grants once; a non-positive amount is refused; a user cannot grant.
 */
import { HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { AuditFilter, AuditLog, CSRF_HEADER, GroupBuyApi, Kopecks, Ledger, Notifications } from "@groupbuy/core"
import { coreProfiles, insertUser } from "@groupbuy/core/testing"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { adminLogin, eventually } from "./utils/AppHarness.js"
import { TestServer, userClient } from "./utils/TestServer.js"

for (const profile of coreProfiles()) {
  /** A step that hangs fails with its name (a CI run once timed out in this test without saying where). */
  const step = <A, E, R>(name: string, effect: Effect.Effect<A, E, R>) =>
    Effect.timeoutFail(effect, { duration: "40 seconds", onTimeout: () => new Error(`bonus test: "${name}" hung`) })

  describe(`bonus API (${profile.name})`, () => {
    it.layer(TestServer(profile.layer), { timeout: "120 seconds" })((it) => {
      it.effect("an admin grants a bonus once per key; audited; the user is told", () =>
        Effect.gen(function* () {
          const anna = yield* insertUser({ firstName: "Анна", isAdmin: true })
          const gleb = yield* insertUser({ firstName: "Глеб" })
          const { cookie, csrfToken } = yield* step("admin login", adminLogin("", "bonus@example.com", anna))
          const admin = yield* HttpApiClient.make(GroupBuyApi, {
            transformClient: HttpClient.mapRequest(HttpClientRequest.setHeaders({ cookie, [CSRF_HEADER]: csrfToken }))
          })
          const grant = (amount: bigint, idempotencyKey?: string) =>
            admin.adminBonus.grantBonus({
              path: { id: gleb },
              payload: {
                amount: Kopecks.make(amount),
                reason: "за приглашённого друга",
                ...(idempotencyKey === undefined ? {} : { idempotencyKey })
              }
            })
          const first = yield* step("first grant", grant(10_000n, "invite-1"))
          assert.strictEqual(first.type, "BONUS")
          assert.strictEqual(first.amount, 10_000n)
          const again = yield* step("repeated grant", grant(10_000n, "invite-1"))
          assert.strictEqual(again.id, first.id)
          assert.strictEqual(yield* (yield* Ledger).balance(gleb), 10_000n)
          const zero = yield* step("zero grant", grant(0n).pipe(Effect.flip))
          assert.strictEqual(zero._tag, "InvalidInput")

          const notices = yield* step(
            "the notification",
            eventually(
              Effect.flatMap(Notifications, (n) => n.list(gleb, { offset: 0, limit: 20 })).pipe(
                Effect.map((page) => page.items.filter((item) => item.type === "BONUS_GRANTED")),
                Effect.filterOrFail(
                  (items) => items.length > 0,
                  () => new Error("no BONUS_GRANTED yet")
                )
              )
            )
          )
          assert.lengthOf(notices, 1)
          assert.strictEqual(notices[0]!.title, "Начислен бонус")
          assert.include(notices[0]!.body, "за приглашённого друга")

          const audit = yield* (yield* AuditLog).list(new AuditFilter({ targetType: "user", targetId: gleb }))
          assert.isTrue(audit.items.some((entry) => entry.action === "ledger.bonus"))

          const asGleb = yield* userClient(gleb)
          const self = yield* asGleb.adminBonus
            .grantBonus({ path: { id: gleb }, payload: { amount: Kopecks.make(1n), reason: "сам себе" } })
            .pipe(Effect.flip)
          assert.strictEqual(self._tag, "Unauthorized")
        })
      )
    })
  })
}
