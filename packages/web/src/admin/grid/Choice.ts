/** The URL's filter strings as an endpoint's typed parameters: a value the page does not offer asks for nothing. */
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
