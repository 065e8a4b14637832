/**
 * How a deposit (or a procurement share paid by card) gets a payment link. The server implements it over its payment
 * providers (sandbox, bank); the router only asks and shows the link or the transfer instructions.
 * `PaymentGatewayTest` creates the payment in core and returns a fake local URL.
 */
import {
  CreateDeposit,
  CreateProcurementPayment,
  type InvalidInput,
  kopecks,
  type NotFound,
  type Payment,
  Payments,
  type ProcurementId,
  type RuleViolation,
  type UserId
} from "@groupbuy/core"
import { Context, Effect, Layer } from "effect"

export interface DepositLink {
  readonly paymentId: string
  /** where the payer goes, or null when paying by the instructions */
  readonly url: string | null
  readonly instructions: string | null
  /** the gateway is a test one (a sandbox): the reply that offers the payment says it is test money */
  readonly testMoney: boolean
}

export interface PaymentGatewayService {
  /** A pending deposit of `amount` kopecks for the user. */
  readonly createDeposit: (userId: UserId, amount: bigint) => Effect.Effect<DepositLink, InvalidInput | NotFound>
  /**
   * A card payment of the user's share of the procurement (where paying from the balance is open); absent where the
   * provider takes no card payments, and then the bot offers none.
   */
  readonly payShare?: (
    userId: UserId,
    procurementId: ProcurementId
  ) => Effect.Effect<DepositLink, InvalidInput | NotFound | RuleViolation>
}

export class PaymentGateway extends Context.Tag("@groupbuy/router/PaymentGateway")<
  PaymentGateway,
  PaymentGatewayService
>() {}

/**
 * For tests and demos: a core payment with provider "test" and a URL on 127.0.0.1 that nothing serves; `testMoney`
 * makes it present itself as a test gateway (as the server's sandbox does). Shares are paid by card in one step
 * (unless `cardPayments` is false).
 */
export const paymentGatewayTest = (
  options: { readonly testMoney?: boolean; readonly cardPayments?: boolean } = {}
): Layer.Layer<PaymentGateway, never, Payments> =>
  Layer.effect(
    PaymentGateway,
    Effect.gen(function* () {
      const payments = yield* Payments
      let counter = 0
      const link = (payment: Payment) =>
        Effect.gen(function* () {
          const url = `http://127.0.0.1/pay/${payment.id}`
          yield* payments.attachProvider(payment.id, `test-${payment.id}`, url)
          return { paymentId: payment.id, url, instructions: null, testMoney: options.testMoney === true }
        })
      const payShare = (userId: UserId, procurementId: ProcurementId) =>
        Effect.flatMap(
          payments.createProcurementPayment(
            new CreateProcurementPayment({
              userId,
              procurementId,
              provider: "test",
              idempotencyKey: `test-share-${userId}-${++counter}`
            })
          ),
          link
        )
      return PaymentGateway.of({
        ...(options.cardPayments === false ? {} : { payShare }),
        createDeposit: (userId, amount) =>
          Effect.gen(function* () {
            counter += 1
            const payment = yield* payments.createDeposit(
              new CreateDeposit({
                userId,
                amount: kopecks(amount),
                provider: "test",
                idempotencyKey: `test-${userId}-${counter}`
              })
            )
            return yield* link(payment)
          })
      })
    })
  )

export const PaymentGatewayTest = paymentGatewayTest()
