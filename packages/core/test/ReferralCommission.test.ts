/**
 * Referral shop commissions (issue #15) on both database profiles: an order sold through a shop's bot credits the
 * owner in the order's transaction (rounded down to the kopeck; the settings' percent or the shop's override), a
 * refund reverses it exactly once, an already withdrawn commission is reversed down to the balance with the rest
 * recorded as a shortfall, and paused shops, own purchases and orders without a shop bot earn nothing.
 */
import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { OrderId, ProductId, UserId } from "../src/Ids.js"
import { Credit, Ledger } from "../src/Ledger.js"
import { Kopecks } from "../src/Money.js"
import { Orders, PurchaseRequest } from "../src/Shop.js"
import { databaseProfiles } from "../src/testing/index.js"
import { balanceOf, fund, insertUser, transactionSumOf } from "./moneyFixtures.js"
import { invariant, shopLayer, stocked } from "./shopFixtures.js"

let serial = 0

/** A bot record and its referral shop, written with SQL (the fleet's services are not needed here). */
const referralShop = (ownerId: UserId, options: { readonly percent?: string; readonly status?: string } = {}) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const botId = `tg-shop-${++serial}-${Math.random().toString(36).slice(2, 8)}`
    yield* sql`INSERT INTO bots (id, platform, token_ciphertext, token_fingerprint, role, owner_id, source)
               VALUES (${botId}, 'telegram', 'v1:x:y:z', ${`fp-${botId}`}, 'referral', ${ownerId}, 'owner')`
    yield* sql`INSERT INTO referral_shops (owner_id, bot_id, name, commission_percent, status)
               VALUES (${ownerId}, ${botId}, 'Lena''s shop', ${options.percent ?? null}, ${options.status ?? "active"})`
    return botId
  })

const buyVia = (buyerId: UserId, productId: ProductId, quantity: number, shopBotId: string | null) =>
  Effect.flatMap(Orders, (o) =>
    o.purchase(new PurchaseRequest({ buyerId, productId, quantity, idempotencyKey: `ref-${++serial}`, shopBotId }))
  )

const ledgerOf = (userId: UserId) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<{ type: string; amount: string; idempotencyKey: string }>`SELECT type, amount::text, idempotency_key
        FROM transactions WHERE user_id = ${userId} AND type LIKE 'COMMISSION%' ORDER BY created_at, id`
  )

const commissionRow = (orderId: OrderId) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<{ amount: string; percent: string; reversed: string | null; shortfall: string }>`SELECT amount::text,
        percent::text, reversed::text, shortfall::text FROM referral_commissions WHERE order_id = ${orderId}`
  )

for (const profile of databaseProfiles()) {
  describe(`Referral shop commission (${profile.name})`, () => {
    it.layer(shopLayer(profile.layer), { timeout: "180 seconds" })((it) => {
      it.scoped("a sale through a shop bot credits the owner, rounded down; a refund reverses it once", () =>
        Effect.gen(function* () {
          const owner = yield* insertUser()
          const buyer = yield* insertUser()
          yield* fund(buyer, 20_000n)
          const bot = yield* referralShop(owner)
          const product = yield* stocked(10, 1_555n)
          // 3 × 15.55 ₽ = 46.65 ₽; 10 % of it is 4.665 ₽ → 466 kopecks (rounded down)
          const sold = yield* buyVia(buyer, product.id, 3, bot)
          assert.strictEqual(sold.order.shopBotId, bot)
          assert.strictEqual(sold.order.total, 4_665n)
          assert.strictEqual(yield* balanceOf(buyer), 20_000n - 4_665n, "the buyer pays the normal price")
          assert.strictEqual(yield* balanceOf(owner), 466n)
          assert.deepStrictEqual(yield* ledgerOf(owner), [
            { type: "COMMISSION", amount: "466", idempotencyKey: `order:${sold.order.id}:commission` }
          ])
          assert.deepStrictEqual(yield* commissionRow(sold.order.id), [
            { amount: "466", percent: "10.00", reversed: null, shortfall: "0" }
          ])
          yield* invariant

          const orders = yield* Orders
          const refunded = yield* orders.refund(sold.order.id, null, "changed my mind")
          assert.isTrue(refunded.changed)
          const again = yield* orders.refund(sold.order.id, null, null)
          assert.isFalse(again.changed)
          yield* Effect.all([orders.refund(sold.order.id, null, null), orders.refund(sold.order.id, null, null)], {
            concurrency: 2
          })
          assert.strictEqual(yield* balanceOf(owner), 0n)
          assert.strictEqual(yield* balanceOf(buyer), 20_000n)
          assert.deepStrictEqual(
            (yield* ledgerOf(owner)).map((r) => [r.type, r.amount]),
            [
              ["COMMISSION", "466"],
              ["COMMISSION_REVERSAL", "-466"]
            ]
          )
          assert.deepStrictEqual(yield* commissionRow(sold.order.id), [
            { amount: "466", percent: "10.00", reversed: "466", shortfall: "0" }
          ])
          assert.strictEqual(yield* transactionSumOf(owner), 0n)
          yield* invariant
        })
      )

      it.scoped("the shop's override wins over the settings' percent", () =>
        Effect.gen(function* () {
          const owner = yield* insertUser()
          const buyer = yield* insertUser()
          yield* fund(buyer, 10_000n)
          const bot = yield* referralShop(owner, { percent: "12.5" })
          const product = yield* stocked(5, 999n)
          // 2 × 9.99 ₽ = 19.98 ₽; 12.5 % = 2.4975 ₽ → 249 kopecks
          const sold = yield* buyVia(buyer, product.id, 2, bot)
          assert.strictEqual(yield* balanceOf(owner), 249n)
          assert.deepStrictEqual(yield* commissionRow(sold.order.id), [
            { amount: "249", percent: "12.50", reversed: null, shortfall: "0" }
          ])
          yield* invariant
        })
      )

      it.scoped("a commission already withdrawn is reversed down to the balance, the rest a recorded shortfall", () =>
        Effect.gen(function* () {
          const owner = yield* insertUser()
          const buyer = yield* insertUser()
          yield* fund(buyer, 100_000n)
          const bot = yield* referralShop(owner, { percent: "20" })
          const product = yield* stocked(5, 10_000n)
          const sold = yield* buyVia(buyer, product.id, 1, bot)
          assert.strictEqual(yield* balanceOf(owner), 2_000n)
          const ledger = yield* Ledger
          yield* ledger.withdraw(
            new Credit({ userId: owner, amount: Kopecks.make(1_500n), idempotencyKey: `out-${owner}` })
          )
          assert.strictEqual(yield* balanceOf(owner), 500n)
          const orders = yield* Orders
          yield* orders.refund(sold.order.id, null, null)
          yield* orders.refund(sold.order.id, null, null)
          assert.strictEqual(yield* balanceOf(owner), 0n, "never below zero")
          assert.strictEqual(yield* balanceOf(buyer), 100_000n)
          assert.deepStrictEqual(
            (yield* ledgerOf(owner)).map((r) => [r.type, r.amount]),
            [
              ["COMMISSION", "2000"],
              ["COMMISSION_REVERSAL", "-500"]
            ]
          )
          assert.deepStrictEqual(yield* commissionRow(sold.order.id), [
            { amount: "2000", percent: "20.00", reversed: "500", shortfall: "1500" }
          ])
          yield* invariant
        })
      )

      it.scoped("a paused shop, the owner's own purchase and an order without a shop bot earn nothing", () =>
        Effect.gen(function* () {
          const owner = yield* insertUser()
          const buyer = yield* insertUser()
          yield* fund(buyer, 10_000n)
          yield* fund(owner, 10_000n)
          const paused = yield* referralShop(owner, { status: "paused" })
          const active = yield* referralShop(owner)
          const product = yield* stocked(10, 1_000n)
          const viaPaused = yield* buyVia(buyer, product.id, 1, paused)
          const own = yield* buyVia(owner, product.id, 1, active)
          const direct = yield* buyVia(buyer, product.id, 1, null)
          const unknown = yield* buyVia(buyer, product.id, 1, "no-such-bot")
          assert.strictEqual(yield* balanceOf(owner), 9_000n)
          assert.deepStrictEqual(yield* ledgerOf(owner), [])
          for (const sold of [viaPaused, own, direct, unknown])
            assert.deepStrictEqual(yield* commissionRow(sold.order.id), [])
          // and refunding them reverses nothing
          yield* (yield* Orders).refund(own.order.id, null, null)
          assert.strictEqual(yield* balanceOf(owner), 10_000n)
          assert.deepStrictEqual(yield* ledgerOf(owner), [])
          yield* invariant
        })
      )
    })
  })
}
