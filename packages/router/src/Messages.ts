/**
 * The router's one message catalogue, Russian (default) and English, with the same keys in both (checked by the type of
 * `en` and by a test, placeholders included): the engine's texts (internal/catalogue) and the flows' (flows/messages.ts),
 * each kept beside its code, looked up alike with `text` (a plain string) or `rich`. Markup: `**bold**`, `__italic__`,
 * `` `code` ``; placeholders `{name}` are filled after the markup is parsed, so user content never changes formatting.
 */
import { Language } from "@groupbuy/core"
import type { RichText } from "./Model.js"
import { flowMessages } from "./flows/messages.js"
import { en } from "./internal/catalogue/en.js"
import { ru } from "./internal/catalogue/ru.js"
import { fill, parseMarkup, substitute } from "./RichTexts.js"

/** The languages the router speaks (core's: an account's language). */
export { Language }

export type MessageKey = keyof typeof ru | keyof typeof flowMessages.ru

/** The catalogue in both languages (for the completeness test and for tools). */
export const catalogues: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = {
  ru: { ...ru, ...flowMessages.ru },
  en: { ...en, ...flowMessages.en }
}

type Params = Readonly<Record<string, string | number>>

/** A plain string from the catalogue (labels, toasts). Markup is stripped. */
export const text = (language: Language, key: MessageKey, params: Params = {}): string =>
  fill(
    catalogues[language][key].replace(/\*\*([^*]+)\*\*|__([^_]+)__|`([^`]+)`/g, (_, a, b, c) => a ?? b ?? c),
    params
  )

/** Rich text from the catalogue. */
export const rich = (language: Language, key: MessageKey, params: Params = {}): RichText =>
  substitute(parseMarkup(catalogues[language][key]), params)

/** The language for a locale hint ("en-US" → en); Russian by default. */
export const languageOf = (locale: string | undefined): Language =>
  locale !== undefined && /^en\b/i.test(locale) ? "en" : "ru"
