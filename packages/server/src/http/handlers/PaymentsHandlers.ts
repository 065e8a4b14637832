/**
 * `payments` group: deposits for oneself (or for a named user with the service token), one's procurement share paid by
 * card, status, balance, history.
 */
import { HttpApiBuilder } from "@effect/platform"
import {
  type CreateDepositBody,
  type CreatePaymentBody,
  CurrentPrincipal,
  GroupBuyApi,
  InvalidInput,
  Ledger,
  PageRequest,
  PaymentFilter,
  type PaymentId,
  Payments,
  systemActor,
  userActor
} from "@groupbuy/core"
import { Effect } from "effect"
import { actingUser, isTrusted, requireSelfOrTrusted, requireTrusted } from "../../internal/Access.js"
import { compact } from "../../internal/Compact.js"
import { Deposits } from "../../payments/Deposits.js"

export const PaymentsHandlers = HttpApiBuilder.group(GroupBuyApi, "payments", (handlers) =>
  Effect.gen(function* () {
    const payments = yield* Payments
    const deposits = yield* Deposits
    const ledger = yield* Ledger
    const knownProvider = (provider: string | undefined) =>
      provider !== undefined && provider !== deposits.providerName
        ? InvalidInput.single(
            "provider",
            "provider.unknown",
            `unknown payment provider; this server uses "${deposits.providerName}"`,
            `неизвестный платёжный провайдер; этот сервер использует «${deposits.providerName}»`
          )
        : Effect.void
    const createDeposit = ({ payload }: { readonly payload: CreateDepositBody }) =>
      Effect.gen(function* () {
        const userId = yield* actingUser("create a deposit", payload.userId)
        yield* knownProvider(payload.provider)
        return yield* deposits.create(userId, payload.amount, payload.idempotencyKey)
      })
    const createPayment = ({ payload }: { readonly payload: CreatePaymentBody }) =>
      Effect.gen(function* () {
        if (payload.type !== "PROCUREMENT_PAYMENT") {
          if (payload.amount === undefined)
            return yield* InvalidInput.single(
              "amount",
              "amount.required",
              "Say how much to deposit (amount, in kopecks)",
              "Укажите сумму пополнения (amount, в копейках)"
            )
          const { amount, idempotencyKey, provider, userId } = payload
          return yield* createDeposit({
            payload: { amount, userId, provider, idempotencyKey } as CreateDepositBody
          })
        }
        if (payload.procurementId === undefined)
          return yield* InvalidInput.single(
            "procurementId",
            "procurement.required",
            "Say which procurement to pay for (procurementId)",
            "Укажите, какую закупку оплатить (procurementId)"
          )
        const userId = yield* actingUser("pay for a procurement", payload.userId)
        yield* knownProvider(payload.provider)
        return yield* deposits.payShare(userId, payload.procurementId, payload.idempotencyKey)
      })
    const get = ({ path }: { readonly path: { readonly id: PaymentId } }) =>
      Effect.gen(function* () {
        const p = yield* CurrentPrincipal
        const actor = p._tag === "User" ? userActor(p.userId, p.isAdmin) : systemActor(`service ${p.name}`)
        return yield* payments.get(actor, path.id)
      })
    return handlers
      .handle("createDeposit", createDeposit)
      .handle("createPayment", createPayment)
      .handle("get", get)
      .handle("paymentStatus", get)
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          const p = yield* CurrentPrincipal
          const params = compact(urlParams)
          const userId = isTrusted(p) ? params.userId : yield* actingUser("list payments", params.userId)
          return yield* payments.list(new PaymentFilter({ ...params, ...(userId ? { userId } : {}) }))
        })
      )
      .handle("refund", ({ path }) => Effect.zipRight(requireTrusted("refund a payment"), deposits.refund(path.id)))
      .handle("balance", ({ path }) =>
        Effect.gen(function* () {
          yield* requireSelfOrTrusted("read a balance", path.id)
          return { userId: path.id, balance: yield* ledger.balance(path.id) }
        })
      )
      .handle("transactions", ({ path, urlParams }) =>
        Effect.zipRight(
          requireSelfOrTrusted("read transactions", path.id),
          ledger.history(path.id, new PageRequest(compact(urlParams)))
        )
      )
  })
)
