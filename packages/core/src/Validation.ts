/**
 * Shared validators for what people type: phone numbers (normalised to E.164), email addresses, names, trimmed text,
 * http(s) links and emoji icons. Each check returns `Either<A, Issue>` with a stable code and a message in Russian
 * and English; `collect` gathers several checks into one `InvalidInput`, `decodeInput` turns a Schema failure into one.
 */
import { Effect, Either, ParseResult, Schema } from "effect"
import { InvalidInput, Issue } from "./Errors.js"

/** The result of one check. */
export type Check<A> = Either.Either<A, Issue>

/** What a text field is called in a message: "the first name" / "имя" (grammatical gender picks "должно/должна"). */
export interface Subject {
  readonly en: string
  readonly ru: string
  readonly ruGender: "m" | "f" | "n"
}

/** The subjects core validates. Router flows may use them for the same wording. */
export const Subjects = {
  firstName: { en: "the first name", ru: "имя", ruGender: "n" },
  lastName: { en: "the last name", ru: "фамилия", ruGender: "f" },
  categoryName: { en: "the category name", ru: "название категории", ruGender: "n" },
  description: { en: "the description", ru: "описание", ruGender: "n" },
  message: { en: "the message", ru: "сообщение", ruGender: "n" },
  text: { en: "the text", ru: "текст", ruGender: "m" },
  title: { en: "the title", ru: "название", ruGender: "n" },
  unit: { en: "the unit", ru: "единица измерения", ruGender: "f" },
  city: { en: "the city", ru: "город", ruGender: "m" },
  deliveryAddress: { en: "the delivery address", ru: "адрес доставки", ruGender: "m" },
  imageUrl: { en: "the image link", ru: "ссылка на изображение", ruGender: "f" }
} as const satisfies Record<string, Subject>

const must = (gender: Subject["ruGender"]) => (gender === "m" ? "должен" : gender === "f" ? "должна" : "должно")

/** Genitive after "до"/"от": 1 символа, 5 символов, 21 символа. */
const characters = (n: number) => (n % 10 === 1 && n % 100 !== 11 ? "символа" : "символов")

const issue = (path: string, code: string, en: string, ru: string) => new Issue({ path, code, en, ru })

/** Length in characters as people count them (code points, so an emoji is not two). */
export const length = (value: string): number => [...value].length

// C0/C1 control characters other than tab and line breaks.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u

/** True when the text holds control characters (C0/C1 other than tab and line breaks). */
export const hasControlCharacters = (value: string): boolean => CONTROL.test(value)

/**
 * Text without control characters (C0/C1 other than tab and line breaks): they cannot be shown, and PostgreSQL
 * cannot store NUL. The one rule for every text people type (chat, procurements, names).
 */
export const noControlCharacters = (
  value: string,
  options: { readonly path: string; readonly subject: Subject }
): Check<string> =>
  hasControlCharacters(value)
    ? Either.left(
        issue(
          options.path,
          "text.control-characters",
          `${options.subject.en} contains characters that cannot be shown`,
          `${options.subject.ru} содержит недопустимые символы`
        )
      )
    : Either.right(value)

/** Text trimmed at both ends whose length is within `min..max` (min defaults to 1); no control characters. */
export const trimmedText = (
  input: string,
  options: { readonly path: string; readonly subject: Subject; readonly min?: number; readonly max: number }
): Check<string> => {
  const { max, path, subject } = options
  const min = options.min ?? 1
  const value = input.trim()
  const n = length(value)
  if (n < min || n > max) {
    return Either.left(
      min <= 0
        ? issue(
            path,
            "text.too-long",
            `${subject.en} must be at most ${max} characters`,
            `${subject.ru} ${must(subject.ruGender)} быть не длиннее ${max} ${characters(max)}`
          )
        : issue(
            path,
            "text.length",
            `${subject.en} must be ${min}–${max} characters`,
            `${subject.ru} ${must(subject.ruGender)} быть от ${min} до ${max} ${characters(max)}`
          )
    )
  }
  return noControlCharacters(value, { path, subject })
}

/** A field of a patch that can be cleared: `undefined` stays (not given), `null` or blank becomes `null` (cleared). */
export const clearable = <A>(
  input: string | null | undefined,
  check: (value: string) => Check<A>
): Check<A | null | undefined> =>
  input === undefined
    ? Either.right(undefined)
    : input === null || input.trim() === ""
      ? Either.right(null)
      : check(input)

/** An optional text field (`clearable`): anything not blank must pass `trimmedText` with `min` 1. */
export const optionalText = (
  input: string | null | undefined,
  options: { readonly path: string; readonly subject: Subject; readonly max: number }
): Check<string | null | undefined> => clearable(input, (value) => trimmedText(value, options))

/** A person's name: 1..max characters after trimming (inner runs of spaces collapsed) with at least one letter. */
export const personName = (
  input: string,
  options: { readonly path: string; readonly subject: Subject; readonly max?: number }
): Check<string> =>
  Either.flatMap(
    trimmedText(input.replace(/\s+/gu, " "), { path: options.path, subject: options.subject, max: options.max ?? 100 }),
    (value) =>
      /\p{L}/u.test(value)
        ? Either.right(value)
        : Either.left(
            issue(
              options.path,
              "name.no-letters",
              `${options.subject.en} must contain letters`,
              `${options.subject.ru} ${must(options.subject.ruGender)} содержать буквы`
            )
          )
  )

/**
 * Normalises a phone number to E.164 or returns undefined. Russian numbers: `+7` or `8` (or `7`) and 10 digits,
 * with spaces, dashes, dots or brackets in between → `+7XXXXXXXXXX`. Other countries: `+` and 10–15 digits.
 */
export const normalizePhone = (input: string): string | undefined => {
  const value = input.trim()
  if (!/^\+?[\d\s\u00a0().-]+$/u.test(value)) return undefined
  const digits = value.replace(/\D/gu, "")
  if (value.startsWith("+")) {
    if (digits.startsWith("7")) return digits.length === 11 ? `+${digits}` : undefined
    return digits.length >= 10 && digits.length <= 15 && !digits.startsWith("0") ? `+${digits}` : undefined
  }
  if (digits.length === 11 && (digits.startsWith("8") || digits.startsWith("7"))) return `+7${digits.slice(1)}`
  return undefined
}

/** A phone number, normalised to E.164 (`+79991234567`). */
export const phone = (input: string, path = "phone"): Check<string> => {
  const normalized = normalizePhone(input)
  return normalized === undefined
    ? Either.left(
        issue(
          path,
          "phone.invalid",
          "phone number must look like +7 999 123-45-67",
          "номер телефона должен выглядеть как +7 999 123-45-67"
        )
      )
    : Either.right(normalized)
}

const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/u
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u
const TOP_LEVEL = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/u

/** Normalises an email address (trimmed, lower-cased) or returns undefined when it cannot be one. */
export const normalizeEmail = (input: string): string | undefined => {
  const value = input.trim().toLowerCase()
  if (value.length > 254) return undefined
  const parts = value.split("@")
  if (parts.length !== 2) return undefined
  const [local, domain] = parts as [string, string]
  if (local.length === 0 || local.length > 64 || !LOCAL_PART.test(local)) return undefined
  const labels = domain.split(".")
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label))) return undefined
  return TOP_LEVEL.test(labels[labels.length - 1]!) ? value : undefined
}

/** An email address, trimmed and lower-cased. A pragmatic check, not the whole of RFC 5322. */
export const email = (input: string, path = "email"): Check<string> => {
  const normalized = normalizeEmail(input)
  return normalized === undefined
    ? Either.left(
        issue(path, "email.invalid", "this email address is not valid", "адрес электронной почты указан неверно")
      )
    : Either.right(normalized)
}

/** An absolute http:// or https:// link (at most 2048 characters), in its normalised form. */
export const httpUrl = (input: string, path = "url"): Check<string> => {
  const value = input.trim()
  const bad = Either.left(
    issue(
      path,
      "url.invalid",
      "the link must be a full web address starting with http:// or https://",
      "ссылка должна быть полным адресом, начинающимся с http:// или https://"
    )
  )
  if (value.length === 0 || value.length > 2048 || !URL.canParse(value)) return bad
  const url = new URL(value)
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") return bad
  return Either.right(url.href)
}

const EMOJI_PARTS = /^(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\p{Emoji_Modifier}|\u200d|\ufe0f|\u20e3)+$/u
const EMOJI_CORE = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u

/** An emoji used as an icon: 1..8 characters, all of them emoji parts. */
export const emojiIcon = (input: string, path = "icon"): Check<string> => {
  const value = input.trim()
  const n = length(value)
  return n >= 1 && n <= 8 && EMOJI_PARTS.test(value) && EMOJI_CORE.test(value)
    ? Either.right(value)
    : Either.left(
        issue(
          path,
          "icon.invalid",
          "the icon must be a single emoji (at most 8 characters)",
          "значок должен быть одним эмодзи (не длиннее 8 символов)"
        )
      )
}

/** Applies a check to an optional value: `undefined` and `null` pass through unchanged. */
export const optional = <A, B>(
  value: A | null | undefined,
  check: (value: A) => Check<B>
): Check<B | null | undefined> =>
  value === undefined ? Either.right(undefined) : value === null ? Either.right(null) : check(value)

type Checked<R extends Record<string, Check<unknown>>> = {
  readonly [K in keyof R]: R[K] extends Either.Either<infer A, Issue> ? A : never
}

/** Runs every check and reports every issue at once (not just the first). */
export const collect = <const R extends Record<string, Check<unknown>>>(
  checks: R
): Either.Either<Checked<R>, InvalidInput> => {
  const issues: Array<Issue> = []
  const values: Record<string, unknown> = {}
  for (const [key, check] of Object.entries(checks)) {
    if (Either.isLeft(check)) issues.push(check.left)
    else values[key] = check.right
  }
  const [first, ...rest] = issues
  return first === undefined
    ? Either.right(values as Checked<R>)
    : Either.left(new InvalidInput({ issues: [first, ...rest] }))
}

/** `collect` as an Effect. */
export const validate = <const R extends Record<string, Check<unknown>>>(
  checks: R
): Effect.Effect<Checked<R>, InvalidInput> => collect(checks)

/** The issues of a Schema decoding failure, with a readable message in both languages. */
export const parseIssues = (error: ParseResult.ParseError): InvalidInput => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error).map((e) => {
    const path = e.path.map(String).join(".")
    return path === ""
      ? issue("", "input.malformed", `the request is malformed: ${e.message}`, "запрос имеет неверный формат")
      : issue(path, "input.malformed", `${path}: ${e.message}`, `поле «${path}» заполнено неверно`)
  })
  const [first, ...rest] = issues
  return new InvalidInput({
    issues: [first ?? issue("", "input.malformed", "the request is malformed", "запрос имеет неверный формат"), ...rest]
  })
}

/** Decodes unknown input with a Schema; a failure becomes `InvalidInput` (nothing has been written yet). */
export const decodeInput =
  <A, I>(schema: Schema.Schema<A, I, never>) =>
  (input: unknown): Effect.Effect<A, InvalidInput> =>
    Effect.mapError(Schema.decodeUnknown(schema)(input), parseIssues)
