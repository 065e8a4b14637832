/**
 * Light and dark themes: follows the system until the person picks one (remembered in this browser); inside a
 * Telegram Mini App it follows Telegram's `themeParams` (its colours become CSS variables).
 */
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from "react"

export type ThemeChoice = "system" | "light" | "dark"
export type ResolvedTheme = "light" | "dark"

const THEME_KEY = "groupbuy.web.theme"

interface TelegramThemeParams {
  readonly bg_color?: string
  readonly text_color?: string
  readonly hint_color?: string
  readonly link_color?: string
  readonly button_color?: string
  readonly button_text_color?: string
  readonly secondary_bg_color?: string
}

interface TelegramWebApp {
  readonly themeParams?: TelegramThemeParams
  readonly colorScheme?: ResolvedTheme
  onEvent?(event: "themeChanged", handler: () => void): void
  offEvent?(event: "themeChanged", handler: () => void): void
}

const telegram = (): TelegramWebApp | undefined =>
  (window as unknown as { Telegram?: { WebApp?: TelegramWebApp } }).Telegram?.WebApp

/** Telegram passes the theme in the launch URL's fragment (`tgWebAppThemeParams`) as well as through its script. */
const telegramThemeFromUrl = (): TelegramThemeParams | undefined => {
  try {
    const raw = new URLSearchParams(window.location.hash.slice(1)).get("tgWebAppThemeParams")
    return raw === null ? undefined : (JSON.parse(raw) as TelegramThemeParams)
  } catch {
    return undefined
  }
}

const luminance = (hex: string) => {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex)
  if (m === null) return 1
  const n = parseInt(m[1]!, 16)
  return (0.299 * ((n >> 16) & 255) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255)) / 255
}

const VARIABLES: ReadonlyArray<[keyof TelegramThemeParams, string]> = [
  ["bg_color", "--bg"],
  ["secondary_bg_color", "--surface"],
  ["text_color", "--text"],
  ["hint_color", "--muted"],
  ["link_color", "--link"],
  ["button_color", "--accent"],
  ["button_text_color", "--accent-text"]
]

const readChoice = (): ThemeChoice => {
  try {
    const stored = window.localStorage.getItem(THEME_KEY)
    return stored === "light" || stored === "dark" ? stored : "system"
  } catch {
    return "system"
  }
}

interface ThemeState {
  readonly choice: ThemeChoice
  readonly resolved: ResolvedTheme
  readonly telegram: boolean
  readonly setChoice: (choice: ThemeChoice) => void
}

const ThemeContext = createContext<ThemeState>({
  choice: "system",
  resolved: "light",
  telegram: false,
  setChoice: () => undefined
})

const systemDark = () => window.matchMedia?.("(prefers-color-scheme: dark)").matches === true

export const ThemeProvider = ({ children }: { children: ReactNode }) => {
  const [choice, setChoiceState] = useState<ThemeChoice>(readChoice)
  const [dark, setDark] = useState(systemDark)
  const [params, setParams] = useState<TelegramThemeParams | undefined>(
    () => telegram()?.themeParams ?? telegramThemeFromUrl()
  )

  useEffect(() => {
    const query = window.matchMedia?.("(prefers-color-scheme: dark)")
    if (query === undefined) return
    const changed = () => setDark(query.matches)
    query.addEventListener("change", changed)
    return () => query.removeEventListener("change", changed)
  }, [])

  useEffect(() => {
    const webApp = telegram()
    if (webApp?.onEvent === undefined) return
    const changed = () => setParams(webApp.themeParams)
    webApp.onEvent("themeChanged", changed)
    return () => webApp.offEvent?.("themeChanged", changed)
  }, [])

  const inTelegram = params !== undefined && choice === "system"
  const resolved: ResolvedTheme = inTelegram
    ? luminance(params.bg_color ?? "#ffffff") < 0.5
      ? "dark"
      : "light"
    : choice === "system"
      ? dark
        ? "dark"
        : "light"
      : choice

  useEffect(() => {
    const root = document.documentElement
    root.dataset["theme"] = resolved
    root.style.colorScheme = resolved
    for (const [param, variable] of VARIABLES) {
      const value = inTelegram ? params[param] : undefined
      if (value === undefined) root.style.removeProperty(variable)
      else root.style.setProperty(variable, value)
    }
  }, [resolved, inTelegram, params])

  const value = useMemo(
    () => ({
      choice,
      resolved,
      telegram: inTelegram,
      setChoice: (next: ThemeChoice) => {
        setChoiceState(next)
        try {
          window.localStorage.setItem(THEME_KEY, next)
        } catch {
          // applied now, not remembered
        }
      }
    }),
    [choice, resolved, inTelegram]
  )
  return <ThemeContext.Provider value={value}>{children}</ThemeContext.Provider>
}

/** The theme choice and the resolved light/dark. */
export const useTheme = () => useContext(ThemeContext)
