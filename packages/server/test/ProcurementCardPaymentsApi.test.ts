/**
 * Procurement shares paid by card over HTTP on both database profiles, with the sandbox's two-step payments:
 * `POST /api/payments/` with type PROCUREMENT_PAYMENT, the provider's authorization (webhook, twice), the automatic
 * capture when the share may be paid and the automatic cancel when the participant leaves or the procurement is
 * cancelled, and the admin's audited capture and cancel.
 */
import { HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import {
  AuditFilter,
  AuditLog,
  Credit,
  CSRF_HEADER,
  GroupBuyApi,
  Kopecks,
  Ledger,
  OnBehalf,
  type PaymentId,
  Payments,
  type ProcurementId,
  Procurements,
  systemActor,
  type UserId,
  userActor
} from "@groupbuy/core"
import { coreProfiles, insertParticipant, insertProcurement, insertUser } from "@groupbuy/core/testing"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { SANDBOX_SIGNATURE_HEADER, sandboxSigner } from "../src/payments/SandboxProvider.js"
import { adminLogin } from "./utils/AppHarness.js"
import { testSettings, TestServer, userClient } from "./utils/TestServer.js"

const system = systemActor("test")

/** Sends a signed sandbox webhook about the payment. */
const webhook = (event: string, paymentId: PaymentId) =>
  Effect.gen(function* () {
    const body = JSON.stringify({ event, paymentId })
    const signer = sandboxSigner(testSettings().sandboxWebhookSecret)
    const response = yield* (yield* HttpClient.HttpClient).execute(
      HttpClientRequest.post("/api/payments/webhook/sandbox").pipe(
        HttpClientRequest.setHeader(SANDBOX_SIGNATURE_HEADER, signer.bodySignature(body)),
        HttpClientRequest.bodyText(body, "application/json")
      )
    )
    assert.strictEqual(response.status, 200)
  })

const statusOf = (id: PaymentId) => Effect.map(Payments, (p) => p.get(system, id)).pipe(Effect.flatten)

const participantStatus = (id: ProcurementId, user: UserId) =>
  Effect.flatMap(Procurements, (p) => p.participants(id)).pipe(
    Effect.map((rows) => rows.find((r) => r.participant.userId === user)?.participant.status)
  )

/** Polls (on the wall clock: the rules react on their own fiber) until the payment has the status. */
const until = (id: PaymentId, status: string) =>
  Effect.gen(function* () {
    for (let i = 0; i < 200; i++) {
      const payment = yield* statusOf(id)
      if (payment.status === status) return payment
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 50)))
    }
    return yield* Effect.dieMessage(`payment ${id} never became ${status}`)
  })

/** A procurement (100 ₽ a unit) and its buyer, with the buyer's participation in `status`. */
const joined = (status: "PENDING" | "CONFIRMED", procurementStatus: "ACTIVE" | "PAYMENT") =>
  Effect.gen(function* () {
    const organizer = yield* insertUser({ role: "organizer", firstName: "Ольга" })
    const buyer = yield* insertUser({ firstName: "Борис" })
    const id = yield* insertProcurement(organizer, { title: "Сыр", status: procurementStatus })
    const participant = yield* insertParticipant(id, buyer, status)
    return { organizer, buyer, id, participant, asBuyer: yield* userClient(buyer) }
  })

for (const profile of coreProfiles()) {
  describe(`procurement card payments over HTTP (${profile.name})`, () => {
    it.layer(TestServer(profile.layer), { timeout: "120 seconds" })((it) => {
      it.effect("POST /api/payments/ pays the share by card: authorized twice, captured once, participant PAID", () =>
        Effect.gen(function* () {
          const { asBuyer, buyer, id } = yield* joined("CONFIRMED", "PAYMENT")
          const started = yield* asBuyer.payments.createPayment({
            payload: { type: "PROCUREMENT_PAYMENT", procurementId: id, idempotencyKey: "tap-1" }
          })
          assert.strictEqual(started.payment.type, "PROCUREMENT_PAYMENT")
          assert.strictEqual(started.payment.status, "PENDING")
          assert.strictEqual(started.payment.amount, 10_000n)
          assert.isTrue(started.testMoney)
          assert.include(started.url ?? "", `/pay/sandbox/${started.payment.id}`)
          // a second tap, with another key, gets the same payment
          const again = yield* asBuyer.payments.createPayment({
            payload: { type: "PROCUREMENT_PAYMENT", procurementId: id, idempotencyKey: "tap-2" }
          })
          assert.strictEqual(again.payment.id, started.payment.id)
          // the provider authorizes; the share may be paid, so it is captured at once — and the webhook comes twice
          yield* webhook("payment.waiting_for_capture", started.payment.id)
          yield* webhook("payment.waiting_for_capture", started.payment.id)
          yield* webhook("payment.succeeded", started.payment.id)
          const paid = yield* statusOf(started.payment.id)
          assert.strictEqual(paid.status, "SUCCEEDED")
          assert.strictEqual(yield* participantStatus(id, buyer), "PAID")
          assert.strictEqual(yield* (yield* Ledger).balance(buyer), 0n)
          const rows = yield* asBuyer.payments.transactions({ path: { id: buyer }, urlParams: {} })
          assert.deepStrictEqual(rows.items.map((t) => [t.type, t.amount]).sort(), [
            ["DEPOSIT", 10_000n],
            ["PROCUREMENT_JOIN", -10_000n]
          ])
          const late = yield* asBuyer.payments
            .createPayment({ payload: { type: "PROCUREMENT_PAYMENT", procurementId: id } })
            .pipe(Effect.flip)
          assert.strictEqual(late._tag === "RuleViolation" && late.code, "pay.already-paid")
        })
      )

      it.effect("authorized while collecting: captured when the procurement reaches PAYMENT", () =>
        Effect.gen(function* () {
          const { asBuyer, buyer, id, organizer, participant } = yield* joined("PENDING", "ACTIVE")
          const started = yield* asBuyer.payments.createPayment({
            payload: { type: "PROCUREMENT_PAYMENT", procurementId: id }
          })
          // the payer presses Pay on the sandbox's page (twice): the card is authorized, the money held
          const url = new URL(started.url!)
          const http = yield* HttpClient.HttpClient
          const shown = yield* http.get(url.pathname + url.search)
          assert.include(yield* shown.text, "Оплата участия в закупке «Сыр»")
          const pay = http.execute(
            HttpClientRequest.post(url.pathname).pipe(
              HttpClientRequest.bodyUrlParams({ sig: url.searchParams.get("sig")!, action: "pay" })
            )
          )
          const paid = yield* pay
          assert.strictEqual(paid.status, 200)
          assert.include(yield* paid.text, "Сумма удержана на карте")
          // the second press authorizes nothing more and says the same
          const again = yield* pay
          assert.strictEqual(again.status, 200)
          assert.include(yield* again.text, "Сумма удержана на карте")
          assert.include(yield* (yield* http.get(url.pathname + url.search)).text, "Сумма удержана на карте")
          assert.strictEqual((yield* statusOf(started.payment.id)).status, "WAITING_FOR_CAPTURE")
          const procurements = yield* Procurements
          yield* procurements.confirmParticipant(userActor(organizer), participant)
          yield* procurements.setStatus(userActor(organizer), id, "STOPPED")
          assert.strictEqual((yield* statusOf(started.payment.id)).status, "WAITING_FOR_CAPTURE")
          yield* procurements.setStatus(userActor(organizer), id, "PAYMENT")
          yield* until(started.payment.id, "SUCCEEDED")
          assert.strictEqual(yield* participantStatus(id, buyer), "PAID")
          assert.strictEqual(yield* (yield* Ledger).balance(buyer), 0n)
        })
      )

      it.effect(
        "an open card payment is cancelled when the participant leaves, the procurement is cancelled, or the share is paid from the balance",
        () =>
          Effect.gen(function* () {
            const leaving = yield* joined("PENDING", "ACTIVE")
            const first = yield* leaving.asBuyer.payments.createPayment({
              payload: { type: "PROCUREMENT_PAYMENT", procurementId: leaving.id }
            })
            yield* webhook("payment.waiting_for_capture", first.payment.id)
            yield* (yield* Procurements).leave(leaving.buyer, leaving.id)
            yield* until(first.payment.id, "CANCELLED")

            const staying = yield* joined("CONFIRMED", "ACTIVE")
            const second = yield* staying.asBuyer.payments.createPayment({
              payload: { type: "PROCUREMENT_PAYMENT", procurementId: staying.id }
            })
            yield* webhook("payment.waiting_for_capture", second.payment.id)
            yield* (yield* Procurements).setStatus(userActor(staying.organizer), staying.id, "CANCELLED")
            yield* until(second.payment.id, "CANCELLED")
            // a capture reported after the cancel changes nothing
            yield* webhook("payment.succeeded", second.payment.id)
            assert.strictEqual((yield* statusOf(second.payment.id)).status, "CANCELLED")
            assert.strictEqual(yield* (yield* Ledger).balance(staying.buyer), 0n)
            assert.strictEqual(yield* (yield* Ledger).balance(leaving.buyer), 0n)

            // a card payment started, then the share paid from the balance: the card payment is cancelled
            const paying = yield* joined("CONFIRMED", "PAYMENT")
            const third = yield* paying.asBuyer.payments.createPayment({
              payload: { type: "PROCUREMENT_PAYMENT", procurementId: paying.id }
            })
            yield* (yield* Ledger).deposit(
              new Credit({
                userId: paying.buyer,
                amount: Kopecks.make(10_000n),
                idempotencyKey: `fund-${paying.buyer}`
              })
            )
            assert.strictEqual((yield* statusOf(third.payment.id)).status, "PENDING")
            yield* paying.asBuyer.procurements.pay({ path: { id: paying.id }, payload: new OnBehalf({}) })
            yield* until(third.payment.id, "CANCELLED")
            assert.strictEqual(yield* participantStatus(paying.id, paying.buyer), "PAID")
          })
      )

      it.effect("an admin captures or cancels an authorization; each change is audited once", () =>
        Effect.gen(function* () {
          const anna = yield* insertUser({ firstName: "Анна", isAdmin: true })
          const { cookie, csrfToken } = yield* adminLogin("", "payments@example.com", anna)
          const admin = yield* HttpApiClient.make(GroupBuyApi, {
            transformClient: HttpClient.mapRequest(HttpClientRequest.setHeaders({ cookie, [CSRF_HEADER]: csrfToken }))
          })
          const audited = (id: PaymentId, action: string) =>
            Effect.map(
              Effect.flatMap(AuditLog, (log) => log.list(new AuditFilter({ targetType: "payment", targetId: id }))),
              (page) => page.items.filter((e) => e.action === action).length
            )

          const one = yield* joined("CONFIRMED", "ACTIVE")
          const cancelled = yield* one.asBuyer.payments.createPayment({
            payload: { type: "PROCUREMENT_PAYMENT", procurementId: one.id }
          })
          yield* webhook("payment.waiting_for_capture", cancelled.payment.id)
          const c1 = yield* admin.adminPayments.cancelPayment({ path: { id: cancelled.payment.id } })
          assert.strictEqual(c1.status, "CANCELLED")
          yield* admin.adminPayments.cancelPayment({ path: { id: cancelled.payment.id } })
          assert.strictEqual(yield* audited(cancelled.payment.id, "payment.cancel"), 1)
          const refused = yield* admin.adminPayments
            .capturePayment({ path: { id: cancelled.payment.id } })
            .pipe(Effect.flip)
          assert.strictEqual(refused._tag, "IllegalTransition")
          assert.strictEqual(yield* participantStatus(one.id, one.buyer), "CONFIRMED")

          // the participant may pay again; the admin captures before the procurement reaches PAYMENT: the share
          // cannot be paid yet, so the captured money waits on the balance
          const captured = yield* one.asBuyer.payments.createPayment({
            payload: { type: "PROCUREMENT_PAYMENT", procurementId: one.id }
          })
          assert.notStrictEqual(captured.payment.id, cancelled.payment.id)
          yield* webhook("payment.waiting_for_capture", captured.payment.id)
          const k1 = yield* admin.adminPayments.capturePayment({ path: { id: captured.payment.id } })
          assert.strictEqual(k1.status, "SUCCEEDED")
          yield* admin.adminPayments.capturePayment({ path: { id: captured.payment.id } })
          assert.strictEqual(yield* audited(captured.payment.id, "payment.capture"), 1)
          assert.strictEqual(yield* (yield* Ledger).balance(one.buyer), 10_000n)

          // a user may not
          const self = yield* one.asBuyer.adminPayments
            .capturePayment({ path: { id: captured.payment.id } })
            .pipe(Effect.flip)
          assert.strictEqual(self._tag, "Unauthorized")
        })
      )

      it.effect("refusals: no procurement, no amount, not a participant, not yet payable by a one-step rule", () =>
        Effect.gen(function* () {
          const { asBuyer, id } = yield* joined("PENDING", "PAYMENT")
          const noProcurement = yield* asBuyer.payments
            .createPayment({ payload: { type: "PROCUREMENT_PAYMENT" } })
            .pipe(Effect.flip)
          assert.strictEqual(
            noProcurement._tag === "InvalidInput" && noProcurement.issues[0].code,
            "procurement.required"
          )
          const noAmount = yield* asBuyer.payments.createPayment({ payload: {} }).pipe(Effect.flip)
          assert.strictEqual(noAmount._tag === "InvalidInput" && noAmount.issues[0].code, "amount.required")
          const stranger = yield* userClient(yield* insertUser())
          const notJoined = yield* stranger.payments
            .createPayment({ payload: { type: "PROCUREMENT_PAYMENT", procurementId: id } })
            .pipe(Effect.flip)
          assert.strictEqual(notJoined._tag, "NotFound")
          // a deposit through the same path still works
          const deposit = yield* asBuyer.payments.createPayment({ payload: { amount: 50_000n as never } })
          assert.strictEqual(deposit.payment.type, "DEPOSIT")
        })
      )
    })
  })
}
