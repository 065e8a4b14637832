/** Routing one update: a command, a button (or menu answer), or input for the active flow, prompt or chat. */
import { Effect } from "effect"
import { parseMenuAnswer } from "../MenuAnswer.js"
import { action } from "./Actions.js"
import { cancel, stale, unknown } from "./Common.js"
import { command } from "./Commands.js"
import { profileAnswered } from "./features/Account.js"
import { postToChat } from "./features/ChatMode.js"
import { flowEvent } from "./features/Flows.js"
import { myShopAnswered } from "./features/MyShop.js"
import { cityAnswered, searchAnswered } from "./features/ProcurementScreens.js"
import { quantityAnswered } from "./features/ShopBuying.js"
import type { Awaiting } from "./Session.js"
import type { TurnState } from "./Turn.js"

const BACK_WORDS = new Set(["назад", "back"])
const CANCEL_WORDS = new Set(["отмена", "cancel", "стоп", "stop"])

/** The answer to a prompt the engine asked itself. */
const awaited = (turn: TurnState, awaiting: Awaiting, input: string) => {
  switch (awaiting.kind) {
    case "search":
      return searchAnswered(turn, input)
    case "city":
      return cityAnswered(turn, input)
    case "profile":
      return profileAnswered(turn, awaiting.field, input)
    case "shopQuantity":
      return quantityAnswered(turn, awaiting.productId, input)
    case "myShop":
      return myShopAnswered(turn, awaiting, input)
  }
}

export const route = (turn: TurnState) =>
  Effect.suspend(() => {
    const { update, session } = turn
    switch (update._tag) {
      case "Command":
        return command(turn, update.command.toLowerCase(), update.args)
      case "Button": {
        const binding = session.menu?.bindings[update.data]
        if (binding === undefined) return stale(turn)
        if (binding._tag === "Action") return action(turn, binding.action)
        // another page of an overflowing keyboard: already fitted, shown as it is
        const page = { text: binding.text, keyboard: binding.keyboard }
        return Effect.succeed<TurnState>({
          ...turn,
          direct: turn.capabilities.edits ? { _tag: "Edit", ...page } : { _tag: "Text", ...page }
        })
      }
      case "Text": {
        const input = update.text
        const chosen = session.menu === undefined ? undefined : parseMenuAnswer(input, session.menu.menu)
        if (chosen !== undefined) return action(turn, chosen)
        const word = input.trim().toLowerCase()
        if (CANCEL_WORDS.has(word) && (session.flow !== undefined || session.awaiting !== undefined))
          return cancel(turn)
        if (session.flow !== undefined)
          return flowEvent(turn, BACK_WORDS.has(word) ? { type: "back" } : { type: "text", text: input })
        if (session.awaiting !== undefined) return awaited(turn, session.awaiting, input)
        if (session.chat !== undefined && turn.user !== undefined)
          return postToChat(turn, session.chat, { text: input })
        return unknown(turn)
      }
      case "Contact": {
        if (session.flow !== undefined)
          return flowEvent(turn, { type: "contact", phone: update.phone, own: update.own })
        if (session.awaiting?.kind === "profile" && session.awaiting.field === "phone")
          return awaited(turn, session.awaiting, update.phone)
        return unknown(turn)
      }
      case "Media": {
        if (session.flow !== undefined) {
          return flowEvent(turn, {
            type: "media",
            kind: update.kind,
            url: update.url,
            ...(update.caption === undefined ? {} : { caption: update.caption })
          })
        }
        if (session.chat !== undefined && turn.user !== undefined)
          return postToChat(turn, session.chat, { text: update.caption ?? "", url: update.url, kind: update.kind })
        return unknown(turn)
      }
    }
  })
