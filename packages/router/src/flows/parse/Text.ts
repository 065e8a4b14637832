/** Free text fields: trimmed, inner whitespace runs collapsed (line breaks kept in long text), length in characters. */
import { Either } from "effect"
import { type Problem, problem } from "./Problem.js"

// C0/C1 control characters other than tab and line breaks.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u

/** Length as people count it: code points, so an emoji is one character. */
export const characters = (value: string): number => [...value].length

/** One line of text (a title, a city): whitespace collapsed to single spaces, `min..max` characters. */
export const parseLine = (input: string, min: number, max: number): Either.Either<string, Problem> =>
  checkLength(input.replace(/\s+/gu, " ").trim(), min, max)

/** Several lines (a description, an address): spaces collapsed per line, at most one blank line in a row. */
export const parseParagraphs = (input: string, min: number, max: number): Either.Either<string, Problem> =>
  checkLength(
    input
      .split(/\r?\n/u)
      .map((line) => line.replace(/[^\S\n]+/gu, " ").trim())
      .join("\n")
      .replace(/\n{3,}/gu, "\n\n")
      .trim(),
    min,
    max
  )

const checkLength = (value: string, min: number, max: number): Either.Either<string, Problem> => {
  const n = characters(value)
  if (n < min) return Either.left(problem(min <= 1 ? "text.empty" : "text.tooShort", { min: String(min) }))
  if (n > max) return Either.left(problem("text.tooLong", { max: String(max), length: String(n) }))
  if (CONTROL.test(value)) return Either.left(problem("text.control"))
  return Either.right(value)
}

/** A person's name part: letters with inner hyphens, apostrophes, dots or spaces ("Анна-Мария", "O'Neil"). */
const NAME = /^\p{L}+(?:[-'’. ]\p{L}+)*\.?$/u

/**
 * "Иван" → first name only; "Иван Петров" → first and last name; "Анна Мария Петрова" → the last word is the
 * last name. Each part at most 50 characters.
 */
export const parseFullName = (
  input: string
): Either.Either<{ readonly firstName: string; readonly lastName: string | null }, Problem> => {
  const words = input
    .replace(/\s+/gu, " ")
    .trim()
    .split(" ")
    .filter((w) => w !== "")
  if (words.length === 0) return Either.left(problem("name.empty"))
  if (words.length > 4) return Either.left(problem("name.tooManyWords"))
  if (!words.every((w) => NAME.test(w))) return Either.left(problem("name.characters"))
  const firstName = words.length <= 2 ? words[0]! : words.slice(0, -1).join(" ")
  const lastName = words.length === 1 ? null : words[words.length - 1]!
  if (characters(firstName) > 50 || (lastName !== null && characters(lastName) > 50)) {
    return Either.left(problem("name.tooLong", { max: "50" }))
  }
  return Either.right({ firstName, lastName })
}
