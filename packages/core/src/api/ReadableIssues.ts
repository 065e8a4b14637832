/**
 * What a client sees when a request does not match its schema: `HttpApiDecodeError` carries the schema library's
 * issues (`Unable to decode "500,00" into a bigint`), which are precise but not for people. `describeDecodeIssues`
 * turns them into one sentence in Russian or English that names the field by its label and says what is expected;
 * the server puts it in the error's `message` (the request's `Accept-Language`, Russian by default).
 */
import type { Language } from "../Ids.js"
import { labelOf } from "../internal/money/InputDecoding.js"

/** One issue as `HttpApiDecodeError` carries it. */
export interface DecodeIssue {
  readonly _tag: string
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string
}

const BIGINT = /Unable to decode (".*?"|\S+) into a bigint/
const LITERALS = /^Expected ((?:"[^"]*"(?: \| )?)+), actual (.*)$/s
const UUID = /UUID|uuid/

const phrase = (issue: DecodeIssue, language: Language): string => {
  const label = labelOf(issue.path)
  const name = label[language]
  const bigint = BIGINT.exec(issue.message)
  const literals = LITERALS.exec(issue.message)
  if (issue._tag === "Missing") return language === "ru" ? `не указано поле «${name}»` : `the ${name} is required`
  if (issue._tag === "Unexpected") {
    const field = issue.path.map(String).join(".")
    return language === "ru" ? `поле «${field}» здесь не принимается` : `the field “${field}” is not accepted here`
  }
  if (bigint !== null)
    return language === "ru"
      ? `поле «${name}» — сумма в копейках, цифрами в строке: например "50000" — это 500 ₽ (получено ${bigint[1]})`
      : `the ${name} is an amount in kopecks written as digits in a string: "50000" is 500 ₽ (got ${bigint[1]})`
  if (literals !== null)
    return language === "ru"
      ? `поле «${name}» принимает одно из значений ${literals[1]!.split(" | ").join(", ")} (получено ${literals[2]})`
      : `the ${name} must be one of ${literals[1]!.split(" | ").join(", ")} (got ${literals[2]})`
  if (UUID.test(issue.message))
    return language === "ru"
      ? `поле «${name}» должно быть идентификатором (UUID)`
      : `the ${name} must be an identifier (a UUID)`
  return language === "ru"
    ? `некорректное значение поля «${name}» (${issue.message})`
    : `the ${name} is not valid (${issue.message})`
}

/** The server's own refusals of a body before any schema sees it (RequestBodies.ts), in Russian. */
const RUSSIAN_DETAILS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^the JSON body is nested deeper than (\d+) levels$/, "тело запроса (JSON) вложено глубже $1 уровней"],
  [/^the multipart form could not be read$/, "не удалось прочитать форму (multipart)"]
]

/**
 * One sentence for all the issues of a refused request, in `language`; `detail` (the error's English message) says
 * why when there are no issues (a body refused before its schema was applied).
 */
export const describeDecodeIssues = (issues: ReadonlyArray<DecodeIssue>, language: Language, detail = ""): string => {
  const translated =
    language === "en" ? detail : RUSSIAN_DETAILS.reduce((text, [pattern, ru]) => text.replace(pattern, ru), detail)
  const parts =
    issues.length === 0 && detail !== "" ? [translated] : [...new Set(issues.map((issue) => phrase(issue, language)))]
  const head = language === "ru" ? "Запрос не принят" : "The request was not accepted"
  return parts.length === 0 ? `${head}.` : `${head}: ${parts.join("; ")}.`
}

/** The language of `Accept-Language`: the first of its preferences that is Russian or English; Russian otherwise. */
export const requestLanguage = (acceptLanguage: string | undefined): Language => {
  const preferences = (acceptLanguage ?? "")
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";")
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find((m) => m !== null)
      return { primary: tag.trim().toLowerCase().split("-")[0] ?? "", q: q ? Number(q[1]) : 1, index }
    })
    .filter((p) => p.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
  const found = preferences.find((p) => p.primary === "ru" || p.primary === "en")
  return found?.primary === "en" ? "en" : "ru"
}
