/**
 * Starts every configured platform for the lifetime of the layer and adds it to the `BotFleet` (the router's
 * `Deliver`): the web chat widget always (`/ws/chat`), Telegram with `TELEGRAM_TOKEN` (long polling, `apiRoot` from
 * `TELEGRAM_API_ROOT`; its chat menu button opens the cabinet as a Mini App when `PUBLIC_URL` is https), VK with
 * `VK_TOKEN` + `VK_GROUP_ID` (Bots Long Poll, `VK_API_BASE_URL`), and WhatsApp with `WHATSAPP_ENABLED` (auth state
 * in PostgreSQL through core's KeyValue). Closing the scope drains the outbound queues and closes every socket.
 */
import {
  BotFleet,
  type OutboundQueue,
  TelegramBot,
  VkBot,
  WebSocketAdapter,
  WhatsAppAdapter,
  type WhatsAppAuthState
} from "@groupbuy/adapters"
import { HttpServer } from "@effect/platform"
import { KeyValue } from "@groupbuy/core"
import { CabinetUrl } from "@groupbuy/router"
import { Context, Data, Effect, Layer, Option } from "effect"
import { ChatTokens } from "../auth/ChatTokens.js"
import { ServerConfig } from "../config/ServerConfig.js"
import { UpgradeRouter } from "../http/UpgradeRouter.js"
import { BotStatuses } from "./BotStatuses.js"
import { BotLinks, telegramLink, vkLink } from "./BroadcastChannelsLive.js"
import { WhatsAppAccounts, WhatsAppSocketFactory } from "./WhatsAppAccounts.js"

/** A configured platform refused to start (a bad token, another community, an unreachable API): start-up stops. */
export class PlatformStartError extends Data.TaggedError("PlatformStartError")<{
  readonly platform: string
  /** the settings to check */
  readonly variables: string
  readonly reason: string
}> {
  override get message() {
    return `${this.platform} did not start: ${this.reason} — check ${this.variables}`
  }
}

/** A platform's start, its failure naming the platform and the settings to check. */
const starting =
  (platform: string, variables: string) =>
  <A, R>(start: Effect.Effect<A, { readonly message: string }, R>) =>
    Effect.mapError(start, (error) => new PlatformStartError({ platform, variables, reason: error.message }))

export const WEB_BOT = "web"
export const WEB_CHAT_PATH = "/ws/chat"

const noStats: OutboundQueue.OutboundStats = { sent: 0, retried: 0, failed: 0, pending: 0, rateLimited: 0 }

/** WhatsApp's auth state as rows of core's key/value store. */
export const keyValueAuthStore = (
  kv: Context.Tag.Service<typeof KeyValue>,
  account: string
): WhatsAppAuthState.AuthStateStore => {
  const namespace = `whatsapp-auth:${account}`
  return {
    get: (key) => kv.get(namespace, key),
    set: (key, value) => kv.set(namespace, key, value),
    remove: (key) => kv.remove(namespace, key),
    clear: Effect.flatMap(kv.keys(namespace), (keys) =>
      Effect.forEach(keys, (key) => kv.remove(namespace, key), { discard: true })
    )
  }
}

/**
 * Origins allowed to open the web chat and the procurement chat hub: this server as configured and as reached on
 * localhost, plus WIDGET_ORIGINS.
 */
export const widgetOrigins = (publicUrl: string, port: number, extra: ReadonlyArray<string>) => [
  new URL(publicUrl).origin,
  `http://localhost:${port}`,
  `http://127.0.0.1:${port}`,
  ...extra
]

export const PlatformsLive = Layer.scopedDiscard(
  Effect.gen(function* () {
    const config = yield* ServerConfig
    const fleet = yield* BotFleet
    const upgrades = yield* UpgradeRouter
    const { config: tokens } = yield* ChatTokens
    const server = yield* HttpServer.HttpServer
    const links = yield* BotLinks
    const statuses = yield* BotStatuses
    const port = server.address._tag === "TcpAddress" ? server.address.port : config.port

    const web = yield* WebSocketAdapter.make({
      id: WEB_BOT,
      tokens,
      allowedOrigins: widgetOrigins(config.publicUrl, port, config.widgetOrigins)
    })
    yield* upgrades.mount(WEB_CHAT_PATH, web.handleUpgrade)
    yield* fleet.add({
      id: WEB_BOT,
      deliver: (ref, replies) => web.push(ref.chatId, replies),
      stats: Effect.succeed(noStats)
    })
    yield* statuses.register({ id: WEB_BOT, platform: "web", username: null, stats: Effect.succeed(noStats) })

    if (Option.isSome(config.telegram)) {
      const telegram = yield* TelegramBot.make({
        id: "telegram",
        token: config.telegram.value.token,
        apiRoot: Option.getOrUndefined(config.telegram.value.apiRoot),
        mode: { _tag: "Polling" },
        // the page `/web`'s Mini App button opens too
        miniAppUrl: CabinetUrl.miniApp(config.publicUrl)
      }).pipe(starting("Telegram", "TELEGRAM_TOKEN, TELEGRAM_API_ROOT"))
      yield* fleet.add(telegram)
      yield* statuses.register({
        id: telegram.id,
        platform: "telegram",
        username: telegram.username,
        stats: telegram.stats
      })
      yield* links.register(telegram.id, telegramLink(telegram.username))
      yield* Effect.logInfo("Telegram bot started", { username: telegram.username })
    }

    if (Option.isSome(config.vk)) {
      const vk = yield* VkBot.make({
        id: "vk",
        token: config.vk.value.token,
        apiBaseUrl: Option.getOrUndefined(config.vk.value.apiBaseUrl),
        groupId: config.vk.value.groupId,
        mode: { _tag: "LongPoll" }
      }).pipe(starting("VK", "VK_TOKEN, VK_GROUP_ID, VK_API_BASE_URL"))
      yield* fleet.add(vk)
      yield* statuses.register({ id: vk.id, platform: "vk", username: vk.screenName, stats: vk.stats })
      yield* links.register(vk.id, vkLink(vk.screenName))
      yield* Effect.logInfo("VK bot started", { groupId: vk.groupId, screenName: vk.screenName })
    }

    if (config.whatsapp) {
      const kv = yield* KeyValue
      const accounts = yield* WhatsAppAccounts
      const { makeSocket } = yield* WhatsAppSocketFactory
      const context = yield* Layer.build(
        WhatsAppAdapter.layer({
          id: "whatsapp",
          store: keyValueAuthStore(kv, "whatsapp"),
          pairingPhone: Option.getOrUndefined(config.whatsappPairingPhone),
          makeSocket
        })
      )
      for (const bot of Context.get(context, WhatsAppAdapter.WhatsAppBots).values()) {
        yield* accounts.register(bot)
        yield* fleet.add({
          id: bot.bot,
          deliver: (ref, replies) =>
            bot.send(ref.chatId, replies).pipe(Effect.mapError(() => ({ unreachable: false }))),
          stats: bot.stats
        })
        yield* statuses.register({ id: bot.bot, platform: "whatsapp", username: null, stats: bot.stats })
      }
      yield* Effect.logInfo(
        Option.isSome(config.whatsappPairingPhone)
          ? "WhatsApp started: type the pairing code printed above in WhatsApp → Linked devices (also at /api/admin/whatsapp)"
          : "WhatsApp started: scan the QR code printed above to log in (also at /api/admin/whatsapp)"
      )
    }
  })
)
