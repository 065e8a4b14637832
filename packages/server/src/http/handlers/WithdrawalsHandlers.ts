/**
 * `withdrawals` group: a user asks for a payout of part of their balance (oneself, or anybody with the service token)
 * and lists their requests. `adminWithdrawals`: admins list, approve (the configured payment provider pays out) and
 * reject; a decision that changed something is audited.
 */
import { HttpApiBuilder } from "@effect/platform"
import {
  CurrentAdmin,
  GroupBuyApi,
  RequestWithdrawal,
  WithdrawalFilter,
  type WithdrawalRequest,
  type WithdrawalRequestId,
  Withdrawals
} from "@groupbuy/core"
import { Effect } from "effect"
import { requireSelfOrTrusted } from "../../internal/Access.js"
import { compact } from "../../internal/Compact.js"
import { PaymentProvider } from "../../payments/PaymentProvider.js"
import { auditAdminAction } from "../../admin/AdminAudit.js"

export const WithdrawalsHandlers = HttpApiBuilder.group(GroupBuyApi, "withdrawals", (handlers) =>
  Effect.gen(function* () {
    const withdrawals = yield* Withdrawals
    return handlers
      .handle("requestWithdrawal", ({ path, payload }) =>
        Effect.zipRight(
          requireSelfOrTrusted("withdraw money", path.id),
          withdrawals.request(
            path.id,
            new RequestWithdrawal({
              amount: payload.amount,
              details: payload.details,
              ...(payload.idempotencyKey === undefined ? {} : { idempotencyKey: payload.idempotencyKey })
            })
          )
        )
      )
      .handle("withdrawals", ({ path, urlParams }) =>
        Effect.zipRight(
          requireSelfOrTrusted("read withdrawal requests", path.id),
          Effect.map(withdrawals.list(new WithdrawalFilter({ ...compact(urlParams), userId: path.id })), (page) => ({
            ...page,
            items: page.items.map((view) => view.request)
          }))
        )
      )
  })
)

export const AdminWithdrawalsHandlers = HttpApiBuilder.group(GroupBuyApi, "adminWithdrawals", (handlers) =>
  Effect.gen(function* () {
    const withdrawals = yield* Withdrawals
    const provider = yield* PaymentProvider

    const audit = (action: string, request: WithdrawalRequest, details: Record<string, unknown>) =>
      auditAdminAction(action, "withdrawal_request", request.id, {
        ...details,
        userId: request.userId,
        amount: request.amount.toString()
      })

    const payout = (request: WithdrawalRequest) =>
      provider.payout(request).pipe(Effect.mapError((e) => ({ message: e.message })))

    const approve = (id: WithdrawalRequestId) =>
      Effect.gen(function* () {
        const admin = yield* CurrentAdmin
        const { changed, request } = yield* withdrawals.approve(id, admin.userId, payout)
        if (changed)
          yield* audit("withdrawal.approve", request, {
            provider: request.provider,
            payoutReference: request.payoutReference
          })
        return request
      })

    const reject = (id: WithdrawalRequestId, reason: string | undefined) =>
      Effect.gen(function* () {
        const admin = yield* CurrentAdmin
        const given = reason?.trim() ?? ""
        const { changed, request } = yield* withdrawals.reject(id, admin.userId, given === "" ? null : given)
        if (changed) yield* audit("withdrawal.reject", request, { reason: request.reason })
        return request
      })

    return handlers
      .handle("adminWithdrawals", ({ urlParams }) => withdrawals.list(new WithdrawalFilter(compact(urlParams))))
      .handle("approveWithdrawal", ({ path }) => approve(path.id))
      .handle("rejectWithdrawal", ({ path, payload }) => reject(path.id, payload.reason))
  })
)
