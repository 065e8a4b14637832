/**
 * Referral shops (issue #15) on both database profiles: a shop is created with its bot record in one transaction (a
 * token in use refused, nothing left behind), its figures follow the sales, refunds and commissions, the owner pauses,
 * resumes and deletes it but cannot lift an admin's block, the bot record's status follows, and an admin's override
 * changes the next sale's commission.
 */
import type { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Bots } from "../src/Bots.js"
import { BotsLive } from "../src/BotsLive.js"
import type { ProductId, UserId } from "../src/Ids.js"
import { CreateReferralShop, ReferralShops } from "../src/ReferralShops.js"
import { ReferralShopsLive } from "../src/ReferralShopsLive.js"
import { Orders, PurchaseRequest } from "../src/Shop.js"
import { ShopLive } from "../src/ShopLive.js"
import { databaseProfiles, ScriptedProviders } from "../src/testing/index.js"
import { DomainEventsLive } from "../src/Events.js"
import { LedgerLive } from "../src/LedgerLive.js"
import { balanceOf, fund, insertUser } from "./moneyFixtures.js"
import { invariant, stocked } from "./shopFixtures.js"

let serial = 0
const unique = () => `${++serial}${Math.random().toString(36).slice(2, 8)}`
const sealed = (token: string) => ({ ciphertext: `v1:iv:tag:${token}`, fingerprint: `fp:${token}` })

/** The shop's services and the referral shops over one database (one build: the shop suites' layer, plus these two). */
const layer = <E>(database: Layer.Layer<SqlClient.SqlClient, E>) =>
  Layer.fresh(
    Layer.mergeAll(ReferralShopsLive, BotsLive, ShopLive, LedgerLive).pipe(
      Layer.provideMerge(ScriptedProviders.layer("proxy6")),
      Layer.provideMerge(DomainEventsLive),
      Layer.provideMerge(database)
    )
  )

const buyVia = (buyerId: UserId, productId: ProductId, shopBotId: string) =>
  Effect.flatMap(Orders, (o) =>
    o.purchase(new PurchaseRequest({ buyerId, productId, quantity: 1, idempotencyKey: `rs-${unique()}`, shopBotId }))
  )

for (const profile of databaseProfiles()) {
  describe(`Referral shops (${profile.name})`, () => {
    it.layer(layer(profile.layer), { timeout: "180 seconds" })((it) => {
      it.scoped("create, sell, figures, pause / resume / delete, an admin's block and commission", () =>
        Effect.gen(function* () {
          const shops = yield* ReferralShops
          const bots = yield* Bots
          const owner = yield* insertUser()
          const stranger = yield* insertUser()
          const buyers = [yield* insertUser(), yield* insertUser()] as const
          for (const b of buyers) yield* fund(b, 50_000n)
          const token = `777:${unique()}`
          const shop = yield* shops.create(
            new CreateReferralShop({
              ownerId: owner,
              platform: "telegram",
              platformBotId: `77${serial}`,
              username: "lena_shop_bot",
              name: "  Lena's shop ",
              greeting: "Hi from Lena!"
            }),
            sealed(token)
          )
          assert.strictEqual(shop.name, "Lena's shop")
          assert.strictEqual(shop.status, "active")
          assert.deepStrictEqual([shop.sales, shop.revenue, shop.earnings, shop.buyers], [0, 0n, 0n, 0])
          const bot = yield* bots.get(shop.botId)
          assert.deepStrictEqual(
            [bot.role, bot.ownerId, bot.status, bot.source],
            ["referral", owner, "active", "owner"]
          )

          // the same token again: refused clearly, and no shop or bot left behind
          const before = (yield* shops.list()).length
          const again = yield* shops
            .create(
              new CreateReferralShop({
                ownerId: stranger,
                platform: "telegram",
                platformBotId: `other-${unique()}`,
                username: null,
                name: "Copy"
              }),
              sealed(token)
            )
            .pipe(Effect.flip)
          assert.strictEqual(again.code, "bot.token-in-use")
          assert.include(again.ru, "BotFather")
          assert.strictEqual((yield* shops.list()).length, before)
          assert.deepStrictEqual(yield* shops.mine(stranger), [])

          const product = yield* stocked(10, 3_333n)
          const sold = yield* buyVia(buyers[0], product.id, shop.botId)
          yield* buyVia(buyers[0], product.id, shop.botId)
          yield* buyVia(buyers[1], product.id, shop.botId)
          // 10 % of 33.33 ₽ = 333.3 kopecks → 333 each
          let seen = yield* shops.get(shop.id)
          assert.deepStrictEqual([seen.sales, seen.revenue, seen.earnings, seen.buyers], [3, 9_999n, 999n, 2])
          yield* (yield* Orders).refund(sold.order.id, null, null)
          seen = yield* shops.get(shop.id)
          assert.deepStrictEqual([seen.sales, seen.revenue, seen.earnings, seen.buyers], [2, 6_666n, 666n, 2])
          assert.strictEqual(yield* balanceOf(owner), 666n)

          const withOverride = yield* shops.setCommission(shop.id, "25.5")
          assert.strictEqual(withOverride.commissionPercent, "25.50")
          yield* buyVia(buyers[1], product.id, shop.botId)
          // 25.5 % of 3333 = 849.915 → 849
          assert.strictEqual(yield* balanceOf(owner), 666n + 849n)
          const badPercent = yield* shops.setCommission(shop.id, "101").pipe(Effect.flip)
          assert.strictEqual(badPercent._tag === "RuleViolation" ? badPercent.code : "", "shop.invalid-commission")
          assert.isNull((yield* shops.setCommission(shop.id, null)).commissionPercent)

          const notMine = yield* shops
            .setStatus(shop.id, "paused", { _tag: "Owner", userId: stranger })
            .pipe(Effect.flip)
          assert.strictEqual(notMine._tag, "Forbidden")
          const paused = yield* shops.setStatus(shop.id, "paused", { _tag: "Owner", userId: owner })
          assert.strictEqual(paused.status, "paused")
          assert.strictEqual((yield* bots.get(shop.botId)).status, "paused")
          // a paused shop earns nothing on a sale that still reaches it
          yield* buyVia(buyers[1], product.id, shop.botId)
          assert.strictEqual(yield* balanceOf(owner), 666n + 849n)
          yield* shops.setStatus(shop.id, "active", { _tag: "Owner", userId: owner })
          assert.strictEqual((yield* bots.get(shop.botId)).status, "active")

          yield* shops.setStatus(shop.id, "blocked", { _tag: "Admin" })
          assert.strictEqual((yield* bots.get(shop.botId)).status, "blocked")
          const lift = yield* shops.setStatus(shop.id, "active", { _tag: "Owner", userId: owner }).pipe(Effect.flip)
          assert.strictEqual(lift._tag === "RuleViolation" ? lift.code : lift._tag, "shop.blocked")
          const selfBlock = yield* shops
            .setStatus(shop.id, "blocked", { _tag: "Owner", userId: owner })
            .pipe(Effect.flip)
          assert.strictEqual(selfBlock._tag, "Forbidden")
          yield* shops.setStatus(shop.id, "active", { _tag: "Admin" })
          assert.strictEqual((yield* shops.byBot(shop.botId)).status, "active")

          yield* shops.setStatus(shop.id, "deleted", { _tag: "Owner", userId: owner })
          assert.deepStrictEqual(yield* shops.mine(owner), [])
          assert.strictEqual((yield* bots.get(shop.botId)).status, "deleted")
          const revived = yield* shops.setStatus(shop.id, "active", { _tag: "Admin" }).pipe(Effect.flip)
          assert.strictEqual(revived._tag === "RuleViolation" ? revived.code : revived._tag, "shop.deleted")
          const missing = yield* shops.get("not-a-shop").pipe(Effect.flip)
          assert.strictEqual(missing._tag, "NotFound")
          yield* invariant
        })
      )
    })
  })
}
