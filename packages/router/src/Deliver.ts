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

/** What a delivery sent: the platform ids of the messages, where the adapter reports them (Telegram does). */
export interface DeliveryReceipt {
  readonly messageIds: ReadonlyArray<string>
}

export interface DeliverService {
  /** Sends the replies; a receipt when the adapter knows the platform ids of what it sent (void where it does not). */
  readonly deliver: (
    ref: ChatRef,
    replies: ReadonlyArray<Reply>
  ) => Effect.Effect<DeliveryReceipt | void, DeliveryFailed>
}

export class Deliver extends Context.Tag("@groupbuy/router/Deliver")<Deliver, DeliverService>() {}
