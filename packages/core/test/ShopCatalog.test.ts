import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fc from "fast-check"
import { ProviderError } from "../src/Errors.js"
import { Kopecks } from "../src/Money.js"
import type { ProviderOffer } from "../src/Providers.js"
import {
  Catalog,
  CreateProduct,
  OrderFilter,
  Orders,
  ProductFilter,
  ShopSettings,
  SyncLogFilter,
  UpdateProduct,
  UpdateShopSettings
} from "../src/Shop.js"
import { markedUp } from "../src/internal/shop/CatalogLive.js"
import { databaseProfiles, ScriptedProviders, scriptedOffer } from "../src/testing/index.js"
import { balanceOf, fund, insertCategory, insertUser } from "./moneyFixtures.js"
import { buy, invariant, ledgerRowsOf, shopLayer, stocked } from "./shopFixtures.js"

const offers = (...list: ReadonlyArray<ProviderOffer>) => list

for (const profile of databaseProfiles()) {
  describe(`Shop catalog, providers and settings (${profile.name})`, () => {
    it.layer(shopLayer(profile.layer), { timeout: "180 seconds" })((it) => {
      it.scoped("the catalogue lists categories with active products, and their active products by sort order", () =>
        Effect.gen(function* () {
          const catalog = yield* Catalog
          const food = yield* insertCategory("Food")
          const empty = yield* insertCategory("Empty")
          const hidden = yield* insertCategory("Hidden")
          const b = yield* stocked(1, 100n, { categoryId: food, sortOrder: 2, title: "B tea" })
          const a = yield* stocked(1, 100n, { categoryId: food, sortOrder: 1, title: "A coffee" })
          yield* stocked(1, 100n, { categoryId: hidden, isActive: false })
          const names = (yield* catalog.categories()).map((c) => [c.category.name, c.productCount])
          assert.deepInclude(names, ["Food", 2])
          assert.notDeepInclude(
            names.map((n) => n[0]),
            "Empty"
          )
          assert.notInclude(
            names.map((n) => n[0]),
            "Hidden"
          )
          void empty
          const page = yield* catalog.products(food, { offset: 0, limit: 10 })
          assert.deepStrictEqual(
            page.items.map((p) => p.id),
            [a.id, b.id]
          )
          yield* catalog.deactivate(a.id)
          const after = yield* catalog.products(food, { offset: 0, limit: 10 })
          assert.deepStrictEqual(
            after.items.map((p) => p.id),
            [b.id]
          )
          const admin = yield* catalog.list(new ProductFilter({ categoryId: food, isActive: false }))
          assert.deepStrictEqual(
            admin.items.map((p) => p.id),
            [a.id]
          )
          const byPrice = yield* catalog.list(new ProductFilter({ search: "coffee" }))
          assert.deepStrictEqual(
            byPrice.items.map((p) => p.title),
            ["A coffee"]
          )
        })
      )

      it.scoped("admin CRUD: readable refusals, kind rules, deleting only what was never ordered", () =>
        Effect.gen(function* () {
          const catalog = yield* Catalog
          const bad = yield* catalog
            .create(
              new CreateProduct({
                title: "  ",
                price: Kopecks.make(0n),
                kind: "STOCKED",
                images: ["ftp://x"]
              })
            )
            .pipe(Effect.flip)
          assert.strictEqual(bad._tag, "InvalidInput")
          if (bad._tag === "InvalidInput")
            assert.deepStrictEqual(
              bad.issues.map((i) => i.code),
              ["title.empty", "price.out-of-range", "images.not-a-link"]
            )
          const wrongKind = yield* catalog
            .create(new CreateProduct({ title: "Key", price: Kopecks.make(100n), kind: "DIGITAL", stock: 3 }))
            .pipe(Effect.flip)
          assert.strictEqual(
            wrongKind._tag === "RuleViolation" ? wrongKind.code : wrongKind._tag,
            "product.kind-fields"
          )
          const noCategory = yield* catalog
            .create(
              new CreateProduct({
                title: "Tea",
                price: Kopecks.make(100n),
                kind: "STOCKED",
                categoryId: "00000000-0000-4000-8000-000000000000" as never
              })
            )
            .pipe(Effect.flip)
          assert.strictEqual(noCategory._tag, "NotFound")
          const product = yield* stocked(3, 100n, { images: ["https://example.com/a.png"] })
          assert.deepStrictEqual(product.images, ["https://example.com/a.png"])
          const updated = yield* catalog.update(
            product.id,
            new UpdateProduct({ title: "Renamed", price: Kopecks.make(250n), stock: 9 })
          )
          assert.deepStrictEqual(
            [updated.title, updated.price, updated.stock, updated.available],
            ["Renamed", 250n, 9, 9]
          )
          const buyer = yield* insertUser()
          yield* fund(buyer, 1_000n)
          yield* buy(buyer, product.id, 1)
          const refused = yield* catalog.remove(product.id).pipe(Effect.flip)
          assert.strictEqual(refused._tag === "RuleViolation" ? refused.code : refused._tag, "product.has-orders")
          const unsold = yield* stocked(1)
          yield* catalog.remove(unsold.id)
          const gone = yield* catalog.product(unsold.id).pipe(Effect.flip)
          assert.strictEqual(gone._tag, "NotFound")
        })
      )

      it.scoped(
        "provider sync: creates with the markup, updates, deactivates what is gone; a second run changes nothing",
        () =>
          Effect.gen(function* () {
            const catalog = yield* Catalog
            const first = yield* catalog.syncProviderOffers(
              "proxy6",
              offers(
                scriptedOffer("ipv4:ru:30", Kopecks.make(10_000n), { available: 7 }),
                scriptedOffer("ipv6:de:7", Kopecks.make(333n))
              ),
              12.5
            )
            assert.strictEqual(first.created.length, 2)
            const ru = first.created.find((p) => p.offerKey === "ipv4:ru:30")!
            assert.deepStrictEqual(
              [ru.kind, ru.price, ru.providerCost, ru.available, ru.isActive],
              ["PROVIDER", 11_250n, 10_000n, 7, true]
            )
            assert.strictEqual(first.created.find((p) => p.offerKey === "ipv6:de:7")!.price, 375n, "rounded up")
            const again = yield* catalog.syncProviderOffers(
              "proxy6",
              offers(
                scriptedOffer("ipv4:ru:30", Kopecks.make(10_000n), { available: 7 }),
                scriptedOffer("ipv6:de:7", Kopecks.make(333n))
              ),
              12.5
            )
            assert.deepStrictEqual(
              [again.created.length, again.updated.length, again.deactivated.length, again.unchanged],
              [0, 0, 0, 2]
            )
            // the price changes, one offer disappears
            const changed = yield* catalog.syncProviderOffers(
              "proxy6",
              offers(scriptedOffer("ipv4:ru:30", Kopecks.make(12_000n), { available: 7 })),
              12.5
            )
            assert.deepStrictEqual(
              changed.updated.map((p): [string | null, bigint] => [p.offerKey, p.price]),
              [["ipv4:ru:30", 13_500n]]
            )
            assert.deepStrictEqual(
              changed.deactivated.map((p) => [p.offerKey, p.isActive]),
              [["ipv6:de:7", false]]
            )
            const still = yield* catalog.syncProviderOffers(
              "proxy6",
              offers(scriptedOffer("ipv4:ru:30", Kopecks.make(12_000n), { available: 7 })),
              12.5
            )
            assert.deepStrictEqual([still.updated.length, still.deactivated.length, still.unchanged], [0, 0, 1])
            // the offer returns: reactivated; an admin's deactivation is kept by later syncs
            const back = yield* catalog.syncProviderOffers(
              "proxy6",
              offers(
                scriptedOffer("ipv4:ru:30", Kopecks.make(12_000n), { available: 7 }),
                scriptedOffer("ipv6:de:7", Kopecks.make(333n))
              ),
              12.5
            )
            assert.deepStrictEqual(
              back.updated.map((p) => [p.offerKey, p.isActive]),
              [["ipv6:de:7", true]]
            )
            yield* catalog.deactivate(ru.id)
            const kept = yield* catalog.syncProviderOffers(
              "proxy6",
              offers(
                scriptedOffer("ipv4:ru:30", Kopecks.make(12_000n), { available: 7 }),
                scriptedOffer("ipv6:de:7", Kopecks.make(333n))
              ),
              12.5
            )
            assert.strictEqual(kept.unchanged, 2)
            assert.isFalse((yield* catalog.product(ru.id)).isActive)
            const duplicate = yield* catalog
              .syncProviderOffers(
                "proxy6",
                offers(scriptedOffer("x", Kopecks.make(1n)), scriptedOffer("x", Kopecks.make(1n))),
                10
              )
              .pipe(Effect.flip)
            assert.strictEqual(duplicate._tag, "InvalidInput")
          })
      )

      it.scoped("the sync log keeps every run: what changed, or why the provider could not be read", () =>
        Effect.gen(function* () {
          const catalog = yield* Catalog
          const first = yield* catalog.syncProviderOffers("logged", [scriptedOffer("a", Kopecks.make(100n))], 10)
          yield* catalog.syncProviderOffers("logged", [scriptedOffer("a", Kopecks.make(100n))], 10)
          const failure = yield* catalog.recordSyncFailure(
            "logged",
            new ProviderError({ providerId: "logged", reason: "rate_limited", message: "429" })
          )
          assert.strictEqual(failure.status, "FAILED")
          yield* catalog.syncProviderOffers("logged", [], 10)
          const log = yield* catalog.syncLog(new SyncLogFilter({ providerId: "logged" }))
          assert.strictEqual(log.total, 4)
          assert.deepStrictEqual(
            log.items.map((r) => [r.status, r.created, r.updated, r.deactivated, r.unchanged, r.error]),
            [
              ["OK", 0, 0, 1, 0, null],
              ["FAILED", 0, 0, 0, 0, "rate_limited: 429"],
              ["OK", 0, 0, 0, 1, null],
              ["OK", 1, 0, 0, 0, null]
            ]
          )
          assert.deepStrictEqual(
            log.items[0]!.changes.map((c) => [c.offerKey, c.change]),
            [["a", "deactivated"]]
          )
          assert.strictEqual(log.items[3]!.id, first.runId)
          const failed = yield* catalog.syncLog(new SyncLogFilter({ providerId: "logged", status: "FAILED" }))
          assert.strictEqual(failed.total, 1)
        })
      )

      it.scoped("provider sync is idempotent for any catalogue (property)", () =>
        Effect.gen(function* () {
          const catalog = yield* Catalog
          const offer = fc.record({
            key: fc.stringMatching(/^[a-z0-9:]{1,12}$/),
            cost: fc.bigInt({ min: 1n, max: 10_000_000n }),
            available: fc.nat({ max: 1000 }),
            periodDays: fc.integer({ min: 1, max: 365 })
          })
          const samples = fc.sample(
            fc.tuple(fc.uniqueArray(offer, { selector: (o) => o.key, maxLength: 8 }), fc.integer({ min: 0, max: 300 })),
            { numRuns: 12, seed: 14 }
          )
          let run = 0
          for (const [list, markup] of samples) {
            const providerId = `prop-${++run}`
            const catalogue = list.map((o) =>
              scriptedOffer(o.key, Kopecks.make(o.cost), { available: o.available, periodDays: o.periodDays })
            )
            const first = yield* catalog.syncProviderOffers(providerId, catalogue, markup)
            assert.strictEqual(first.created.length, list.length)
            for (const p of first.created) assert.isTrue(p.price >= p.providerCost!, "never below cost")
            const second = yield* catalog.syncProviderOffers(providerId, catalogue, markup)
            assert.deepStrictEqual(
              [second.created.length, second.updated.length, second.deactivated.length, second.unchanged],
              [0, 0, 0, list.length]
            )
          }
          assert.strictEqual(markedUp(1n, 0.01), 2n)
          assert.strictEqual(markedUp(100n, 0), 100n)
        })
      )

      it.scoped("a PROVIDER purchase is delivered with credentials and a subscription", () =>
        Effect.gen(function* () {
          const catalog = yield* Catalog
          const orders = yield* Orders
          const sql = yield* SqlClient.SqlClient
          const proxy6 = (yield* ScriptedProviders).get("proxy6")!
          const offer = scriptedOffer("ipv4:us:30", Kopecks.make(1_000n), { available: 5, periodDays: 30 })
          yield* proxy6.setOffers([offer])
          const { created } = yield* catalog.syncProviderOffers("proxy6", [offer], 0)
          const product = created[0]!
          const buyer = yield* insertUser()
          yield* fund(buyer, 5_000n)
          const bought = yield* buy(buyer, product.id, 2)
          assert.strictEqual(bought.order.status, "DELIVERED")
          assert.strictEqual(bought.delivery?.items.length, 2)
          assert.isNotNull(bought.delivery?.subscriptionId)
          assert.strictEqual(yield* balanceOf(buyer), 3_000n)
          const calls = yield* proxy6.calls
          assert.deepStrictEqual(calls.at(-1), { method: "buy", args: ["ipv4:us:30", 2, `order:${bought.order.id}`] })
          const subscriptions = yield* sql<{
            userId: string
            status: string
            autoRenew: boolean
            periodDays: number
            externalIds: ReadonlyArray<string>
          }>`SELECT user_id, status, auto_renew, period_days, external_ids FROM subscriptions
             WHERE order_id = ${bought.order.id}`
          assert.deepStrictEqual(
            subscriptions.map((s) => [s.userId, s.status, s.autoRenew, s.periodDays, s.externalIds.length]),
            [[buyer, "ACTIVE", true, 30, 2]]
          )
          assert.strictEqual((yield* catalog.stock(product.id)).onHand, 3)
          const own = yield* orders.own(buyer, bought.order.id)
          assert.deepStrictEqual(own.delivery?.items, bought.delivery?.items)
          yield* invariant
          // an admin's refund returns the money and cancels the subscription (it is not renewed)
          const refunded = yield* orders.refund(bought.order.id, null, "not working")
          assert.isTrue(refunded.changed)
          const [cancelled] = yield* sql<{ status: string; autoRenew: boolean }>`SELECT status, auto_renew
              FROM subscriptions WHERE order_id = ${bought.order.id}`
          assert.deepStrictEqual([cancelled?.status, cancelled?.autoRenew], ["CANCELLED", false])
          assert.strictEqual(yield* balanceOf(buyer), 5_000n)
          yield* invariant
        })
      )

      it.scoped("a provider failure fails the order and refunds it exactly once; an unknown provider too", () =>
        Effect.gen(function* () {
          const catalog = yield* Catalog
          const orders = yield* Orders
          const proxy6 = (yield* ScriptedProviders).get("proxy6")!
          const offer = scriptedOffer("ipv4:nl:30", Kopecks.make(2_000n), { available: 5 })
          yield* proxy6.setOffers([offer])
          const product = (yield* catalog.syncProviderOffers("proxy6", [offer], 0)).created[0]!
          const buyer = yield* insertUser()
          yield* fund(buyer, 5_000n)
          yield* proxy6.failNext("buy", "no_funds")
          const failed = yield* buy(buyer, product.id, 1, "p-1")
          assert.strictEqual(failed.order.status, "FAILED")
          assert.include(failed.order.note ?? "", "no_funds")
          assert.isNull(failed.delivery)
          assert.strictEqual(yield* balanceOf(buyer), 5_000n)
          assert.deepStrictEqual(yield* ledgerRowsOf(buyer), [
            { type: "PURCHASE", amount: "-2000" },
            { type: "PURCHASE_REFUND", amount: "2000" }
          ])
          // a replay returns the failed order and refunds nothing more; an admin cannot refund it again
          const replay = yield* buy(buyer, product.id, 1, "p-1")
          assert.strictEqual(replay.order.id, failed.order.id)
          const again = yield* orders.refund(failed.order.id, null, null).pipe(Effect.flip)
          assert.strictEqual(again._tag === "RuleViolation" ? again.code : again._tag, "order.not-refundable")
          assert.strictEqual((yield* ledgerRowsOf(buyer)).length, 2)
          // a product of a provider nobody configured
          const orphan = yield* catalog.create(
            new CreateProduct({
              title: "Orphan",
              price: Kopecks.make(100n),
              kind: "PROVIDER",
              providerId: "nobody",
              offerKey: "x",
              periodDays: 30
            })
          )
          yield* catalog.syncProviderOffers("nobody", [scriptedOffer("x", Kopecks.make(100n))], 0)
          const unconfigured = yield* buy(buyer, orphan.id, 1)
          assert.strictEqual(unconfigured.order.status, "FAILED")
          assert.include(unconfigured.order.note ?? "", "not_configured")
          assert.strictEqual(yield* balanceOf(buyer), 5_000n)
          const failedList = yield* orders.list(new OrderFilter({ buyerId: buyer, status: "FAILED" }))
          assert.strictEqual(failedList.total, 2)
          yield* invariant
        })
      )

      it.scoped(
        "a PROVIDER order left PAID (no answer from the provider) is failed and refunded once by failStale",
        () =>
          Effect.gen(function* () {
            const catalog = yield* Catalog
            const orders = yield* Orders
            const sql = yield* SqlClient.SqlClient
            const proxy6 = (yield* ScriptedProviders).get("proxy6")!
            const offer = scriptedOffer("ipv4:fr:30", Kopecks.make(700n), { available: 5 })
            yield* proxy6.setOffers([offer])
            const product = (yield* catalog.syncProviderOffers("proxy6", [offer], 0)).created[0]!
            const buyer = yield* insertUser()
            yield* fund(buyer, 2_000n)
            const stuck = yield* buy(buyer, product.id, 1)
            const fresh = yield* buy(buyer, product.id, 1)
            // as if the process had stopped after the payment's commit: PAID, nothing delivered
            for (const [order, age] of [
              [stuck.order.id, "1 hour"],
              [fresh.order.id, "1 second"]
            ] as const) {
              yield* sql`DELETE FROM subscriptions WHERE order_id = ${order}`
              yield* sql`UPDATE orders SET status = 'PAID', delivered_at = NULL, delivery = NULL,
                         updated_at = now() - ${age}::interval WHERE id = ${order}`
            }
            assert.strictEqual(yield* balanceOf(buyer), 600n)
            const [first, second] = yield* Effect.all(
              [orders.failStale("10 minutes"), orders.failStale("10 minutes")],
              {
                concurrency: 2
              }
            )
            assert.strictEqual(first + second, 1)
            assert.strictEqual(yield* orders.failStale("10 minutes"), 0)
            assert.strictEqual((yield* orders.get(stuck.order.id)).status, "FAILED")
            assert.strictEqual((yield* orders.get(fresh.order.id)).status, "PAID")
            assert.strictEqual(yield* balanceOf(buyer), 1_300n)
            yield* invariant
          })
      )

      it.scoped("settings: defaults, partial updates and readable refusals", () =>
        Effect.gen(function* () {
          const settings = yield* ShopSettings
          const initial = yield* settings.get()
          assert.deepStrictEqual(
            [initial.currencyDisplay, initial.offer, initial.defaultMarkupPercent, initial.referralCommissionPercent],
            ["₽", { groupBuys: true, shop: false }, 20, 10]
          )
          const updated = yield* settings.update(
            new UpdateShopSettings({
              name: "Прокси-лавка",
              supportContact: "@support",
              defaultMarkupPercent: 15.5,
              offer: { groupBuys: true, shop: true }
            })
          )
          assert.deepStrictEqual(
            [
              updated.name,
              updated.supportContact,
              updated.defaultMarkupPercent,
              updated.offer,
              updated.lowStockThreshold
            ],
            ["Прокси-лавка", "@support", 15.5, { groupBuys: true, shop: true }, initial.lowStockThreshold]
          )
          const none = yield* settings
            .update(new UpdateShopSettings({ name: " ", offer: { groupBuys: false, shop: false } }))
            .pipe(Effect.flip)
          assert.strictEqual(none._tag, "InvalidInput")
          if (none._tag === "InvalidInput")
            assert.deepStrictEqual(
              none.issues.map((i) => i.code),
              ["name.empty", "offer.none"]
            )
          const outOfRange = yield* settings
            .update({ referralCommissionPercent: 150 } as UpdateShopSettings)
            .pipe(Effect.flip)
          assert.strictEqual(outOfRange._tag, "InvalidInput")
          assert.strictEqual((yield* settings.get()).name, "Прокси-лавка")
          // one part named: the other keeps its value; switching off the only part left is refused
          const shopOnly = yield* settings.update(new UpdateShopSettings({ offer: { groupBuys: false } }))
          assert.deepStrictEqual(shopOnly.offer, { groupBuys: false, shop: true })
          const nothing = yield* settings.update(new UpdateShopSettings({ offer: { shop: false } })).pipe(Effect.flip)
          assert.deepStrictEqual(nothing._tag === "InvalidInput" ? nothing.issues.map((i) => i.code) : nothing, [
            "offer.none"
          ])
          assert.deepStrictEqual((yield* settings.get()).offer, { groupBuys: false, shop: true })
        })
      )
    })
  })
}
