/**
 * A referral shop's commission on an order sold through its bot (issue #15). Both functions run inside the order's
 * own SQL transaction (the purchase, the refund, the provider's failure), so the order and its commission commit or
 * roll back together.
 *
 * - `credit`: the order's `shop_bot_id` names a bot whose referral shop is `active` (a paused, blocked or deleted shop
 *   earns nothing — its bot does not serve anyway) and whose owner is not the buyer (no commission on one's own
 *   purchases) → the owner is credited `floor(total × percent / 100)` kopecks (rounded down to the kopeck), the percent
 *   being the shop's override or the shop settings' `referral_commission_percent`, as a COMMISSION ledger entry keyed
 *   `order:<id>:commission`, and a `referral_commissions` row records it (also when the share rounds to 0).
 * - `reverse`: a refunded or failed order takes the commission back once (COMMISSION_REVERSAL, keyed
 *   `order:<id>:commission-reversal`; the row's `reversed_at` is set by a conditional update, and the caller holds the
 *   order's row lock). If the owner has already withdrawn part of it, the reversal takes what is left on the balance
 *   (never a negative balance) and the rest is recorded as the row's `shortfall` for the admins to settle by hand.
 *
 * Lock order: the caller holds the buyer (and product) locks; the owner's row is locked last, by the ledger write.
 */
import { SqlClient } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import type { DomainEvent } from "../../Events.js"
import type { OrderId } from "../../Ids.js"
import { UserId } from "../../Ids.js"
import { Kopecks } from "../../Money.js"
import { makeLedgerWrites } from "../money/LedgerWrites.js"
import { decodeRows } from "../people/Sql.js"

const CreditedRow = Schema.Struct({ ownerId: UserId, amount: Kopecks })
const ReversalRow = Schema.Struct({ ownerId: UserId, amount: Kopecks })

export interface CommissionOrder {
  readonly id: OrderId
  readonly number: number
  readonly buyerId: UserId
  readonly total: Kopecks
  readonly shopBotId: string | null
}

export const makeReferralCommission = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const writes = yield* makeLedgerWrites

  const credit = (order: CommissionOrder) =>
    Effect.gen(function* () {
      if (order.shopBotId === null) return [] as Array<DomainEvent>
      const [row] = yield* decodeRows(CreditedRow)(
        sql`INSERT INTO referral_commissions (order_id, shop_id, owner_id, buyer_id, percent, order_total, amount)
            SELECT ${order.id}, s.id, s.owner_id, ${order.buyerId}, p.percent, ${order.total},
              floor(${order.total}::bigint * p.percent / 100)::bigint
            FROM referral_shops s
              CROSS JOIN LATERAL (SELECT coalesce(s.commission_percent,
                (SELECT referral_commission_percent FROM shop_settings)) AS percent) p
            WHERE s.bot_id = ${order.shopBotId} AND s.status = 'active' AND s.owner_id <> ${order.buyerId}
            ON CONFLICT (order_id) DO NOTHING
            RETURNING owner_id, amount::text`
      )
      if (row === undefined || row.amount === 0n) return []
      const entry = yield* writes.apply({
        userId: row.ownerId,
        amount: row.amount,
        type: "COMMISSION",
        idempotencyKey: `order:${order.id}:commission`,
        description: `Order #${order.number}: referral shop commission`
      })
      return [{ _tag: "BalanceChanged", userId: row.ownerId, balance: entry.balanceAfter }] as Array<DomainEvent>
    })

  const reverse = (order: CommissionOrder) =>
    Effect.gen(function* () {
      const [found] = yield* decodeRows(ReversalRow)(
        sql`SELECT owner_id, amount::text FROM referral_commissions
            WHERE order_id = ${order.id} AND reversed_at IS NULL FOR UPDATE`
      )
      if (found === undefined) return [] as Array<DomainEvent>
      const owner = yield* writes.lockUser(found.ownerId)
      const balance = Option.match(owner, { onNone: () => 0n, onSome: (o) => o.balance })
      const taken = found.amount < balance ? found.amount : balance
      yield* sql`UPDATE referral_commissions SET reversed = ${taken}, shortfall = ${found.amount - taken},
                   reversed_at = now()
                 WHERE order_id = ${order.id} AND reversed_at IS NULL`
      if (found.amount - taken > 0n)
        yield* Effect.logWarning("shop: a refunded order's commission was already withdrawn; the rest is a shortfall", {
          orderId: order.id,
          ownerId: found.ownerId,
          shortfall: String(found.amount - taken)
        })
      if (taken === 0n) return []
      const entry = yield* writes.apply({
        userId: found.ownerId,
        amount: Kopecks.make(-taken),
        type: "COMMISSION_REVERSAL",
        idempotencyKey: `order:${order.id}:commission-reversal`,
        description:
          taken === found.amount
            ? `Order #${order.number} refunded: referral shop commission reversed`
            : `Order #${order.number} refunded: referral shop commission reversed in part (${found.amount - taken} kopecks already withdrawn)`
      })
      return [{ _tag: "BalanceChanged", userId: found.ownerId, balance: entry.balanceAfter }] as Array<DomainEvent>
    })

  return { credit, reverse } as const
})
