/**
 * `referralShops`: a person's own referral bot shops (list, open from a token, pause / resume / delete);
 * `adminReferralShops`: every shop for the administrators (block / unblock, a commission of its own), audited.
 * A change reaches the bot registry at once in this instance (`reconcileNow`), the others on their next pass.
 */
import { HttpApiBuilder } from "@effect/platform"
import { GroupBuyApi, type ReferralShop, ReferralShopJson, ReferralShops } from "@groupbuy/core"
import { DateTime, Effect } from "effect"
import { auditAdminAction } from "../../admin/AdminAudit.js"
import { BotRegistry } from "../../bots/BotRegistry.js"
import { ReferralShopOpening } from "../../bots/ReferralShopOpening.js"
import { requireSelfOrTrusted } from "../../internal/Access.js"

const json = (shop: ReferralShop) =>
  new ReferralShopJson({ ...shop, createdAt: DateTime.unsafeMake(shop.createdAt) }, { disableValidation: true })

export const ReferralShopsHandlers = HttpApiBuilder.group(GroupBuyApi, "referralShops", (handlers) =>
  Effect.gen(function* () {
    const shops = yield* ReferralShops
    const opening = yield* ReferralShopOpening
    const registry = yield* BotRegistry
    return handlers
      .handle("ownShops", ({ path }) =>
        Effect.zipRight(
          requireSelfOrTrusted("read referral shops", path.id),
          Effect.map(shops.mine(path.id), (list) => list.map(json))
        )
      )
      .handle("openShop", ({ path, payload }) =>
        Effect.gen(function* () {
          yield* requireSelfOrTrusted("open a referral shop", path.id)
          const shop = yield* opening.open({
            ownerId: path.id,
            platform: payload.platform,
            token: payload.token,
            name: payload.name,
            greeting: payload.greeting
          })
          yield* registry.reconcileNow()
          return json(shop)
        })
      )
      .handle("setOwnShopStatus", ({ path, payload }) =>
        Effect.gen(function* () {
          yield* requireSelfOrTrusted("change a referral shop", path.id)
          const shop = yield* shops.setStatus(path.shopId, payload.status, { _tag: "Owner", userId: path.id })
          yield* registry.reconcileNow()
          return json(shop)
        })
      )
  })
)

export const AdminReferralShopsHandlers = HttpApiBuilder.group(GroupBuyApi, "adminReferralShops", (handlers) =>
  Effect.gen(function* () {
    const shops = yield* ReferralShops
    const registry = yield* BotRegistry
    return handlers
      .handle("referralShops", () => Effect.map(shops.list(), (list) => list.map(json)))
      .handle("updateReferralShop", ({ path, payload }) =>
        Effect.gen(function* () {
          const before = yield* shops.get(path.id)
          let shop = before
          if (payload.commissionPercent !== undefined && payload.commissionPercent !== before.commissionPercent) {
            shop = yield* shops.setCommission(path.id, payload.commissionPercent)
            yield* auditAdminAction("referral_shop.commission", "referral_shop", shop.id, {
              from: before.commissionPercent,
              to: shop.commissionPercent
            })
          }
          if (payload.status !== undefined && payload.status !== shop.status) {
            const from = shop.status
            shop = yield* shops.setStatus(path.id, payload.status, { _tag: "Admin" })
            yield* auditAdminAction("referral_shop.status", "referral_shop", shop.id, { from, to: shop.status })
            yield* registry.reconcileNow()
          }
          return json(shop)
        })
      )
  })
)
