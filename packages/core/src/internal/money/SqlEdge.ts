/**
 * The repository edge of the money services: SQL and row-decoding failures become defects (callers see only domain
 * errors), and a unit of work is one SQL transaction, retried when PostgreSQL reports a deadlock or a serialization
 * failure (the lock order makes both unlikely; a retry is the documented remedy when they happen anyway).
 */
import type { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Schedule } from "effect"

/** PostgreSQL error code of a failed statement, when the driver reported one. */
export const sqlErrorCode = (error: SqlError): string | undefined => {
  const cause = error.cause as { readonly code?: unknown } | undefined
  return typeof cause?.code === "string" ? cause.code : undefined
}

const retryable = (error: unknown) =>
  typeof error === "object" &&
  error !== null &&
  (error as { readonly _tag?: unknown })._tag === "SqlError" &&
  ["40001", "40P01"].includes(sqlErrorCode(error as SqlError) ?? "")

/** Turns infrastructure failures (SQL, result decoding, missing rows) into defects. */
export const orDie = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, Exclude<E, { readonly _tag: "SqlError" | "ParseError" | "NoSuchElementException" }>, R> =>
  Effect.catchIf(
    effect,
    (e): e is Extract<E, { readonly _tag: "SqlError" | "ParseError" | "NoSuchElementException" }> => {
      const tag = (e as { readonly _tag?: unknown })?._tag
      return tag === "SqlError" || tag === "ParseError" || tag === "NoSuchElementException"
    },
    (e) => Effect.die(e)
  ) as never

/**
 * Runs `work` in one SQL transaction (rolled back when it fails), retried a few times on deadlock / serialization
 * failure; infrastructure failures become defects.
 */
export const inTransaction =
  (sql: SqlClient.SqlClient) =>
  <A, E, R>(work: Effect.Effect<A, E, R>) =>
    orDie(
      sql
        .withTransaction(work)
        .pipe(
          Effect.retry({ while: retryable, schedule: Schedule.jittered(Schedule.exponential("10 millis")), times: 5 })
        )
    )
