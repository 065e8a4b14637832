import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Bot } from "grammy"
import { groupBuyMiddleware } from "../../src/telegram/TelegramEmbed.js"
import { FakeTelegram } from "../fakes/telegram/FakeTelegram.js"
import { scopedFake, scriptedTurns, waitFor } from "../shared/TestTurns.js"

const TOKEN = "222:host"

describe("GroupBuy embedded in an existing grammY bot", () => {
  it.scopedLive("handles GroupBuy's commands and buttons and passes everything else to the host", () => {
    const turns = scriptedTurns()
    return Effect.gen(function* () {
      const fake = yield* scopedFake(() => FakeTelegram.start())
      fake.addBot(TOKEN, { username: "host_bot" })
      const bot = new Bot(TOKEN, { client: { apiRoot: fake.apiRoot } })
      bot.use(yield* groupBuyMiddleware(bot, { id: "host-tg" }))
      bot.command("weather", (ctx) => ctx.reply("☀️ sunny"))
      bot.callbackQuery("host:like", (ctx) => ctx.answerCallbackQuery({ text: "host liked" }))
      bot.on("message:text", (ctx) => ctx.reply(`host echo: ${ctx.message.text}`))
      yield* Effect.acquireRelease(
        Effect.sync(() => void bot.start({ timeout: 1 })),
        () => Effect.promise(() => bot.stop())
      )
      const texts = () => fake.calls({ token: TOKEN, method: "sendMessage", ok: true }).map((c) => c.params.text)

      // A chat that never talked to GroupBuy: the host gets its text and its own commands.
      yield* Effect.promise(() => fake.text(TOKEN, 1, "hello"))
      yield* waitFor(() => (texts().includes("host echo: hello") ? true : undefined), "the host's echo")
      yield* Effect.promise(() => fake.text(TOKEN, 1, "/weather"))
      yield* waitFor(() => (texts().includes("☀️ sunny") ? true : undefined), "the host's command")
      assert.strictEqual(turns.updates.length, 0)

      // GroupBuy's command: its reply carries prefixed button data.
      yield* Effect.promise(() => fake.text(TOKEN, 2, "/start proc_1"))
      const menu = yield* waitFor(
        () => fake.calls({ token: TOKEN, method: "sendMessage", ok: true }).find((c) => c.params.chat_id === 2),
        "GroupBuy's reply"
      )
      const keyboard = menu.params.reply_markup as { inline_keyboard: Array<Array<{ callback_data: string }>> }
      assert.deepStrictEqual(
        keyboard.inline_keyboard[0]!.map((b) => b.callback_data),
        ["gb:t1", "gb:t2"]
      )
      yield* Effect.promise(() => fake.press(TOKEN, 2, fake.lastSent(TOKEN, 2), "gb:t2"))
      const toast = yield* waitFor(
        () => fake.calls({ token: TOKEN, method: "answerCallbackQuery", ok: true })[0],
        "toast"
      )
      assert.strictEqual(toast.params.text, "Готово")
      const press = turns.updates.find((u) => u._tag === "Button")
      assert.strictEqual(press?._tag === "Button" ? press.data : undefined, "t2", "the prefix is stripped")

      // The host's own button is the host's.
      yield* Effect.promise(() => fake.press(TOKEN, 2, fake.lastSent(TOKEN, 2), "host:like"))
      yield* waitFor(
        () =>
          fake
            .calls({ token: TOKEN, method: "answerCallbackQuery", ok: true })
            .find((c) => c.params.text === "host liked"),
        "the host's answer"
      )

      // The chat is engaged with GroupBuy now: its free text goes to GroupBuy.
      yield* Effect.promise(() => fake.text(TOKEN, 2, "Анна"))
      yield* waitFor(() => (texts().includes("echo: Анна") ? true : undefined), "GroupBuy's echo")
      assert.notInclude(texts(), "host echo: Анна")
      assert.strictEqual(turns.updates.length, 3)
    }).pipe(Effect.provide(turns.layer))
  })
})
