/** Small SQL helpers shared by the people-side Live layers (users, chat, notifications, ...). */
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, ParseResult, Schema } from "effect"

/** SQL and row-decoding failures are bugs or outages, not domain errors: the one `orDie` of core's repositories. */
export { orDie } from "../money/SqlEdge.js"

/** The constraint (or unique index) name when `error` is a unique violation (SQLSTATE 23505). */
export const uniqueViolation = (error: SqlError): string | undefined => {
  const cause = error.cause as { readonly code?: unknown; readonly constraint?: unknown } | null | undefined
  return cause?.code === "23505" && typeof cause.constraint === "string" ? cause.constraint : undefined
}

/** Decodes result rows with a schema (a `ParseError` means the schema and the table disagree: a bug). */
export const decodeRows =
  <A, I>(schema: Schema.Schema<A, I, never>) =>
  <E, R>(
    rows: Effect.Effect<ReadonlyArray<unknown>, E, R>
  ): Effect.Effect<ReadonlyArray<A>, E | ParseResult.ParseError, R> =>
    Effect.flatMap(rows, Schema.decodeUnknown(Schema.Array(schema)))

/** The row of a `SELECT count(*)::int AS n ...`. */
export const CountRow = Schema.Struct({ n: Schema.Number })

/** Escapes `%`, `_` and `\` for a LIKE pattern. */
export const escapeLike = (value: string): string => value.replace(/[\\%_]/gu, "\\$&")

/** Serialises a JSON value for a `${...}::jsonb` parameter (sent as text so the client's key transforms never apply). */
export const toJsonText = (value: unknown): Effect.Effect<string> =>
  Effect.try(() => JSON.stringify(value === undefined ? null : value) as string | undefined).pipe(
    Effect.orDie,
    Effect.flatMap((text) =>
      text === undefined ? Effect.dieMessage("the value has no JSON representation") : Effect.succeed(text)
    )
  )

/**
 * Parses the named columns of each row from JSON text. JSON columns are selected as `col::text`: the client's
 * snake_case → camelCase result transform would otherwise rewrite the keys inside stored documents.
 */
export const parseJsonColumns =
  (...columns: ReadonlyArray<string>) =>
  <E, R>(rows: Effect.Effect<ReadonlyArray<Record<string, unknown>>, E, R>) =>
    Effect.flatMap(rows, (list) =>
      Effect.try({
        try: () =>
          list.map((row) => {
            const out: Record<string, unknown> = { ...row }
            for (const column of columns) {
              const text = row[column]
              out[column] = typeof text === "string" ? JSON.parse(text) : text
            }
            return out
          }),
        catch: (cause) => cause
      }).pipe(Effect.orDie)
    )
