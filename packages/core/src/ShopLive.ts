/**
 * The shop's services over PostgreSQL: `Catalog`, `Orders` and `ShopSettings` (implementations in
 * `internal/shop/`). `ShopLive` needs a `SqlClient`, `DomainEvents` and a `Providers` implementation (the server's
 * provider clients; `ScriptedProviders.layer` from `@groupbuy/core/testing` in tests). It is not part of
 * `CoreServicesLive`, which needs no provider.
 */
import { Layer } from "effect"
import { CatalogLive } from "./internal/shop/CatalogLive.js"
import { OrdersLive } from "./internal/shop/OrdersLive.js"
import { ShopSettingsLive } from "./internal/shop/ShopSettingsLive.js"
import { SubscriptionsLive } from "./internal/shop/SubscriptionsLive.js"

export { CatalogLive } from "./internal/shop/CatalogLive.js"
export { OrdersLive } from "./internal/shop/OrdersLive.js"
export { ProviderConfigsLive } from "./internal/shop/ProviderConfigsLive.js"
export { ShopSettingsLive } from "./internal/shop/ShopSettingsLive.js"
export { SubscriptionsLive } from "./internal/shop/SubscriptionsLive.js"

/**
 * Catalog, Orders, Subscriptions and ShopSettings (Orders reads the settings' low-stock threshold). The providers' configurations
 * (`ProviderConfigsLive`) are the server's to add: it builds the provider clients from them.
 */
export const ShopLive = Layer.mergeAll(CatalogLive, SubscriptionsLive, Layer.provideMerge(OrdersLive, ShopSettingsLive))
