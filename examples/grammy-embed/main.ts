/**
 * GroupBuy inside an existing grammY bot. The host keeps its own commands and handlers; GroupBuy answers its own
 * commands (/start, /procurements, /balance, …), its buttons, and the free text of chats that are talking to it.
 *
 *   TELEGRAM_BOT_TOKEN=123:abc npx tsx examples/grammy-embed/main.ts
 *
 * TELEGRAM_API_ROOT points grammY at another Bot API server (a local one, or a fake). Data: see ../console.
 */
import { TelegramEmbed } from "@groupbuy/adapters"
import { Config, Effect, Fiber, Option, Redacted } from "effect"
import { Bot } from "grammy"
import { GroupBuyEngine } from "../console/GroupBuyEngine.js"

const program = Effect.gen(function* () {
  const token = yield* Config.redacted("TELEGRAM_BOT_TOKEN")
  const apiRoot = yield* Config.option(Config.string("TELEGRAM_API_ROOT"))
  const bot = new Bot(
    Redacted.value(token),
    Option.match(apiRoot, { onNone: () => ({}), onSome: (root) => ({ client: { apiRoot: root } }) })
  )

  // 1. GroupBuy first: it takes what is its own and calls `next` for everything else.
  bot.use(yield* TelegramEmbed.groupBuyMiddleware(bot, { id: "host-telegram" }))

  // 2. The host's own handlers, unchanged.
  bot.command("weather", (ctx) => ctx.reply("☀️ +21 °C, ясно"))
  bot.on("message:text", (ctx) => ctx.reply(`host bot heard: ${ctx.message.text}`))
  bot.catch((error) => console.error("host handler failed", error.error))

  yield* Effect.acquireRelease(
    Effect.sync(() => void bot.start({ onStart: (me) => console.log(`@${me.username} is running (Ctrl-C to stop)`) })),
    () => Effect.promise(() => bot.stop())
  )
  return yield* Effect.never
})

const fiber = Effect.runFork(
  Effect.scoped(program).pipe(Effect.provide(GroupBuyEngine), Effect.tapErrorCause(Effect.logError))
)
process.once("SIGINT", () => void Effect.runPromise(Fiber.interrupt(fiber)))
