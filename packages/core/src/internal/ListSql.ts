/** SQL pieces of the admin lists: a whitelisted `ORDER BY` and a date range. */
import type { SqlClient } from "@effect/sql"
import type { Fragment } from "@effect/sql/Statement"
import type { SortOrder } from "../SortOrder.js"

/**
 * `ORDER BY` for `sort` from a column → SQL expression whitelist (the request names a key, never SQL), then `tiebreak`
 * so pages are stable; `fallback` (the list's usual order) when no sort was asked for.
 */
export const orderBy = <C extends string>(
  sql: SqlClient.SqlClient,
  sort: SortOrder<C> | undefined,
  columns: { readonly [K in C]: string },
  fallback: string,
  tiebreak: string
): Fragment => {
  const column = sort === undefined ? undefined : columns[sort.column]
  if (sort === undefined || column === undefined) return sql.literal(fallback)
  const direction = sort.direction === "desc" ? "DESC NULLS LAST" : "ASC NULLS FIRST"
  return sql.literal(`${column} ${direction}, ${tiebreak}`)
}

/**
 * `column` within `from`..`to`, both inclusive to the millisecond (the precision a client sees); `true` when neither
 * is given.
 */
export const dateRange = (
  sql: SqlClient.SqlClient,
  column: string,
  range: { readonly from?: Date | undefined; readonly to?: Date | undefined }
): Fragment =>
  sql.and([
    ...(range.from === undefined ? [] : [sql`${sql.literal(column)} >= ${range.from}`]),
    ...(range.to === undefined
      ? []
      : [sql`${sql.literal(column)} < ${range.to}::timestamptz + interval '1 millisecond'`])
  ])
