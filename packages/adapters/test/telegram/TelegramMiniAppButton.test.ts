/**
 * `/web` through the real engine and grammY against the fake Bot API (which refuses what Telegram refuses: `web_app`
 * buttons outside private chats or to non-https pages): with an https cabinet the private chat gets a Mini App
 * button opening the cabinet, the same page as the chat menu button; a group chat, or an http cabinet, gets a link
 * button with a one-time login code that signs the person in.
 */
import { assert, describe, it } from "@effect/vitest"
import { IdentityRef, RegisterUser, Users } from "@groupbuy/core"
import { CabinetUrl } from "@groupbuy/router"
import { Effect, Redacted, TestServices } from "effect"
import * as TelegramBot from "../../src/telegram/TelegramBot.js"
import { FakeTelegram, TelegramUpdates } from "../fakes/telegram/FakeTelegram.js"
import { engineLayer } from "../shared/CoreSupport.js"
import { scopedFake, waitFor } from "../shared/TestTurns.js"

const TOKEN = "333:miniapp"
const USER = 501
const GROUP = -100_500

type InlineButton = { text: string; url?: string; web_app?: { url: string } }

/** A running bot with a registered Telegram user, and a way to send `/web` and get the one button of the answer. */
const start = (webBaseUrl: string) =>
  Effect.gen(function* () {
    const fake = yield* scopedFake(() => FakeTelegram.start({ limits: false }))
    fake.addBot(TOKEN)
    yield* TelegramBot.make({
      id: "tg-miniapp",
      token: Redacted.make(TOKEN),
      apiRoot: fake.apiRoot,
      mode: { _tag: "Polling", timeoutSeconds: 1 },
      miniAppUrl: CabinetUrl.miniApp(webBaseUrl)
    })
    const users = yield* Users
    yield* users.register(
      new RegisterUser({
        identity: new IdentityRef({ platform: "telegram", externalId: String(USER) }),
        firstName: "Мила",
        role: "buyer"
      })
    )
    const web = (chat?: Record<string, unknown>) =>
      Effect.gen(function* () {
        const before = fake.calls({ token: TOKEN, method: "sendMessage" }).length
        yield* Effect.promise(() => fake.text(TOKEN, USER, "/web", chat))
        const call = yield* waitFor(
          () => fake.calls({ token: TOKEN, method: "sendMessage" })[before],
          "the answer to /web"
        )
        assert.strictEqual(call.status, 200, "Telegram accepted the message")
        const markup = call.params.reply_markup as { inline_keyboard: Array<Array<InlineButton>> }
        assert.strictEqual(markup.inline_keyboard.flat().length, 1)
        return markup.inline_keyboard[0]![0]!
      })
    /** the login link's code signs the user in, once */
    const redeem = (url: string) =>
      Effect.gen(function* () {
        const link = new URL(url)
        assert.strictEqual(`${link.origin}${link.pathname}`, `${webBaseUrl}/login`)
        assert.strictEqual((yield* users.redeemWebLogin(link.searchParams.get("code")!)).firstName, "Мила")
      })
    return { fake, web, redeem }
  })

describe("/web on Telegram with an https cabinet", () => {
  const base = "https://cabinet.example"
  it.layer(engineLayer([], { webBaseUrl: base }), { timeout: 120_000 })((it) => {
    it.scoped("a private chat gets a web_app button to the menu button's page; a group chat a login link", () =>
      TestServices.provideLive(
        Effect.gen(function* () {
          const { fake, web, redeem } = yield* start(base)
          const menu = fake.menuButton(TOKEN) as { type: string; web_app: { url: string } }
          assert.strictEqual(menu.type, "web_app")

          const mini = yield* web()
          assert.deepStrictEqual(mini, { text: "Открыть кабинет", web_app: { url: `${base}/` } })
          assert.strictEqual(mini.web_app!.url, menu.web_app.url)

          const inGroup = yield* web(TelegramUpdates.groupChat(GROUP))
          assert.strictEqual(inGroup.text, "Открыть кабинет")
          assert.isUndefined(inGroup.web_app)
          yield* redeem(inGroup.url!)
        })
      )
    )
  })
})

describe("/web on Telegram with an http cabinet", () => {
  const base = "http://127.0.0.1:3000"
  it.layer(engineLayer([], { webBaseUrl: base }), { timeout: 120_000 })((it) => {
    it.scoped("Telegram opens no http Mini App: the private chat gets a login link", () =>
      TestServices.provideLive(
        Effect.gen(function* () {
          const { web, redeem } = yield* start(base)
          const button = yield* web()
          assert.strictEqual(button.text, "Открыть кабинет")
          assert.isUndefined(button.web_app)
          yield* redeem(button.url!)
        })
      )
    )
  })
})
