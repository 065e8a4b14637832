/**
 * Deadlines as people type them, in Moscow time (UTC+3, no daylight saving): "25.12.2026", "25.12.26", "25.12",
 * "2026-12-25", "25 декабря", "December 25", "завтра", "послезавтра", "через 3 дня", "через 2 недели",
 * "через месяц", "tomorrow", "in 2 weeks". A deadline is the END of that day (23:59:59.999 Moscow time), must be a
 * day after today and at most two years ahead.
 */
import { Either } from "effect"
import { type Problem, problem } from "./Problem.js"

const MSK_OFFSET_MS = 3 * 60 * 60 * 1000
const DAY_MS = 24 * 60 * 60 * 1000
/** A deadline further away than this is almost certainly a typo in the year. */
export const MAX_DEADLINE_DAYS = 731

/** A calendar day (month 1..12). */
export interface Day {
  readonly year: number
  readonly month: number
  readonly day: number
}

/** The Moscow calendar day an instant falls on. */
export const moscowDay = (epochMs: number): Day => {
  const d = new Date(epochMs + MSK_OFFSET_MS)
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }
}

/** 23:59:59.999 Moscow time of that day, as epoch ms. */
export const endOfMoscowDay = (day: Day): number =>
  Date.UTC(day.year, day.month - 1, day.day, 23, 59, 59, 999) - MSK_OFFSET_MS

/** "25.12.2026" (Moscow calendar day of the instant). */
export const formatMoscowDate = (epochMs: number): string => formatDay(moscowDay(epochMs))

/** "23:59": the Moscow wall-clock time of the instant. */
export const formatMoscowTime = (epochMs: number): string => {
  const d = new Date(epochMs + MSK_OFFSET_MS)
  return `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`
}

const formatDay = (day: Day): string =>
  `${String(day.day).padStart(2, "0")}.${String(day.month).padStart(2, "0")}.${day.year}`

const isRealDay = (day: Day): boolean => {
  const d = new Date(Date.UTC(day.year, day.month - 1, day.day))
  return d.getUTCFullYear() === day.year && d.getUTCMonth() === day.month - 1 && d.getUTCDate() === day.day
}

const addDays = (day: Day, days: number): Day => moscowDay(endOfMoscowDay(day) + days * DAY_MS)

/** Same day of the month `months` later, clamped to the month's last day (31.01 + 1 month = 28/29.02). */
const addMonths = (day: Day, months: number): Day => {
  const index = day.year * 12 + (day.month - 1) + months
  const year = Math.floor(index / 12)
  const month = (index % 12) + 1
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return { year, month, day: Math.min(day.day, last) }
}

const compare = (a: Day, b: Day): number => a.year - b.year || a.month - b.month || a.day - b.day

const NUMBER_WORDS: Record<string, number> = {
  один: 1,
  одну: 1,
  одна: 1,
  два: 2,
  две: 2,
  три: 3,
  четыре: 4,
  пять: 5,
  шесть: 6,
  семь: 7,
  восемь: 8,
  девять: 9,
  десять: 10,
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10
}

const RU_MONTH_STEMS = [
  "январ",
  "феврал",
  "март",
  "апрел",
  "",
  "июн",
  "июл",
  "август",
  "сентябр",
  "октябр",
  "ноябр",
  "декабр"
]
const RU_MONTH_ABBREVIATIONS = ["янв", "фев", "мар", "апр", "", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"]
const EN_MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december"
]

/** "декабря", "дек.", "dec", "December" → 12 ("мая"/"май" → 5). */
const monthNumber = (word: string): number | undefined => {
  const w = word.replace(/\.$/u, "")
  if (/^ма[йяе]$/u.test(w)) return 5
  if (w === "сент") return 9
  const stem = RU_MONTH_STEMS.findIndex((s) => s !== "" && w.startsWith(s))
  if (stem >= 0) return stem + 1
  const abbreviation = RU_MONTH_ABBREVIATIONS.findIndex((s) => s !== "" && w === s)
  if (abbreviation >= 0) return abbreviation + 1
  const english = w.length >= 3 ? EN_MONTHS.findIndex((name) => name.startsWith(w)) : -1
  return english >= 0 ? english + 1 : undefined
}

type Relative = { readonly days: number } | { readonly months: number }

const UNIT_DAYS = /^(день|дня|дней|сутки|суток|day|days)$/u
const UNIT_WEEKS = /^(неделю|недели|недель|неделя|week|weeks)$/u
const UNIT_MONTHS = /^(месяц|месяца|месяцев|month|months)$/u

const relative = (text: string): Relative | undefined => {
  if (/^(сегодня|today)$/u.test(text)) return { days: 0 }
  if (/^(завтра|tomorrow)$/u.test(text)) return { days: 1 }
  if (/^(послезавтра|(the )?day after tomorrow)$/u.test(text)) return { days: 2 }
  const m = /^(?:через|in)\s+(?:(\d{1,3}|[a-zа-яё]+)\s+)?([a-zа-яё]+)$/u.exec(text)
  if (m === null) return undefined
  const count = m[1] === undefined ? 1 : /^\d+$/.test(m[1]) ? Number(m[1]) : NUMBER_WORDS[m[1]]
  if (count === undefined) return undefined
  const unit = m[2]!
  if (UNIT_DAYS.test(unit)) return { days: count }
  if (UNIT_WEEKS.test(unit)) return { days: count * 7 }
  if (UNIT_MONTHS.test(unit)) return { months: count }
  return undefined
}

/** An explicit date; `rolls` when the year was left out (a past "25.12" means next year's). */
const explicit = (text: string, today: Day): { readonly day: Day; readonly rolls: boolean } | undefined => {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text)
  if (m !== null) return { day: { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, rolls: false }
  m = /^(\d{1,2})[./-](\d{1,2})(?:[./-](\d{4}|\d{2}))?$/.exec(text)
  if (m !== null) {
    const year = m[3] === undefined ? today.year : m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3])
    return { day: { year, month: Number(m[2]), day: Number(m[1]) }, rolls: m[3] === undefined }
  }
  // "25 декабря [2026]", "25 dec", "December 25[, 2026]"
  m = /^(\d{1,2})\s+([a-zа-яё]+\.?)(?:\s+(\d{4}))?$/u.exec(text) ?? null
  let dayOfMonth: string | undefined
  let monthWord: string | undefined
  let yearText: string | undefined
  if (m !== null) [, dayOfMonth, monthWord, yearText] = m
  else {
    const en = /^([a-z]+\.?)\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$/u.exec(text)
    if (en === null) return undefined
    ;[, monthWord, dayOfMonth, yearText] = en
  }
  const month = monthNumber(monthWord!)
  if (month === undefined) return undefined
  const year = yearText === undefined ? today.year : Number(yearText)
  return { day: { year, month, day: Number(dayOfMonth) }, rolls: yearText === undefined }
}

/** The deadline (epoch ms, end of that Moscow day) for what the user typed, judged against `now`. */
export const parseDeadline = (input: string, now: number): Either.Either<number, Problem> => {
  const text = input
    .trim()
    .toLowerCase()
    .replace(/\s+/gu, " ")
    .replace(/^(до|по|by|until|till|on) /u, "")
    .replace(/\s?(г\.?|года?)$/u, "")
  if (text === "") return Either.left(problem("deadline.empty"))
  const today = moscowDay(now)
  let day: Day
  const rel = relative(text)
  if (rel !== undefined) {
    day = "days" in rel ? addDays(today, rel.days) : addMonths(today, rel.months)
  } else {
    const found = explicit(text, today)
    if (found === undefined) return Either.left(problem("deadline.malformed"))
    if (!isRealDay(found.day) || found.day.year < 1000) {
      return Either.left(problem("deadline.noSuchDay", { date: formatDay(found.day) }))
    }
    day = found.rolls && compare(found.day, today) < 0 ? { ...found.day, year: found.day.year + 1 } : found.day
    if (!isRealDay(day)) return Either.left(problem("deadline.noSuchDay", { date: formatDay(day) }))
  }
  const order = compare(day, today)
  if (order < 0) return Either.left(problem("deadline.past", { date: formatDay(day) }))
  if (order === 0) return Either.left(problem("deadline.today", { date: formatDay(day) }))
  const deadline = endOfMoscowDay(day)
  if (deadline - endOfMoscowDay(today) > MAX_DEADLINE_DAYS * DAY_MS) {
    return Either.left(problem("deadline.tooFar", { date: formatDay(day) }))
  }
  return Either.right(deadline)
}
