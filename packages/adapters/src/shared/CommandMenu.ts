/**
 * GroupBuy's command menu, read from the router's catalogue (its `help.text` and the shop's `help.shop` list
 * `/command — description` per language), so the menu a platform shows never drifts from what the engine answers.
 */
import { catalogues, type Language } from "@groupbuy/router"

export interface BotCommand {
  readonly command: string
  readonly description: string
}

/** Commands and descriptions per language, in the catalogue's order. */
export const groupBuyCommands = (): Readonly<Record<Language, ReadonlyArray<BotCommand>>> => {
  const menu = (language: Language) =>
    [catalogues[language]["help.text"], catalogues[language]["help.shop"]]
      .flatMap((help) => help.split("\n"))
      .flatMap((line): Array<BotCommand> => {
        const match = /^\/([a-z0-9_]{1,32})\s+[—-]\s+(.+)$/.exec(line.trim())
        return match === null ? [] : [{ command: match[1]!, description: match[2]!.trim() }]
      })
  return { ru: menu("ru"), en: menu("en") }
}

/** The names of GroupBuy's commands (any language). */
export const groupBuyCommandNames = (): ReadonlySet<string> =>
  new Set(Object.values(groupBuyCommands()).flatMap((commands) => commands.map((c) => c.command)))
