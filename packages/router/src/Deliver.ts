/**
 * The outbound port for proactive messages (payment received, chat relay, notifications, broadcasts): the server
 * implements it over its adapters; the router calls it with replies already fitted to the target bot's capabilities.
 */
import { Context, Data, type Effect } from "effect"
import type { ChatRef, Reply } from "./Model.js"

/** The platform refused or could not be reached; `unreachable` when the user blocked the bot. */
export class DeliveryFailed extends Data.TaggedError("DeliveryFailed")<{
  readonly ref: ChatRef
  readonly unreachable: boolean
  readonly cause: unknown
}> {}

export interface DeliverService {
  readonly deliver: (ref: ChatRef, replies: ReadonlyArray<Reply>) => Effect.Effect<void, DeliveryFailed>
}

export class Deliver extends Context.Tag("@groupbuy/router/Deliver")<Deliver, DeliverService>() {}
