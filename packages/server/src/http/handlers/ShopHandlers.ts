/**
 * `shopCatalog` (public) and `shop` groups: the catalogue, purchases and one's own orders. A purchase is keyed by the
 * buyer and the client's idempotency key, so a repeated request returns the first order and charges nothing; core's
 * refusals become the contract's, with a stable code and a sentence in the request's language.
 */
import { HttpApiBuilder, HttpServerRequest } from "@effect/platform"
import {
  Catalog,
  type CatalogProductJson,
  formatRubles,
  GroupBuyApi,
  IDEMPOTENCY_KEY_HEADER,
  InsufficientBalance,
  type InsufficientFunds,
  type InvalidQuantity,
  type Language,
  type NotFound,
  Orders,
  OutOfStock,
  PageRequest,
  type Product,
  ProductGone,
  type ProductUnavailable,
  PurchaseInvalid,
  PurchaseRefusal,
  PurchaseRequest,
  requestLanguage,
  ShopSettings,
  type SoldOut,
  Subscriptions,
  type SubscriptionView,
  UnknownProduct
} from "@groupbuy/core"
import { Effect } from "effect"
import { actingUser } from "../../internal/Access.js"
import { compact } from "../../internal/Compact.js"

/** The catalogue's view of a product: never the provider's cost or offer. */
const catalogProduct = (p: Product): CatalogProductJson => ({
  id: p.id,
  categoryId: p.categoryId,
  title: p.title,
  description: p.description,
  price: p.price,
  images: p.images,
  isActive: p.isActive,
  kind: p.kind,
  available: p.available,
  periodDays: p.periodDays
})

/** The language of the current request's refusals (`Accept-Language`, Russian by default). */
export const refusalLanguage = Effect.map(HttpServerRequest.HttpServerRequest, (request) =>
  requestLanguage(request.headers["accept-language"])
)

/** `InsufficientFunds` as the contract's 402, with what a deposit must add. */
export const insufficientBalance = (error: InsufficientFunds, language: Language, code: string) => {
  const amounts = {
    needed: formatRubles(error.needed),
    available: formatRubles(error.available),
    missing: formatRubles(error.missing)
  }
  return new InsufficientBalance({
    code,
    message:
      language === "ru"
        ? `Недостаточно средств: нужно ${amounts.needed}, на балансе ${amounts.available}. Пополните баланс на ${amounts.missing}.`
        : `Not enough money: ${amounts.needed} needed, the balance is ${amounts.available}. Top it up by ${amounts.missing}.`,
    needed: error.needed,
    available: error.available,
    missing: error.missing
  })
}

/** Core's purchase refusals as the contract's (each with its code and a sentence in `language`). */
const purchaseRefusals = (language: Language) => ({
  InsufficientFunds: (e: InsufficientFunds) =>
    Effect.fail(insufficientBalance(e, language, PurchaseRefusal.insufficientFunds)),
  SoldOut: (e: SoldOut) =>
    Effect.fail(
      new OutOfStock({
        code: PurchaseRefusal.soldOut,
        message: e.describe(language),
        productId: e.productId,
        requested: e.requested,
        available: e.available
      })
    ),
  ProductUnavailable: (e: ProductUnavailable) =>
    Effect.fail(
      new ProductGone({
        code: PurchaseRefusal.unavailable,
        message: e.describe(language),
        productId: e.productId
      })
    ),
  InvalidQuantity: (e: InvalidQuantity) =>
    Effect.fail(
      new PurchaseInvalid({
        code: PurchaseRefusal.invalidQuantity,
        message: e.describe(language),
        quantity: e.quantity,
        min: e.min,
        max: e.max
      })
    )
})

/** The purchase's idempotency key: the header or the body field (the same one if both are sent). */
const idempotencyKeyOf = (header: string | undefined, body: string | undefined, language: Language) => {
  if (header !== undefined && body !== undefined && header !== body) {
    return Effect.fail(
      new PurchaseInvalid({
        code: PurchaseRefusal.keyMismatch,
        message:
          language === "ru"
            ? "Ключ идемпотентности в заголовке Idempotency-Key и в поле idempotencyKey различается: отправьте один."
            : "The Idempotency-Key header and the idempotencyKey field differ: send one of them."
      })
    )
  }
  const key = header ?? body
  return key === undefined
    ? Effect.fail(
        new PurchaseInvalid({
          code: PurchaseRefusal.keyMissing,
          message:
            language === "ru"
              ? "Укажите ключ покупки (заголовок Idempotency-Key или поле idempotencyKey), чтобы повтор запроса не купил дважды."
              : "Send a key for the purchase (the Idempotency-Key header or the idempotencyKey field) so that a repeated request does not buy twice."
        })
      )
    : Effect.succeed(key)
}

export const ShopCatalogHandlers = HttpApiBuilder.group(GroupBuyApi, "shopCatalog", (handlers) =>
  Effect.gen(function* () {
    const catalog = yield* Catalog
    const settings = yield* ShopSettings
    return handlers
      .handle("info", () =>
        Effect.map(settings.get(), (s) => ({
          name: s.name,
          description: s.description,
          supportContact: s.supportContact,
          currencyDisplay: s.currencyDisplay,
          offer: s.offer,
          referralCommissionPercent: s.referralCommissionPercent
        }))
      )
      .handle("categories", () => catalog.categories())
      .handle("products", ({ urlParams: { categoryId, ...page } }) =>
        Effect.map(catalog.products(categoryId ?? null, new PageRequest(compact(page))), (result) => ({
          ...result,
          items: result.items.map(catalogProduct)
        }))
      )
      .handle("product", ({ path }) => Effect.map(catalog.product(path.id), catalogProduct))
  })
)

export const ShopHandlers = HttpApiBuilder.group(GroupBuyApi, "shop", (handlers) =>
  Effect.gen(function* () {
    const orders = yield* Orders
    return handlers
      .handle("purchase", ({ headers, payload }) =>
        Effect.gen(function* () {
          const language = yield* refusalLanguage
          const buyerId = yield* actingUser("buy", payload.userId)
          const key = yield* idempotencyKeyOf(headers[IDEMPOTENCY_KEY_HEADER], payload.idempotencyKey, language)
          return yield* orders
            .purchase(
              new PurchaseRequest({
                buyerId,
                productId: payload.productId,
                quantity: payload.quantity,
                // core keys orders by buyer and key: one user's key never finds another user's order
                idempotencyKey: key
              })
            )
            .pipe(
              Effect.catchTags({
                ...purchaseRefusals(language),
                NotFound: (e: NotFound) =>
                  e.entity === "product"
                    ? Effect.fail(
                        new UnknownProduct({
                          code: PurchaseRefusal.unknownProduct,
                          message: language === "ru" ? "Такого товара нет." : "There is no such product.",
                          productId: payload.productId
                        })
                      )
                    : Effect.fail(e)
              })
            )
        })
      )
      .handle("orders", ({ urlParams: { userId, ...page } }) =>
        Effect.flatMap(actingUser("list orders", userId), (buyerId) =>
          orders.mine(buyerId, new PageRequest(compact(page)))
        )
      )
      .handle("order", ({ path, urlParams }) =>
        Effect.flatMap(actingUser("read an order", urlParams.userId), (buyerId) => orders.own(buyerId, path.id))
      )
  })
)

/** A subscription as the contract shows it to its owner. */
const subscriptionJson = (view: SubscriptionView) => ({
  ...view.subscription,
  title: view.title,
  secondsLeft: view.secondsLeft,
  renewalPrice: view.renewalPrice
})

export const ShopSubscriptionHandlers = HttpApiBuilder.group(GroupBuyApi, "shopSubscriptions", (handlers) =>
  Effect.gen(function* () {
    const subscriptions = yield* Subscriptions
    return handlers
      .handle("subscriptions", ({ urlParams }) =>
        Effect.flatMap(actingUser("list subscriptions", urlParams.userId), (userId) =>
          Effect.map(subscriptions.mine(userId), (views) => views.map(subscriptionJson))
        )
      )
      .handle("renewSubscription", ({ path, payload }) =>
        Effect.gen(function* () {
          const language = yield* refusalLanguage
          const userId = yield* actingUser("renew a subscription", payload.userId)
          const { view } = yield* subscriptions.renew(userId, path.id, payload.expiresAt).pipe(
            Effect.catchTags({
              InsufficientFunds: (e: InsufficientFunds) =>
                Effect.fail(insufficientBalance(e, language, "subscription.insufficient-funds"))
            })
          )
          return subscriptionJson(view)
        })
      )
      .handle("setAutoRenew", ({ path, payload }) =>
        Effect.flatMap(actingUser("change a subscription", payload.userId), (userId) =>
          Effect.map(subscriptions.setAutoRenew(userId, path.id, payload.value), subscriptionJson)
        )
      )
  })
)
