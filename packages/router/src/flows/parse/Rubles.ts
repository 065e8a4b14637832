/**
 * Ruble amounts as people type them ("1500", "1 500,50", "1500.5 ₽", "1.500", "1,500.50 руб") parsed to integer
 * kopecks, and kopecks formatted back the same way core's `formatRubles` does ("1 500,50 ₽").
 */
import { Either } from "effect"
import { type Problem, problem } from "./Problem.js"

/** Whole rubles beyond twelve digits are a typo, not an amount. */
const MAX_WHOLE_DIGITS = 12

const CURRENCY_SUFFIX = /(₽|руб(\.|лей|ля|ль)?|р\.?|rub(les?)?|rur)$/iu
const SPACES = /[\s\u00a0\u202f'_]/gu

/** Splits "1.500" / "1,500" / "1 500" thousands groups: every group after the first has exactly three digits. */
const grouped = (whole: string, separator: string): string | undefined => {
  const groups = whole.split(separator)
  if (!/^\d{1,3}$/.test(groups[0]!)) return undefined
  return groups.slice(1).every((g) => /^\d{3}$/.test(g)) ? groups.join("") : undefined
}

const toKopecks = (whole: string, fraction: string): Either.Either<bigint, Problem> => {
  const digits = whole.replace(/^0+(?=\d)/, "")
  if (digits.length > MAX_WHOLE_DIGITS) return Either.left(problem("amount.tooLarge"))
  return Either.right(BigInt(digits) * 100n + BigInt(fraction.padEnd(2, "0")))
}

/**
 * Parses a non-negative ruble amount to kopecks. One separator followed by three digits is a thousands separator
 * ("1.500" = 1500 ₽); followed by one or two digits it is the decimal point. With both "," and "." the last one is
 * the decimal point.
 */
export const parseRubles = (input: string): Either.Either<bigint, Problem> => {
  const cleaned = input.trim().replace(CURRENCY_SUFFIX, "").replace(SPACES, "")
  if (cleaned === "") return Either.left(problem("amount.empty"))
  if (/^[-−–]/u.test(cleaned)) return Either.left(problem("amount.negative"))
  if (!/^[\d.,]+$/.test(cleaned) || !/^\d/.test(cleaned)) return Either.left(problem("amount.malformed"))
  const separators = cleaned.replace(/\d/g, "")
  if (separators === "") return toKopecks(cleaned, "")
  const last = Math.max(cleaned.lastIndexOf(","), cleaned.lastIndexOf("."))
  const decimal = cleaned[last]!
  const head = cleaned.slice(0, last)
  const tail = cleaned.slice(last + 1)
  const mixed = separators.includes(",") && separators.includes(".")
  if (mixed) {
    const thousands = decimal === "," ? "." : ","
    if (head.includes(decimal)) return Either.left(problem("amount.malformed"))
    const whole = grouped(head, thousands)
    if (whole === undefined) return Either.left(problem("amount.malformed"))
    if (!/^\d{1,2}$/.test(tail))
      return Either.left(tail.length > 2 ? problem("amount.tooPrecise") : problem("amount.malformed"))
    return toKopecks(whole, tail)
  }
  if (separators.length > 1) {
    // the same separator several times: thousands groups only ("1.500.000")
    const whole = grouped(cleaned, decimal)
    return whole === undefined ? Either.left(problem("amount.malformed")) : toKopecks(whole, "")
  }
  if (tail.length === 3) return toKopecks(head + tail, "")
  if (tail.length > 3) return Either.left(problem("amount.tooPrecise"))
  return toKopecks(head, tail)
}

/** "1 500,50 ₽" with a narrow no-break space between thousands; kopecks shown only when not zero. */
export const formatRubles = (kopecks: bigint | string): string => {
  const amount = typeof kopecks === "string" ? BigInt(kopecks) : kopecks
  const negative = amount < 0n
  const abs = negative ? -amount : amount
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f")
  const fraction = abs % 100n
  const tail = fraction === 0n ? "" : `,${fraction.toString().padStart(2, "0")}`
  return `${negative ? "−" : ""}${whole}${tail}\u00a0₽`
}
