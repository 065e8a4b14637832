/** URL parameters of the admin grids: `sort=column:direction` and a `from` / `to` date range. */
import { ParseResult, Schema } from "effect"
import { SortOrder } from "../SortOrder.js"

/**
 * `sort=column:asc|desc` (`column` alone means ascending) over the list's whitelisted columns; an unknown column is a
 * 400 that names the allowed ones.
 */
export const SortParam = <const C extends string>(columns: Schema.Literal<readonly [C, ...Array<C>]>) =>
  Schema.transform(
    Schema.String.annotations({
      description: `column:direction, column one of ${columns.literals.join(", ")}; direction asc or desc`,
      examples: [`${columns.literals[0] ?? "createdAt"}:desc`]
    }),
    SortOrder(columns),
    {
      strict: false,
      decode: (text) => {
        const colon = text.lastIndexOf(":")
        return colon < 0
          ? { column: text.trim(), direction: "asc" }
          : {
              column: text.slice(0, colon).trim(),
              direction: text
                .slice(colon + 1)
                .trim()
                .toLowerCase()
            }
      },
      encode: (order) => `${order.column}:${order.direction}`
    }
  )

const ISO = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

const boundParam = (endOfDay: boolean) =>
  Schema.transformOrFail(
    Schema.String.annotations({
      description: endOfDay
        ? "ISO date (the whole day, UTC, is included) or date-time (included)"
        : "ISO date (from its start, UTC) or date-time (included)",
      examples: ["2026-12-01", "2026-12-01T09:30:00Z"]
    }),
    Schema.DateFromSelf,
    {
      strict: true,
      decode: (text, _, ast) => {
        const trimmed = text.trim()
        // a date-time without an offset is UTC, as a date is
        const withZone = /T[^Z+]*$/.test(trimmed) && !/[+-]\d{2}:?\d{2}$/.test(trimmed) ? `${trimmed}Z` : trimmed
        const date = new Date(DATE_ONLY.test(trimmed) ? `${trimmed}T00:00:00Z` : withZone)
        if (!ISO.test(trimmed) || Number.isNaN(date.getTime())) {
          return ParseResult.fail(
            new ParseResult.Type(ast, text, "expected an ISO date (2026-12-01) or date-time (2026-12-01T09:30:00Z)")
          )
        }
        if (endOfDay && DATE_ONLY.test(trimmed)) date.setUTCHours(23, 59, 59, 999)
        return ParseResult.succeed(date)
      },
      encode: (date) => ParseResult.succeed(date.toISOString())
    }
  )

/** `from`: the first instant included. */
export const FromParam = boundParam(false)
/** `to`: the last instant included (a date means its whole day). */
export const ToParam = boundParam(true)
