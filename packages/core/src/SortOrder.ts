/** The order of an admin grid: one whitelisted column of the list and a direction. */
import { Schema } from "effect"

export const SortDirection = Schema.Literal("asc", "desc")
export type SortDirection = typeof SortDirection.Type

/** `{ column, direction }` where `column` is one of the list's sortable columns (never SQL: a key of a whitelist). */
export const SortOrder = <const C extends string>(columns: Schema.Schema<C, C>) =>
  Schema.Struct({ column: columns, direction: SortDirection })

export interface SortOrder<C extends string> {
  readonly column: C
  readonly direction: SortDirection
}
