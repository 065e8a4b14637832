// Phone, e-mail and form checks in plain TypeScript; assembly/validate.ts implements the same rules.
import { FORM_LIMITS } from "../ValidationMessages.js"
import { DAY_MS, MAX_SAFE, validDate } from "./Format.js"
import { codePointCount, isAsciiAlnum, trimSpaces } from "./Text.js"

export interface PhoneCheck {
  readonly code: number
  readonly normalized: string
}

/** Codes: 0 ok, 1 empty, 2 invalid characters, 3 wrong length, 4 wrong country prefix. */
export const checkPhone = (input: string): PhoneCheck => {
  const s = trimSpaces(input)
  if (s.length === 0) return { code: 1, normalized: "" }
  const plus = s.charCodeAt(0) === 43
  let digits = ""
  let count = 0
  for (let i = plus ? 1 : 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      if (count < 11) digits += s[i]
      count++
    } else if (!(c === 32 || c === 0xa0 || c === 45 || c === 40 || c === 41)) {
      return { code: 2, normalized: "" }
    }
  }
  if (count !== 11) return { code: 3, normalized: "" }
  if (digits.charCodeAt(0) !== (plus ? 55 : 56)) return { code: 4, normalized: "" }
  return { code: 0, normalized: "+7" + digits.slice(1) }
}

const isAtext = (c: number): boolean =>
  isAsciiAlnum(c) ||
  c === 33 ||
  (c >= 35 && c <= 39) ||
  c === 42 ||
  c === 43 ||
  c === 45 ||
  c === 47 ||
  c === 61 ||
  c === 63 ||
  (c >= 94 && c <= 96) ||
  (c >= 123 && c <= 126)

export interface EmailCheck {
  readonly code: number
  readonly normalized: string
}

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122)

/** Codes: 0 ok, 1 empty, 2 invalid. The domain of a valid address is lower-cased. */
export const checkEmail = (input: string): EmailCheck => {
  const s = trimSpaces(input)
  if (s.length === 0) return { code: 1, normalized: "" }
  const invalid = { code: 2, normalized: "" }
  if (s.length > 254) return invalid
  let at = -1
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0x80) return invalid
    if (c === 64) {
      if (at >= 0) return invalid
      at = i
    }
  }
  if (at <= 0 || at > 64 || at + 1 >= s.length) return invalid
  let prev = 46
  for (let i = 0; i < at; i++) {
    const c = s.charCodeAt(i)
    if (c === 46) {
      if (prev === 46) return invalid
    } else if (!isAtext(c)) {
      return invalid
    }
    prev = c
  }
  if (prev === 46) return invalid
  const labels = s.slice(at + 1).split(".")
  if (labels.length < 2) return invalid
  for (let k = 0; k < labels.length; k++) {
    const label = labels[k]!
    if (label.length === 0 || label.length > 63) return invalid
    if (label.charCodeAt(0) === 45 || label.charCodeAt(label.length - 1) === 45) return invalid
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i)
      if (!(isAsciiAlnum(c) || c === 45)) return invalid
      if (k === labels.length - 1 && !isLetter(c)) return invalid
    }
    if (k === labels.length - 1 && label.length < 2) return invalid
  }
  return { code: 0, normalized: s.slice(0, at + 1) + s.slice(at + 1).toLowerCase() }
}

const textCode = (s: string, required: boolean, min: number, max: number): number => {
  const t = trimSpaces(s)
  const n = codePointCount(t)
  if (n === 0) return required ? 1 : 0
  if (n < min) return 2
  if (n > max) return 3
  return 0
}

/** Field codes in FORM_FIELDS order (see internal/Shared.ts FORM_CODES). */
export const checkForm = (
  strings: ReadonlyArray<string>,
  target: number,
  deadline: number,
  now: number
): Array<number> => {
  const [title, description, city, category, phone, email] = strings as [string, string, string, string, string, string]
  let amountCode = 0
  if (!(target - target === 0) || Math.trunc(target) !== target) amountCode = 4
  else if (target <= 0) amountCode = 5
  else if (target > MAX_SAFE) amountCode = 6
  let deadlineCode = 0
  if (!validDate(deadline)) deadlineCode = 4
  else if (deadline <= now) deadlineCode = 7
  else if (deadline > now + FORM_LIMITS.deadlineMaxDays * DAY_MS) deadlineCode = 8
  const phoneCode = checkPhone(phone).code
  const emailCode = checkEmail(email).code
  return [
    textCode(title, true, FORM_LIMITS.titleMin, FORM_LIMITS.titleMax),
    textCode(description, false, 0, FORM_LIMITS.descriptionMax),
    textCode(city, true, 0, FORM_LIMITS.cityMax),
    textCode(category, true, 0, FORM_LIMITS.categoryMax),
    amountCode,
    deadlineCode,
    phoneCode <= 1 ? 0 : 4,
    emailCode <= 1 ? 0 : 4
  ]
}
