/**
 * The shop in the bots: `/catalog` (categories → products → a product card → quantity → confirm → delivered);
 * `/orders` is `ShopOrders.ts`, `/subscriptions` `SubscriptionScreens.ts`. Every step is a button whose data carries what it needs (the
 * product, the quantity, the purchase's idempotency key), so an old screen either still means the same thing or is
 * refused as stale; a typed quantity answers the card's prompt. Too little balance offers a deposit of exactly the
 * missing amount, and when it is credited the confirm step of the same purchase comes back (`resumeAfterDeposit`).
 */
import {
  type CategoryId,
  formatRubles,
  Ledger,
  MAX_ORDER_QUANTITY,
  MIN_DEPOSIT,
  type OwnOrder,
  PageRequest,
  type Product,
  type ProductId,
  PurchaseRequest
} from "@groupbuy/core"
import { Effect, Either, Option, Random } from "effect"
import { parseQuantity } from "../../flows/parse/Quantity.js"
import { type Language, rich, text } from "../../Messages.js"
import type { Button, Reply, RichText } from "../../Model.js"
import { PaymentGateway } from "../../PaymentGateway.js"
import { bold, join, plain } from "../../RichTexts.js"
import { button } from "../ActionCode.js"
import { failureReply, registered } from "../Common.js"
import type { Session } from "../Session.js"
import { emit, type Handler, type TurnState, withSession, withoutFlow } from "../Turn.js"
import { say } from "../Views.js"
import { deliveryText, screen, whenOpen } from "./ShopCommon.js"
import { referralShopOf, type ShopServices } from "./ShopServices.js"

const PAGE_SIZE = 5
/** Quick quantity buttons on a product card (those that fit in what is left). */
const QUICK_QUANTITIES: ReadonlyArray<number> = [1, 2, 5]
const KEY_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"

const toCatalog = (l: Language) => button(text(l, "shop.toCategories"), { _tag: "ShopCatalog" })

/** The most one order of `product` may buy now. */
const maxFor = (product: Product) => Math.min(product.available, MAX_ORDER_QUANTITY)

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
const activeProduct = (shop: ShopServices, id: ProductId) =>
  Effect.map(Effect.either(shop.catalog.product(id)), (found) =>
    Either.isRight(found) && found.right.isActive ? Either.right(found.right) : Either.left(undefined)
  )

const unavailable = (turn: TurnState, key: "shop.unavailable" | "shop.soldOutNow" = "shop.unavailable", title = "") =>
  catalog(emit(turn, say(turn.language, key, { title })), undefined)

const backToProducts = (l: Language, product: Product): Button =>
  button(text(l, "shop.toProducts"), { _tag: "ShopCategory", id: product.categoryId ?? "other", offset: 0 })

/** A product card: description, price, stock or "sold out", images where the platform shows them; quantity. */
const productCard = (turn: TurnState, product: Product, notice?: RichText): TurnState => {
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

// ---------------------------------------------------------------------------------------------------------- buying

const purchaseKey = Effect.map(
  Effect.all(Array.from({ length: 12 }, () => Random.nextIntBetween(0, KEY_ALPHABET.length))),
  (ns) => ns.map((n) => KEY_ALPHABET[n]).join("")
)

/** What to top up for `missing`: exactly that, or the smallest deposit there is when less is missing. */
const topUpAmount = (missing: bigint) => (missing < MIN_DEPOSIT ? MIN_DEPOSIT : missing)

/** The purchase as it would be: "confirm" with a fresh idempotency key, or "short" with the missing amount. */
const confirmReplies = (
  language: Language,
  product: { readonly id: ProductId; readonly title: string; readonly price: bigint },
  quantity: number,
  balance: bigint,
  key: string
): Reply => {
  const l = language
  const total = product.price * BigInt(quantity)
  const params = {
    title: product.title,
    quantity,
    total: formatRubles(total),
    balance: formatRubles(balance)
  }
  const back = button(text(l, "shop.toProduct"), { _tag: "ShopProduct", id: product.id })
  if (balance >= total) {
    return {
      _tag: "Text",
      text: rich(l, "shop.confirm", { ...params, after: formatRubles(balance - total) }),
      keyboard: {
        rows: [
          [
            button(text(l, "shop.buy", { total: formatRubles(total) }), {
              _tag: "ShopBuy",
              id: product.id,
              quantity,
              key
            })
          ],
          [back]
        ]
      }
    }
  }
  const missing = formatRubles(total - balance)
  const deposit = topUpAmount(total - balance)
  return {
    _tag: "Text",
    text: join([
      rich(l, "shop.short", { ...params, missing }),
      ...(deposit === total - balance ? [] : [rich(l, "shop.topUp.minimum", { min: formatRubles(MIN_DEPOSIT) })])
    ]),
    keyboard: {
      rows: [
        [
          button(text(l, "shop.topUp", { missing: formatRubles(deposit) }), {
            _tag: "ShopTopUp",
            id: product.id,
            quantity
          })
        ],
        [back]
      ]
    }
  }
}

/** Why `quantity` cannot be bought of `product` now, or nothing. */
const quantityProblem = (l: Language, product: Product, quantity: number): RichText | undefined => {
  const max = maxFor(product)
  if (max === 0) return rich(l, "shop.soldOutNow", { title: product.title })
  if (quantity > max)
    return max === 1 ? rich(l, "shop.quantity.tooMany.one") : rich(l, "shop.quantity.tooMany", { max })
  return undefined
}

/** The confirm step for `quantity` of a product (a quick button, a typed number, the return after a deposit). */
export const chooseQuantity: Handler<{ readonly id: ProductId; readonly quantity: number }> = (
  turn,
  { id, quantity }
) =>
  registered(turn, (user) =>
    whenOpen(turn, (shop) =>
      Effect.gen(function* () {
        const found = yield* activeProduct(shop, id)
        if (Either.isLeft(found)) return yield* unavailable(turn)
        const product = found.right
        const problem = quantityProblem(turn.language, product, quantity)
        if (problem !== undefined) return productCard(turn, product, problem)
        const balance = yield* (yield* Ledger).balance(user.id)
        const key = yield* purchaseKey
        const { awaiting: _a, ...rest } = turn.session
        return emit({ ...turn, session: rest }, confirmReplies(turn.language, product, quantity, balance, key))
      })
    )
  )

/** A number typed after a product card. */
export const quantityAnswered = (turn: TurnState, id: ProductId, input: string) =>
  Effect.suspend(() => {
    const parsed = parseQuantity(input)
    if (Either.isLeft(parsed)) {
      return Effect.succeed(emit(turn, say(turn.language, parsed.left.key, parsed.left.params ?? {})))
    }
    return chooseQuantity(turn, { id, quantity: parsed.right })
  })

/** The answer to "Buy": the order's number and what it delivered, or why it failed (its money is back already). */
const deliveredReply = (l: Language, own: OwnOrder, quantity: number): Reply => {
  const order = own.order
  const head =
    order.status === "FAILED" || order.status === "REFUNDED"
      ? rich(l, "shop.failed", { number: order.number, total: formatRubles(order.total) })
      : rich(l, "shop.delivered", {
          number: order.number,
          title: order.lines[0]?.title ?? "",
          quantity: order.lines[0]?.quantity ?? quantity,
          total: formatRubles(order.total)
        })
  return {
    _tag: "Text",
    text: join([head, ...(order.status === "DELIVERED" ? deliveryText(l, own) : [])]),
    keyboard: { rows: [[button(text(l, "menu.orders"), { _tag: "Command", name: "orders" })], [toCatalog(l)]] }
  }
}

/** "Buy": one order per key (a second tap returns the same order), refusals explained, the catalogue after them. */
export const buy: Handler<{ readonly id: ProductId; readonly quantity: number; readonly key: string }> = (
  turn,
  { id, key, quantity }
) =>
  registered(turn, (user) =>
    whenOpen(turn, (shop) =>
      Effect.gen(function* () {
        const l = turn.language
        const referral = yield* referralShopOf(turn.ref.bot)
        const request = new PurchaseRequest({
          buyerId: user.id,
          productId: id,
          quantity,
          idempotencyKey: `bot:${user.id}:${key}`,
          // sold through a user's referral shop bot: its owner earns the commission in the purchase's transaction
          ...(Option.isSome(referral) ? { shopBotId: turn.ref.bot } : {})
        })
        return yield* shop.orders.purchase(request).pipe(
          Effect.map((own) => emit(turn, deliveredReply(l, own, quantity))),
          Effect.catchTags({
            SoldOut: (error) =>
              Effect.flatMap(activeProduct(shop, id), (found) => {
                if (Either.isLeft(found)) return unavailable(turn)
                if (error.available === 0) return unavailable(turn, "shop.soldOutNow", found.right.title)
                const notice = rich(l, "shop.notEnoughNow", { available: error.available })
                return Effect.succeed(productCard(turn, found.right, notice))
              }),
            ProductUnavailable: () => unavailable(turn),
            NotFound: () => unavailable(turn),
            InvalidInput: (error) => Effect.succeed(emit(turn, failureReply(turn, error))),
            RuleViolation: (error) => Effect.succeed(emit(turn, failureReply(turn, error))),
            InvalidQuantity: (error) => Effect.succeed(emit(turn, { _tag: "Text", text: plain(error.describe(l)) })),
            // the price or the balance moved since the confirm step: the same step again, now offering the deposit
            InsufficientFunds: () => chooseQuantity(turn, { id, quantity })
          })
        )
      })
    )
  )

/** "Top up the missing amount": a deposit of exactly what is missing; its arrival brings the confirm step back. */
export const topUp: Handler<{ readonly id: ProductId; readonly quantity: number }> = (turn, { id, quantity }) =>
  registered(turn, (user) =>
    whenOpen(turn, (shop) =>
      Effect.gen(function* () {
        const l = turn.language
        const found = yield* activeProduct(shop, id)
        if (Either.isLeft(found)) return yield* unavailable(turn)
        const product = found.right
        const problem = quantityProblem(l, product, quantity)
        if (problem !== undefined) return productCard(turn, product, problem)
        const balance = yield* (yield* Ledger).balance(user.id)
        const total = product.price * BigInt(quantity)
        // the balance covers it by now (another top-up arrived): straight to the confirm step
        if (balance >= total) return yield* chooseQuantity(turn, { id, quantity })
        const missing = topUpAmount(total - balance)
        const link = yield* Effect.either((yield* PaymentGateway).createDeposit(user.id, missing))
        if (Either.isLeft(link)) return emit(turn, failureReply(turn, link.left))
        const { paymentId, url, instructions, testMoney } = link.right
        const amount = formatRubles(missing)
        const test: RichText = testMoney ? [{ text: "\n\n" }, bold(text(l, "deposit.testMoney"))] : []
        const pending = withSession(turn, (session) => ({
          ...session,
          shopPending: {
            paymentId,
            productId: product.id,
            quantity,
            title: product.title,
            price: product.price.toString()
          }
        }))
        const back = [button(text(l, "shop.toProduct"), { _tag: "ShopProduct", id: product.id })]
        if (url !== null && /^https?:\/\/\S+$/iu.test(url)) {
          const pay: Button = { _tag: "Url", label: text(l, "shop.topUp.pay", { amount }), url }
          return emit(pending, {
            _tag: "Text",
            text: [...rich(l, "shop.topUp.link", { amount }), ...test],
            keyboard: { rows: [[pay], back] }
          })
        }
        const how = instructions?.trim() ?? ""
        return emit(pending, {
          _tag: "Text",
          text:
            how === ""
              ? [...rich(l, "shop.topUp.pending", { amount }), ...test]
              : join([rich(l, "shop.topUp.instructions", { amount }), [...plain(how), ...test]]),
          keyboard: { rows: [back] }
        })
      })
    )
  )

/**
 * What a credited deposit adds to its announcement in a chat: the confirm step of the purchase it was made for, when
 * this chat's last top-up from the shop was this payment. Pure (the key is made beforehand): it runs under the chat's
 * lock.
 */
export const resumeAfterDeposit =
  (paymentId: string, balance: bigint | undefined, key: string) =>
  (session: Session, language: Language): ReadonlyArray<Reply> => {
    const pending = session.shopPending
    if (pending === undefined || pending.paymentId !== paymentId || balance === undefined) return []
    const product = { id: pending.productId, title: pending.title, price: BigInt(pending.price) }
    const confirm = confirmReplies(language, product, pending.quantity, balance, key)
    return [say(language, "shop.resume"), confirm]
  }

/** A fresh idempotency key for a confirm step shown outside a turn. */
export const newPurchaseKey = purchaseKey
