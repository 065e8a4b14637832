/** What the shop's screens share: the shop's services when it is open, a screen reply, dates, an order's lines. */
import { formatRubles, type Order, type OwnOrder } from "@groupbuy/core"
import { DateTime, Effect, Option } from "effect"
import { formatMoscowDate } from "../../flows/parse/Deadline.js"
import { type Language, rich } from "../../Messages.js"
import type { Button, Reply, RichText } from "../../Model.js"
import { code, join } from "../../RichTexts.js"
import { emit, type TurnState } from "../Turn.js"
import { say } from "../Views.js"
import { referralShopOf, shopServices, type ShopServices } from "./ShopServices.js"

/**
 * Runs `body` with the shop's services when the shop is on; otherwise says it is closed. A referral shop's bot is
 * closed while its owner paused it or an administrator blocked it.
 */
export const whenOpen = <E, R>(turn: TurnState, body: (shop: ShopServices) => Effect.Effect<TurnState, E, R>) =>
  Effect.gen(function* () {
    const closed = emit(turn, say(turn.language, "shop.closed"))
    const found = yield* shopServices
    if (Option.isNone(found)) return closed
    const referral = yield* referralShopOf(turn.ref.bot)
    if (Option.isSome(referral) && referral.value.status !== "active")
      return emit(turn, say(turn.language, "myshop.botClosed", { name: referral.value.name }))
    const data = yield* found.value.settings.get()
    return data.offer.shop || Option.isSome(referral) ? yield* body(found.value) : closed
  })

/** A button's reply: edits the screen it was pressed on where the platform can, a new message otherwise. */
export const screen = (turn: TurnState, body: RichText, rows: ReadonlyArray<ReadonlyArray<Button>>): Reply => {
  const keyboard = { rows: rows.map((row) => [...row]) }
  return turn.update._tag === "Button" && turn.capabilities.edits
    ? { _tag: "Edit", text: body, keyboard }
    : { _tag: "Text", text: body, keyboard }
}

export const dateOf = (value: DateTime.Utc) => formatMoscowDate(DateTime.toEpochMillis(value))

/** What an order delivered, as its buyer sees it. */
export const deliveryText = (l: Language, own: OwnOrder): ReadonlyArray<RichText> => {
  const items = own.delivery?.items ?? []
  const expires = own.delivery?.expiresAt ?? null
  if (items.length === 0 && expires === null) return []
  return [
    join(
      [
        rich(l, "shop.delivery.items"),
        ...items.map((item) => [code(item)]),
        ...(expires === null ? [] : [rich(l, "order.expires", { date: dateOf(expires) })])
      ],
      "\n"
    )
  ]
}

export const orderLines = (l: Language, order: Order): RichText =>
  join(
    order.lines.map((line) =>
      rich(l, "order.line", {
        title: line.title,
        quantity: line.quantity,
        total: formatRubles(line.unitPrice * BigInt(line.quantity))
      })
    ),
    "\n"
  )
