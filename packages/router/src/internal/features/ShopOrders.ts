/** `/orders`: the buyer's orders, newest first, and each order with what it delivered. */
import { formatRubles, type OrderId, PageRequest } from "@groupbuy/core"
import { Effect, Either } from "effect"
import { rich, text } from "../../Messages.js"
import { join } from "../../RichTexts.js"
import { button } from "../ActionCode.js"
import { registered } from "../Common.js"
import { emit, type Handler } from "../Turn.js"
import { say } from "../Views.js"
import { dateOf, deliveryText, orderLines, screen, whenOpen } from "./ShopCommon.js"

const PAGE_SIZE = 5

/** `/orders`: the buyer's orders, newest first, a page at a time. */
export const ordersPage: Handler<number> = (turn, offset) =>
  registered(turn, (user) =>
    whenOpen(turn, (shop) =>
      Effect.gen(function* () {
        const l = turn.language
        const start = Math.max(0, offset)
        const page = yield* shop.orders.mine(user.id, new PageRequest({ offset: start, limit: PAGE_SIZE }))
        if (page.total === 0) return emit(turn, say(l, "orders.none"))
        const pages = Math.max(1, Math.ceil(page.total / PAGE_SIZE))
        const body = join([
          rich(l, "orders.title", { page: Math.floor(start / PAGE_SIZE) + 1, pages }),
          join(
            page.items.map((order) =>
              rich(l, "orders.line", {
                number: order.number,
                date: dateOf(order.createdAt),
                total: formatRubles(order.total),
                status: text(l, `ostatus.${order.status}`)
              })
            ),
            "\n"
          )
        ])
        const nav = [
          ...(start > 0
            ? [button(text(l, "procurements.prev"), { _tag: "OrdersPage", offset: Math.max(0, start - PAGE_SIZE) })]
            : []),
          ...(start + PAGE_SIZE < page.total
            ? [button(text(l, "procurements.next"), { _tag: "OrdersPage", offset: start + PAGE_SIZE })]
            : [])
        ]
        const rows = [
          ...page.items.map((order) => [
            button(text(l, "orders.button", { number: order.number, title: order.lines[0]?.title ?? "" }), {
              _tag: "ShowOrder",
              id: order.id
            })
          ]),
          ...(nav.length === 0 ? [] : [nav])
        ]
        return emit(turn, screen(turn, body, rows))
      })
    )
  )

/** One of the buyer's orders with what it delivered. */
export const showOrder: Handler<OrderId> = (turn, id) =>
  registered(turn, (user) =>
    whenOpen(turn, (shop) =>
      Effect.gen(function* () {
        const l = turn.language
        const found = yield* Effect.either(shop.orders.own(user.id, id))
        if (Either.isLeft(found)) return emit(turn, say(l, "order.notFound"))
        const own = found.right
        const order = own.order
        const body = join([
          rich(l, "order.title", { number: order.number, date: dateOf(order.createdAt) }),
          orderLines(l, order),
          join(
            [
              rich(l, "order.total", { total: formatRubles(order.total) }),
              rich(l, "order.status", { status: text(l, `ostatus.${order.status}`) })
            ],
            "\n"
          ),
          ...deliveryText(l, own)
        ])
        return emit(turn, screen(turn, body, [[button(text(l, "orders.back"), { _tag: "OrdersPage", offset: 0 })]]))
      })
    )
  )
