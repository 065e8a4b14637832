/**
 * Starts every configured platform for the lifetime of the layer and adds it to the `BotFleet` (the router's
 * `Deliver`): the web chat widget always (`/ws/chat`); Telegram and VK bots through the bot registry
 * (`BotRegistryLoop.ts`) — `TELEGRAM_TOKEN` and `VK_TOKEN` + `VK_GROUP_ID` are imported as the records "telegram" and
 * "vk" (an admin's pause survives a restart), and every active main / referral record runs (long polling against
 * `TELEGRAM_API_ROOT` / Bots Long Poll against `VK_API_BASE_URL`; Telegram's chat menu button opens the cabinet as a
 * Mini App when `PUBLIC_URL` is https), started and stopped as the records change; and WhatsApp with
 * `WHATSAPP_ENABLED` (auth state in PostgreSQL through core's KeyValue). Closing the scope drains the outbound queues
 * and closes every socket.
 */
import {
  BotFleet,
  type OutboundQueue,
  WebSocketAdapter,
  WhatsAppAdapter,
  type WhatsAppAuthState
} from "@groupbuy/adapters"
import { HttpServer } from "@effect/platform"
import { Bots, KeyValue, NewBot } from "@groupbuy/core"
import { Context, Data, Effect, Layer, Option } from "effect"
import { ChatTokens } from "../auth/ChatTokens.js"
import { ServerConfig } from "../config/ServerConfig.js"
import { UpgradeRouter } from "../http/UpgradeRouter.js"
import { BotRegistry } from "./BotRegistry.js"
import { type EnvironmentBot, makeLoop } from "./BotRegistryLoop.js"
import { BotStatuses } from "./BotStatuses.js"
import { BotTokens } from "./BotTokens.js"
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
    const statuses = yield* BotStatuses
    const registry = yield* BotRegistry
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

    // Telegram and VK: the environment's bots become records (ids "telegram" / "vk", as sessions and orders know
    // them), then the registry runs every active main / referral record — the environment's must start, or start-up
    // stops; the others are retried in the background
    const bots = yield* Bots
    const sealer = yield* BotTokens
    const environment = new Map<string, EnvironmentBot>()
    const variables = new Map<string, { readonly platform: string; readonly variables: string }>()
    if (Option.isSome(config.telegram)) {
      const { apiRoot, token } = config.telegram.value
      variables.set("telegram", { platform: "Telegram", variables: "TELEGRAM_TOKEN, TELEGRAM_API_ROOT" })
      environment.set("telegram", { apiRoot: Option.getOrUndefined(apiRoot) })
      yield* bots
        .importConfigured(
          new NewBot({ id: "telegram", platform: "telegram", role: "main", source: "environment" }),
          sealer.seal("telegram", token)
        )
        .pipe(starting("Telegram", "TELEGRAM_TOKEN"))
    }
    if (Option.isSome(config.vk)) {
      const { apiBaseUrl, groupId, token } = config.vk.value
      variables.set("vk", { platform: "VK", variables: "VK_TOKEN, VK_GROUP_ID, VK_API_BASE_URL" })
      environment.set("vk", { apiRoot: Option.getOrUndefined(apiBaseUrl), groupId })
      yield* bots
        .importConfigured(
          new NewBot({
            id: "vk",
            platform: "vk",
            role: "main",
            source: "environment",
            platformBotId: String(groupId)
          }),
          sealer.seal("vk", token)
        )
        .pipe(starting("VK", "VK_TOKEN"))
    }
    const loop = yield* makeLoop(environment)
    yield* loop.reconcile({ force: true, strict: new Set(variables.keys()) }).pipe(
      Effect.mapError((error) => {
        const env = variables.get(error.bot)
        return new PlatformStartError({
          platform: env?.platform ?? error.platform,
          variables: env?.variables ?? `the record of bot ${error.bot}`,
          reason: error.reason
        })
      })
    )
    for (const id of variables.keys()) {
      if (!(yield* loop.running()).includes(id))
        yield* Effect.logWarning("a configured bot does not run: its record is paused, blocked or not main").pipe(
          Effect.annotateLogs({ bot: id })
        )
    }
    yield* loop.periodic
    yield* registry.serve({ reconcileNow: loop.reconcileNow, running: loop.running })

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
