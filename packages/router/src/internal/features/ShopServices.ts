/** The shop's services where the host runs the shop, and which parts (group purchases, the shop) the bots offer. */
import {
  Catalog,
  type CatalogService,
  Orders,
  type OrdersService,
  type ReferralShop,
  ReferralShops,
  ShopSettings,
  type ShopSettingsData,
  type ShopSettingsService
} from "@groupbuy/core"
import { Clock, Effect, Option } from "effect"

export interface ShopServices {
  readonly catalog: CatalogService
  readonly orders: OrdersService
  readonly settings: ShopSettingsService
}

export type Offer = ShopSettingsData["offer"]

/** What a host without the shop offers: group purchases only. */
export const GROUP_BUYS_ONLY: Offer = { groupBuys: true, shop: false }

/** The shop's services, or none where the host does not provide them (the router then offers group purchases only). */
export const shopServices: Effect.Effect<Option.Option<ShopServices>> = Effect.map(
  Effect.all([Effect.serviceOption(Catalog), Effect.serviceOption(Orders), Effect.serviceOption(ShopSettings)]),
  ([catalog, orders, settings]) => Option.all({ catalog, orders, settings })
)

/** The shop's settings, or none where the host runs no shop. */
export const shopSettings: Effect.Effect<Option.Option<ShopSettingsData>> = Effect.flatMap(
  shopServices,
  Option.match({
    onNone: () => Effect.succeedNone,
    onSome: (shop) => Effect.asSome(shop.settings.get())
  })
)

/** Which parts the bots offer: the shop's settings, or group purchases only where the host runs no shop. */
export const shopOffer: Effect.Effect<Offer> = Effect.flatMap(
  shopServices,
  Option.match({
    onNone: () => Effect.succeed(GROUP_BUYS_ONLY),
    onSome: (shop) => Effect.map(shop.settings.get(), (data) => data.offer)
  })
)

/** How long a bot's referral shop (or its absence) is remembered: it is asked on most turns of the shop. */
const REFERRAL_TTL_MS = 15_000
const referralCache = new Map<string, { readonly at: number; readonly shop: Option.Option<ReferralShop> }>()

/**
 * The referral shop the bot `bot` serves (a user's own bot selling the catalogue under their shop's name), or none
 * for the platform's own bots and where the host keeps no referral shops. Remembered for a few seconds per bot.
 */
export const referralShopOf = (bot: string): Effect.Effect<Option.Option<ReferralShop>> =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    const cached = referralCache.get(bot)
    if (cached !== undefined && now - cached.at < REFERRAL_TTL_MS) return cached.shop
    const shops = yield* Effect.serviceOption(ReferralShops)
    const shop = Option.isNone(shops) ? Option.none<ReferralShop>() : yield* shops.value.byBot(bot).pipe(Effect.option)
    if (referralCache.size > 10_000) referralCache.clear()
    referralCache.set(bot, { at: now, shop })
    return shop
  })

/** Forgets what `referralShopOf` remembered of `bot` (its owner just changed the shop). */
export const forgetReferralShop = (bot: string) => Effect.sync(() => referralCache.delete(bot))
