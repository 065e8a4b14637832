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
  throw new ApiError("InvalidInput", {
    issues: [
      {
        path: label,
        ru: `«${label}»: нужен идентификатор вида 3f2b8c1e-…-…, как его показывает панель.`,
        en: `“${label}”: an id like 3f2b8c1e-…-… is needed, as the panel shows it.`
      }
    ]
  })
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
