/**
 * What the server does with the adapters' reports (`AdapterEvents`): an identity that blocked the bot (Telegram 403,
 * VK 901, …) is marked unreachable in core, so notifications go to the user's other platforms instead — the next
 * message from that person marks it reachable again; a bot that stopped working (token revoked, platform
 * unreachable) and one that recovered are logged with their details and written to the bot's record in core (`revoked`
 * for a refused token, else `degraded`; `healthy` again), where the failover monitor reads them.
 */
import { AdapterEvents, WhatsAppDecode } from "@groupbuy/adapters"
import { Bots, Users } from "@groupbuy/core"
import { Effect, Layer, Queue } from "effect"
import { BotStatuses } from "./BotStatuses.js"

/** The identity behind a private chat: the chat id itself, or on WhatsApp the user id of the chat's JID. */
const externalIdOf = (platform: string, chatId: string) =>
  platform === "whatsapp" ? WhatsAppDecode.userIdOf(chatId) : chatId

export const AdapterEventsLive = Layer.scopedDiscard(
  Effect.gen(function* () {
    const events = yield* AdapterEvents
    const users = yield* Users
    const statuses = yield* BotStatuses
    const bots = yield* Bots
    /** the bot's record, when it has one (the web widget and WhatsApp have none) */
    const recordHealth = (...args: Parameters<typeof bots.reportHealth>) =>
      Effect.catchTag(bots.reportHealth(...args), "NotFound", () => Effect.void)
    const subscription = yield* events.subscribe
    const react = Effect.flatMap(Queue.take(subscription), (event) => {
      switch (event._tag) {
        case "IdentityUnreachable":
          return users.setReachable(event.platform, externalIdOf(event.platform, event.chatId), false).pipe(
            Effect.zipRight(Effect.logInfo("identity unreachable: notifications go elsewhere")),
            Effect.annotateLogs({
              bot: event.bot,
              platform: event.platform,
              chat: event.chatId,
              detail: event.detail
            })
          )
        case "BotUnhealthy":
          return Effect.logWarning("bot unhealthy").pipe(
            Effect.zipRight(statuses.unhealthy(event.bot, event.reason, event.detail)),
            Effect.zipRight(
              recordHealth(event.bot, event.reason === "unauthorized" ? "revoked" : "degraded", event.detail)
            ),
            Effect.annotateLogs({
              bot: event.bot,
              platform: event.platform,
              reason: event.reason,
              detail: event.detail
            })
          )
        case "BotHealthy":
          return Effect.logInfo("bot healthy again").pipe(
            Effect.zipRight(statuses.healthy(event.bot)),
            Effect.zipRight(recordHealth(event.bot, "healthy", null)),
            Effect.annotateLogs({ bot: event.bot, platform: event.platform })
          )
      }
    })
    yield* Effect.forkScoped(
      Effect.forever(Effect.catchAllCause(react, (cause) => Effect.logError("adapter event", cause)))
    )
  })
)
