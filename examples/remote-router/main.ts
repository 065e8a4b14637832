/**
 * A Telegram bot process whose conversation engine runs here while every core service lives on a remote GroupBuy
 * server, reached over its HTTP API with the service token:
 *
 *   GROUPBUY_URL=https://groupbuy.example SERVICE_TOKEN=... TELEGRAM_TOKEN=... npx tsx examples/remote-router/main.ts
 *
 * Sessions are kept in memory here (use the router's Redis session store for several bot processes).
 */
import { FetchHttpClient } from "@effect/platform"
import { NodeRuntime } from "@effect/platform-node"
import { AdapterEvents, BotFleet, TelegramBot, TurnHandler } from "@groupbuy/adapters"
import { BroadcastChannelsStatic, RouterLive, SessionStoreMemory } from "@groupbuy/router"
import { RemoteCoreLive } from "@groupbuy/server"
import { Config, Effect, Layer } from "effect"

const settings = Config.all({
  url: Config.string("GROUPBUY_URL"),
  serviceToken: Config.redacted("SERVICE_TOKEN"),
  telegramToken: Config.redacted("TELEGRAM_TOKEN"),
  telegramApiRoot: Config.option(Config.string("TELEGRAM_API_ROOT"))
})

const BotLive = Layer.scopedDiscard(
  Effect.gen(function* () {
    const { telegramApiRoot, telegramToken } = yield* settings
    const fleet = yield* BotFleet
    const bot = yield* TelegramBot.make({
      id: "telegram-remote",
      token: telegramToken,
      apiRoot: telegramApiRoot._tag === "Some" ? telegramApiRoot.value : undefined,
      mode: { _tag: "Polling" }
    })
    yield* fleet.add(bot)
    yield* Effect.logInfo(`@${bot.username} is running against the remote server`)
  })
)

const RemoteLive = Layer.unwrapEffect(
  Effect.map(settings, ({ serviceToken, url }) => RemoteCoreLive({ baseUrl: url, serviceToken }))
).pipe(Layer.provide(FetchHttpClient.layer))

const MainLive = BotLive.pipe(
  Layer.provide(TurnHandler.fromRouter),
  Layer.provide(AdapterEvents.layer),
  Layer.provide(
    RouterLive().pipe(
      Layer.provide(SessionStoreMemory),
      Layer.provide(BroadcastChannelsStatic([])),
      Layer.provideMerge(BotFleet.layer),
      Layer.provide(RemoteLive)
    )
  )
)

NodeRuntime.runMain(Layer.launch(MainLive))
