/**
 * Deposits over the configured payment provider: the core payment record first (idempotent by key), then the
 * provider's link or instructions; refunds; verified webhooks applied so that repeats and stale deliveries change
 * nothing twice. Procurement shares paid by card (PROCUREMENT_PAYMENT) go the same way; with a provider that
 * authorizes first, an authorized share is captured at once when it may be paid (the procurement is in PAYMENT and
 * the participant confirmed), otherwise later by `CardPaymentRules` or an admin. Also the router's `PaymentGateway`.
 */
import {
  CreateDeposit,
  CreateProcurementPayment,
  type DepositCreated,
  type Forbidden,
  IllegalTransition,
  type InvalidInput,
  kopecks,
  type NotFound,
  type Payment,
  type PaymentId,
  Payments,
  type ProcurementId,
  ProviderUnavailable,
  RuleViolation,
  systemActor,
  type UserId,
  Users
} from "@groupbuy/core"
import { type DepositLink, PaymentGateway } from "@groupbuy/router"
import { Context, Data, Effect, Layer } from "effect"
import { randomUUID } from "node:crypto"
import { PaymentProvider, type ProviderError, type WebhookRejected } from "./PaymentProvider.js"

export interface DepositsService {
  readonly create: (
    userId: UserId,
    amount: bigint,
    idempotencyKey?: string
  ) => Effect.Effect<DepositCreated, InvalidInput | NotFound | ProviderUnavailable>
  readonly refund: (
    id: PaymentId
  ) => Effect.Effect<Payment, NotFound | IllegalTransition | InvalidInput | Forbidden | ProviderUnavailable>
  /**
   * Starts paying the user's share of a procurement by card; the same key (or a payment of the share still open)
   * gives the same payment. `payment.card-unavailable` where the provider takes no card payments.
   */
  readonly payShare: (
    userId: UserId,
    procurementId: ProcurementId,
    idempotencyKey?: string
  ) => Effect.Effect<DepositCreated, InvalidInput | NotFound | RuleViolation | ProviderUnavailable>
  /** The provider authorized a payment: WAITING_FOR_CAPTURE, and captured at once when its share may be paid. */
  readonly authorized: (
    id: PaymentId
  ) => Effect.Effect<Payment, NotFound | IllegalTransition | Forbidden | ProviderUnavailable>
  /** Captures an authorized payment with the provider, then settles it; `changed` is false when it was captured. */
  readonly capture: (
    id: PaymentId
  ) => Effect.Effect<
    { readonly payment: Payment; readonly changed: boolean },
    NotFound | IllegalTransition | Forbidden | ProviderUnavailable
  >
  /** Cancels an open payment (an authorization is released, nothing is settled); `changed` is false when it was. */
  readonly cancel: (
    id: PaymentId
  ) => Effect.Effect<
    { readonly payment: Payment; readonly changed: boolean },
    NotFound | IllegalTransition | Forbidden | ProviderUnavailable
  >
  /** Verifies and applies a provider's webhook; `NotFound` for a provider that is not configured. */
  readonly applyWebhook: (
    provider: string,
    headers: Readonly<Record<string, string | undefined>>,
    body: Uint8Array
  ) => Effect.Effect<number, WebhookRejected | UnknownProvider>
  readonly providerName: string
  /** the provider takes card payments of procurement shares */
  readonly cardPayments: boolean
}

/** A webhook for a provider this server does not run. */
export class UnknownProvider extends Data.TaggedError("UnknownProvider")<{ readonly provider: string }> {}

export class Deposits extends Context.Tag("@groupbuy/server/Deposits")<Deposits, DepositsService>() {}

const unavailable = (e: ProviderError) => new ProviderUnavailable({ provider: e.provider, reason: e.message })

export const DepositsLive = Layer.effect(
  Deposits,
  Effect.gen(function* () {
    const payments = yield* Payments
    const users = yield* Users
    const provider = yield* PaymentProvider
    const system = systemActor("payments")

    const languageOf = (userId: UserId) =>
      users.get(userId).pipe(
        Effect.map((u) => u.language),
        Effect.orElseSucceed(() => "ru" as const)
      )

    /** The provider's link or instructions for a recorded payment, in the payer's own language. */
    const start = (payment: Payment) =>
      Effect.gen(function* () {
        const started = yield* provider
          .startDeposit(payment, yield* languageOf(payment.userId))
          .pipe(Effect.mapError(unavailable))
        const attached =
          started.providerPaymentId !== null && payment.providerPaymentId === null
            ? yield* payments.attachProvider(payment.id, started.providerPaymentId, started.url)
            : payment
        return {
          payment: attached,
          url: started.url,
          instructions: started.instructions,
          testMoney: provider.testMoney
        }
      })

    const create: DepositsService["create"] = (userId, amount, idempotencyKey) =>
      Effect.gen(function* () {
        const payment = yield* payments.createDeposit(
          new CreateDeposit({
            userId,
            amount: kopecks(amount),
            provider: provider.name,
            idempotencyKey: idempotencyKey ? `deposit:${userId}:${idempotencyKey}` : `deposit:${randomUUID()}`
          })
        )
        return yield* start(payment)
      }).pipe(Effect.withSpan("Deposits.create"))

    const payShare: DepositsService["payShare"] = (userId, procurementId, idempotencyKey) =>
      Effect.gen(function* () {
        if (!provider.cardPayments)
          return yield* new RuleViolation({
            code: "payment.card-unavailable",
            en: "Paying a procurement by card is not available here: top up the balance and pay from it",
            ru: "Оплата закупки картой здесь недоступна: пополните баланс и оплатите с него",
            params: {}
          })
        const payment = yield* payments.createProcurementPayment(
          new CreateProcurementPayment({
            userId,
            procurementId,
            provider: provider.name,
            idempotencyKey: idempotencyKey ? `share:${userId}:${idempotencyKey}` : `share:${randomUUID()}`,
            authorizeFirst: provider.authorizesFirst
          })
        )
        return yield* start(payment)
      }).pipe(Effect.withSpan("Deposits.payShare"))

    const capture: DepositsService["capture"] = (id) =>
      Effect.gen(function* () {
        const payment = yield* payments.get(system, id)
        if (payment.status === "SUCCEEDED") return { payment, changed: false }
        if (payment.status !== "WAITING_FOR_CAPTURE")
          return yield* new IllegalTransition({ entity: "payment", from: payment.status, to: "SUCCEEDED" })
        yield* provider.capture(payment).pipe(Effect.mapError(unavailable))
        const captured = yield* payments.capture(id)
        return { payment: captured.payment, changed: captured.credited }
      }).pipe(Effect.withSpan("Deposits.capture"))

    const cancel: DepositsService["cancel"] = (id) =>
      Effect.gen(function* () {
        const payment = yield* payments.get(system, id)
        if (payment.status === "CANCELLED") return { payment, changed: false }
        if (payment.status !== "PENDING" && payment.status !== "WAITING_FOR_CAPTURE")
          return yield* new IllegalTransition({ entity: "payment", from: payment.status, to: "CANCELLED" })
        yield* provider.cancelAuthorization(payment).pipe(Effect.mapError(unavailable))
        return { payment: yield* payments.cancel(id), changed: true }
      }).pipe(Effect.withSpan("Deposits.cancel"))

    const authorized: DepositsService["authorized"] = (id) =>
      Effect.gen(function* () {
        const { capturable, payment } = yield* payments.authorize(id)
        return capturable ? (yield* capture(id)).payment : payment
      }).pipe(Effect.withSpan("Deposits.authorized"))

    const refund: DepositsService["refund"] = (id) =>
      Effect.gen(function* () {
        const refunded = yield* payments.refund(id)
        yield* provider.refund(refunded).pipe(Effect.mapError(unavailable))
        return refunded
      })

    const ignoreStale = <A, E extends { readonly _tag: string; readonly message: string }>(
      effect: Effect.Effect<A, E>
    ) =>
      effect.pipe(
        Effect.asVoid,
        Effect.catchAll((e) => Effect.logInfo("webhook changed nothing", e.message))
      )

    const applyWebhook: DepositsService["applyWebhook"] = (name, headers, body) =>
      Effect.gen(function* () {
        if (name !== provider.name) return yield* new UnknownProvider({ provider: name })
        const events = yield* provider.verifyWebhook(headers, body)
        for (const event of events) {
          switch (event._tag) {
            case "Succeeded":
            case "Authorized":
            case "Cancelled": {
              const belongs = yield* payments.get(system, event.paymentId).pipe(
                Effect.map((p) => p.provider === provider.name),
                Effect.orElseSucceed(() => false)
              )
              if (!belongs) {
                yield* Effect.logWarning("webhook for an unknown payment ignored", { paymentId: event.paymentId })
                break
              }
              yield* event._tag === "Succeeded"
                ? ignoreStale(payments.succeed(event.paymentId))
                : event._tag === "Authorized"
                  ? ignoreStale(authorized(event.paymentId))
                  : ignoreStale(payments.cancel(event.paymentId))
              break
            }
            case "Incoming":
              yield* ignoreStale(provider.settleIncoming(event.providerPaymentId))
          }
        }
        return events.length
      })

    return Deposits.of({
      create,
      refund,
      payShare,
      authorized,
      capture,
      cancel,
      applyWebhook,
      providerName: provider.name,
      cardPayments: provider.cardPayments
    })
  })
)

/**
 * The router's payment port over `Deposits` (card payments of shares where the provider takes them); a provider
 * outage is a defect the engine reports as a failure.
 */
export const PaymentGatewayLive = Layer.effect(
  PaymentGateway,
  Effect.map(Deposits, (deposits) => {
    const toLink = <E>(started: Effect.Effect<DepositCreated, E | ProviderUnavailable>) =>
      started.pipe(
        Effect.catchIf(
          (e): e is ProviderUnavailable => e instanceof ProviderUnavailable,
          (e) => Effect.die(e)
        ),
        Effect.map((d) => ({
          paymentId: d.payment.id,
          url: d.url,
          instructions: d.instructions,
          testMoney: d.testMoney
        }))
      ) as Effect.Effect<DepositLink, Exclude<E, ProviderUnavailable>>
    return PaymentGateway.of({
      createDeposit: (userId, amount) => toLink(deposits.create(userId, amount)),
      ...(deposits.cardPayments
        ? {
            payShare: (userId: UserId, procurementId: ProcurementId) => toLink(deposits.payShare(userId, procurementId))
          }
        : {})
    })
  })
)
