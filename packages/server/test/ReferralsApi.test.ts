/**
 * Referral rewards on the whole server, on both database profiles: an admin sets the reward (audited, refused out of
 * range, a user may not); a referred person's first deposit — paid through the sandbox's webhook — gives the referrer
 * the bonus once, and the referrer is told, in their language, whose payment earned it; the referrer reads their link
 * and what it brought.
 */
import { HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import {
  AuditFilter,
  AuditLog,
  CSRF_HEADER,
  GroupBuyApi,
  kopecks,
  Kopecks,
  Ledger,
  Notifications,
  Referrals
} from "@groupbuy/core"
import { coreProfiles, insertUser } from "@groupbuy/core/testing"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { SANDBOX_SIGNATURE_HEADER, sandboxSigner } from "../src/payments/SandboxProvider.js"
import { adminLogin } from "./utils/AppHarness.js"
import { testSettings, TestServer, userClient } from "./utils/TestServer.js"

/** Polls on the wall clock (the dispatcher writes notifications on its own fiber). */
const poll = <A, E, R>(check: Effect.Effect<A, E, R>, ok: (a: A) => boolean) =>
  Effect.gen(function* () {
    for (let i = 0; i < 200; i++) {
      const value = yield* check
      if (ok(value)) return value
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 50)))
    }
    return yield* Effect.dieMessage("the expected state was never reached")
  })

for (const profile of coreProfiles()) {
  describe(`referral rewards over HTTP (${profile.name})`, () => {
    it.layer(TestServer(profile.layer), { timeout: "120 seconds" })((it) => {
      it.effect("an admin sets the reward; a referred person's first deposit rewards the referrer once, told", () =>
        Effect.gen(function* () {
          const root = yield* insertUser({ firstName: "Рита", isAdmin: true })
          const { cookie, csrfToken } = yield* adminLogin("", "referrals@example.com", root)
          const admin = yield* HttpApiClient.make(GroupBuyApi, {
            transformClient: HttpClient.mapRequest(HttpClientRequest.setHeaders({ cookie, [CSRF_HEADER]: csrfToken }))
          })
          const set = yield* admin.adminReferrals.setReferralSettings({ payload: { reward: Kopecks.make(25_000n) } })
          assert.strictEqual(set.reward, 25_000n)
          yield* admin.adminReferrals.setReferralSettings({ payload: { reward: Kopecks.make(25_000n) } })
          assert.strictEqual((yield* admin.adminReferrals.referralSettings()).reward, 25_000n)
          const audit = yield* (yield* AuditLog).list(new AuditFilter({ targetType: "referral_settings" }))
          assert.strictEqual(audit.items.filter((e) => e.action === "referral.settings").length, 1)
          const tooMuch = yield* admin.adminReferrals
            .setReferralSettings({ payload: { reward: Kopecks.make(1_000_001n) } })
            .pipe(Effect.flip)
          assert.strictEqual(tooMuch._tag === "InvalidInput" && tooMuch.issues[0].code, "referral.reward-range")

          const anna = yield* insertUser({ firstName: "Анна" })
          const boris = yield* insertUser({ firstName: "Борис" })
          assert.isTrue(yield* (yield* Referrals).record(boris, anna))
          const asBoris = yield* userClient(boris)
          const signer = sandboxSigner(testSettings().sandboxWebhookSecret)
          const http = yield* HttpClient.HttpClient
          const pay = (amount: number) =>
            Effect.gen(function* () {
              const deposit = yield* asBoris.payments.createDeposit({ payload: { amount: kopecks(amount) } })
              const body = JSON.stringify({ event: "payment.succeeded", paymentId: deposit.payment.id })
              for (let i = 0; i < 2; i++)
                yield* http.execute(
                  HttpClientRequest.post("/api/payments/webhook/sandbox").pipe(
                    HttpClientRequest.setHeader(SANDBOX_SIGNATURE_HEADER, signer.bodySignature(body)),
                    HttpClientRequest.bodyText(body, "application/json")
                  )
                )
            })
          yield* pay(100_000)
          yield* pay(50_000)
          assert.strictEqual(yield* (yield* Ledger).balance(anna), 25_000n)
          assert.strictEqual(yield* (yield* Ledger).balance(boris), 150_000n)
          const told = yield* poll(
            Effect.map(
              Effect.flatMap(Notifications, (n) => n.list(anna, { offset: 0, limit: 20 })),
              (page) => page.items.filter((n) => n.type === "BONUS_GRANTED")
            ),
            (items) => items.length > 0
          )
          assert.lengthOf(told, 1)
          assert.include(told[0]!.body, "за приглашённого друга: Борис сделал(а) первую оплату")

          const asAnna = yield* userClient(anna)
          const self = yield* asAnna.adminReferrals.referralSettings().pipe(Effect.flip)
          assert.strictEqual(self._tag, "Unauthorized")

          // the inviter reads their link and what it brought; another person may not
          const mine = yield* asAnna.referrals.referralSummary({ path: { id: anna } })
          assert.deepStrictEqual(mine, { payload: `ref_${anna}`, invited: 1, paid: 1, earned: Kopecks.make(25_000n) })
          const theirs = yield* asBoris.referrals.referralSummary({ path: { id: anna } }).pipe(Effect.flip)
          assert.strictEqual(theirs._tag, "Forbidden")
        })
      )
    })
  })
}
