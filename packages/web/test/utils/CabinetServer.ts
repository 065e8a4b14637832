/** The whole platform serving the built cabinet on a loopback port, and a browser signed in to it. */
import { FetchHttpClient } from "@effect/platform"
import { type UserId, Users } from "@groupbuy/core"
import { coreProfiles } from "@groupbuy/core/testing"
import { Effect, Layer } from "effect"
import type { Browser } from "playwright-core"
import { ServerConfig, type ServerSettings } from "../../../server/src/config/ServerConfig.js"
import { AppLive } from "../../../server/src/Server.js"
import { openPage } from "../../../server/test/utils/Browser.js"
import { testSettings } from "../../../server/test/utils/TestServer.js"

/** `AppLive` on the first core profile at `http://127.0.0.1:{port}` (its PUBLIC_URL), with `overrides`. */
export const cabinetServer = (port: number, overrides: Partial<ServerSettings> = {}) =>
  Layer.fresh(
    AppLive.pipe(
      Layer.provideMerge(coreProfiles()[0]!.layer),
      Layer.provideMerge(
        Layer.succeed(
          ServerConfig,
          testSettings({ host: "127.0.0.1", port, publicUrl: `http://127.0.0.1:${port}`, ...overrides })
        )
      ),
      Layer.provideMerge(FetchHttpClient.layer)
    )
  )

/** A browser context signed in as `user` through a one-time code and the real /login screen (Russian). */
export const signedIn = (browser: Browser, origin: string, user: UserId) =>
  Effect.gen(function* () {
    const { code } = yield* (yield* Users).createCode(user, "web_login", "10 minutes")
    const opened = yield* openPage(browser, `${origin}/login?code=${encodeURIComponent(code)}`, { locale: "ru-RU" })
    yield* Effect.promise(async () => {
      await opened.page.getByRole("button", { name: "Войти" }).click()
      await opened.page.getByRole("button", { name: "Выйти" }).waitFor({ timeout: 20_000 })
    })
    return opened
  })
