/** The shop's services where the host runs the shop, and which parts (group purchases, the shop) the bots offer. */
import {
  Catalog,
  type CatalogService,
  Orders,
  type OrdersService,
  ShopSettings,
  type ShopSettingsData,
  type ShopSettingsService
} from "@groupbuy/core"
import { Effect, Option } from "effect"

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
