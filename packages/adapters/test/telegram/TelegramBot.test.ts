import { assert, describe, it } from "@effect/vitest"
import { ChatRef } from "@groupbuy/router"
import { Effect, Queue, Redacted } from "effect"
import type * as Http from "node:http"
import { AdapterEvents } from "../../src/shared/AdapterEvents.js"
import * as TelegramBot from "../../src/telegram/TelegramBot.js"
import { FakeTelegram } from "../fakes/telegram/FakeTelegram.js"
import { close, listen } from "../shared/FakeServerSupport.js"
import { imageServer } from "../shared/ImageServer.js"
import { scopedFake, scriptedTurns, waitFor } from "../shared/TestTurns.js"

const TOKEN = "111:AAA"

/** A loopback HTTP server whose handler is set after the bot starts (the webhook URL must be known first). */
const webhookServer = Effect.acquireRelease(
  Effect.promise(async () => {
    let handler: (req: Http.IncomingMessage, res: Http.ServerResponse) => void = (_req, res) => res.writeHead(503).end()
    const { server, url } = await listen((req, res) => handler(req, res))
    return { url, server, route: (h: typeof handler) => void (handler = h) }
  }),
  ({ server }) => Effect.promise(() => close(server))
)

const sent = (fake: FakeTelegram, method?: string) =>
  fake.calls({ token: TOKEN, ok: true, ...(method === undefined ? {} : { method }) })

describe("TelegramBot against the fake Bot API", () => {
  it.scopedLive(
    "long polling: decodes, replies with keyboards, edits in place, answers every press, registers commands",
    () => {
      const turns = scriptedTurns()
      return Effect.gen(function* () {
        const fake = yield* scopedFake(() => FakeTelegram.start())
        fake.addBot(TOKEN, { username: "gb_bot" })
        const bot = yield* TelegramBot.make({
          id: "tg-1",
          token: Redacted.make(TOKEN),
          apiRoot: fake.apiRoot,
          mode: { _tag: "Polling", timeoutSeconds: 1 },
          commands: {
            ru: [{ command: "start", description: "Начать" }],
            en: [{ command: "start", description: "Start" }]
          }
        })
        assert.strictEqual(bot.username, "gb_bot")
        assert.deepStrictEqual(fake.commands(TOKEN, "en"), [{ command: "start", description: "Start" }])
        assert.deepStrictEqual(fake.commands(TOKEN, "ru"), [{ command: "start", description: "Начать" }])
        assert.deepStrictEqual(fake.commands(TOKEN), [{ command: "start", description: "Начать" }])

        yield* Effect.promise(() => fake.text(TOKEN, 501, "/start@gb_bot proc_7"))
        const first = yield* waitFor(() => sent(fake, "sendMessage")[0], "the reply to /start")
        assert.deepStrictEqual(first.params, {
          chat_id: 501,
          text: "/start <b>proc_7</b>",
          parse_mode: "HTML",
          reply_markup: {
            inline_keyboard: [
              [
                { text: "Дальше", callback_data: "t1" },
                { text: "Тост", callback_data: "t2" }
              ]
            ]
          }
        })
        const update = turns.updates[0]!
        assert.strictEqual(update._tag, "Command")
        assert.strictEqual(update.ref.bot, "tg-1")

        const menuId = fake.lastSent(TOKEN, 501)
        yield* Effect.promise(() => fake.press(TOKEN, 501, menuId, "t1"))
        const edit = yield* waitFor(() => sent(fake, "editMessageText")[0], "the edit")
        assert.deepStrictEqual(edit.params, {
          chat_id: 501,
          message_id: menuId,
          text: "Страница 2",
          parse_mode: "HTML",
          reply_markup: { inline_keyboard: [[{ text: "«", callback_data: "t0" }]] }
        })
        assert.strictEqual(fake.message(TOKEN, 501, menuId)?.text, "Страница 2")
        yield* waitFor(() => sent(fake, "answerCallbackQuery")[0], "the empty answer")

        yield* Effect.promise(() => fake.press(TOKEN, 501, menuId, "t2"))
        const toast = yield* waitFor(() => sent(fake, "answerCallbackQuery")[1], "the toast")
        assert.strictEqual(toast.params.text, "Готово")
        assert.strictEqual(sent(fake, "answerCallbackQuery").length, 2, "each press answered exactly once")
      }).pipe(Effect.provide(turns.layer))
    }
  )

  it.scopedLive("asks for the phone with a reply keyboard and removes it after the contact arrives", () => {
    const turns = scriptedTurns()
    return Effect.gen(function* () {
      const fake = yield* scopedFake(() => FakeTelegram.start())
      fake.addBot(TOKEN)
      yield* TelegramBot.make({
        id: "tg-1",
        token: Redacted.make(TOKEN),
        apiRoot: fake.apiRoot,
        mode: { _tag: "Polling", timeoutSeconds: 1 }
      })
      yield* Effect.promise(() => fake.text(TOKEN, 9, "/phone"))
      const ask = yield* waitFor(() => sent(fake, "sendMessage")[0], "the contact request")
      assert.deepStrictEqual(ask.params.reply_markup, {
        keyboard: [[{ text: "📱 Номер", request_contact: true }]],
        resize_keyboard: true,
        one_time_keyboard: true
      })
      yield* Effect.promise(() => fake.contact(TOKEN, 9, "+79990001122"))
      const thanks = yield* waitFor(() => sent(fake, "sendMessage")[1], "the thanks")
      assert.deepStrictEqual(thanks.params, {
        chat_id: 9,
        text: "phone +79990001122 own=true",
        parse_mode: "HTML",
        reply_markup: { remove_keyboard: true }
      })
    }).pipe(Effect.provide(turns.layer))
  })

  it.scopedLive("webhook: a wrong secret gets 401 and is not processed; a repeated update_id is processed once", () => {
    const turns = scriptedTurns()
    return Effect.gen(function* () {
      const fake = yield* scopedFake(() => FakeTelegram.start())
      fake.addBot(TOKEN)
      const hook = yield* webhookServer
      const bot = yield* TelegramBot.make({
        id: "tg-1",
        token: Redacted.make(TOKEN),
        apiRoot: fake.apiRoot,
        mode: { _tag: "Webhook", secretToken: Redacted.make("s3cret_token-1"), url: `${hook.url}/tg` }
      })
      hook.route((req, res) => void bot.webhook(req, res))
      assert.deepStrictEqual(fake.webhook(TOKEN), { url: `${hook.url}/tg`, secret: "s3cret_token-1" })

      const update = {
        update_id: 9001,
        message: {
          message_id: 1,
          date: 0,
          chat: { id: 77, type: "private", first_name: "A" },
          from: { id: 77, is_bot: false, first_name: "A" },
          text: "hello"
        }
      }
      const forged = yield* Effect.promise(() =>
        fetch(`${hook.url}/tg`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "wrong" },
          body: JSON.stringify(update)
        })
      )
      assert.strictEqual(forged.status, 401)
      const missing = yield* Effect.promise(() =>
        fetch(`${hook.url}/tg`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(update)
        })
      )
      assert.strictEqual(missing.status, 401)
      assert.strictEqual(turns.updates.length, 0, "nothing reached the engine")

      const once = yield* Effect.promise(() => fake.push(TOKEN, update))
      const twice = yield* Effect.promise(() => fake.push(TOKEN, update))
      assert.deepStrictEqual([once.status, twice.status], [200, 200])
      yield* waitFor(() => sent(fake, "sendMessage")[0], "the reply")
      yield* Effect.sleep("200 millis")
      assert.strictEqual(sent(fake, "sendMessage").length, 1, "one set of API calls")
      assert.strictEqual(turns.updates.length, 1)

      // The web-standard handler verifies the same secret.
      const web = yield* Effect.promise(() =>
        bot.fetchWebhook(
          new Request("http://x/tg", {
            method: "POST",
            headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "nope" },
            body: JSON.stringify({ ...update, update_id: 9002 })
          })
        )
      )
      assert.strictEqual(web.status, 401)
    }).pipe(Effect.provide(turns.layer))
  })

  it.scopedLive(
    "maps errors: 429 waits retry_after, 403 marks the chat unreachable, 401 reports the bot unhealthy",
    () => {
      const turns = scriptedTurns()
      return Effect.gen(function* () {
        const fake = yield* scopedFake(() => FakeTelegram.start())
        fake.addBot(TOKEN)
        const events = yield* AdapterEvents
        const subscription = yield* events.subscribe
        const bot = yield* TelegramBot.make({
          id: "tg-err",
          token: Redacted.make(TOKEN),
          apiRoot: fake.apiRoot,
          mode: { _tag: "Polling", timeoutSeconds: 1 }
        })
        fake.failNext(TOKEN, "sendMessage", {
          error_code: 429,
          description: "Too Many Requests: retry after 1",
          parameters: { retry_after: 1 }
        })
        yield* Effect.promise(() => fake.text(TOKEN, 1, "hi"))
        yield* waitFor(() => sent(fake, "sendMessage")[0], "the retried reply")
        const stats = yield* bot.stats
        assert.strictEqual(stats.retried, 1)
        assert.strictEqual(stats.rateLimited, 1)
        assert.strictEqual(fake.calls({ token: TOKEN, method: "sendMessage" }).length, 2)

        fake.block(TOKEN, 2)
        yield* Effect.promise(() => fake.text(TOKEN, 2, "hi"))
        const unreachable = yield* Queue.take(subscription)
        assert.deepInclude(unreachable, {
          _tag: "IdentityUnreachable",
          bot: "tg-err",
          platform: "telegram",
          chatId: "2"
        })

        fake.revoke(TOKEN)
        const unhealthy = yield* Queue.take(subscription)
        assert.deepInclude(unhealthy, { _tag: "BotUnhealthy", bot: "tg-err", reason: "unauthorized" })
      }).pipe(Effect.provide(turns.layer))
    }
  )

  it.scopedLive(
    "a polling 401 is one BotUnhealthy of the bot's one tracker, cleared by the next successful call",
    () => {
      const turns = scriptedTurns()
      return Effect.gen(function* () {
        const fake = yield* scopedFake(() => FakeTelegram.start())
        fake.addBot(TOKEN)
        const subscription = yield* (yield* AdapterEvents).subscribe
        fake.failNext(TOKEN, "getUpdates", { error_code: 401, description: "Unauthorized" })
        const bot = yield* TelegramBot.make({
          id: "tg-401",
          token: Redacted.make(TOKEN),
          apiRoot: fake.apiRoot,
          mode: { _tag: "Polling", timeoutSeconds: 1 }
        })
        const unhealthy = yield* Queue.take(subscription)
        assert.deepInclude(unhealthy, { _tag: "BotUnhealthy", bot: "tg-401", reason: "unauthorized" })
        // polling stopped at the 401; a proactive send succeeds, which clears the same tracker
        yield* bot.deliver(new ChatRef({ bot: "tg-401", platform: "telegram", chatId: "5", userId: "5" }), [
          { _tag: "Text", text: [{ text: "снова работаю" }] }
        ])
        const next = yield* Queue.take(subscription)
        assert.deepInclude(next, { _tag: "BotHealthy", bot: "tg-401" }, "one tracker: no second BotUnhealthy first")
        assert.isTrue(yield* Queue.isEmpty(subscription))
      }).pipe(Effect.provide(turns.layer))
    }
  )

  it.scopedLive("a picture's URL is handed to Telegram, which fetches it: this server never connects to it", () => {
    let url = ""
    const turns = scriptedTurns((update) =>
      update._tag === "Text" ? [{ _tag: "Image", url, caption: [{ text: "Фото" }] }] : []
    )
    return Effect.gen(function* () {
      const fake = yield* scopedFake(() => FakeTelegram.start())
      const images = yield* imageServer
      url = `${images.url}/ok.png`
      fake.addBot(TOKEN)
      yield* TelegramBot.make({
        id: "tg-img",
        token: Redacted.make(TOKEN),
        apiRoot: fake.apiRoot,
        mode: { _tag: "Polling", timeoutSeconds: 1 }
      })
      yield* Effect.promise(() => fake.push(TOKEN, { update_id: 9, message: textMessage(7, "фото") }))
      const photo = yield* waitFor(() => sent(fake, "sendPhoto")[0], "the photo")
      assert.strictEqual(photo.params.photo, url)
      assert.strictEqual(images.connections(), 0)
    }).pipe(Effect.provide(turns.layer))
  })

  it.scopedLive("runs several bots in one process, each with its own id in ChatRef", () => {
    const turns = scriptedTurns()
    return Effect.gen(function* () {
      const fake = yield* scopedFake(() => FakeTelegram.start())
      const tokens = ["1:a", "2:b", "3:c"]
      for (const token of tokens) fake.addBot(token)
      yield* Effect.forEach(tokens, (token, i) =>
        TelegramBot.make({
          id: `shop-${i}`,
          token: Redacted.make(token),
          apiRoot: fake.apiRoot,
          mode: { _tag: "Polling", timeoutSeconds: 1 }
        })
      )
      // The same user id and update id arrive at every bot: each bot handles its own.
      for (const token of tokens)
        yield* Effect.promise(() => fake.push(token, { update_id: 5, message: textMessage(3, "x") }))
      yield* waitFor(() => (turns.updates.length === 3 ? true : undefined), "three updates")
      assert.deepStrictEqual(turns.updates.map((u) => u.ref.bot).sort(), ["shop-0", "shop-1", "shop-2"])
      for (const token of tokens) yield* waitFor(() => fake.calls({ token, method: "sendMessage", ok: true })[0], token)
    }).pipe(Effect.provide(turns.layer))
  })
})

const textMessage = (from: number, text: string) => ({
  message_id: 1,
  date: 0,
  chat: { id: from, type: "private", first_name: "U" },
  from: { id: from, is_bot: false, first_name: "U" },
  text
})
