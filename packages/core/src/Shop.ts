/**
 * The shop (second specification): a catalogue of products bought straight from the balance, orders and the shop's
 * run-time settings. Three kinds of product:
 * - `STOCKED`: a quantity on hand, decremented by orders (returned by an admin's refund);
 * - `DIGITAL`: individual items (keys, codes, credentials; uploaded one per line), each sold to exactly one order; an
 *   item's content is shown only in its buyer's own order, never in lists or logs;
 * - `PROVIDER`: fulfilled at purchase time by an external provider through the `Providers` port; a delivered order
 *   creates a `Subscription` (the provider's goods run out and are renewed by the Subscriptions service).
 *
 * Products hang in the existing category tree (`Categories`): one tree for procurements and products means one admin
 * screen, one set of names and icons, and a category may hold both. The catalogue shows a category when it has an
 * active product.
 *
 * Buying is one SQL transaction: the ledger debit (`PURCHASE`), the stock decrement or item reservation and the order;
 * a PROVIDER order commits PAID, then the provider delivers (DELIVERED) or fails (FAILED, refunded once with
 * `PURCHASE_REFUND`). Events: `OrderDelivered`, `OrderFailed`, `OrderRefunded`, `LowStock` (see `Events.ts`).
 */
import { Model } from "@effect/sql"
import { Context, type Duration, type Effect, Schema } from "effect"
import type { Page } from "./Common.js"
import { PageRequest } from "./Common.js"
import type {
  InsufficientFunds,
  InvalidInput,
  InvalidQuantity,
  NotFound,
  ProductUnavailable,
  ProviderError,
  RuleViolation,
  SoldOut
} from "./Errors.js"
import { CategoryId, OrderId, ProductId, SubscriptionId, UserId } from "./Ids.js"
import type { Category } from "./Models.js"
import { Kopecks } from "./Money.js"
import type { ProviderOffer } from "./Providers.js"
import { SortOrder } from "./SortOrder.js"

// ---------------------------------------------------------------------------------------------------------- products

export const ProductKind = Schema.Literal("STOCKED", "DIGITAL", "PROVIDER")
export type ProductKind = typeof ProductKind.Type

/** The most units one order may buy. */
export const MAX_ORDER_QUANTITY = 100

export class Product extends Model.Class<Product>("Product")({
  id: Model.Generated(ProductId),
  categoryId: Schema.NullOr(CategoryId),
  title: Schema.String,
  description: Schema.String,
  /** per unit, what the buyer pays */
  price: Kopecks,
  /** image URLs, in display order */
  images: Schema.Array(Schema.String),
  isActive: Schema.Boolean,
  sortOrder: Schema.Int,
  kind: ProductKind,
  /** STOCKED: the quantity on hand; null for the other kinds */
  stock: Schema.NullOr(Schema.Int),
  /** PROVIDER: which provider and which of its offers; null for the other kinds */
  providerId: Schema.NullOr(Schema.String),
  offerKey: Schema.NullOr(Schema.String),
  /** PROVIDER: the provider's price per unit at the last sync (our cost) and how long one purchase lasts */
  providerCost: Schema.NullOr(Kopecks),
  periodDays: Schema.NullOr(Schema.Int),
  /**
   * What can be bought now (read-only, computed): STOCKED the stock, DIGITAL the unsold items, PROVIDER what the
   * provider reported at the last sync.
   */
  available: Model.FieldExcept("insert", "update", "jsonCreate", "jsonUpdate")(Schema.Int),
  createdAt: Model.DateTimeInsertFromDate,
  updatedAt: Model.DateTimeUpdateFromDate
}) {}

export class CreateProduct extends Schema.Class<CreateProduct>("CreateProduct")({
  categoryId: Schema.optional(Schema.NullOr(CategoryId)),
  title: Schema.String,
  description: Schema.optionalWith(Schema.String, { default: () => "" }),
  price: Kopecks,
  images: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  isActive: Schema.optionalWith(Schema.Boolean, { default: () => true }),
  sortOrder: Schema.optionalWith(Schema.Int, { default: () => 0 }),
  kind: ProductKind,
  /** STOCKED only: the starting quantity on hand (0 when not given) */
  stock: Schema.optional(Schema.NonNegativeInt),
  /** PROVIDER only (admins normally get these from `syncProviderOffers`) */
  providerId: Schema.optional(Schema.String),
  offerKey: Schema.optional(Schema.String),
  periodDays: Schema.optional(Schema.Int)
}) {}

/** A partial change; the kind and the provider link cannot change. */
export class UpdateProduct extends Schema.Class<UpdateProduct>("UpdateProduct")({
  categoryId: Schema.optional(Schema.NullOr(CategoryId)),
  title: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  price: Schema.optional(Kopecks),
  images: Schema.optional(Schema.Array(Schema.String)),
  isActive: Schema.optional(Schema.Boolean),
  sortOrder: Schema.optional(Schema.Int),
  /** STOCKED only: the new quantity on hand */
  stock: Schema.optional(Schema.NonNegativeInt)
}) {}

export const ProductSortColumn = Schema.Literal("sortOrder", "title", "price", "createdAt", "available")
export type ProductSortColumn = typeof ProductSortColumn.Type

/** The admin's product grid: inactive products included. */
export class ProductFilter extends Schema.Class<ProductFilter>("ProductFilter")({
  ...PageRequest.fields,
  categoryId: Schema.optional(CategoryId),
  kind: Schema.optional(ProductKind),
  isActive: Schema.optional(Schema.Boolean),
  providerId: Schema.optional(Schema.String),
  /** a case-insensitive part of the title */
  search: Schema.optional(Schema.String),
  /** sortOrder ascending, then title, when not given */
  sort: Schema.optional(SortOrder(ProductSortColumn))
}) {}

/** A category the catalogue shows, with how many active products it holds directly. */
export interface CatalogCategory {
  readonly category: Category
  readonly productCount: number
}

/** A DIGITAL product's bulk upload: one item per line; blank lines and items already present are skipped. */
export interface ItemsUploaded {
  readonly added: number
  /** lines whose item the product already had (or that repeated an earlier line of the same upload) */
  readonly duplicates: number
  readonly blanks: number
}

/** What a product has left and what it sold (units in orders that are PAID or DELIVERED). */
export interface StockCounts {
  readonly productId: ProductId
  readonly kind: ProductKind
  /** STOCKED the stock, DIGITAL the unsold items, PROVIDER the provider's last reported availability */
  readonly onHand: number
  readonly sold: number
}

/** What one `syncProviderOffers` changed: the products created, updated (price, title, availability...) and deactivated. */
export interface SyncResult {
  readonly providerId: string
  readonly created: ReadonlyArray<Product>
  readonly updated: ReadonlyArray<Product>
  readonly deactivated: ReadonlyArray<Product>
  /** offers whose product was left as it was */
  readonly unchanged: number
  /** the run's entry in the sync log */
  readonly runId: string
}

/** One line of a sync run's log: which product changed and how. */
export const SyncChange = Schema.Struct({
  productId: ProductId,
  offerKey: Schema.String,
  title: Schema.String,
  change: Schema.Literal("created", "updated", "deactivated")
}).annotations({ identifier: "SyncChange" })
export type SyncChange = typeof SyncChange.Type

/** One provider sync as admins see it: what changed (OK), or why the provider could not be read (FAILED). */
export class ProviderSyncRun extends Schema.Class<ProviderSyncRun>("ProviderSyncRun")({
  id: Schema.UUID,
  providerId: Schema.String,
  status: Schema.Literal("OK", "FAILED"),
  created: Schema.Int,
  updated: Schema.Int,
  deactivated: Schema.Int,
  unchanged: Schema.Int,
  changes: Schema.Array(SyncChange),
  /** FAILED: the provider error's reason and message */
  error: Schema.NullOr(Schema.String),
  createdAt: Schema.DateTimeUtc
}) {}

export class SyncLogFilter extends Schema.Class<SyncLogFilter>("SyncLogFilter")({
  ...PageRequest.fields,
  providerId: Schema.optional(Schema.String),
  status: Schema.optional(Schema.Literal("OK", "FAILED"))
}) {}

export interface CatalogService {
  /** Categories that hold at least one active product, by the tree's sort order then name. */
  readonly categories: () => Effect.Effect<ReadonlyArray<CatalogCategory>>
  /**
   * The active products of a category, by sort order then title. `null` lists those without a category (new provider
   * products land there until an admin files them): a catalogue screen shows them as an extra entry when there are any.
   */
  readonly products: (categoryId: CategoryId | null, page: PageRequest) => Effect.Effect<Page<Product>>
  /** One product, active or not (a buyer's screen checks `isActive`; buying an inactive one is `ProductUnavailable`). */
  readonly product: (id: ProductId) => Effect.Effect<Product, NotFound>
  /** The admin grid. */
  readonly list: (filter: ProductFilter) => Effect.Effect<Page<Product>>
  /** `product.kind-fields` when a kind's fields are missing or belong to another kind; `NotFound` for the category. */
  readonly create: (input: CreateProduct) => Effect.Effect<Product, InvalidInput | NotFound | RuleViolation>
  readonly update: (
    id: ProductId,
    patch: UpdateProduct
  ) => Effect.Effect<Product, InvalidInput | NotFound | RuleViolation>
  /** Takes it out of the catalogue (orders keep it); deactivating an inactive product returns it unchanged. */
  readonly deactivate: (id: ProductId) => Effect.Effect<Product, NotFound>
  /** Deletes a product nobody ever ordered, with its items; `product.has-orders` otherwise (deactivate it). */
  readonly remove: (id: ProductId) => Effect.Effect<void, NotFound | RuleViolation>
  /** Adds a DIGITAL product's items (one per line); `product.not-digital` for another kind. Contents are never logged. */
  readonly uploadItems: (id: ProductId, text: string) => Effect.Effect<ItemsUploaded, NotFound | RuleViolation>
  readonly stock: (id: ProductId) => Effect.Effect<StockCounts, NotFound>
  /**
   * Makes the provider's products match `offers`: a new offer becomes an active PROVIDER product (no category, price =
   * cost + `markupPercent`, rounded up to the kopeck); a known one gets the offer's title, description, cost, price,
   * period and availability (an admin's deactivation, category, images and sort order are kept); a product whose offer
   * is gone is deactivated (and reactivated when it returns). Running it again with the same offers changes nothing.
   * One SQL transaction, which also writes the run to the sync log.
   */
  readonly syncProviderOffers: (
    providerId: string,
    offers: ReadonlyArray<ProviderOffer>,
    markupPercent: number
  ) => Effect.Effect<SyncResult, InvalidInput>
  /** Logs a sync that could not read the provider's offers (its products are left as they are). */
  readonly recordSyncFailure: (providerId: string, error: ProviderError) => Effect.Effect<ProviderSyncRun>
  /** The sync log, newest first. */
  readonly syncLog: (filter: SyncLogFilter) => Effect.Effect<Page<ProviderSyncRun>>
}

export class Catalog extends Context.Tag("@groupbuy/core/Catalog")<Catalog, CatalogService>() {}

// ------------------------------------------------------------------------------------------------------------ orders

export const OrderStatus = Schema.Literal("PAID", "DELIVERED", "FAILED", "REFUNDED", "CANCELLED")
export type OrderStatus = typeof OrderStatus.Type

/** One product of an order, at the price it was bought for. */
export const OrderLine = Schema.Struct({
  productId: ProductId,
  /** the product's title when it was bought */
  title: Schema.String,
  kind: ProductKind,
  quantity: Schema.Int,
  unitPrice: Kopecks
}).annotations({ identifier: "OrderLine" })
export type OrderLine = typeof OrderLine.Type

export class Order extends Model.Class<Order>("Order")({
  id: Model.Generated(OrderId),
  /** the human order number (#1042), increasing */
  number: Model.Generated(Schema.Int),
  buyerId: UserId,
  status: OrderStatus,
  total: Kopecks,
  lines: Schema.Array(OrderLine),
  /** the bot (shop) it was sold through: its id in the bot fleet; null for the main bots and the web */
  shopBotId: Schema.NullOr(Schema.String),
  /** why a FAILED order failed, or the admin's reason for a refund */
  note: Schema.NullOr(Schema.String),
  createdAt: Model.DateTimeInsertFromDate,
  updatedAt: Model.DateTimeUpdateFromDate,
  deliveredAt: Schema.NullOr(Model.DateTimeFromDate),
  refundedAt: Schema.NullOr(Model.DateTimeFromDate)
}) {}

/** What the buyer received: one line per unit (DIGITAL item contents, or the provider's credentials). */
export const OrderDelivery = Schema.Struct({
  items: Schema.Array(Schema.String),
  /** PROVIDER: the subscription created, and when it runs out */
  subscriptionId: Schema.NullOr(SubscriptionId),
  expiresAt: Schema.NullOr(Schema.DateTimeUtc)
}).annotations({ identifier: "OrderDelivery" })
export type OrderDelivery = typeof OrderDelivery.Type

/** An order as its buyer sees it: the delivery once DELIVERED (kept after a refund); null while PAID and when FAILED. */
export interface OwnOrder {
  readonly order: Order
  readonly delivery: OrderDelivery | null
}

export class PurchaseRequest extends Schema.Class<PurchaseRequest>("PurchaseRequest")({
  buyerId: UserId,
  productId: ProductId,
  /** a whole number from 1 to `MAX_ORDER_QUANTITY` (checked by `purchase`, which answers `InvalidQuantity`) */
  quantity: Schema.Number,
  /** the same key returns the first order and charges nothing (a double tap buys once) */
  idempotencyKey: Schema.NonEmptyTrimmedString,
  shopBotId: Schema.optional(Schema.NullOr(Schema.String))
}) {}

export const OrderSortColumn = Schema.Literal("createdAt", "number", "total", "status")
export type OrderSortColumn = typeof OrderSortColumn.Type

export class OrderFilter extends Schema.Class<OrderFilter>("OrderFilter")({
  ...PageRequest.fields,
  status: Schema.optional(OrderStatus),
  buyerId: Schema.optional(UserId),
  productId: Schema.optional(ProductId),
  shopBotId: Schema.optional(Schema.String),
  /** created at or after */
  from: Schema.optional(Schema.DateFromSelf),
  /** created at or before */
  to: Schema.optional(Schema.DateFromSelf),
  /** newest first when not given */
  sort: Schema.optional(SortOrder(OrderSortColumn))
}) {}

export interface OrdersService {
  /**
   * Buys `quantity` of a product with the buyer's balance. STOCKED and DIGITAL orders come back DELIVERED; a PROVIDER
   * order comes back DELIVERED, or FAILED with its money already returned (`note` says why) when the provider failed.
   * A replay of the same `idempotencyKey` returns the first order as it is now. Nothing is charged on any error.
   * `InvalidInput` for an empty key, `RuleViolation` `purchase.account-blocked` for a blocked account.
   */
  readonly purchase: (
    request: PurchaseRequest
  ) => Effect.Effect<
    OwnOrder,
    InvalidInput | InvalidQuantity | SoldOut | ProductUnavailable | InsufficientFunds | NotFound | RuleViolation
  >
  /** The buyer's orders, newest first. */
  readonly mine: (buyerId: UserId, page: PageRequest) => Effect.Effect<Page<Order>>
  /** One of the buyer's own orders with its delivery; `NotFound` for somebody else's. */
  readonly own: (buyerId: UserId, orderId: OrderId) => Effect.Effect<OwnOrder, NotFound>
  /** The admin list (never with delivery contents). */
  readonly list: (filter: OrderFilter) => Effect.Effect<Page<Order>>
  readonly get: (orderId: OrderId) => Effect.Effect<Order, NotFound>
  /**
   * An admin returns a PAID or DELIVERED order's money (`PURCHASE_REFUND`) and its STOCKED quantity; sold DIGITAL
   * items stay sold (their contents were shown, so they cannot be sold again); a PROVIDER order's subscription is
   * cancelled. Refunding a REFUNDED order again returns it unchanged (`changed: false`): the money moves once, also
   * under concurrent calls. `order.not-refundable` for FAILED (already refunded) and CANCELLED orders.
   */
  readonly refund: (
    orderId: OrderId,
    by: UserId | null,
    reason: string | null
  ) => Effect.Effect<{ readonly order: Order; readonly changed: boolean }, NotFound | RuleViolation>
  /**
   * For a scheduler: PROVIDER orders still PAID `olderThan` after their last change (the process stopped between
   * the payment and the provider's answer) are failed and refunded once, like a provider failure; the provider's
   * reference (`order:<id>`) is in the warning log for the admin to check with the provider. Returns how many.
   */
  readonly failStale: (olderThan: Duration.DurationInput) => Effect.Effect<number>
}

export class Orders extends Context.Tag("@groupbuy/core/Orders")<Orders, OrdersService>() {}

// ----------------------------------------------------------------------------------------------------- subscriptions

export const SubscriptionStatus = Schema.Literal("ACTIVE", "EXPIRED", "CANCELLED")
export type SubscriptionStatus = typeof SubscriptionStatus.Type

/**
 * A PROVIDER order's result (one row per delivered order), the `subscriptions` table. The Subscriptions service
 * (`Subscriptions.ts`) lists, renews and expires them; the shop only creates them (and cancels one on refund).
 */
export class Subscription extends Model.Class<Subscription>("Subscription")({
  id: Model.Generated(SubscriptionId),
  userId: UserId,
  productId: ProductId,
  orderId: OrderId,
  providerId: Schema.String,
  /** the provider's ids of the units (what `prolong` takes) */
  externalIds: Schema.Array(Schema.String),
  /** one line per unit; shown only to its owner */
  credentials: Schema.Array(Schema.String),
  /** how long one renewal lasts (the product's period when it was bought) */
  periodDays: Schema.Int,
  expiresAt: Model.DateTimeFromDate,
  autoRenew: Schema.Boolean,
  status: SubscriptionStatus,
  createdAt: Model.DateTimeInsertFromDate,
  updatedAt: Model.DateTimeUpdateFromDate
}) {}

// ---------------------------------------------------------------------------------------------------------- settings

const Percent = Schema.Number.pipe(Schema.between(0, 1000))

/** The shop's run-time settings (one row; defaults until an admin changes them). */
export class ShopSettingsData extends Schema.Class<ShopSettingsData>("ShopSettingsData")({
  name: Schema.String,
  description: Schema.String,
  /** how buyers reach support, e.g. `@shop_support` or an e-mail */
  supportContact: Schema.String,
  /** the currency sign shown next to prices, e.g. `₽` */
  currencyDisplay: Schema.String,
  /** admins hear `LowStock` when a STOCKED or DIGITAL product's on-hand drops to this or below */
  lowStockThreshold: Schema.NonNegativeInt,
  /** added to a provider's cost by `syncProviderOffers` unless a provider has its own */
  defaultMarkupPercent: Percent,
  /** a referral bot shop owner's share of a sale (the bot fleet) */
  referralCommissionPercent: Schema.Number.pipe(Schema.between(0, 100)),
  /** which parts the bots' menus offer */
  offer: Schema.Struct({ groupBuys: Schema.Boolean, shop: Schema.Boolean }),
  updatedAt: Schema.DateTimeUtc
}) {}

export class UpdateShopSettings extends Schema.Class<UpdateShopSettings>("UpdateShopSettings")({
  name: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  supportContact: Schema.optional(Schema.String),
  currencyDisplay: Schema.optional(Schema.String),
  lowStockThreshold: Schema.optional(Schema.NonNegativeInt),
  defaultMarkupPercent: Schema.optional(Percent),
  referralCommissionPercent: Schema.optional(Schema.Number.pipe(Schema.between(0, 100))),
  /** what the bots' menus offer; a part not named keeps its value (`{"shop": true}` turns the shop on) */
  offer: Schema.optional(
    Schema.Struct({ groupBuys: Schema.optional(Schema.Boolean), shop: Schema.optional(Schema.Boolean) })
  )
}) {}

export interface ShopSettingsService {
  readonly get: () => Effect.Effect<ShopSettingsData>
  /** `InvalidInput` for an empty name or currency, text over its length, or both parts of the menu switched off. */
  readonly update: (patch: UpdateShopSettings) => Effect.Effect<ShopSettingsData, InvalidInput>
}

export class ShopSettings extends Context.Tag("@groupbuy/core/ShopSettings")<ShopSettings, ShopSettingsService>() {}
