/**
 * Turns the outcome of a bot's API calls into `BotUnhealthy` / `BotHealthy` events: an authorization failure at
 * once, network failures after `threshold` in a row; the first success afterwards reports the bot healthy again.
 */
import { Effect } from "effect"
import type { Platform } from "@groupbuy/router"
import { AdapterEvent, type AdapterEventsService } from "./AdapterEvents.js"

export interface HealthTracker {
  readonly success: Effect.Effect<void>
  readonly networkFailure: (detail: string) => Effect.Effect<void>
  readonly unauthorized: (detail: string) => Effect.Effect<void>
  readonly unreachable: (chatId: string, detail: string) => Effect.Effect<void>
}

export const makeHealthTracker = (
  events: AdapterEventsService,
  bot: string,
  platform: Platform,
  threshold = 3
): HealthTracker => {
  let failures = 0
  let unhealthy = false
  const report = (reason: "unauthorized" | "network", detail: string) =>
    Effect.suspend(() => {
      if (unhealthy) return Effect.void
      unhealthy = true
      return events.publish(AdapterEvent.BotUnhealthy({ bot, platform, reason, detail }))
    })
  return {
    success: Effect.suspend(() => {
      failures = 0
      if (!unhealthy) return Effect.void
      unhealthy = false
      return events.publish(AdapterEvent.BotHealthy({ bot, platform }))
    }),
    networkFailure: (detail) =>
      Effect.suspend(() => {
        failures += 1
        return failures >= threshold ? report("network", detail) : Effect.void
      }),
    unauthorized: (detail) => report("unauthorized", detail),
    unreachable: (chatId, detail) => events.publish(AdapterEvent.IdentityUnreachable({ bot, platform, chatId, detail }))
  }
}
