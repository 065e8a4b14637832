/**
 * Withdrawal requests over HTTP: a user asks for a payout of part of their balance and follows its state; admins list
 * the requests and approve (the payout provider pays) or reject them (the amount goes back to the balance).
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { InsufficientFunds, NotFound, RuleViolation } from "../Errors.js"
import { UserId, WithdrawalRequestId } from "../Ids.js"
import { Kopecks } from "../Money.js"
import { WithdrawalRequestJson, WithdrawalStatus } from "../Withdrawals.js"
import { PageParams } from "./Dto.js"
import { pageEndpoint } from "./PageEndpoint.js"
import * as Refusals from "./Refusals.js"
import { AdminAuthentication, Authentication } from "./Security.js"

export class WithdrawalBody extends Schema.Class<WithdrawalBody>("WithdrawalBody")({
  amount: Kopecks.annotations({ description: "kopecks as a string of digits", examples: [Kopecks.make(50_000n)] }),
  /** where to pay: a card, an account with its bank (BIC), a phone for SBP */
  details: Schema.String.annotations({
    description: "where to pay: an account number and the bank's BIC, a card number, or a phone for SBP",
    examples: ["Счёт 40817810000000000001, БИК 044525225, Иванов Иван"]
  }),
  /** repeat a request safely: the same key returns the same request */
  idempotencyKey: Schema.optional(Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(200)))
}) {}

/** The request, and whether this call created it (false: the key was used before). */
export const WithdrawalOutcome = Schema.Struct({ request: WithdrawalRequestJson, created: Schema.Boolean })

export class RejectWithdrawalBody extends Schema.Class<RejectWithdrawalBody>("RejectWithdrawalBody")({
  /** told to the user */
  reason: Schema.optional(Schema.String.pipe(Schema.maxLength(500)))
}) {}

/** A request with the requester's name and current balance, for the admin list. */
export const WithdrawalViewJson = Schema.Struct({
  request: WithdrawalRequestJson,
  user: Schema.Struct({
    firstName: Schema.String,
    lastName: Schema.NullOr(Schema.String),
    username: Schema.NullOr(Schema.String),
    balance: Kopecks
  })
})

export const AdminWithdrawalParams = Schema.Struct({
  ...PageParams,
  status: Schema.optional(WithdrawalStatus),
  userId: Schema.optional(UserId)
})

const UserPath = Schema.Struct({ id: UserId })
const RequestPath = Schema.Struct({ id: WithdrawalRequestId })

export class WithdrawalsApi extends HttpApiGroup.make("withdrawals")
  .add(
    HttpApiEndpoint.post("requestWithdrawal", "/users/:id/withdrawals")
      .setPath(UserPath)
      .setPayload(WithdrawalBody)
      .addSuccess(WithdrawalOutcome, { status: 201 })
      .addError(InsufficientFunds)
      .addError(RuleViolation)
      .pipe(Refusals.invalid)
      .annotate(OpenApi.Summary, "Ask to withdraw money")
      .annotate(
        OpenApi.Description,
        "Holds `amount` (kopecks) of the balance at once and asks the administrators to pay it to `details`; the " +
          "user is told when it is paid out or rejected (then the amount comes back). Oneself or the service token. " +
          "409 InsufficientFunds above the balance, 409 withdrawal.inactive for a blocked account; 400 " +
          "amount.not-positive, withdrawal.details-missing. The same `idempotencyKey` returns the same request."
      )
  )
  .add(
    pageEndpoint("withdrawals", "/users/:id/withdrawals", Schema.Struct(PageParams), WithdrawalRequestJson)
      .setPath(UserPath)
      .pipe(Refusals.forbidden)
      .annotate(OpenApi.Summary, "A user's withdrawal requests")
      .annotate(OpenApi.Description, "Newest first, each with its status (PENDING, PROCESSING, APPROVED, REJECTED).")
  )
  .middleware(Authentication) {}

/** `POST /withdrawals/:id/<decision>`: the request may be unknown, decided already, or its payout under way. */
const decision = <const Name extends string>(name: Name, path: string) =>
  HttpApiEndpoint.post(name, `/withdrawals/:id/${path}`)
    .setPath(RequestPath)
    .addSuccess(WithdrawalRequestJson)
    .addError(NotFound)
    .addError(RuleViolation)

export class AdminWithdrawalsApi extends HttpApiGroup.make("adminWithdrawals")
  .add(
    pageEndpoint("adminWithdrawals", "/withdrawals", AdminWithdrawalParams, WithdrawalViewJson)
      .annotate(OpenApi.Summary, "Withdrawal requests")
      .annotate(
        OpenApi.Description,
        "Newest first, with the requester's name and balance; `status` and `userId` narrow the list."
      )
  )
  .add(
    decision("approveWithdrawal", "approve")
      .annotate(OpenApi.Summary, "Approve and pay out a withdrawal request")
      .annotate(
        OpenApi.Description,
        "Pays the held amount through the payment provider (Tochka: a Cyclops deal from the user's virtual account " +
          "to the details' account; sandbox: marked paid), then records the WITHDRAWAL. Approving again changes " +
          "nothing; 409 withdrawal.decided when it was rejected, withdrawal.processing while a payout runs, " +
          "withdrawal.payout-failed when the provider refused (the request is pending again, still held). Audited; the user is " +
          "notified."
      )
  )
  .add(
    decision("rejectWithdrawal", "reject")
      .setPayload(RejectWithdrawalBody)
      .annotate(OpenApi.Summary, "Reject a withdrawal request")
      .annotate(
        OpenApi.Description,
        "The held amount goes back to the balance (once). Rejecting again changes nothing; 409 withdrawal.decided " +
          "when it was paid out. Audited; the user is notified with the reason."
      )
  )
  .middleware(AdminAuthentication)
  .prefix("/admin") {}
