/**
 * The server wires its public URL into the Telegram bot: with an https `PUBLIC_URL` the bot's chat menu button opens
 * the cabinet as a Mini App (the http case and a refused call are covered by the adapter's own test).
 */
import { FakeTelegram } from "@groupbuy/adapters/testing"
import { coreProfiles } from "@groupbuy/core/testing"
import { afterAll, assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import { ServerConfig } from "../src/config/ServerConfig.js"
import { AppLive } from "../src/Server.js"
import { testSettings } from "./utils/TestServer.js"

const TOKEN = "123456:menu-button-test-token"
const PUBLIC_URL = "https://groupbuy.example"

const telegram = await FakeTelegram.start()
afterAll(() => telegram.close())
telegram.addBot(TOKEN)

const layer = Layer.fresh(
  AppLive.pipe(
    Layer.provideMerge(coreProfiles()[0]!.layer),
    Layer.provideMerge(
      Layer.succeed(
        ServerConfig,
        testSettings({
          host: "127.0.0.1",
          publicUrl: PUBLIC_URL,
          telegram: Option.some({ token: Redacted.make(TOKEN), apiRoot: Option.some(telegram.apiRoot) })
        })
      )
    )
  )
)

describe("the Telegram menu button on the server", () => {
  layerOf(layer, { timeout: "120 seconds", excludeTestServices: true })((it) => {
    it.effect("an https PUBLIC_URL becomes the bot's web_app menu button", () =>
      Effect.sync(() => {
        const button = telegram.menuButton(TOKEN) as { type?: string; web_app?: { url?: string } }
        assert.strictEqual(button.type, "web_app")
        assert.strictEqual(button.web_app?.url, PUBLIC_URL)
        assert.strictEqual(telegram.calls({ token: TOKEN, method: "setChatMenuButton" }).length, 1)
      })
    )
  })
})
