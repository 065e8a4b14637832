/** Balance and deposits, and the notifications list. */
import { Ledger, Notifications, PageRequest } from "@groupbuy/core"
import { Effect } from "effect"
import { rich, text } from "../../Messages.js"
import { join, plain } from "../../RichTexts.js"
import { button } from "../ActionCode.js"
import { registered } from "../Common.js"
import { emit, type Handler } from "../Turn.js"
import { balanceView, say } from "../Views.js"
import { hostFlow } from "./Account.js"

export const balance: Handler<string> = (turn) =>
  registered(turn, (user) =>
    Effect.gen(function* () {
      const ledger = yield* Ledger
      const amount = yield* ledger.balance(user.id)
      const history = yield* ledger.history(user.id, new PageRequest({ offset: 0, limit: 5 }))
      return emit(turn, balanceView(turn.language, amount, history.items))
    })
  )

export const deposit: Handler<string> = (turn) =>
  registered(turn, () => hostFlow(turn, "deposit", { language: turn.language }))

export const notifications: Handler<string> = (turn) =>
  registered(turn, (user) =>
    Effect.gen(function* () {
      const l = turn.language
      const page = yield* (yield* Notifications).list(user.id, { offset: 0, limit: 10, unreadOnly: true })
      if (page.items.length === 0) return emit(turn, say(l, "notifications.none"))
      const lines = page.items.map((n) => join([[{ text: n.title, bold: true }], plain(n.body)], "\n"))
      return emit(turn, {
        _tag: "Text",
        text: join([rich(l, "notifications.title", { count: page.total }), ...lines]),
        keyboard: { rows: [[button(text(l, "notifications.markRead"), { _tag: "MarkNotificationsRead" })]] }
      })
    })
  )

export const markNotificationsRead: Handler<void> = (turn) =>
  registered(turn, (user) =>
    Effect.gen(function* () {
      const count = yield* (yield* Notifications).markRead(user.id, "all")
      return emit(turn, say(turn.language, "notifications.marked", { count }))
    })
  )
