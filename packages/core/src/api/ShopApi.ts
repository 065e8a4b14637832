/**
 * The shop over HTTP: the public catalogue, a user's purchases, orders and subscriptions, and the admin's products,
 * stock, orders and settings. Item contents (keys, codes, credentials) appear only in the buyer's own order and
 * subscriptions, never in the catalogue or an admin list. Purchase refusals carry a stable `code` and `message`, a
 * sentence in the request's language (`Accept-Language`, Russian by default).
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { InvalidInput, NotFound, ProviderError, RuleViolation } from "../Errors.js"
import { CategoryId, OrderId, ProductId, SubscriptionId, UserId } from "../Ids.js"
import { Category } from "../Models.js"
import { Kopecks } from "../Money.js"
import { ConfigureProvider, ProviderConfigView } from "../ProviderConfigs.js"
import {
  CreateProduct,
  MAX_ORDER_QUANTITY,
  Order,
  OrderDelivery,
  OrderSortColumn,
  OrderStatus,
  Product,
  ProductKind,
  ProductSortColumn,
  ProviderSyncRun,
  ShopSettingsData,
  Subscription,
  UpdateProduct,
  UpdateShopSettings
} from "../Shop.js"
import { BooleanParam, PageParams } from "./Dto.js"
import { FromParam, SortParam, ToParam } from "./ListParams.js"
import { pageEndpoint } from "./PageEndpoint.js"
import * as Refusals from "./Refusals.js"
import { AdminAuthentication, Authentication } from "./Security.js"

const Utc = Schema.DateTimeUtc
const NullUtc = Schema.NullOr(Schema.DateTimeUtc)

// ------------------------------------------------------------------------------------------------------- JSON shapes

/** A product as the catalogue shows it: no provider cost, no provider link, never an item's content. */
export const CatalogProductJson = Schema.Struct({
  id: ProductId,
  categoryId: Schema.NullOr(CategoryId),
  title: Schema.String,
  description: Schema.String,
  price: Kopecks,
  images: Schema.Array(Schema.String),
  isActive: Schema.Boolean,
  kind: ProductKind,
  /** how many can be bought now */
  available: Schema.Int,
  /** PROVIDER: how many days one purchase lasts */
  periodDays: Schema.NullOr(Schema.Int)
}).annotations({ identifier: "CatalogProduct" })
export type CatalogProductJson = typeof CatalogProductJson.Type

/** A product with everything the admin manages (the provider's cost and offer included). */
export const ProductJson = Product.json.annotations({ identifier: "Product" })

export const CatalogCategoryJson = Schema.Struct({
  category: Category.json,
  /** active products directly in this category */
  productCount: Schema.NonNegativeInt
}).annotations({ identifier: "CatalogCategory" })

/** What the bots and the cabinet show about the shop. */
export const ShopInfoJson = Schema.Struct({
  name: Schema.String,
  description: Schema.String,
  supportContact: Schema.String,
  currencyDisplay: Schema.String,
  /** which parts the bots' menus offer */
  offer: Schema.Struct({ groupBuys: Schema.Boolean, shop: Schema.Boolean }),
  /** the percentage of every sale a referral bot shop's owner earns (unless an administrator set one for that shop) */
  referralCommissionPercent: Schema.Number
}).annotations({ identifier: "ShopInfo" })

export const OrderJson = Schema.Struct({ ...Order.json.fields, deliveredAt: NullUtc, refundedAt: NullUtc }).annotations(
  { identifier: "Order" }
)
export type OrderJson = typeof OrderJson.Type

/** One's own order with what it delivered (null while PAID, for FAILED orders, and for STOCKED goods). */
export const OwnOrderJson = Schema.Struct({ order: OrderJson, delivery: Schema.NullOr(OrderDelivery) }).annotations({
  identifier: "OwnOrder"
})
export type OwnOrderJson = typeof OwnOrderJson.Type

/** One's own subscription (the provider's credentials included) and how long it has left. */
export const SubscriptionJson = Schema.Struct({
  ...Subscription.json.fields,
  expiresAt: Utc,
  /** the product's title */
  title: Schema.String,
  /** seconds until it runs out (0 once it has) */
  secondsLeft: Schema.NonNegativeInt,
  /** what a renewal costs now (kopecks), or null when the product is no longer sold */
  renewalPrice: Schema.NullOr(Kopecks)
}).annotations({ identifier: "Subscription" })
export type SubscriptionJson = typeof SubscriptionJson.Type

export const ItemsUploadedJson = Schema.Struct({
  added: Schema.NonNegativeInt,
  /** lines the product already had, or that repeated an earlier line */
  duplicates: Schema.NonNegativeInt,
  blanks: Schema.NonNegativeInt,
  /** the counts after the upload */
  stock: Schema.Struct({ onHand: Schema.Int, sold: Schema.NonNegativeInt })
}).annotations({ identifier: "ItemsUploaded" })

export const StockCountsJson = Schema.Struct({
  productId: ProductId,
  kind: ProductKind,
  /** STOCKED the stock, DIGITAL the unsold items, PROVIDER the provider's last reported availability */
  onHand: Schema.Int,
  /** units in PAID or DELIVERED orders */
  sold: Schema.NonNegativeInt
}).annotations({ identifier: "StockCounts" })

export const ShopSettingsJson = ShopSettingsData.annotations({ identifier: "ShopSettings" })

// ---------------------------------------------------------------------------------------------------------- refusals

const refusal = {
  /** stable, for clients and tests */
  code: Schema.String,
  /** a sentence in the request's language */
  message: Schema.String
}

/** The balance does not cover it: `missing` is what a deposit must add for the same request to succeed. */
export class InsufficientBalance extends Schema.TaggedError<InsufficientBalance>()(
  "InsufficientBalance",
  { ...refusal, needed: Kopecks, available: Kopecks, missing: Kopecks },
  HttpApiSchema.annotations({ status: 402 })
) {}

/** Fewer units are left than asked for (`available`, possibly 0). */
export class OutOfStock extends Schema.TaggedError<OutOfStock>()(
  "OutOfStock",
  { ...refusal, productId: ProductId, requested: Schema.Int, available: Schema.Int },
  HttpApiSchema.annotations({ status: 409 })
) {}

/** The product is no longer sold: deactivated, or its provider stopped offering it. */
export class ProductGone extends Schema.TaggedError<ProductGone>()(
  "ProductGone",
  { ...refusal, productId: ProductId },
  HttpApiSchema.annotations({ status: 410 })
) {}

/** There is no such product. */
export class UnknownProduct extends Schema.TaggedError<UnknownProduct>()(
  "UnknownProduct",
  { ...refusal, productId: ProductId },
  HttpApiSchema.annotations({ status: 404 })
) {}

/** The quantity is not a whole number from `min` to `max`, or the idempotency key is missing or contradictory. */
export class PurchaseInvalid extends Schema.TaggedError<PurchaseInvalid>()(
  "PurchaseInvalid",
  {
    ...refusal,
    quantity: Schema.optional(Schema.Number),
    min: Schema.optional(Schema.Int),
    max: Schema.optional(Schema.Int)
  },
  HttpApiSchema.annotations({ status: 400 })
) {}

/** The `code`s of the purchase refusals. */
export const PurchaseRefusal = {
  insufficientFunds: "purchase.insufficient-funds",
  soldOut: "purchase.sold-out",
  unavailable: "purchase.product-unavailable",
  unknownProduct: "purchase.product-not-found",
  invalidQuantity: "purchase.invalid-quantity",
  keyMissing: "purchase.idempotency-key-missing",
  keyMismatch: "purchase.idempotency-key-mismatch"
} as const

// ------------------------------------------------------------------------------------------------------------ bodies

/** The header that makes a purchase safe to repeat (or `idempotencyKey` in the body). */
export const IDEMPOTENCY_KEY_HEADER = "idempotency-key"

const IdempotencyKey = Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(200)).annotations({
  description: "any unique string per purchase (a UUID); repeating it returns the first order and charges nothing",
  examples: ["5f0c2b9e-7a43-4d2e-9a55-3c1d2f0e8b71"]
})

export class PurchaseBody extends Schema.Class<PurchaseBody>("PurchaseBody")({
  productId: ProductId,
  /** a whole number from 1 to `MAX_ORDER_QUANTITY` (anything else is refused with a readable message) */
  quantity: Schema.Number.annotations({
    description: `units to buy, a whole number from 1 to ${MAX_ORDER_QUANTITY}`,
    examples: [1]
  }),
  /** required unless the `Idempotency-Key` header is sent */
  idempotencyKey: Schema.optional(IdempotencyKey),
  /** the service token buys for this user; users buy for themselves */
  userId: Schema.optional(UserId)
}) {}

const PurchaseHeaders = Schema.Struct({ [IDEMPOTENCY_KEY_HEADER]: Schema.optional(IdempotencyKey) })

export class AutoRenewBody extends Schema.Class<AutoRenewBody>("AutoRenewBody")({
  value: Schema.Boolean,
  /** the service token acts for this user */
  userId: Schema.optional(UserId)
}) {}

export class RenewBody extends Schema.Class<RenewBody>("RenewBody")({
  /** the expiry the client showed: when the subscription was renewed since (a double tap), nothing more is charged */
  expiresAt: Schema.optional(Schema.DateTimeUtc),
  /** the service token acts for this user */
  userId: Schema.optional(UserId)
}) {}

export class UploadItemsBody extends Schema.Class<UploadItemsBody>("UploadItemsBody")({
  /** one item per line; blank lines and items the product already has are skipped */
  text: Schema.String.pipe(Schema.maxLength(512 * 1024)).annotations({
    examples: ["KEY-AAAA-1111\nKEY-BBBB-2222\nKEY-CCCC-3333"]
  })
}) {}

export class RefundOrderBody extends Schema.Class<RefundOrderBody>("RefundOrderBody")({
  /** recorded on the order and in the audit log */
  reason: Schema.optional(Schema.String.pipe(Schema.maxLength(500)))
}) {}

/** Acting for a user as URL parameter: the service token names them, users read their own. */
const ForUserParams = { userId: Schema.optional(UserId) }

export const CatalogProductParams = Schema.Struct({
  ...PageParams,
  /** the category; without it, the products that have none */
  categoryId: Schema.optional(CategoryId)
})

export const AdminProductParams = Schema.Struct({
  ...PageParams,
  categoryId: Schema.optional(CategoryId),
  kind: Schema.optional(ProductKind),
  isActive: Schema.optional(BooleanParam),
  providerId: Schema.optional(Schema.String),
  /** a part of the title, any case */
  search: Schema.optional(Schema.String),
  sort: Schema.optional(SortParam(ProductSortColumn))
})

export const AdminOrderParams = Schema.Struct({
  ...PageParams,
  status: Schema.optional(OrderStatus),
  buyerId: Schema.optional(UserId),
  productId: Schema.optional(ProductId),
  shopBotId: Schema.optional(Schema.String),
  from: Schema.optional(FromParam),
  to: Schema.optional(ToParam),
  sort: Schema.optional(SortParam(OrderSortColumn))
})

const ProductPath = Schema.Struct({ id: ProductId })
const OrderPath = Schema.Struct({ id: OrderId })
const ProviderPath = Schema.Struct({ providerId: Schema.String })
const SubscriptionPath = Schema.Struct({ id: SubscriptionId })

// ------------------------------------------------------------------------------------------------------------ groups

/** The catalogue: public, no sign-in. */
export class ShopCatalogApi extends HttpApiGroup.make("shopCatalog")
  .add(
    HttpApiEndpoint.get("info", "/shop")
      .annotate(OpenApi.Summary, "The shop")
      .annotate(
        OpenApi.Description,
        "Its name, description, support contact, the currency sign shown with prices and which parts (group " +
          "purchases, the shop) the bots offer. Public."
      )
      .addSuccess(ShopInfoJson)
  )
  .add(
    HttpApiEndpoint.get("categories", "/shop/categories")
      .annotate(OpenApi.Summary, "Catalogue categories")
      .annotate(
        OpenApi.Description,
        "The categories that hold at least one active product, each with how many, in the administrators' order. " +
          "Public."
      )
      .addSuccess(Schema.Array(CatalogCategoryJson))
  )
  .add(
    pageEndpoint("products", "/shop/products", CatalogProductParams, CatalogProductJson)
      .annotate(OpenApi.Summary, "Products of a category")
      .annotate(
        OpenApi.Description,
        "The active products of `categoryId` (without it: those in no category), in the administrators' order, " +
          "each with its price (kopecks) and how many can be bought now. Public; never an item's content."
      )
  )
  .add(
    HttpApiEndpoint.get("product", "/shop/products/:id")
      .annotate(OpenApi.Summary, "A product")
      .annotate(
        OpenApi.Description,
        "One product with its price and availability; `isActive: false` when it is no longer sold (an old link). " +
          "404 when there is none. Public."
      )
      .setPath(ProductPath)
      .addSuccess(CatalogProductJson)
      .addError(NotFound)
  ) {}

/** A user's purchases, orders and subscriptions (the service token names the user). */
export class ShopApi extends HttpApiGroup.make("shop")
  .add(
    HttpApiEndpoint.post("purchase", "/shop/purchases")
      .annotate(OpenApi.Summary, "Buy a product")
      .annotate(
        OpenApi.Description,
        "Buys `quantity` units with the balance in one transaction: the debit, the stock and the order. Send an " +
          "`Idempotency-Key` header (or `idempotencyKey`): repeating it returns the first order and charges nothing, " +
          "also when both requests arrive at once. STOCKED and DIGITAL goods come back DELIVERED with the items; a " +
          "PROVIDER order comes back DELIVERED with its credentials and subscription, or FAILED with its money " +
          "already returned. Refusals (nothing is charged), each with `code` and `message`: 402 InsufficientBalance " +
          `${PurchaseRefusal.insufficientFunds} with \`missing\` (the deposit that would make it pass), 409 ` +
          `OutOfStock ${PurchaseRefusal.soldOut} with what is left, 410 ProductGone ${PurchaseRefusal.unavailable}, ` +
          `404 UnknownProduct ${PurchaseRefusal.unknownProduct}, 400 PurchaseInvalid ` +
          `${PurchaseRefusal.invalidQuantity} (1 to ${MAX_ORDER_QUANTITY}), ${PurchaseRefusal.keyMissing}, ` +
          `${PurchaseRefusal.keyMismatch} (header and body differ); 409 RuleViolation purchase.account-blocked. Oneself, or the service token with \`userId\`.`
      )
      .setPayload(PurchaseBody)
      .setHeaders(PurchaseHeaders)
      .addSuccess(OwnOrderJson, { status: 201 })
      .addError(InsufficientBalance)
      .addError(OutOfStock)
      .addError(ProductGone)
      .addError(UnknownProduct)
      .addError(PurchaseInvalid)
      .addError(RuleViolation)
      .pipe(Refusals.invalid)
  )
  .add(
    pageEndpoint("orders", "/shop/orders", Schema.Struct({ ...PageParams, ...ForUserParams }), OrderJson)
      .annotate(OpenApi.Summary, "My orders")
      .annotate(
        OpenApi.Description,
        "One's own orders, newest first: number, lines (product, quantity, unit price), total, status (PAID, " +
          "DELIVERED, FAILED, REFUNDED, CANCELLED). What an order delivered is in `GET /shop/orders/{id}`. " +
          "Oneself, or the service token with `userId`."
      )
      .pipe(Refusals.forbidden)
  )
  .add(
    HttpApiEndpoint.get("order", "/shop/orders/:id")
      .annotate(OpenApi.Summary, "One of my orders, with its delivery")
      .annotate(
        OpenApi.Description,
        "The order and what it delivered: the DIGITAL items or the provider's credentials (one line per unit) and " +
          "the subscription. Only its buyer sees it: anyone else's order is 404."
      )
      .setPath(OrderPath)
      .setUrlParams(Schema.Struct(ForUserParams))
      .addSuccess(OwnOrderJson)
      .pipe(Refusals.missing)
  )
  .middleware(Authentication) {}

/** A user's subscriptions: what PROVIDER purchases delivered, their renewal (the service token names the user). */
export class ShopSubscriptionsApi extends HttpApiGroup.make("shopSubscriptions")
  .add(
    HttpApiEndpoint.get("subscriptions", "/shop/subscriptions")
      .annotate(OpenApi.Summary, "My subscriptions")
      .annotate(
        OpenApi.Description,
        "What one's PROVIDER purchases delivered: credentials, expiry, seconds left, status (ACTIVE, EXPIRED, " +
          "CANCELLED) and whether it renews itself. Oneself, or the service token with `userId`."
      )
      .setUrlParams(Schema.Struct(ForUserParams))
      .addSuccess(Schema.Array(SubscriptionJson))
      .pipe(Refusals.forbidden)
  )
  .add(
    HttpApiEndpoint.post("renewSubscription", "/shop/subscriptions/:id/renew")
      .annotate(OpenApi.Summary, "Renew a subscription now")
      .annotate(
        OpenApi.Description,
        "Prolongs it by its period through the provider and debits the product's price from the balance, once per " +
          "period however often it is asked (send the `expiresAt` you showed: when it has moved, nothing more is " +
          "charged). 402 InsufficientBalance with `missing`; 409 RuleViolation when it cannot be renewed " +
          "(subscription.not-active: expired or cancelled; subscription.product-gone: no longer sold); 502 " +
          "ProviderError when the provider refused (the money is back); 404 for somebody else's."
      )
      .setPath(SubscriptionPath)
      .setPayload(RenewBody)
      .addSuccess(SubscriptionJson)
      .addError(InsufficientBalance)
      .addError(RuleViolation)
      .addError(ProviderError)
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.put("setAutoRenew", "/shop/subscriptions/:id/auto-renew")
      .annotate(OpenApi.Summary, "Switch a subscription's auto-renewal")
      .annotate(
        OpenApi.Description,
        "On (the default), it is prolonged from the balance before it runs out; off, it is only reminded of and " +
          "then expires. 404 for somebody else's."
      )
      .setPath(SubscriptionPath)
      .setPayload(AutoRenewBody)
      .addSuccess(SubscriptionJson)
      .pipe(Refusals.missing)
  )
  .middleware(Authentication) {}

/** The admin's shop: products, stock, orders and settings (`/api/admin/shop/...`); every change is audited. */
export class ShopAdminApi extends HttpApiGroup.make("shopAdmin")
  .add(
    pageEndpoint("products", "/products", AdminProductParams, ProductJson)
      .annotate(OpenApi.Summary, "Products, filtered and ordered")
      .annotate(
        OpenApi.Description,
        "Every product, inactive ones included, with its provider cost and offer. Filters: category, kind, " +
          "isActive, providerId, `search` (part of the title); `sort` orders by one of " +
          `${ProductSortColumn.literals.join(", ")} (sort order, then title, by default).`
      )
  )
  .add(
    HttpApiEndpoint.get("product", "/products/:id")
      .annotate(OpenApi.Summary, "A product")
      .annotate(OpenApi.Description, "One product, active or not; 404 when there is none.")
      .setPath(ProductPath)
      .addSuccess(ProductJson)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("createProduct", "/products")
      .annotate(OpenApi.Summary, "Create a product")
      .annotate(
        OpenApi.Description,
        "STOCKED (give `stock`), DIGITAL (upload its items next) or PROVIDER (`providerId`, `offerKey`, " +
          "`periodDays`; normally created by the provider sync). `price` in kopecks. 409 product.kind-fields for a " +
          "field that is missing or belongs to another kind; 400 InvalidInput for a bad field; 404 for an unknown " +
          "category. Audited."
      )
      .setPayload(CreateProduct)
      .addSuccess(ProductJson, { status: 201 })
      .addError(RuleViolation)
      .pipe(Refusals.rejected)
  )
  .add(
    HttpApiEndpoint.patch("updateProduct", "/products/:id")
      .annotate(OpenApi.Summary, "Change a product")
      .annotate(
        OpenApi.Description,
        "Any of title, description, category, price, images, isActive, sortOrder and (STOCKED) the stock; the " +
          "kind and the provider link do not change. Audited with the fields given."
      )
      .setPath(ProductPath)
      .setPayload(UpdateProduct)
      .addSuccess(ProductJson)
      .addError(RuleViolation)
      .pipe(Refusals.rejected)
  )
  .add(
    HttpApiEndpoint.post("deactivateProduct", "/products/:id/deactivate")
      .annotate(OpenApi.Summary, "Take a product out of the catalogue")
      .annotate(
        OpenApi.Description,
        "Nobody can buy it any more; its orders keep it. Deactivating an inactive product changes nothing (and is " +
          "not audited again)."
      )
      .setPath(ProductPath)
      .addSuccess(ProductJson)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.del("deleteProduct", "/products/:id")
      .annotate(OpenApi.Summary, "Delete a product nobody ordered")
      .annotate(
        OpenApi.Description,
        "Deletes it with its items. 409 product.has-orders once anybody ordered it: deactivate it instead. Audited."
      )
      .setPath(ProductPath)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(NotFound)
      .addError(RuleViolation)
  )
  .add(
    HttpApiEndpoint.post("uploadItems", "/products/:id/items")
      .annotate(OpenApi.Summary, "Upload a DIGITAL product's items")
      .annotate(
        OpenApi.Description,
        "`text` holds one item (a key, a code, credentials) per line; blank lines and items the product already " +
          "has are skipped. Answers how many were added, skipped as duplicates and blank, and the stock after. The " +
          "contents are never returned, listed or logged. 409 product.not-digital for another kind. Audited (counts " +
          "only)."
      )
      .setPath(ProductPath)
      .setPayload(UploadItemsBody)
      .addSuccess(ItemsUploadedJson, { status: 201 })
      .addError(NotFound)
      .addError(RuleViolation)
  )
  .add(
    HttpApiEndpoint.get("stock", "/products/:id/stock")
      .annotate(OpenApi.Summary, "A product's stock")
      .annotate(
        OpenApi.Description,
        "On hand (STOCKED the stock, DIGITAL the unsold items, PROVIDER the provider's last reported availability) " +
          "and sold (units in PAID or DELIVERED orders)."
      )
      .setPath(ProductPath)
      .addSuccess(StockCountsJson)
      .addError(NotFound)
  )
  .add(
    pageEndpoint("orders", "/orders", AdminOrderParams, OrderJson)
      .annotate(OpenApi.Summary, "Orders, filtered and ordered")
      .annotate(
        OpenApi.Description,
        "Everyone's orders (never what they delivered). Filters: status, buyerId, productId, shopBotId, `from` / " +
          "`to` bound `createdAt` (ISO date = the whole UTC day, or date-time; both included); `sort` orders by one " +
          `of ${OrderSortColumn.literals.join(", ")} (newest first by default).`
      )
  )
  .add(
    HttpApiEndpoint.get("order", "/orders/:id")
      .annotate(OpenApi.Summary, "An order")
      .annotate(OpenApi.Description, "One order without what it delivered; 404 when there is none.")
      .setPath(OrderPath)
      .addSuccess(OrderJson)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("refundOrder", "/orders/:id/refund")
      .annotate(OpenApi.Summary, "Refund an order")
      .annotate(
        OpenApi.Description,
        "Returns a PAID or DELIVERED order's total to the buyer's balance (PURCHASE_REFUND) and its STOCKED " +
          "quantity to the stock; sold DIGITAL items stay sold; a PROVIDER order's subscription is cancelled. The " +
          "money moves once: refunding a REFUNDED order again returns it unchanged (and is not audited again). 409 " +
          "order.not-refundable for FAILED (refunded already) and CANCELLED orders. Audited; the buyer is notified."
      )
      .setPath(OrderPath)
      .setPayload(RefundOrderBody)
      .addSuccess(OrderJson)
      .addError(NotFound)
      .addError(RuleViolation)
  )
  .add(
    HttpApiEndpoint.get("settings", "/settings")
      .annotate(OpenApi.Summary, "The shop's settings")
      .annotate(
        OpenApi.Description,
        "Name, description, support contact, currency sign, the low-stock threshold (admins are notified at or " +
          "below it), the default provider markup and the referral commission (percent), and which parts the bots " +
          "offer."
      )
      .addSuccess(ShopSettingsJson)
  )
  .add(
    HttpApiEndpoint.patch("updateSettings", "/settings")
      .annotate(OpenApi.Summary, "Change the shop's settings")
      .annotate(
        OpenApi.Description,
        "Any of the settings; the others stay. 400 InvalidInput for an empty name or currency, a text too long, or " +
          "both parts of the menu switched off. Audited with the fields before and after."
      )
      .setPayload(UpdateShopSettings)
      .addSuccess(ShopSettingsJson)
      .addError(InvalidInput)
  )
  .add(
    HttpApiEndpoint.get("providers", "/providers")
      .annotate(OpenApi.Summary, "External providers")
      .annotate(
        OpenApi.Description,
        "The configured providers (today: proxy6.net): on or off, whether an API key is set (never the key: its " +
          "last four characters), the API address, the markup (percent; null: the settings' default), which offers " +
          "are sold (proxy6: versions 3 / 4 / 6, two-letter countries — none listed: all —, periods in days), the " +
          "sync interval and the last sync."
      )
      .addSuccess(Schema.Array(ProviderConfigView))
  )
  .add(
    HttpApiEndpoint.put("configureProvider", "/providers/:providerId")
      .annotate(OpenApi.Summary, "Configure a provider")
      .annotate(
        OpenApi.Description,
        "Creates or changes a provider's configuration; fields left out keep their value (leave `apiKey` out to " +
          "keep the key). `kind` is `proxy6`. 400 InvalidInput for a bad id, an empty key, turning it on without a " +
          "key, an address that is not http(s), a markup outside 0–1000, an unknown country code, version or period " +
          "(proxy6: 3, 7, 14, 30, 60, 90 days; 3 days for IPv6 only), or an interval outside 5–10080 minutes. " +
          "Audited (never with the key)."
      )
      .setPath(ProviderPath)
      .setPayload(ConfigureProvider)
      .addSuccess(ProviderConfigView)
      .addError(InvalidInput)
  )
  .add(
    HttpApiEndpoint.post("syncProvider", "/providers/:providerId/sync")
      .annotate(OpenApi.Summary, "Sync a provider now")
      .annotate(
        OpenApi.Description,
        "Reads the provider's offers now and applies them to the catalogue: new offers become products (price = " +
          "cost + markup, rounded up to the kopeck), known ones are updated, those no longer offered are " +
          "deactivated. Answers the sync log's entry: OK with what changed, or FAILED with the provider's error " +
          "(the products stay as they were). Running it again with the same offers changes nothing. Audited."
      )
      .setPath(ProviderPath)
      .addSuccess(ProviderSyncRun)
  )
  .add(
    pageEndpoint(
      "syncLog",
      "/providers/sync-log",
      Schema.Struct({
        ...PageParams,
        providerId: Schema.optional(Schema.String),
        status: Schema.optional(Schema.Literal("OK", "FAILED"))
      }),
      ProviderSyncRun
    )
      .annotate(OpenApi.Summary, "The provider sync log")
      .annotate(
        OpenApi.Description,
        "Every sync run, newest first: when, the provider, OK (counts of created, updated, deactivated and " +
          "unchanged products, and each change) or FAILED (why)."
      )
  )
  .middleware(AdminAuthentication)
  .prefix("/admin/shop") {}
