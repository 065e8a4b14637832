/**
 * What adapters report about bots and users for the server to act on: a bot that can no longer work (token
 * revoked, platform unreachable — used for failover) and an identity that cannot be reached (the user blocked the
 * bot — stop notifying them there). Adapters publish; the server subscribes.
 */
import { Context, Data, Effect, Layer, PubSub, type Queue, type Scope } from "effect"
import type { Platform } from "@groupbuy/router"

export type AdapterEvent = Data.TaggedEnum<{
  /** the bot cannot work: `unauthorized` (401, token revoked) or `network` (repeated network failure) */
  BotUnhealthy: {
    readonly bot: string
    readonly platform: Platform
    readonly reason: "unauthorized" | "network"
    readonly detail: string
  }
  /** the bot works again after being reported unhealthy */
  BotHealthy: { readonly bot: string; readonly platform: Platform }
  /** the user blocked the bot or forbade its messages (Telegram 403, VK 901) */
  IdentityUnreachable: {
    readonly bot: string
    readonly platform: Platform
    readonly chatId: string
    readonly detail: string
  }
}>

export const AdapterEvent = Data.taggedEnum<AdapterEvent>()

export interface AdapterEventsService {
  readonly publish: (event: AdapterEvent) => Effect.Effect<void>
  /** a subscription that lives as long as the scope */
  readonly subscribe: Effect.Effect<Queue.Dequeue<AdapterEvent>, never, Scope.Scope>
}

export class AdapterEvents extends Context.Tag("@groupbuy/adapters/AdapterEvents")<
  AdapterEvents,
  AdapterEventsService
>() {
  /** In-process fan-out to every subscriber. */
  static readonly layer: Layer.Layer<AdapterEvents> = Layer.scoped(
    AdapterEvents,
    Effect.gen(function* () {
      const hub = yield* Effect.acquireRelease(PubSub.unbounded<AdapterEvent>(), PubSub.shutdown)
      return {
        publish: (event) =>
          PubSub.publish(hub, event).pipe(
            Effect.zipRight(Effect.logDebug("adapter event").pipe(Effect.annotateLogs({ ...event })))
          ),
        subscribe: PubSub.subscribe(hub)
      }
    })
  )
}
