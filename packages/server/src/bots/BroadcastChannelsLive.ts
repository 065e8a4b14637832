/**
 * The router's `BroadcastChannels` over core's `Channels` (the `broadcast_channels` table the admin API manages).
 * An announcement's Join button is a deep link into the bot that posts it, so a channel is offered only while its
 * bot runs in this process and has deep links: `PlatformsLive` registers each bot's link template in `BotLinks`.
 * Channels whose bot is not running here (or is of another platform than the channel says) are left out and logged.
 */
import { TelegramDecode, VkDecode } from "@groupbuy/adapters"
import { Channels, type Platform } from "@groupbuy/core"
import { BroadcastChannels, ChatRef } from "@groupbuy/router"
import { Context, Effect, Layer, type Scope } from "effect"

/** How to link to a bot: its platform and a deep-link template with a `{payload}` placeholder. */
export interface BotLink {
  readonly platform: Platform
  readonly template: string
}

export interface BotLinksService {
  /** the link of a running bot, for as long as the scope is open */
  readonly register: (botId: string, link: BotLink) => Effect.Effect<void, never, Scope.Scope>
  readonly get: (botId: string) => BotLink | undefined
}

export class BotLinks extends Context.Tag("@groupbuy/server/BotLinks")<BotLinks, BotLinksService>() {}

export const BotLinksLive = Layer.sync(BotLinks, () => {
  const links = new Map<string, BotLink>()
  return BotLinks.of({
    register: (botId, link) =>
      Effect.acquireRelease(
        Effect.sync(() => void links.set(botId, link)),
        () => Effect.sync(() => void links.delete(botId))
      ),
    get: (botId) => links.get(botId)
  })
})

const PLACEHOLDER = "GROUPBUYPAYLOAD"
const template = (link: (payload: string) => string) => link(PLACEHOLDER).replace(PLACEHOLDER, "{payload}")

/** `https://t.me/<username>?start={payload}` */
export const telegramLink = (username: string): BotLink => ({
  platform: "telegram",
  template: template((p) => TelegramDecode.telegramDeepLink(username, p))
})

/** `https://vk.me/<screen name>?ref={payload}` */
export const vkLink = (screenName: string): BotLink => ({
  platform: "vk",
  template: template((p) => VkDecode.vkDeepLink(screenName, p))
})

export const BroadcastChannelsLive = Layer.effect(
  BroadcastChannels,
  Effect.gen(function* () {
    const channels = yield* Channels
    const links = yield* BotLinks
    return BroadcastChannels.of({
      list: () =>
        Effect.gen(function* () {
          const rows = yield* channels.list()
          const offered = []
          for (const row of rows) {
            const link = links.get(row.botId)
            if (link === undefined || link.platform !== row.platform) {
              yield* Effect.logWarning("broadcast channel skipped: its bot does not run here").pipe(
                Effect.annotateLogs({ channel: row.id, bot: row.botId, platform: row.platform })
              )
              continue
            }
            offered.push({
              id: row.id,
              title: row.title,
              ref: new ChatRef({
                bot: row.botId,
                platform: row.platform,
                chatId: row.chatId,
                userId: row.chatId,
                locale: row.language,
                isGroup: true
              }),
              deepLink: link.template
            })
          }
          return offered
        })
    })
  })
)
