/**
 * The server wires its public URL into the Telegram bot: with an https `PUBLIC_URL` the bot's chat menu button opens
 * the cabinet as a Mini App, and `/web` in a private chat answers with a Mini App button to the same page (the http
 * and group cases and a refused call are covered by the adapter's own tests).
 */
import { FakeTelegram } from "@groupbuy/adapters/testing"
import { IdentityRef, RegisterUser, Users } from "@groupbuy/core"
import { coreProfiles } from "@groupbuy/core/testing"
import { afterAll, assert, describe, layer as layerOf } from "@effect/vitest"
import { text } from "@groupbuy/router"
import { Effect } from "effect"
import { eventually, expectNow, telegramApp } from "./utils/AppHarness.js"

const TOKEN = "123456:menu-button-test-token"
const PUBLIC_URL = "https://groupbuy.example"
const USER = 4242

const telegram = await FakeTelegram.start()
afterAll(() => telegram.close())
telegram.addBot(TOKEN)

const layer = telegramApp(coreProfiles()[0]!.layer, TOKEN, telegram.apiRoot, { publicUrl: PUBLIC_URL })

describe("the Telegram menu button on the server", () => {
  layerOf(layer, { timeout: "120 seconds", excludeTestServices: true })((it) => {
    it.effect("an https PUBLIC_URL becomes the bot's web_app menu button", () =>
      Effect.sync(() => {
        const button = telegram.menuButton(TOKEN) as { type?: string; web_app?: { url?: string } }
        assert.strictEqual(button.type, "web_app")
        assert.strictEqual(button.web_app?.url, `${PUBLIC_URL}/`)
        assert.strictEqual(telegram.calls({ token: TOKEN, method: "setChatMenuButton" }).length, 1)
      })
    )

    it.effect("/web in a private chat opens the menu button's page as a Mini App", () =>
      Effect.gen(function* () {
        yield* (yield* Users).register(
          new RegisterUser({
            identity: new IdentityRef({ platform: "telegram", externalId: String(USER) }),
            firstName: "Вера",
            role: "buyer"
          })
        )
        yield* Effect.promise(() => telegram.text(TOKEN, USER, "/web"))
        yield* eventually(
          expectNow(
            () => telegram.sentMessages(TOKEN, USER).length > 0,
            () => "no answer to /web"
          )
        )
        const sent = telegram.sentMessages(TOKEN, USER)[0]!
        const menu = telegram.menuButton(TOKEN) as { web_app?: { url?: string } }
        assert.deepStrictEqual(sent.reply_markup, {
          inline_keyboard: [[{ text: text("ru", "web.open"), web_app: { url: menu.web_app?.url } }]]
        })
      })
    )
  })
})
