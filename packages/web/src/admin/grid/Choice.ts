/** The URL's filter strings as an endpoint's typed parameters: a value the page does not offer asks for nothing. */
import { Option, Schema } from "effect"
import { ApiError } from "../../app/Api.js"
import type { SelectOption } from "../../app/SelectField.js"
import type { Translate } from "../../app/I18n.js"

/** `value` when it is one of `options` (typed as theirs), otherwise undefined (e.g. a hand-edited URL). */
export const chosen = <V extends string>(
  options: ReadonlyArray<SelectOption<V>>,
  value: string | undefined
): V | undefined => options.find((o) => o.value === value)?.value

/** A yes/no filter's value: `"true"` / `"false"`, anything else unfiltered. */
export const yesNo = (value: string | undefined): boolean | undefined =>
  value === "true" ? true : value === "false" ? false : undefined

/** The options of a yes/no filter, in the panel's words. */
export const yesNoOptions = (t: Translate<"yes" | "no">): ReadonlyArray<SelectOption<"true" | "false">> => [
  { value: "true", label: t("yes") },
  { value: "false", label: t("no") }
]

/** A filter's value the page cannot send, refused as the server's `InvalidInput` would be: the grid says why. */
const refused = (label: string, ru: string, en: string) =>
  new ApiError("InvalidInput", { issues: [{ path: label, ru, en }] })

/**
 * An id typed in a filter, decoded by its schema (`UserId`, `ProcurementId`); anything else fails the page's request
 * with a sentence naming the filter, as the server's `InvalidInput` would (no `as Id` of what a person typed).
 */
export const typedId = <A>(
  schema: Schema.Schema<A, string>,
  value: string | undefined,
  label: string
): A | undefined => {
  if (value === undefined) return undefined
  const decoded = Schema.decodeUnknownOption(schema)(value.trim())
  if (Option.isSome(decoded)) return decoded.value
  throw refused(
    label,
    `«${label}»: нужен идентификатор вида 3f2b8c1e-…-…, как его показывает панель.`,
    `“${label}”: an id like 3f2b8c1e-…-… is needed, as the panel shows it.`
  )
}

const DAY = /^\d{4}-\d{2}-\d{2}$/

/**
 * A date filter's day (`2026-12-04`, as a date input gives it) as the first (`start`) or the last (`end`) instant of
 * that UTC day — the days the server counts in; anything else fails the page's request with a sentence naming the
 * filter, as `typedId` does.
 */
export const dayBound = (value: string | undefined, edge: "start" | "end", label: string): Date | undefined => {
  if (value === undefined) return undefined
  const day = DAY.exec(value.trim())?.[0]
  if (day !== undefined) {
    const date = new Date(`${day}T${edge === "start" ? "00:00:00.000" : "23:59:59.999"}Z`)
    // 2026-02-31 is no day: Date would roll it over into March
    if (!Number.isNaN(date.getTime()) && date.toISOString().startsWith(day)) return date
  }
  throw refused(label, `«${label}»: нужна дата вида 2026-12-04.`, `“${label}”: a date like 2026-12-04 is needed.`)
}

/** The grid's order (`key:asc|desc`) as an endpoint's `{ column, direction }`, when `key` is one of its `columns`. */
export const sortOrder = <C extends string>(
  columns: ReadonlyArray<C>,
  sort: string | undefined
): { readonly column: C; readonly direction: "asc" | "desc" } | undefined => {
  const match = /^(\w+):(asc|desc)$/.exec(sort ?? "")
  const column = columns.find((c) => c === match?.[1])
  return match === null || column === undefined
    ? undefined
    : { column, direction: match[2] === "desc" ? "desc" : "asc" }
}
