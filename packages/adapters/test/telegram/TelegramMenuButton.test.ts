/**
 * The chat menu button opens the cabinet as a Mini App when the bot is given an https cabinet URL; an http URL is
 * refused by Telegram, so the bot does not ask and says why once; a failed call leaves a working bot.
 */
import { assert, describe, it } from "@effect/vitest"
import { text } from "@groupbuy/router"
import { Effect, Layer, Logger, Redacted } from "effect"
import * as TelegramBot from "../../src/telegram/TelegramBot.js"
import { FakeTelegram } from "../fakes/telegram/FakeTelegram.js"
import { scopedFake, scriptedTurns, waitFor } from "../shared/TestTurns.js"

const TOKEN = "222:BBB"

/** The scripted turns and a logger that keeps every line, for one test. */
const harness = () => {
  const logs: Array<string> = []
  const capture = Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ logLevel, message }) => logs.push(`${logLevel.label} ${[message].flat().join(" ")}`))
  )
  return { logs, layer: Layer.merge(scriptedTurns().layer, capture) }
}

/** A polling bot given `miniAppUrl`, against a fresh fake (`prepare` runs before the bot starts). */
const start = (miniAppUrl: string, prepare: (fake: FakeTelegram) => void = () => {}) =>
  Effect.gen(function* () {
    const fake = yield* scopedFake(() => FakeTelegram.start())
    fake.addBot(TOKEN)
    prepare(fake)
    yield* TelegramBot.make({
      id: "tg-menu",
      token: Redacted.make(TOKEN),
      apiRoot: fake.apiRoot,
      mode: { _tag: "Polling", timeoutSeconds: 1 },
      miniAppUrl
    })
    return fake
  })

const menuCalls = (fake: FakeTelegram) => fake.calls({ token: TOKEN, method: "setChatMenuButton" })

describe("TelegramBot's Mini App menu button", () => {
  it.scopedLive("an https cabinet URL becomes the default menu button, a web_app opening the cabinet", () => {
    const { logs, layer } = harness()
    return Effect.gen(function* () {
      const fake = yield* start("https://groupbuy.example/")
      assert.deepStrictEqual(fake.menuButton(TOKEN), {
        type: "web_app",
        text: text("ru", "web.open"),
        web_app: { url: "https://groupbuy.example/" }
      })
      assert.strictEqual(menuCalls(fake).length, 1)
      assert.deepStrictEqual(
        logs.filter((l) => l.includes("menu button")),
        []
      )
    }).pipe(Effect.provide(layer))
  })

  it.scopedLive("an http cabinet URL is not offered to Telegram, and the log says why once", () => {
    const { logs, layer } = harness()
    return Effect.gen(function* () {
      const fake = yield* start("http://127.0.0.1:3000/")
      assert.deepStrictEqual(menuCalls(fake), [])
      assert.deepStrictEqual(fake.menuButton(TOKEN), { type: "default" })
      const why = logs.filter((l) => l.includes("menu button"))
      assert.strictEqual(why.length, 1)
      assert.match(why[0]!, /^INFO .*https/)
    }).pipe(Effect.provide(layer))
  })

  it.scopedLive("a refused setChatMenuButton is logged and the bot still answers", () => {
    const { logs, layer } = harness()
    return Effect.gen(function* () {
      const fake = yield* start("https://groupbuy.example/", (fake) =>
        fake.failNext(TOKEN, "setChatMenuButton", { error_code: 400, description: "Bad Request: BUTTON_INVALID" })
      )
      assert.deepStrictEqual(
        menuCalls(fake).map((c) => c.status),
        [400]
      )
      assert.deepStrictEqual(fake.menuButton(TOKEN), { type: "default" })
      assert.isTrue(logs.some((l) => /^WARN setChatMenuButton failed/.test(l)))

      yield* Effect.promise(() => fake.text(TOKEN, 42, "/start"))
      const reply = yield* waitFor(
        () => fake.calls({ token: TOKEN, method: "sendMessage", ok: true })[0],
        "the answer to /start"
      )
      assert.strictEqual(reply.params.chat_id, 42)
    }).pipe(Effect.provide(layer))
  })
})
