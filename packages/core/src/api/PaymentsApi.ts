/**
 * Deposits through a payment provider, procurement shares paid by card, their status, the balance and the ledger
 * history; admins capture or cancel authorized card payments.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Forbidden, IllegalTransition, NotFound, RuleViolation } from "../Errors.js"
import { PaymentId, ProcurementId, UserId } from "../Ids.js"
import { PaymentStatus, PaymentType, Transaction } from "../Models.js"
import { Kopecks } from "../Money.js"
import { BalanceJson, PageParams, PaymentJson } from "./Dto.js"
import { pageEndpoint } from "./PageEndpoint.js"
import { specAlias } from "./SpecAlias.js"
import * as Refusals from "./Refusals.js"
import { AdminAuthentication, Authentication } from "./Security.js"

export class CreateDepositBody extends Schema.Class<CreateDepositBody>("CreateDepositBody")({
  amount: Kopecks,
  /** required for the service token; users deposit for themselves */
  userId: Schema.optional(UserId),
  /** the configured default provider when omitted */
  provider: Schema.optional(Schema.NonEmptyTrimmedString),
  /** repeat a request safely: the same key returns the same deposit */
  idempotencyKey: Schema.optional(Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(200)))
}) {}

/** `POST /payments`: a deposit (as `POST /payments/deposits`), or one's share of a procurement paid by card. */
export class CreatePaymentBody extends Schema.Class<CreatePaymentBody>("CreatePaymentBody")({
  /** DEPOSIT (the default) tops up the balance; PROCUREMENT_PAYMENT pays one's share of `procurementId` */
  type: Schema.optional(Schema.Literal("DEPOSIT", "PROCUREMENT_PAYMENT")),
  /** a deposit's amount; a share is charged at the participant's own amount (this field is not read for it) */
  amount: Schema.optional(Kopecks),
  procurementId: Schema.optional(ProcurementId),
  userId: Schema.optional(UserId),
  provider: Schema.optional(Schema.NonEmptyTrimmedString),
  idempotencyKey: Schema.optional(Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(200)))
}) {}

/** The payment provider could not be reached or refused; nothing was charged. Try again later. */
export class ProviderUnavailable extends Schema.TaggedError<ProviderUnavailable>()(
  "ProviderUnavailable",
  { provider: Schema.String, reason: Schema.String },
  HttpApiSchema.annotations({ status: 503 })
) {
  override get message() {
    return `the payment provider ${this.provider} is unavailable: ${this.reason}`
  }
}

/** A started deposit: where to pay (a link) or how to pay (bank transfer instructions). */
export const DepositCreated = Schema.Struct({
  payment: PaymentJson,
  url: Schema.NullOr(Schema.String),
  instructions: Schema.NullOr(Schema.String),
  /** the provider is a test one (the sandbox): paying moves no real money and the balance is test money */
  testMoney: Schema.Boolean
})
export type DepositCreated = typeof DepositCreated.Type

export const PaymentListParams = Schema.Struct({
  ...PageParams,
  userId: Schema.optional(UserId),
  status: Schema.optional(PaymentStatus),
  type: Schema.optional(PaymentType),
  provider: Schema.optional(Schema.String)
})

const IdPath = Schema.Struct({ id: PaymentId })
const UserPath = Schema.Struct({ id: UserId })

export class PaymentsApi extends HttpApiGroup.make("payments")
  .add(
    HttpApiEndpoint.post("createDeposit", "/payments/deposits")
      .annotate(OpenApi.Summary, "Top up the balance")
      .annotate(
        OpenApi.Description,
        'Starts a deposit of `amount` kopecks (a string, e.g. "50000" for 500 ₽) with the configured provider: a ' +
          "payment link or bank transfer instructions. The same `idempotencyKey` returns the same deposit. 400 " +
          "deposit.too-small / deposit.too-large / provider.unknown; 503 when the provider is unreachable."
      )
      .setPayload(CreateDepositBody)
      .addSuccess(DepositCreated, { status: 201 })
      .addError(ProviderUnavailable)
      .pipe(Refusals.invalid)
  )
  .add(
    HttpApiEndpoint.get("get", "/payments/:id")
      .annotate(OpenApi.Summary, "A payment")
      .annotate(
        OpenApi.Description,
        "A payment with its status (PENDING, WAITING_FOR_CAPTURE, SUCCEEDED, FAILED, CANCELLED, REFUNDED); one's " +
          "own, or any with the service token or admin rights."
      )
      .setPath(IdPath)
      .addSuccess(PaymentJson)
      .pipe(Refusals.missing)
  )
  .add(
    pageEndpoint("list", "/payments", PaymentListParams, PaymentJson)
      .annotate(OpenApi.Summary, "Payments")
      .annotate(
        OpenApi.Description,
        "One's own payments (everyone's with the service token), filtered by status, type and provider, newest " +
          "first."
      )
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.post("refund", "/payments/:id/refund")
      .annotate(OpenApi.Summary, "Refund a deposit (service)")
      .annotate(
        OpenApi.Description,
        "Returns a succeeded deposit through its provider while the money is still on the balance (409 " +
          "refund.already-spent). Service token only."
      )
      .setPath(IdPath)
      .addSuccess(PaymentJson)
      .addError(ProviderUnavailable)
      .addError(IllegalTransition)
      .pipe(Refusals.invalid)
  )
  .add(
    HttpApiEndpoint.get("balance", "/users/:id/balance")
      .annotate(OpenApi.Summary, "A user's balance")
      .annotate(OpenApi.Description, "The balance in kopecks (a string); oneself or the service token.")
      .setPath(UserPath)
      .addSuccess(BalanceJson)
      .pipe(Refusals.missing)
  )
  .add(
    pageEndpoint("transactions", "/users/:id/transactions", Schema.Struct(PageParams), Transaction.json)
      .annotate(OpenApi.Summary, "A user's transactions")
      .annotate(
        OpenApi.Description,
        "The ledger rows of one account, newest first, each with its type, signed amount and the balance after " + "it."
      )
      .setPath(UserPath)
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.post("createPayment", "/payments")
      .annotate(OpenApi.Summary, "Create a payment: a deposit, or one's procurement share paid by card")
      .annotate(
        OpenApi.Description,
        "The first specification's `POST /payments/`. With `type` DEPOSIT (the default) it is `POST " +
          "/payments/deposits`. With `type` PROCUREMENT_PAYMENT and `procurementId` it starts paying the caller's " +
          "share of that procurement directly by card (the share's own amount; `amount` is not read): the payment " +
          "link comes back as for a deposit. When the provider reports the payment, the share is paid in one " +
          "transaction (the money is credited and debited, the participant becomes PAID) exactly once. A provider " +
          "that authorizes first keeps the payment WAITING_FOR_CAPTURE until the share may be paid (the procurement " +
          "in PAYMENT, the participant confirmed), then captures it; it is cancelled, nothing charged, when the " +
          "participant leaves or the procurement is cancelled. The same `idempotencyKey`, or a card payment of the " +
          "share still open, returns that payment. 400 amount.required / procurement.required; 404 for a " +
          "procurement one has not joined; 409 pay.already-paid, pay.not-open, pay.not-confirmed, " +
          "payment.card-unavailable (a provider of bank transfers: pay from the balance)."
      )
      .setPayload(CreatePaymentBody)
      .addSuccess(DepositCreated, { status: 201 })
      .addError(ProviderUnavailable)
      .addError(RuleViolation)
      .pipe(Refusals.invalid)
  )
  .add(
    HttpApiEndpoint.get("paymentStatus", "/payments/:id/status")
      .setPath(IdPath)
      .addSuccess(PaymentJson)
      .pipe(Refusals.missing, specAlias("A payment and its status", "GET /payments/{id}"))
  )
  .middleware(Authentication) {}

const decision = <const Name extends string>(name: Name, path: string) =>
  HttpApiEndpoint.post(name, `/payments/:id/${path}`)
    .setPath(IdPath)
    .addSuccess(PaymentJson)
    .addError(NotFound)
    .addError(IllegalTransition)
    .addError(ProviderUnavailable)

/** An admin's capture or cancel of a card payment the provider authorized (two-step). */
export class AdminPaymentsApi extends HttpApiGroup.make("adminPayments")
  .add(
    decision("capturePayment", "capture")
      .annotate(OpenApi.Summary, "Capture an authorized card payment")
      .annotate(
        OpenApi.Description,
        "Takes the money of a WAITING_FOR_CAPTURE payment through its provider and settles it: a procurement share " +
          "is paid (or, when it can no longer be paid, the money stays on the payer's balance). Captures happen on " +
          "their own when the share may be paid; this is for the admin who will not wait. Capturing again changes " +
          "nothing; 409 IllegalTransition for a payment that is not authorized. Audited."
      )
  )
  .add(
    decision("cancelPayment", "cancel")
      .annotate(OpenApi.Summary, "Cancel an open payment")
      .annotate(
        OpenApi.Description,
        "Releases an authorization (or withdraws a PENDING payment) through its provider: CANCELLED, nothing is " +
          "settled or charged. Cancelling again changes nothing; 409 IllegalTransition for a settled payment. Audited."
      )
  )
  .middleware(AdminAuthentication)
  .prefix("/admin") {}
