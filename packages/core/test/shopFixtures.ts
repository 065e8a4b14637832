/** Shared fixtures of the shop suites: the shop over one database profile with a scripted provider `proxy6`. */
import { SqlClient } from "@effect/sql"
import { assert } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { DomainEventsLive } from "../src/Events.js"
import type { ProductId, UserId } from "../src/Ids.js"
import { Ledger } from "../src/Ledger.js"
import { LedgerLive } from "../src/LedgerLive.js"
import { Kopecks } from "../src/Money.js"
import { Catalog, CreateProduct, Orders, PurchaseRequest } from "../src/Shop.js"
import { ShopLive } from "../src/ShopLive.js"
import { ScriptedProviders } from "../src/testing/index.js"

export const shopLayer = <E>(database: Layer.Layer<SqlClient.SqlClient, E>) =>
  Layer.fresh(
    Layer.mergeAll(ShopLive, LedgerLive).pipe(
      Layer.provideMerge(ScriptedProviders.layer("proxy6")),
      Layer.provideMerge(DomainEventsLive),
      Layer.provideMerge(database)
    )
  )

export const invariant = Effect.gen(function* () {
  const totals = yield* Effect.flatMap(Ledger, (l) => l.totals())
  assert.strictEqual(totals.balances + totals.held, totals.external, "Σ balances + Σ held = external")
})

let serial = 0

export const stocked = (stock: number, price = 1_000n, extra: Partial<CreateProduct> = {}) =>
  Effect.flatMap(Catalog, (c) =>
    c.create(
      new CreateProduct({
        title: `Stocked ${++serial}`,
        price: Kopecks.make(price),
        kind: "STOCKED",
        stock,
        ...extra
      })
    )
  )

export const digital = (items: ReadonlyArray<string>, price = 500n) =>
  Effect.gen(function* () {
    const catalog = yield* Catalog
    const product = yield* catalog.create(
      new CreateProduct({ title: `Digital ${++serial}`, price: Kopecks.make(price), kind: "DIGITAL" })
    )
    if (items.length > 0) yield* catalog.uploadItems(product.id, items.join("\n"))
    return product
  })

export const buy = (buyerId: UserId, productId: ProductId, quantity: number, key = `k-${++serial}`) =>
  Effect.flatMap(Orders, (o) => o.purchase(new PurchaseRequest({ buyerId, productId, quantity, idempotencyKey: key })))

export const ledgerRowsOf = (userId: UserId) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<{ type: string; amount: string }>`SELECT type, amount::text FROM transactions
        WHERE user_id = ${userId} AND type LIKE 'PURCHASE%' ORDER BY created_at, id`
  )
