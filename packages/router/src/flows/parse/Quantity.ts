/** Whole quantities as typed: "5", " 12 ", "5 шт", "10 kg" (a trailing unit word is ignored). */
import { Either } from "effect"
import { type Problem, problem } from "./Problem.js"

/** Larger counts are typos; the procurement's own limits come on top. */
export const MAX_QUANTITY = 1_000_000

export const parseQuantity = (input: string): Either.Either<number, Problem> => {
  const value = input
    .trim()
    .replace(/\s*\p{L}[\p{L}.]*$/u, "")
    .replace(/[\s\u00a0\u202f]/gu, "")
  if (value === "") return Either.left(problem("quantity.malformed"))
  if (/^[-−–]/u.test(value)) return Either.left(problem("quantity.positive"))
  if (/^\d+[.,]\d+$/.test(value)) return Either.left(problem("quantity.whole"))
  if (!/^\d+$/.test(value)) return Either.left(problem("quantity.malformed"))
  const n = Number(value)
  if (n === 0) return Either.left(problem("quantity.positive"))
  if (n > MAX_QUANTITY) return Either.left(problem("quantity.tooLarge", { max: String(MAX_QUANTITY) }))
  return Either.right(n)
}
