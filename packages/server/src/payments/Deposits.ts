/**
 * Deposits over the configured payment provider: the core payment record first (idempotent by key), then the
 * provider's link or instructions; refunds; verified webhooks applied so that repeats and stale deliveries change
 * nothing twice. Also the router's `PaymentGateway`.
 */
import {
  CreateDeposit,
  type DepositCreated,
  type Forbidden,
  type IllegalTransition,
  type InvalidInput,
  kopecks,
  type NotFound,
  type Payment,
  type PaymentId,
  Payments,
  ProviderUnavailable,
  systemActor,
  type UserId,
  Users
} from "@groupbuy/core"
import { PaymentGateway } from "@groupbuy/router"
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
  /** Verifies and applies a provider's webhook; `NotFound` for a provider that is not configured. */
  readonly applyWebhook: (
    provider: string,
    headers: Readonly<Record<string, string | undefined>>,
    body: Uint8Array
  ) => Effect.Effect<number, WebhookRejected | UnknownProvider>
  readonly providerName: string
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
        // the payer's own language for the link's page or the transfer instructions (the user exists: createDeposit
        // checked it)
        const language = yield* users.get(userId).pipe(
          Effect.map((u) => u.language),
          Effect.orElseSucceed(() => "ru" as const)
        )
        const started = yield* provider.startDeposit(payment, language).pipe(Effect.mapError(unavailable))
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
      }).pipe(Effect.withSpan("Deposits.create"))

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
                : ignoreStale(payments.cancel(event.paymentId))
              break
            }
            case "Incoming":
              yield* ignoreStale(provider.settleIncoming(event.providerPaymentId))
          }
        }
        return events.length
      })

    return Deposits.of({ create, refund, applyWebhook, providerName: provider.name })
  })
)

/** The router's deposit port over `Deposits`; a provider outage is a defect the engine reports as a failure. */
export const PaymentGatewayLive = Layer.effect(
  PaymentGateway,
  Effect.map(Deposits, (deposits) =>
    PaymentGateway.of({
      createDeposit: (userId, amount) =>
        deposits.create(userId, amount).pipe(
          Effect.catchTag("ProviderUnavailable", (e) => Effect.die(e)),
          Effect.map((d) => ({
            paymentId: d.payment.id,
            url: d.url,
            instructions: d.instructions,
            testMoney: d.testMoney
          }))
        )
    })
  )
)
