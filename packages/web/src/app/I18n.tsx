/**
 * i18n: Russian by default, English; the signed-in account's language wins, otherwise the choice made here, otherwise
 * the browser's. Each feature keeps its own `messages.ts` ({ ru, en }) and reads it with `useT(messages)`, so no
 * feature edits a shared dictionary.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react"

export type Language = "ru" | "en"

/** One feature's catalogue: the same keys in both languages. */
export interface Messages<K extends string> {
  readonly ru: Readonly<Record<K, string>>
  readonly en: Readonly<Record<K, string>>
}

/** Declares a catalogue; `{name}` placeholders are filled from the params of `t`. */
export const defineMessages = <K extends string>(messages: Messages<K>): Messages<K> => messages

export type Translate<K extends string> = (key: K, params?: Readonly<Record<string, string | number>>) => string

const fill = (template: string, params?: Readonly<Record<string, string | number>>) =>
  params === undefined ? template : template.replace(/\{(\w+)\}/g, (all, name: string) => String(params[name] ?? all))

const LANGUAGE_KEY = "groupbuy.web.language"

const browserLanguage = (): Language => {
  try {
    const stored = window.localStorage.getItem(LANGUAGE_KEY)
    if (stored === "ru" || stored === "en") return stored
  } catch {
    // storage may be disabled; fall through to the browser's language
  }
  const preferred = navigator.languages?.[0] ?? navigator.language ?? "ru"
  return preferred.toLowerCase().startsWith("en") ? "en" : "ru"
}

interface LanguageState {
  readonly language: Language
  /** Chooses the language of this browser (the profile screen also saves it to the account). */
  readonly setLanguage: (language: Language) => void
}

const LanguageContext = createContext<LanguageState>({ language: "ru", setLanguage: () => undefined })

/** Provides the language: `account` (the signed-in user's) wins over the browser's choice. */
export const LanguageProvider = ({ account, children }: { account: Language | undefined; children: ReactNode }) => {
  const [chosen, setChosen] = useState<Language>(browserLanguage)
  const language = account ?? chosen
  useEffect(() => {
    document.documentElement.lang = language
  }, [language])
  const setLanguage = useCallback((next: Language) => {
    setChosen(next)
    try {
      window.localStorage.setItem(LANGUAGE_KEY, next)
    } catch {
      // not remembered across visits, still applied now
    }
  }, [])
  const value = useMemo(() => ({ language, setLanguage }), [language, setLanguage])
  return <LanguageContext.Provider value={value}>{children}</LanguageContext.Provider>
}

export const useLanguage = () => useContext(LanguageContext)

/** The translator of one catalogue in the current language. */
export const useT = <K extends string>(messages: Messages<K>): Translate<K> => {
  const { language } = useLanguage()
  return useCallback(
    (key, params) => fill(messages[language][key] ?? messages.ru[key] ?? key, params),
    [language, messages]
  )
}
