/** Money (integer kopecks, bigint) and dates for people, in the current language; never through floats. */
import { Kopecks } from "@groupbuy/core/api"
import { DateTime } from "effect"
import type { Language } from "./I18n.js"

const locale = (language: Language) => (language === "ru" ? "ru-RU" : "en-GB")

/** A percentage as people write it, without the sign: "15.00" → "15", "12.5" → "12,5" (ru) / "12.5" (en). */
export const formatPercent = (value: string | number, language: Language): string =>
  new Intl.NumberFormat(locale(language), { maximumFractionDigits: 2 }).format(Number(value))

/** 123456n → "1 234,56 ₽" (ru) / "₽1,234.56" (en). */
export const formatMoney = (kopecks: bigint, language: Language): string => {
  const negative = kopecks < 0n
  const abs = negative ? -kopecks : kopecks
  const rubles = new Intl.NumberFormat(locale(language), { maximumFractionDigits: 0 }).format(abs / 100n)
  const cents = String(abs % 100n).padStart(2, "0")
  const text = language === "ru" ? `${rubles},${cents} ₽` : `₽${rubles}.${cents}`
  return negative ? `−${text}` : text
}

/** Rubles typed by a person ("1 234,5") → kopecks, or undefined when it is not an amount. */
export const parseRubles = (input: string): Kopecks | undefined => {
  const cleaned = input.replace(/[\s ₽]/g, "").replace(",", ".")
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(cleaned)
  if (m === null) return undefined
  return Kopecks.make(BigInt(m[1]!) * 100n + BigInt((m[2] ?? "0").padEnd(2, "0")))
}

export const formatDate = (value: DateTime.DateTime, language: Language) =>
  new Intl.DateTimeFormat(locale(language), { dateStyle: "medium" }).format(DateTime.toDateUtc(value))

export const formatDateTime = (value: DateTime.DateTime, language: Language) =>
  new Intl.DateTimeFormat(locale(language), { dateStyle: "medium", timeStyle: "short" }).format(
    DateTime.toDateUtc(value)
  )
