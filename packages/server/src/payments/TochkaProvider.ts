/**
 * Tochka Bank Cyclops: one virtual account per user (`create_virtual_account`); a deposit shows the nominal account's
 * bank details with the virtual account in the payment purpose. Incoming transfers are found by polling
 * `list_payments` for unidentified incoming payments (and on a signed webhook), credited exactly once per bank
 * payment id through core (one SQL transaction per bank id), then identified to the user's virtual account
 * (`identification_payment`) once that credit has committed: if identification fails the payment stays unidentified
 * and the next poll retries it without crediting twice. A reconciliation pass credits what the bank reports as
 * identified but the ledger lacks.
 * Withdrawal payouts are deals (`create_deal` keyed by the request id, then `execute_deal`) from the user's virtual
 * account to the bank account the request's details name.
 */
import { formatRubles, kopecks, type Language, Payments, type UserId, Users } from "@groupbuy/core"
import { Effect, HashSet, Layer, Option, Ref, Schedule, Schema } from "effect"
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
/**
 * What a payer reads to pay by bank transfer, in their language: the amount, the nominal account's details (and its
 * number on its own line when configured), and the purpose to copy — the purpose is what identifies the payer.
 */
export const transferInstructions = (
  language: Language,
  p: {
    readonly amount: string
    readonly details: string
    readonly nominalAccount: string | undefined
    readonly purpose: string
  }
): string =>
  (language === "en"
    ? [
        `Transfer ${p.amount} by bank transfer to:`,
        p.details,
        ...(p.nominalAccount === undefined ? [] : [`Account: ${p.nominalAccount}`]),
        `Payment purpose (copy exactly): ${p.purpose}`
      ]
    : [
        `Переведите ${p.amount} банковским переводом по реквизитам:`,
        p.details,
        ...(p.nominalAccount === undefined ? [] : [`Счёт: ${p.nominalAccount}`]),
        `Назначение платежа (скопируйте без изменений): ${p.purpose}`
      ]
  ).join("\n")

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi

const DealCreated = Schema.Struct({ deal_id: Schema.String })

/**
 * The bank account a withdrawal's details name: a 20-digit account number (spaces or dashes between digits allowed)
 * and a 9-digit Russian BIC (04…); null when either is missing or ambiguous.
 */
export const payoutAccountOf = (details: string): { readonly account: string; readonly bic: string } | null => {
  const accounts = [...details.matchAll(/(?<![\d])\d(?:[ -]?\d){19}(?![\d])/g)].map((m) => m[0])
  if (accounts.length !== 1) return null
  const rest = details.replace(accounts[0]!, " ")
  const bics = [...rest.matchAll(/(?<![\d])04\d{7}(?![\d])/g)].map((m) => m[0])
  if (bics.length !== 1) return null
  return { account: accounts[0]!.replace(/[ -]/g, ""), bic: bics[0]! }
}

export const makeTochkaProvider = (settings: TochkaSettings) =>
  Effect.gen(function* () {
    const payments = yield* Payments
    const users = yield* Users
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

    /** The user whose virtual account the payment purpose names, with that account. */
    const ownerOf = (purpose: string) =>
      Effect.gen(function* () {
        for (const candidate of purpose.match(UUID) ?? []) {
          const account = candidate.toLowerCase()
          const userId = yield* payments.userByVirtualAccount(TOCHKA, account)
          if (userId !== null) return Option.some({ userId, account })
        }
        return Option.none<{ userId: UserId; account: string }>()
      })

    /**
     * Credits a bank payment to the user its purpose names, exactly once per bank payment id: core settles it in one
     * SQL transaction (the record holding this id, else the user's announced deposit claimed by a conditional
     * update, else a new record). When this returns, the credit has committed.
     */
    const credit = (bank: CyclopsPayment) =>
      Effect.gen(function* () {
        const amount = rublesToKopecks(bank.amount)
        if (amount === null) {
          yield* Effect.logWarning("Tochka payment with an unusable amount not credited", {
            paymentId: bank.id,
            amount: bank.amount
          })
          return Option.none()
        }
        const owner = yield* ownerOf(bank.purpose)
        if (Option.isNone(owner)) {
          yield* Effect.logWarning("Tochka payment without a known virtual account not credited", {
            paymentId: bank.id,
            purpose: bank.purpose
          })
          return Option.none()
        }
        const settled = yield* payments.settleIncoming({
          userId: owner.value.userId,
          provider: TOCHKA,
          providerPaymentId: bank.id,
          amount: kopecks(amount),
          description: bank.purpose
        })
        // a record of this bank id that is settled (or was, and has been refunded) holds the credit
        const holds =
          settled.payment.providerPaymentId === bank.id &&
          (settled.payment.status === "SUCCEEDED" || settled.payment.status === "REFUNDED")
        if (!holds) {
          yield* Effect.logWarning("Tochka payment recorded but not settled", { paymentId: bank.id })
          return Option.none()
        }
        return Option.some({ ...owner.value, credited: settled.credited })
      }).pipe(
        Effect.catchTags({
          IllegalTransition: (e) =>
            Effect.as(Effect.logWarning("Tochka payment could not be settled", { error: e.message }), Option.none()),
          InvalidInput: (e) =>
            Effect.as(Effect.logWarning("Tochka payment refused by core", { error: e.message }), Option.none()),
          NotFound: (e) =>
            Effect.as(
              Effect.logWarning("Tochka payment refers to something missing", { error: e.message }),
              Option.none()
            )
        })
      )

    /**
     * Credits the bank payment once, then identifies it at the bank — only after the credit committed: the poller
     * lists unidentified payments only, so a payment identified without its credit would never be seen again (the
     * reconciliation below is the safety net for that). A failed identification leaves it for the next poll.
     */
    const settle = (bank: CyclopsPayment) =>
      Effect.gen(function* () {
        if (bank.incoming === false || bank.identify === true) return
        const credited = yield* credit(bank)
        if (Option.isNone(credited)) return
        yield* cyclops.call(
          "identification_payment",
          { payment_id: bank.id, owners: [{ virtual_account: credited.value.account, amount: bank.amount }] },
          Identified
        )
        yield* Effect.logInfo("Tochka payment credited and identified", {
          paymentId: bank.id,
          user: credited.value.userId
        })
      })

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

    // identified payments this process found it cannot credit (not a GroupBuy purpose, an unusable amount): their
    // warning is logged once, not every round
    const unattributed = yield* Ref.make(HashSet.empty<string>())

    /**
     * Reconciliation: every incoming payment the bank reports as identified must hold a credit in the ledger; the
     * ones that do not are credited now (to the user their purpose names, without identifying them again). Settlement
     * identifies only after crediting, so normally nothing is missing; this repairs payments identified without a
     * credit by an earlier version (the lost concurrent settlement), by hand in the bank's cabinet, or by anything
     * else. It is idempotent, so it may run every round, on every instance, after a crash, or concurrently with the
     * poller and webhooks: the ledger is compared by bank payment id, and a credit is keyed by that id
     * (`settleIncoming` credits each id at most once, in one SQL transaction).
     */
    const reconcile = Effect.gen(function* () {
      // the bank limits `list_payments` to once per 5 minutes per set of filters; this one differs from the poll's
      const { payments: ids } = yield* cyclops.call(
        "list_payments",
        { filters: { incoming: true, identify: true } },
        PaymentIds
      )
      const skipped = yield* Ref.get(unattributed)
      const missing = (yield* payments.uncredited(TOCHKA, ids)).filter((id) => !HashSet.has(skipped, id))
      let repaired = 0
      for (const id of missing) {
        const outcome = yield* cyclops.call("get_payment", { payment_id: id }, PaymentResult).pipe(
          Effect.flatMap((r) => (r.payment.incoming === false ? Effect.succeed(Option.none()) : credit(r.payment))),
          Effect.tap((credited) => (Option.isNone(credited) ? Ref.update(unattributed, HashSet.add(id)) : Effect.void)),
          // the bank could not be asked: try again next round
          Effect.catchAll((e) => Effect.as(Effect.logWarning(e.message), Option.none()))
        )
        if (Option.isSome(outcome) && outcome.value.credited) {
          repaired++
          yield* Effect.logWarning("Tochka payment identified at the bank without a credit: credited now", {
            paymentId: id,
            user: outcome.value.userId
          })
        }
      }
      return repaired
    }).pipe(Effect.withSpan("Tochka.reconcile"))

    const provider = PaymentProvider.of({
      name: TOCHKA,
      testMoney: false,
      // bank transfers reach the balance; a share is paid from there
      cardPayments: false,
      authorizesFirst: false,
      capture: () => Effect.fail(new ProviderError({ provider: TOCHKA, message: "Tochka has no card payments" })),
      cancelAuthorization: () => Effect.void,
      startDeposit: (payment, language) =>
        Effect.map(virtualAccountOf(payment.userId), (account) => ({
          providerPaymentId: null,
          url: null,
          instructions: transferInstructions(language, {
            amount: formatRubles(payment.amount, { alwaysKopecks: true }),
            details: settings.paymentDetails,
            nominalAccount: Option.getOrUndefined(settings.nominalAccount),
            purpose: depositPurpose(account)
          })
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
      /**
       * A payout is a Cyclops deal (`create_deal`, keyed by the request id as `ext_key`, so a retry finds the same
       * deal) from the user's virtual account to the account the details name (`payment_contract`), then
       * `execute_deal`.
       */
      payout: (request) =>
        Effect.gen(function* () {
          const fail = (message: string) => new ProviderError({ provider: TOCHKA, message })
          const target = payoutAccountOf(request.details)
          if (target === null)
            return yield* fail("the payout details need one 20-digit account number and the bank's 9-digit BIC")
          const account = yield* payments.virtualAccount(request.userId, TOCHKA)
          if (account === null) return yield* fail(`user ${request.userId} has no Tochka virtual account to pay from`)
          const user = yield* users.get(request.userId).pipe(Effect.mapError((e) => fail(e.message)))
          const amount = kopecksToRubles(request.amount)
          const { deal_id } = yield* cyclops.call(
            "create_deal",
            {
              ext_key: request.id,
              amount,
              payers: [{ virtual_account: account, amount }],
              recipients: [
                {
                  number: 1,
                  type: "payment_contract",
                  amount,
                  account: target.account,
                  bank_code: target.bic,
                  name: user.lastName === null ? user.firstName : `${user.lastName} ${user.firstName}`,
                  purpose: `Выплата по заявке ${request.id}. НДС не облагается`
                }
              ]
            },
            DealCreated
          )
          yield* cyclops.call("execute_deal", { deal_id }, Schema.Unknown)
          return { provider: TOCHKA, reference: deal_id }
        }),
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
    return { provider, poll, reconcile }
  })

/**
 * The provider plus its rounds (at start, then every TOCHKA_POLL_INTERVAL): poll the unidentified payments, then
 * reconcile the identified ones with the ledger; failures are logged and retried next round.
 */
export const TochkaProviderLive = Layer.scoped(
  PaymentProvider,
  Effect.gen(function* () {
    const config = yield* ServerConfig
    const settings = yield* Option.match(config.tochka, {
      onNone: () => Effect.dieMessage("PAYMENT_PROVIDER=tochka needs the TOCHKA_* settings"),
      onSome: Effect.succeed
    })
    const { poll, provider, reconcile } = yield* makeTochkaProvider(settings)
    // no lease: both passes are safe on several instances at once (every credit is keyed by the bank payment id)
    yield* Effect.all(
      [
        Effect.catchAll(poll, (e) => Effect.logWarning("Tochka polling failed", { error: e.message })),
        Effect.catchAll(reconcile, (e) => Effect.logWarning("Tochka reconciliation failed", { error: e.message }))
      ],
      { discard: true }
    ).pipe(Effect.repeat(Schedule.spaced(settings.pollInterval)), Effect.forkScoped)
    return provider
  })
)
