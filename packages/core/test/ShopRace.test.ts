import { assert, describe, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import type { Product } from "../src/Shop.js"
import { Catalog } from "../src/Shop.js"
import { databaseProfiles } from "../src/testing/index.js"
import { fund, insertUser } from "./moneyFixtures.js"
import { buy, digital, invariant, shopLayer, stocked } from "./shopFixtures.js"

const BUYERS = 200
const ITEMS = 50

/** 200 funded buyers race for one unit each of a product with 50 on hand: exactly 50 sell, the others are SoldOut. */
const race = (product: Product) =>
  Effect.gen(function* () {
    const buyers = yield* Effect.forEach(Array.from({ length: BUYERS }), () =>
      Effect.tap(insertUser(), (id) => fund(id, product.price))
    )
    const outcomes = yield* Effect.forEach(buyers, (buyer) => Effect.either(buy(buyer, product.id, 1)), {
      concurrency: "unbounded"
    })
    const sold = outcomes.filter(Either.isRight)
    const refused = outcomes.filter(Either.isLeft).map((o) => o.left._tag)
    assert.strictEqual(sold.length, ITEMS, "exactly the stock is sold")
    assert.deepStrictEqual([...new Set(refused)], ["SoldOut"])
    assert.isTrue(sold.every((o) => o.right.order.status === "DELIVERED"))
    const stock = yield* Effect.flatMap(Catalog, (c) => c.stock(product.id))
    assert.deepStrictEqual([stock.onHand, stock.sold], [0, ITEMS])
    if (product.kind === "DIGITAL") {
      const delivered = sold.flatMap((o) => o.right.delivery?.items ?? [])
      assert.strictEqual(new Set(delivered).size, ITEMS, "every item went to exactly one order")
    }
    yield* invariant
  })

for (const profile of databaseProfiles()) {
  describe(`Shop race (${profile.name})`, () => {
    it.layer(shopLayer(profile.layer), { timeout: "300 seconds" })((it) => {
      it.effect(
        "200 buyers racing for 50 STOCKED units buy exactly 50",
        () => Effect.flatMap(stocked(ITEMS, 700n), race),
        { timeout: 300_000 }
      )
      it.effect(
        "200 buyers racing for 50 DIGITAL items buy exactly 50, each item once",
        () =>
          Effect.flatMap(
            digital(
              Array.from({ length: ITEMS }, (_, i) => `CODE-${i}`),
              300n
            ),
            race
          ),
        { timeout: 300_000 }
      )
    })
  })
}
