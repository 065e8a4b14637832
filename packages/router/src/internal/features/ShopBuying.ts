/**
 * The shop's buying steps: a quantity (a quick button or a typed number) → the confirm step with a fresh idempotency
 * key, or a deposit of exactly the missing amount → "Buy" (one order per key) → what was delivered. When the deposit
 * is credited the confirm step of the same purchase comes back (`resumeAfterDeposit`).
 */
import {
  formatRubles,
  Ledger,
  MIN_DEPOSIT,
  type OwnOrder,
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
import { emit, type Handler, type TurnState, withSession } from "../Turn.js"
import { say } from "../Views.js"
import { activeProduct, maxFor, productCard, toCatalog, unavailable } from "./Shop.js"
import { deliveryText, whenOpen } from "./ShopCommon.js"
import { referralShopOf } from "./ShopServices.js"

const KEY_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"

/** A fresh idempotency key for a confirm step (a turn's, or one shown outside a turn). */
export const newPurchaseKey = Effect.map(
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
        const key = yield* newPurchaseKey
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
