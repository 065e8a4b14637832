import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Ref, Stream, TestServices } from "effect"
import { type DomainEvent, DomainEvents } from "../src/Events.js"
import { Kopecks } from "../src/Money.js"
import { Catalog, OrderFilter, Orders, PurchaseRequest, ShopSettings, UpdateProduct } from "../src/Shop.js"
import { databaseProfiles } from "../src/testing/index.js"
import { balanceOf, fund, insertUser } from "./moneyFixtures.js"
import { buy, digital, invariant, ledgerRowsOf, shopLayer, stocked } from "./shopFixtures.js"

/** The domain events published while `effect` runs, of the given tags. */
const published = <A, E, R>(effect: Effect.Effect<A, E, R>, tags: ReadonlyArray<DomainEvent["_tag"]>) =>
  Effect.gen(function* () {
    const bus = yield* DomainEvents
    const seen = yield* Ref.make<ReadonlyArray<DomainEvent>>([])
    const stream = yield* bus.subscribe
    const fiber = yield* Stream.runForEach(stream, (e) =>
      tags.includes(e._tag) ? Ref.update(seen, (all) => [...all, e]) : Effect.void
    ).pipe(Effect.fork)
    const result = yield* effect
    yield* TestServices.provideLive(Effect.sleep("50 millis"))
    yield* Fiber.interrupt(fiber)
    return [result, yield* Ref.get(seen)] as const
  })

for (const profile of databaseProfiles()) {
  describe(`Shop orders (${profile.name})`, () => {
    it.layer(shopLayer(profile.layer), { timeout: "180 seconds" })((it) => {
      it.scoped(
        "a STOCKED purchase debits once, takes the stock and is delivered; a replay returns the same order",
        () =>
          Effect.gen(function* () {
            const buyer = yield* insertUser()
            yield* fund(buyer, 10_000n)
            const product = yield* stocked(10, 1_500n)
            const [first, events] = yield* published(buy(buyer, product.id, 3, "tap-1"), [
              "OrderDelivered",
              "BalanceChanged"
            ])
            assert.strictEqual(first.order.status, "DELIVERED")
            assert.strictEqual(first.order.total, 4_500n)
            assert.deepStrictEqual(
              first.order.lines.map((l) => [l.productId, l.quantity, l.unitPrice]),
              [[product.id, 3, 1_500n]]
            )
            assert.isAbove(first.order.number, 1000)
            assert.deepStrictEqual(first.delivery?.items, [])
            assert.strictEqual(yield* balanceOf(buyer), 5_500n)
            assert.deepStrictEqual(
              events.map((e) => e._tag),
              ["BalanceChanged", "OrderDelivered"]
            )
            const catalog = yield* Catalog
            assert.deepStrictEqual(yield* catalog.stock(product.id), {
              productId: product.id,
              kind: "STOCKED",
              onHand: 7,
              sold: 3
            })
            // a double tap: the same key returns the first order, charges nothing, takes no stock
            const [again, replayEvents] = yield* published(buy(buyer, product.id, 3, "tap-1"), ["OrderDelivered"])
            assert.strictEqual(again.order.id, first.order.id)
            assert.strictEqual(replayEvents.length, 0)
            const twice = yield* Effect.all([buy(buyer, product.id, 1, "tap-2"), buy(buyer, product.id, 1, "tap-2")], {
              concurrency: 2
            })
            assert.strictEqual(twice[0].order.id, twice[1].order.id)
            assert.strictEqual(yield* balanceOf(buyer), 4_000n)
            assert.deepStrictEqual(yield* ledgerRowsOf(buyer), [
              { type: "PURCHASE", amount: "-4500" },
              { type: "PURCHASE", amount: "-1500" }
            ])
            assert.strictEqual((yield* catalog.product(product.id)).available, 6)
            yield* invariant
          })
      )

      it.scoped(
        "bad quantities, too many, an inactive product and a short balance are refused and charge nothing",
        () =>
          Effect.gen(function* () {
            const buyer = yield* insertUser()
            yield* fund(buyer, 2_000n)
            const product = yield* stocked(5, 1_000n)
            for (const quantity of [0, -1, 1.5, 101, Number.NaN]) {
              const error = yield* buy(buyer, product.id, quantity).pipe(Effect.flip)
              assert.strictEqual(error._tag, "InvalidQuantity", `quantity ${quantity}`)
            }
            const tooMany = yield* buy(buyer, product.id, 6).pipe(Effect.flip)
            assert.strictEqual(tooMany._tag, "SoldOut")
            if (tooMany._tag === "SoldOut") {
              assert.strictEqual(tooMany.available, 5)
              assert.include(tooMany.describe("ru"), "Осталось только 5")
            }
            const short = yield* buy(buyer, product.id, 3).pipe(Effect.flip)
            assert.strictEqual(short._tag, "InsufficientFunds")
            if (short._tag === "InsufficientFunds") {
              assert.strictEqual(short.needed, 3_000n)
              assert.strictEqual(short.missing, 1_000n)
            }
            const catalog = yield* Catalog
            yield* catalog.deactivate(product.id)
            const inactive = yield* buy(buyer, product.id, 1).pipe(Effect.flip)
            assert.strictEqual(inactive._tag, "ProductUnavailable")
            const missing = yield* buy(buyer, "00000000-0000-4000-8000-000000000000" as never, 1).pipe(Effect.flip)
            assert.strictEqual(missing._tag, "NotFound")
            const blocked = yield* insertUser({ isActive: false })
            yield* catalog.update(product.id, new UpdateProduct({ isActive: true }))
            const refused = yield* buy(blocked, product.id, 1).pipe(Effect.flip)
            assert.strictEqual(
              refused._tag === "RuleViolation" ? refused.code : refused._tag,
              "purchase.account-blocked"
            )
            assert.strictEqual(yield* balanceOf(buyer), 2_000n)
            assert.strictEqual((yield* catalog.stock(product.id)).onHand, 5)
            assert.deepStrictEqual(yield* ledgerRowsOf(buyer), [])
            const orders = yield* Orders
            assert.strictEqual((yield* orders.list(new OrderFilter({ buyerId: buyer }))).total, 0)
            yield* invariant
          })
      )

      it.scoped(
        "DIGITAL items: uploaded once each, every item sold to one order, shown only in the buyer's own order",
        () =>
          Effect.gen(function* () {
            const catalog = yield* Catalog
            const orders = yield* Orders
            const product = yield* digital([])
            const uploaded = yield* catalog.uploadItems(product.id, "KEY-1\n\n  KEY-2  \nKEY-1\r\nKEY-3\n   \n")
            assert.deepStrictEqual(uploaded, { added: 3, duplicates: 1, blanks: 2 })
            const again = yield* catalog.uploadItems(product.id, "KEY-3\nKEY-4")
            assert.deepStrictEqual(again, { added: 1, duplicates: 1, blanks: 0 })
            const notDigital = yield* stocked(1)
            const refused = yield* catalog.uploadItems(notDigital.id, "X").pipe(Effect.flip)
            assert.strictEqual(refused._tag === "RuleViolation" ? refused.code : refused._tag, "product.not-digital")

            const buyer = yield* insertUser()
            const other = yield* insertUser()
            yield* fund(buyer, 10_000n)
            yield* fund(other, 10_000n)
            const mine = yield* buy(buyer, product.id, 2)
            const theirs = yield* buy(other, product.id, 2)
            assert.strictEqual(mine.order.status, "DELIVERED")
            // sold in the order uploaded: the first buyer gets the first two lines
            assert.deepStrictEqual(mine.delivery?.items, ["KEY-1", "KEY-2"])
            assert.deepStrictEqual(theirs.delivery?.items, ["KEY-3", "KEY-4"])
            const soldOut = yield* buy(buyer, product.id, 1).pipe(Effect.flip)
            assert.strictEqual(soldOut._tag, "SoldOut")
            assert.deepStrictEqual(yield* catalog.stock(product.id), {
              productId: product.id,
              kind: "DIGITAL",
              onHand: 0,
              sold: 4
            })
            // the buyer reads it back; somebody else cannot; the admin list carries no contents
            const own = yield* orders.own(buyer, mine.order.id)
            assert.deepStrictEqual(own.delivery?.items, mine.delivery?.items)
            const foreign = yield* orders.own(other, mine.order.id).pipe(Effect.flip)
            assert.strictEqual(foreign._tag, "NotFound")
            const listed = yield* orders.list(new OrderFilter({ productId: product.id }))
            assert.strictEqual(listed.total, 2)
            assert.notInclude(
              JSON.stringify(listed.items, (_, v) => (typeof v === "bigint" ? String(v) : v)),
              "KEY-"
            )
            // a refund returns the money; the sold items stay sold (the buyer has seen them)
            const refunded = yield* orders.refund(mine.order.id, null, "test")
            assert.isTrue(refunded.changed)
            assert.strictEqual((yield* catalog.stock(product.id)).onHand, 0)
            assert.deepStrictEqual((yield* orders.own(buyer, mine.order.id)).delivery?.items, mine.delivery?.items)
            yield* invariant
          })
      )

      it.scoped("a refund returns the money and the stock once, also when two admins click at the same time", () =>
        Effect.gen(function* () {
          const orders = yield* Orders
          const catalog = yield* Catalog
          const admin = yield* insertUser({ isAdmin: true })
          const buyer = yield* insertUser()
          yield* fund(buyer, 5_000n)
          const product = yield* stocked(4, 1_000n)
          const { order } = yield* buy(buyer, product.id, 2)
          assert.strictEqual(yield* balanceOf(buyer), 3_000n)
          const [outcomes, events] = yield* published(
            Effect.all([orders.refund(order.id, admin, "broken"), orders.refund(order.id, admin, "broken")], {
              concurrency: 2
            }),
            ["OrderRefunded"]
          )
          assert.deepStrictEqual(outcomes.map((o) => o.changed).sort(), [false, true])
          assert.strictEqual(outcomes[0].order.status, "REFUNDED")
          assert.strictEqual(outcomes[0].order.note, "broken")
          assert.strictEqual(events.length, 1)
          assert.strictEqual(yield* balanceOf(buyer), 5_000n)
          assert.deepStrictEqual(yield* catalog.stock(product.id), {
            productId: product.id,
            kind: "STOCKED",
            onHand: 4,
            sold: 0
          })
          assert.deepStrictEqual(yield* ledgerRowsOf(buyer), [
            { type: "PURCHASE", amount: "-2000" },
            { type: "PURCHASE_REFUND", amount: "2000" }
          ])
          yield* invariant
          const gone = yield* orders
            .refund("00000000-0000-4000-8000-000000000000" as never, null, null)
            .pipe(Effect.flip)
          assert.strictEqual(gone._tag, "NotFound")
        })
      )

      it.scoped("low stock: the sale that takes on-hand to the threshold tells the admins, once", () =>
        Effect.gen(function* () {
          const settings = yield* ShopSettings
          yield* settings.update({ lowStockThreshold: 2 })
          const buyer = yield* insertUser()
          yield* fund(buyer, 100_000n)
          const product = yield* stocked(5, 100n)
          const [, quiet] = yield* published(buy(buyer, product.id, 2), ["LowStock"])
          assert.strictEqual(quiet.length, 0)
          const [, low] = yield* published(buy(buyer, product.id, 1), ["LowStock"])
          assert.deepStrictEqual(
            low.map((e) => (e._tag === "LowStock" ? [e.productId, e.onHand, e.threshold] : null)),
            [[product.id, 2, 2]]
          )
          const [, later] = yield* published(buy(buyer, product.id, 1), ["LowStock"])
          assert.strictEqual(later.length, 0)
        })
      )

      it.scoped("the buyer's orders page newest first; the admin list filters by status, buyer and date", () =>
        Effect.gen(function* () {
          const orders = yield* Orders
          const buyer = yield* insertUser()
          yield* fund(buyer, 100_000n)
          const product = yield* stocked(10, 100n)
          const first = yield* buy(buyer, product.id, 1)
          const second = yield* buy(buyer, product.id, 2)
          yield* orders.refund(first.order.id, null, null)
          const page = yield* orders.mine(buyer, { offset: 0, limit: 1 })
          assert.strictEqual(page.total, 2)
          assert.deepStrictEqual(
            page.items.map((o) => o.id),
            [second.order.id]
          )
          const refunded = yield* orders.list(new OrderFilter({ buyerId: buyer, status: "REFUNDED" }))
          assert.deepStrictEqual(
            refunded.items.map((o) => o.id),
            [first.order.id]
          )
          const byTotal = yield* orders.list(
            new OrderFilter({ buyerId: buyer, sort: { column: "total", direction: "desc" } })
          )
          assert.deepStrictEqual(
            byTotal.items.map((o) => o.total),
            [200n, 100n].map((k) => Kopecks.make(k))
          )
          const viaBot = yield* orders.purchase(
            new PurchaseRequest({
              buyerId: buyer,
              productId: product.id,
              quantity: 1,
              idempotencyKey: "bot-sale",
              shopBotId: "bot-7"
            })
          )
          assert.strictEqual(viaBot.order.shopBotId, "bot-7")
          const soldByBot = yield* orders.list(new OrderFilter({ shopBotId: "bot-7" }))
          assert.deepStrictEqual(
            soldByBot.items.map((o) => o.id),
            [viaBot.order.id]
          )
          const future = yield* orders.list(new OrderFilter({ buyerId: buyer, from: new Date(Date.now() + 3_600_000) }))
          assert.strictEqual(future.total, 0)
        })
      )
    })
  })
}
