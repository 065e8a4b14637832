/**
 * Tochka Bank Cyclops: one virtual account per user (`create_virtual_account`); a deposit shows the nominal account's
 * bank details with the virtual account in the payment purpose. Incoming transfers are found by polling
 * `list_payments` for unidentified incoming payments (and on a signed webhook), credited exactly once per bank
 * payment id through core, then identified to the user's virtual account (`identification_payment`). Crediting comes
 * first: if identification fails the payment stays unidentified and the next poll retries it without crediting twice.
 */
import { formatRubles, kopecks, type Payment, PaymentFilter, Payments, type UserId } from "@groupbuy/core"
import { Effect, Layer, Option, Schedule, Schema } from "effect"
import { createPublicKey, verify } from "node:crypto"
import { ServerConfig, type TochkaSettings } from "../config/ServerConfig.js"
import { kopecksToRubles, makeCyclopsClient, rublesToKopecks, TOCHKA } from "./CyclopsClient.js"
import { PaymentProvider, ProviderError, type WebhookEvent, WebhookRejected } from "./PaymentProvider.js"

const VirtualAccountResult = Schema.Struct({ virtual_account: Schema.String })
const PaymentIds = Schema.Struct({ payments: Schema.Array(Schema.String) })
export const CyclopsPayment = Schema.Struct({
  id: Schema.String,
  amount: Schema.Number,
  purpose: Schema.optionalWith(Schema.String, { default: () => "" }),
  incoming: Schema.optional(Schema.Boolean),
  identify: Schema.optional(Schema.Boolean),
  payer_name: Schema.optional(Schema.NullOr(Schema.String)),
  payer_account: Schema.optional(Schema.NullOr(Schema.String)),
  payer_bank_code: Schema.optional(Schema.NullOr(Schema.String)),
  payer_inn: Schema.optional(Schema.NullOr(Schema.String))
})
export type CyclopsPayment = typeof CyclopsPayment.Type
const PaymentResult = Schema.Struct({ payment: CyclopsPayment })
const Identified = Schema.Struct({
  virtual_accounts: Schema.Array(Schema.Struct({ code: Schema.String, cash: Schema.Number }))
})
const WebhookBody = Schema.Struct({ payment_id: Schema.String })

/** The purpose line payers must copy; the virtual account in it identifies the user. */
export const depositPurpose = (virtualAccount: string) => `GroupBuy deposit ${virtualAccount}`
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi

export const makeTochkaProvider = (settings: TochkaSettings) =>
  Effect.gen(function* () {
    const payments = yield* Payments
    const cyclops = yield* makeCyclopsClient({
      url: settings.apiUrl,
      signSystem: settings.signSystem,
      signThumbprint: settings.signThumbprint,
      privateKey: settings.privateKey
    })
    const webhookKey = Option.map(settings.webhookPublicKey, (pem) => createPublicKey(pem))

    const virtualAccountOf = (userId: UserId) =>
      Effect.gen(function* () {
        const existing = yield* payments.virtualAccount(userId, TOCHKA)
        if (existing !== null) return existing
        const created = yield* cyclops.call(
          "create_virtual_account",
          { beneficiary_id: settings.beneficiaryId, virtual_account_type: "standard" },
          VirtualAccountResult
        )
        yield* payments.setVirtualAccount(userId, TOCHKA, created.virtual_account)
        return created.virtual_account
      })

    /** The pending deposit this bank payment pays (same user and amount), if the user announced one. */
    const pendingFor = (userId: UserId, amount: bigint) =>
      Effect.map(
        payments.list(new PaymentFilter({ userId, status: "PENDING", provider: TOCHKA, limit: 100 })),
        (page) =>
          Option.fromNullable(
            [...page.items].reverse().find((p: Payment) => p.amount === amount && p.providerPaymentId === null)
          )
      )

    /** Credits the bank payment to its user once, then identifies it at the bank. */
    const settle = (bank: CyclopsPayment) =>
      Effect.gen(function* () {
        if (bank.incoming === false || bank.identify === true) return
        const amount = rublesToKopecks(bank.amount)
        if (amount === null) {
          return yield* Effect.logWarning("Tochka payment with an unusable amount left unidentified", {
            paymentId: bank.id,
            amount: bank.amount
          })
        }
        let owner: { userId: UserId; account: string } | null = null
        for (const candidate of bank.purpose.match(UUID) ?? []) {
          const userId = yield* payments.userByVirtualAccount(TOCHKA, candidate.toLowerCase())
          if (userId !== null) {
            owner = { userId, account: candidate.toLowerCase() }
            break
          }
        }
        if (owner === null) {
          return yield* Effect.logWarning("Tochka payment without a known virtual account left unidentified", {
            paymentId: bank.id,
            purpose: bank.purpose
          })
        }
        // credit exactly once per bank payment id: by its provider id, else the announced deposit, else a new record
        const known = yield* payments.succeedByProviderId(TOCHKA, bank.id).pipe(
          Effect.map(Option.some),
          Effect.catchTag("NotFound", () => Effect.succeed(Option.none()))
        )
        if (Option.isNone(known)) {
          const pending = yield* pendingFor(owner.userId, amount)
          if (Option.isSome(pending)) {
            yield* payments.attachProvider(pending.value.id, bank.id, null)
            yield* payments.succeed(pending.value.id)
          } else {
            yield* payments.recordIncoming({
              userId: owner.userId,
              provider: TOCHKA,
              providerPaymentId: bank.id,
              amount: kopecks(amount),
              description: bank.purpose
            })
          }
        }
        yield* cyclops.call(
          "identification_payment",
          { payment_id: bank.id, owners: [{ virtual_account: owner.account, amount: bank.amount }] },
          Identified
        )
        yield* Effect.logInfo("Tochka payment credited and identified", { paymentId: bank.id, user: owner.userId })
      }).pipe(
        Effect.catchTags({
          IllegalTransition: (e) => Effect.logWarning("Tochka payment could not be settled", { error: e.message }),
          InvalidInput: (e) => Effect.logWarning("Tochka payment refused by core", { error: e.message }),
          NotFound: (e) => Effect.logWarning("Tochka payment refers to something missing", { error: e.message })
        })
      )

    const settleIncoming = (providerPaymentId: string) =>
      Effect.flatMap(cyclops.call("get_payment", { payment_id: providerPaymentId }, PaymentResult), (r) =>
        settle(r.payment)
      )

    /** One polling round: every unidentified incoming payment. */
    const poll = Effect.gen(function* () {
      const { payments: ids } = yield* cyclops.call(
        "list_payments",
        { filters: { incoming: true, identify: false } },
        PaymentIds
      )
      yield* Effect.forEach(
        ids,
        (id) => settleIncoming(id).pipe(Effect.catchAll((e) => Effect.logWarning(e.message))),
        {
          discard: true
        }
      )
      return ids.length
    }).pipe(Effect.withSpan("Tochka.poll"))

    const provider = PaymentProvider.of({
      name: TOCHKA,
      startDeposit: (payment) =>
        Effect.map(virtualAccountOf(payment.userId), (account) => ({
          providerPaymentId: null,
          url: null,
          instructions: [
            `Transfer ${formatRubles(payment.amount, { alwaysKopecks: true })} by bank transfer to:`,
            settings.paymentDetails,
            `Payment purpose (copy exactly): ${depositPurpose(account)}`
          ].join("\n")
        })),
      refund: (payment) =>
        Effect.gen(function* () {
          if (payment.providerPaymentId === null) {
            return yield* new ProviderError({ provider: TOCHKA, message: `payment ${payment.id} has no bank payment` })
          }
          const account = yield* payments.virtualAccount(payment.userId, TOCHKA)
          if (account === null) {
            return yield* new ProviderError({ provider: TOCHKA, message: `user ${payment.userId} has no account` })
          }
          const { payment: bank } = yield* cyclops.call(
            "get_payment",
            { payment_id: payment.providerPaymentId },
            PaymentResult
          )
          yield* cyclops.call(
            "refund_virtual_account",
            {
              virtual_account: account,
              amount: kopecksToRubles(payment.amount),
              ext_key: payment.id,
              recipient: {
                name: bank.payer_name ?? null,
                account: bank.payer_account ?? null,
                bank_code: bank.payer_bank_code ?? null,
                inn: bank.payer_inn ?? null
              },
              purpose: `GroupBuy refund ${payment.id}`
            },
            Schema.Unknown
          )
        }),
      settleIncoming,
      verifyWebhook: (headers, body) =>
        Effect.gen(function* () {
          if (Option.isNone(webhookKey)) {
            return yield* new WebhookRejected({ reason: "TOCHKA_WEBHOOK_PUBLIC_KEY is not configured" })
          }
          const signature = headers["sign-data"]
          const valid =
            signature !== undefined &&
            verify("sha256", body, webhookKey.value, Buffer.from(signature.replace(/\s+/g, ""), "base64"))
          if (!valid) return yield* new WebhookRejected({ reason: "missing or invalid sign-data" })
          const parsed = yield* Schema.decodeUnknown(Schema.parseJson(WebhookBody))(
            new TextDecoder().decode(body)
          ).pipe(Effect.mapError(() => new WebhookRejected({ reason: "malformed notification" })))
          const events: ReadonlyArray<WebhookEvent> = [{ _tag: "Incoming", providerPaymentId: parsed.payment_id }]
          return events
        })
    })
    return { provider, poll }
  })

/** The provider plus its polling loop (every TOCHKA_POLL_INTERVAL; failures are logged and retried next round). */
export const TochkaProviderLive = Layer.scoped(
  PaymentProvider,
  Effect.gen(function* () {
    const config = yield* ServerConfig
    const settings = yield* Option.match(config.tochka, {
      onNone: () => Effect.dieMessage("PAYMENT_PROVIDER=tochka needs the TOCHKA_* settings"),
      onSome: Effect.succeed
    })
    const { poll, provider } = yield* makeTochkaProvider(settings)
    yield* poll.pipe(
      Effect.catchAll((e) => Effect.logWarning("Tochka polling failed", { error: e.message })),
      Effect.repeat(Schedule.spaced(settings.pollInterval)),
      Effect.forkScoped
    )
    return provider
  })
)
