/** `adminPayments` group: an admin captures or cancels a card payment through its provider; a change is audited. */
import { HttpApiBuilder } from "@effect/platform"
import { GroupBuyApi, type Payment, type PaymentId } from "@groupbuy/core"
import { Effect } from "effect"
import { auditAdminAction } from "../../admin/AdminAudit.js"
import { Deposits } from "../../payments/Deposits.js"

export const AdminPaymentsHandlers = HttpApiBuilder.group(GroupBuyApi, "adminPayments", (handlers) =>
  Effect.gen(function* () {
    const deposits = yield* Deposits
    const decide =
      (
        action: string,
        act: (
          id: PaymentId
        ) => Effect.Effect<
          { readonly payment: Payment; readonly changed: boolean },
          Effect.Effect.Error<ReturnType<typeof deposits.capture>>
        >
      ) =>
      ({ path }: { readonly path: { readonly id: PaymentId } }) =>
        Effect.gen(function* () {
          const { changed, payment } = yield* act(path.id)
          if (changed)
            yield* auditAdminAction(action, "payment", payment.id, {
              userId: payment.userId,
              type: payment.type,
              procurementId: payment.procurementId,
              amount: payment.amount.toString(),
              status: payment.status
            })
          return payment
        })
    return handlers
      .handle("capturePayment", decide("payment.capture", deposits.capture))
      .handle("cancelPayment", decide("payment.cancel", deposits.cancel))
  })
)
