/** Small shared shapes: pages of results, the acting party of a request. */
import { Schema } from "effect"
import { UserId } from "./Ids.js"

/** offset/limit paging; `limit` is capped at 100. */
export class PageRequest extends Schema.Class<PageRequest>("PageRequest")({
  offset: Schema.optionalWith(Schema.NonNegativeInt, { default: () => 0 }),
  limit: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 100)), { default: () => 20 })
}) {}

export const Page = <A, I, R>(item: Schema.Schema<A, I, R>) =>
  Schema.Struct({
    items: Schema.Array(item),
    total: Schema.NonNegativeInt,
    offset: Schema.NonNegativeInt,
    limit: Schema.Int
  })

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly total: number
  readonly offset: number
  readonly limit: number
}

/** Who performs an action: a user (maybe an admin), the system (sweeps, webhooks) or a trusted service. */
export const Actor = Schema.Union(
  Schema.TaggedStruct("User", { userId: UserId, isAdmin: Schema.Boolean }),
  Schema.TaggedStruct("System", { reason: Schema.String })
)
export type Actor = typeof Actor.Type

export const userActor = (userId: UserId, isAdmin = false): Actor => ({ _tag: "User", userId, isAdmin })
export const systemActor = (reason: string): Actor => ({ _tag: "System", reason })
