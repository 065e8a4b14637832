/**
 * The pages work in Chromium under their Content-Security-Policy: the web chat page opens the widget and its
 * WebSocket to PUBLIC_URL, the API docs (Scalar, inline) render; no CSP violation on either.
 */
import { FetchHttpClient } from "@effect/platform"
import { coreProfiles } from "@groupbuy/core/testing"
import { assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect, Layer } from "effect"
import type { Browser } from "playwright-core"
import { ServerConfig } from "../src/config/ServerConfig.js"
import { AppLive } from "../src/Server.js"
import { freePort, launchChromium, openPage } from "./utils/Browser.js"
import { testSettings } from "./utils/TestServer.js"

const port = await freePort()
const origin = `http://127.0.0.1:${port}`

/** Opens `path`; collects CSP violations (the page's own event) and page errors. */
const open = (browser: Browser, path: string) => openPage(browser, `${origin}${path}`)

const profile = coreProfiles()[0]!
const platform = Layer.fresh(
  AppLive.pipe(
    Layer.provideMerge(profile.layer),
    Layer.provideMerge(Layer.succeed(ServerConfig, testSettings({ host: "127.0.0.1", port, publicUrl: origin }))),
    Layer.provideMerge(FetchHttpClient.layer)
  )
)

describe("pages under their CSP in Chromium", () => {
  layerOf(platform, { timeout: "120 seconds", excludeTestServices: true })((it) => {
    it.scoped("the web chat page opens the widget and its WebSocket to PUBLIC_URL", () =>
      Effect.gen(function* () {
        const browser = yield* launchChromium
        const { page, problems, sockets } = yield* open(browser, "/widget")
        yield* Effect.promise(async () => {
          await page.locator("groupbuy-chat .gb-input").waitFor({ timeout: 20_000 })
          await page.locator("groupbuy-chat .gb-input").fill("/start")
          await page.locator("groupbuy-chat .gb-input").press("Enter")
          await page.locator("groupbuy-chat .gb-message.gb-bot").first().waitFor({ timeout: 20_000 })
        })
        assert.include(sockets, `ws://127.0.0.1:${port}/ws/chat`)
        assert.deepStrictEqual(problems, [])
      })
    )

    it.scoped("the API docs render", () =>
      Effect.gen(function* () {
        const browser = yield* launchChromium
        const { page, problems } = yield* open(browser, "/api/docs")
        // the sidebar lists the API's groups once Scalar has run
        yield* Effect.promise(() => page.getByText("adminAuth", { exact: true }).first().waitFor({ timeout: 30_000 }))
        // Scalar's bundle probes whether eval is allowed (`new Function("")` in a try) and does without it
        assert.deepStrictEqual(
          problems.filter((p) => p !== "CSP: script-src eval"),
          []
        )
      })
    )
  })
})
