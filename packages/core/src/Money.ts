/**
 * Money is integer kopecks (`bigint`) end to end. PostgreSQL `bigint` arrives as a string, which `Kopecks` decodes.
 */
import { Either, Schema } from "effect"

/** An amount in kopecks (may be negative for ledger deltas). Encoded as a decimal string. */
export const Kopecks = Schema.BigInt.pipe(Schema.brand("Kopecks")).annotations({
  title: "Kopecks",
  description:
    "An amount of money in kopecks (1 ₽ = 100 kopecks), as a string of digits (a leading minus for a debit): " +
    '"50000" is 500 ₽. Never a number, never rubles with a comma.',
  examples: [50_000n as Kopecks]
})
export type Kopecks = typeof Kopecks.Type

/** A strictly positive amount in kopecks. */
export const PositiveKopecks = Kopecks.pipe(
  Schema.filter((k) => k > 0n || "the amount must be greater than zero"),
  Schema.brand("PositiveKopecks")
)
export type PositiveKopecks = typeof PositiveKopecks.Type

export const kopecks = (value: bigint | number): Kopecks => Kopecks.make(BigInt(value))

/** 1 ruble = 100 kopecks. */
export const rubles = (value: bigint | number): Kopecks => Kopecks.make(BigInt(value) * 100n)

/**
 * Parses a user-typed ruble amount: "1500", "1 500,50", "1500.5", "1 500 ₽", "1500 руб". At most two decimals.
 * Returns the reason in English on failure (catalogue keys are the router's business).
 */
export const parseRubles = (input: string): Either.Either<Kopecks, "empty" | "malformed" | "too-precise"> => {
  const cleaned = input
    .trim()
    .replace(/(₽|руб(\.|лей|ля|ль)?|р\.?|rub)$/iu, "")
    .replace(/[\s\u00a0\u202f']/g, "")
  if (cleaned === "") return Either.left("empty")
  const match = /^(\d+)(?:[.,](\d*))?$/.exec(cleaned)
  if (match === null) return Either.left("malformed")
  const fraction = match[2] ?? ""
  if (fraction.length > 2) return Either.left("too-precise")
  return Either.right(Kopecks.make(BigInt(match[1]!) * 100n + BigInt(fraction.padEnd(2, "0") || "0")))
}

/** "1 500,50 ₽" (narrow no-break space as thousands separator; kopecks omitted when zero unless `always`). */
export const formatRubles = (amount: bigint, options: { readonly alwaysKopecks?: boolean } = {}): string => {
  const negative = amount < 0n
  const abs = negative ? -amount : amount
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f")
  const frac = abs % 100n
  const tail = frac === 0n && !options.alwaysKopecks ? "" : `,${frac.toString().padStart(2, "0")}`
  return `${negative ? "−" : ""}${whole}${tail}\u00a0₽`
}
