/** What a chat message says, as a member reads it in the bot: a SYSTEM status change in the reader's language. */
import { readStatusChange } from "@groupbuy/core"
import { Option } from "effect"
import { type Language, text } from "../../Messages.js"

/** The message's text; a status change (`status:FROM>TO`) as a sentence in `language`. */
export const saidIn = (language: Language, said: string) =>
  Option.match(readStatusChange(said), {
    onNone: () => said,
    onSome: ({ from, to }) =>
      text(language, "chat.statusChanged", {
        from: text(language, `status.${from}`),
        to: text(language, `status.${to}`)
      })
  })
