/**
 * What happens on its own to card payments of procurement shares (PROCUREMENT_PAYMENT), driven by domain events:
 * - an authorized payment (WAITING_FOR_CAPTURE) is captured when its share may be paid: `PaymentRequired` says the
 *   procurement reached PAYMENT with the participant confirmed, or the participant was confirmed during PAYMENT (an
 *   authorization that arrives when the share may already be paid is captured at once by `Deposits.authorized`);
 * - open payments (PENDING or WAITING_FOR_CAPTURE) are cancelled, so nothing is charged, when their participant leaves,
 *   when the procurement is cancelled or completed without them, and when the share was paid otherwise (from the
 *   balance: its `BalanceChanged` makes the payer's open card payments be checked against their shares).
 * Each action is idempotent (a capture or cancel done already changes nothing), so a repeated event is harmless.
 */
import { DomainEvents, type Payment, Payments, type ProcurementId, Procurements, type UserId } from "@groupbuy/core"
import { Effect, Layer, Stream } from "effect"
import { Deposits } from "./Deposits.js"

export const CardPaymentRulesLive = Layer.scopedDiscard(
  Effect.gen(function* () {
    const events = yield* DomainEvents
    const payments = yield* Payments
    const deposits = yield* Deposits
    const procurements = yield* Procurements

    /** The payer's open card payments whose share is no longer to be paid (paid from the balance, or left). */
    const cancelSettledOtherwise = (userId: UserId) =>
      Effect.flatMap(payments.openOfUser(userId), (open) =>
        Effect.forEach(
          open,
          (payment) =>
            Effect.gen(function* () {
              if (payment.procurementId === null) return
              const rows = yield* procurements.participants(payment.procurementId)
              const share = rows.find((r) => r.participant.userId === userId && r.participant.status !== "CANCELLED")
              if (
                share === undefined ||
                share.participant.status === "PAID" ||
                share.participant.status === "DELIVERED"
              )
                yield* deposits.cancel(payment.id)
            }).pipe(
              Effect.catchAll((e) =>
                Effect.logWarning("card payments: an automatic cancel failed", { paymentId: payment.id, error: e._tag })
              )
            ),
          { discard: true }
        )
      )

    const each = (
      procurementId: ProcurementId,
      userId: UserId | undefined,
      act: (payment: Payment) => Effect.Effect<unknown, { readonly _tag: string }>
    ) =>
      Effect.flatMap(payments.openForProcurement(procurementId, userId), (found) =>
        Effect.forEach(
          found,
          (payment) =>
            act(payment).pipe(
              Effect.catchAll((e) =>
                Effect.logWarning("card payments: an automatic capture or cancel failed", {
                  paymentId: payment.id,
                  error: e._tag
                })
              )
            ),
          { discard: true }
        )
      )

    const stream = yield* events.subscribe
    yield* Stream.runForEach(stream, (event) => {
      switch (event._tag) {
        case "PaymentRequired":
          return each(event.procurementId, event.userId, (p) =>
            p.status === "WAITING_FOR_CAPTURE" ? deposits.capture(p.id) : Effect.void
          )
        case "ParticipantLeft":
          return each(event.procurementId, event.userId, (p) => deposits.cancel(p.id))
        case "BalanceChanged":
          return cancelSettledOtherwise(event.userId)
        case "ProcurementStatusChanged":
          return event.to === "CANCELLED" || event.to === "COMPLETED"
            ? each(event.procurementId, undefined, (p) => deposits.cancel(p.id))
            : Effect.void
        default:
          return Effect.void
      }
    }).pipe(
      Effect.catchAllCause((cause) => Effect.logError("card payments: the rules stopped", cause)),
      Effect.forkScoped
    )
  })
)
