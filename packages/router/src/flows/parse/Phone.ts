/**
 * Phone numbers as people type or share them, normalised to E.164: Russian numbers (`+7` or `8` and 10 digits, or
 * the 10 digits of a mobile number alone) become `+7XXXXXXXXXX`; other countries need `+` and 10–15 digits.
 */
import { Either } from "effect"
import { type Problem, problem } from "./Problem.js"

const ALLOWED = /^\+?[\d\s\u00a0().-]+$/u

/** At most one "(…)" group, holding only digits and spaces: "+7 (900) 123-45-67". */
const balancedBrackets = (value: string): boolean => {
  const open = value.split("(").length - 1
  const close = value.split(")").length - 1
  if (open === 0 && close === 0) return true
  return open === 1 && close === 1 && /\([\d\s]+\)/u.test(value)
}

/** A typed phone number. */
export const parsePhone = (input: string): Either.Either<string, Problem> => {
  const value = input.trim()
  if (value === "") return Either.left(problem("phone.empty"))
  if (!ALLOWED.test(value)) return Either.left(problem("phone.characters"))
  if (/[.-]{2}/u.test(value) || !balancedBrackets(value)) return Either.left(problem("phone.malformed"))
  const digits = value.replace(/\D/gu, "")
  if (value.startsWith("+")) {
    if (digits.startsWith("7"))
      return digits.length === 11 ? Either.right(`+${digits}`) : Either.left(problem("phone.russianLength"))
    if (digits.startsWith("0")) return Either.left(problem("phone.malformed"))
    return digits.length >= 10 && digits.length <= 15
      ? Either.right(`+${digits}`)
      : Either.left(problem("phone.internationalLength"))
  }
  if (digits.length === 11 && (digits.startsWith("8") || digits.startsWith("7"))) {
    return Either.right(`+7${digits.slice(1)}`)
  }
  if (digits.length === 10 && digits.startsWith("9")) return Either.right(`+7${digits}`)
  return Either.left(problem(digits.length > 11 ? "phone.needPlus" : "phone.malformed"))
}

/**
 * A shared contact's number: platforms send it with or without "+" (Telegram: "79001234567"), so bare digits are
 * read as international unless they are a Russian "8…" number.
 */
export const parseContactPhone = (input: string): Either.Either<string, Problem> => {
  const value = input.trim()
  if (value.startsWith("+")) return parsePhone(value)
  const digits = value.replace(/\D/gu, "")
  if (digits.length === 11 && digits.startsWith("8")) return parsePhone(digits)
  return parsePhone(`+${digits}`)
}

/** "+7 900 123-45-67" for Russian numbers, the E.164 string otherwise. */
export const formatPhone = (phone: string): string => {
  const m = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(phone)
  return m === null ? phone : `+7 ${m[1]} ${m[2]}-${m[3]}-${m[4]}`
}
