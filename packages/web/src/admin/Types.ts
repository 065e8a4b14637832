/** The admin API's types as the client sees them, derived from core's contract (no copies of the DTOs). */
import type { Effect } from "effect"
import type { Client } from "../app/Api.js"

type AdminEndpoints = Client["admin"]

/** What an admin endpoint answers: `AdminResult<"user">` is the user page's data. */
export type AdminResult<K extends keyof AdminEndpoints> = Exclude<
  Effect.Effect.Success<ReturnType<AdminEndpoints[K]>>,
  // a call made `withResponse` answers [data, response]; the panel reads the data
  readonly [unknown, unknown]
>

/** One row of a page endpoint: `PageItem<"users">` is a user as the users grid shows it. */
export type PageItem<K extends keyof AdminEndpoints> =
  AdminResult<K> extends { readonly items: ReadonlyArray<infer Row> } ? Row : never
