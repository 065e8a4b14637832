/**
 * The shop in the bots: `/catalog` (categories → products → a product card → quantity → confirm → delivered); the
 * browsing is here, the quantity, confirm, buy and top-up steps are `ShopBuying.ts`, `/orders` is `ShopOrders.ts`,
 * `/subscriptions` `SubscriptionScreens.ts`. Every step is a button whose data carries what it needs (the
 * product, the quantity, the purchase's idempotency key), so an old screen either still means the same thing or is
 * refused as stale; a typed quantity answers the card's prompt. Too little balance offers a deposit of exactly the
 * missing amount, and when it is credited the confirm step of the same purchase comes back (`resumeAfterDeposit`).
 */
import {
  type CategoryId,
  formatRubles,
  MAX_ORDER_QUANTITY,
  PageRequest,
  type Product,
  type ProductId
} from "@groupbuy/core"
import { Effect, Either } from "effect"
import { type Language, rich, text } from "../../Messages.js"
import type { Button, Reply, RichText } from "../../Model.js"
import { bold, join, plain } from "../../RichTexts.js"
import { button } from "../ActionCode.js"
import { emit, type Handler, type TurnState, withSession, withoutFlow } from "../Turn.js"
import { say } from "../Views.js"
import { screen, whenOpen } from "./ShopCommon.js"
import type { ShopServices } from "./ShopServices.js"

const PAGE_SIZE = 5
/** Quick quantity buttons on a product card (those that fit in what is left). */
const QUICK_QUANTITIES: ReadonlyArray<number> = [1, 2, 5]

export const toCatalog = (l: Language) => button(text(l, "shop.toCategories"), { _tag: "ShopCatalog" })

/** The most one order of `product` may buy now. */
export const maxFor = (product: Product) => Math.min(product.available, MAX_ORDER_QUANTITY)

const availability = (l: Language, product: Product) =>
  product.available > 0 ? text(l, "shop.inStock", { count: product.available }) : text(l, "shop.soldOut")

// ----------------------------------------------------------------------------------------------------------- browse

/** `/catalog` (and "« Categories"): the categories that hold active products. */
export const catalog: Handler<unknown> = (turn) =>
  whenOpen(turn, (shop) =>
    Effect.gen(function* () {
      const l = turn.language
      const categories = yield* shop.catalog.categories()
      const others = yield* shop.catalog.products(null, new PageRequest({ offset: 0, limit: 1 }))
      if (categories.length === 0 && others.total === 0) return emit(turn, say(l, "shop.noCategories"))
      const rows = [
        ...categories.map(({ category, productCount }) => [
          button(`${category.icon === null ? "" : `${category.icon} `}${category.name} (${productCount})`, {
            _tag: "ShopCategory",
            id: category.id,
            offset: 0
          })
        ]),
        ...(others.total === 0
          ? []
          : [[button(`${text(l, "shop.other")} (${others.total})`, { _tag: "ShopCategory", id: "other", offset: 0 })]])
      ]
      return emit(turn, screen(turn, rich(l, "shop.categories"), rows))
    })
  )

/** A page of a category's active products, with price and availability. */
export const categoryPage: Handler<{ readonly id: CategoryId | "other"; readonly offset: number }> = (
  turn,
  { id, offset }
) =>
  whenOpen(turn, (shop) =>
    Effect.gen(function* () {
      const l = turn.language
      const name =
        id === "other"
          ? text(l, "shop.other")
          : (yield* shop.catalog.categories()).find((c) => c.category.id === id)?.category.name
      if (name === undefined) return yield* catalog(emit(turn, say(l, "shop.noProducts")), undefined)
      const start = Math.max(0, offset)
      const page = yield* shop.catalog.products(
        id === "other" ? null : id,
        new PageRequest({ offset: start, limit: PAGE_SIZE })
      )
      const pages = Math.max(1, Math.ceil(page.total / PAGE_SIZE))
      const body = join([
        rich(l, "shop.products", { category: name, page: Math.floor(start / PAGE_SIZE) + 1, pages }),
        page.items.length === 0
          ? rich(l, "shop.noProducts")
          : join(
              page.items.map((p, i) =>
                plain(`${start + i + 1}. ${p.title} — ${formatRubles(p.price)} · ${availability(l, p)}`)
              ),
              "\n"
            )
      ])
      const nav = [
        ...(start > 0
          ? [
              button(text(l, "procurements.prev"), {
                _tag: "ShopCategory",
                id,
                offset: Math.max(0, start - PAGE_SIZE)
              })
            ]
          : []),
        ...(start + PAGE_SIZE < page.total
          ? [button(text(l, "procurements.next"), { _tag: "ShopCategory", id, offset: start + PAGE_SIZE })]
          : [])
      ]
      const rows = [
        ...page.items.map((p) => [button(p.title, { _tag: "ShopProduct", id: p.id })]),
        ...(nav.length === 0 ? [] : [nav]),
        [toCatalog(l)]
      ]
      return emit(turn, screen(turn, body, rows))
    })
  )

/** The product, or why it cannot be bought (then the catalogue again). */
export const activeProduct = (shop: ShopServices, id: ProductId) =>
  Effect.map(Effect.either(shop.catalog.product(id)), (found) =>
    Either.isRight(found) && found.right.isActive ? Either.right(found.right) : Either.left(undefined)
  )

export const unavailable = (
  turn: TurnState,
  key: "shop.unavailable" | "shop.soldOutNow" = "shop.unavailable",
  title = ""
) => catalog(emit(turn, say(turn.language, key, { title })), undefined)

const backToProducts = (l: Language, product: Product): Button =>
  button(text(l, "shop.toProducts"), { _tag: "ShopCategory", id: product.categoryId ?? "other", offset: 0 })

/** A product card: description, price, stock or "sold out", images where the platform shows them; quantity. */
export const productCard = (turn: TurnState, product: Product, notice?: RichText): TurnState => {
  const l = turn.language
  const max = maxFor(product)
  const body = join([
    ...(notice === undefined ? [] : [notice]),
    [bold(product.title)],
    plain(product.description),
    join(
      [
        rich(l, "shop.price", { price: formatRubles(product.price) }),
        rich(l, "shop.stock", { stock: availability(l, product) })
      ],
      "\n"
    ),
    ...(max > 1 ? [rich(l, "shop.askQuantity", { max })] : max === 1 ? [rich(l, "shop.askQuantity.one")] : [])
  ])
  const quick = QUICK_QUANTITIES.filter((n) => n <= max).map((quantity) =>
    button(text(l, "shop.pieces", { count: quantity }), { _tag: "ShopQuantity", id: product.id, quantity })
  )
  const rows = [...(quick.length === 0 ? [] : [quick]), [backToProducts(l, product)], [toCatalog(l)]]
  const image = product.images[0]
  const card: Reply =
    image !== undefined && turn.capabilities.media
      ? { _tag: "Image", url: image, caption: body, keyboard: { rows } }
      : screen(turn, body, rows)
  // a number typed next answers the card's question
  const asking = withSession(turn, (session) =>
    max > 0
      ? { ...withoutFlow(session), awaiting: { kind: "shopQuantity", productId: product.id } }
      : withoutFlow(session)
  )
  return emit(asking, card)
}

export const showProduct: Handler<ProductId> = (turn, id) =>
  whenOpen(turn, (shop) =>
    Effect.flatMap(activeProduct(shop, id), (found) =>
      Either.isLeft(found) ? unavailable(turn) : Effect.succeed(productCard(turn, found.right))
    )
  )
