/**
 * Signing in inside a Mini App, in Chromium against the real server (which runs its Telegram bot against the fake
 * Bot API): the cabinet opened the way Telegram opens a Mini App (`#tgWebAppData=…` in the fragment) or the way VK
 * does (signed `vk_*` launch parameters in the query) lands signed in as the account linked to that identity, with
 * no code; stale or tampered launch data is refused with a clear message and no session. The launch data is signed
 * as the platforms document it, independently of the server's code (server/test/utils/MiniAppLaunch.ts).
 */
import { FakeTelegram } from "@groupbuy/adapters/testing"
import { afterAll, assert, describe, layer as layerOf } from "@effect/vitest"
import { Duration, Effect, Option, Redacted } from "effect"
import type { Browser } from "playwright-core"
import { freePort, launchChromium, openPage } from "../../server/test/utils/Browser.js"
import { linkedAccount, signTelegramInitData, signVkLaunchParams } from "../../server/test/utils/MiniAppLaunch.js"
import { ensureWebBuild } from "../../server/test/utils/WebBuild.js"
import { record } from "./utils/Audit.js"
import { cabinetServer } from "./utils/CabinetServer.js"

ensureWebBuild()

const BOT_TOKEN = "123456789:AAE-mini-app-browser-test-token"
const VK_SECRET = "a-vk-app-secret-for-the-browser-test"
const TELEGRAM_ID = 424242
const OTHER_TELEGRAM_ID = 515151
const VK_ID = 777001

const port = await freePort()
const origin = `http://127.0.0.1:${port}`
const telegram = await FakeTelegram.start({ limits: false })
afterAll(() => telegram.close())
telegram.addBot(BOT_TOKEN)

const platform = cabinetServer(port, {
  telegram: Option.some({ token: Redacted.make(BOT_TOKEN), apiRoot: Option.some(telegram.apiRoot) }),
  vkAppSecret: Option.some(Redacted.make(VK_SECRET)),
  miniAppMaxAge: Duration.hours(2)
})

/** Telegram's `initData` for `userId`, signed at `authDate` (seconds) with the bot token. */
const telegramInitData = (userId: number, authDate: number) =>
  signTelegramInitData(
    {
      auth_date: String(authDate),
      query_id: "AAHdF6IQAAAAAN0XohDhrOrc",
      user: JSON.stringify({ id: userId, first_name: "Мария", language_code: "ru", allows_write_to_pm: true })
    },
    BOT_TOKEN
  )

/** The URL Telegram opens a Mini App with: the launch data in the fragment. */
const telegramLaunch = (initData: string) =>
  `${origin}/#tgWebAppData=${encodeURIComponent(initData)}&tgWebAppVersion=7.0&tgWebAppPlatform=web`

/** VK's launch parameters for `userId` at `ts` (seconds), signed with the app secret. */
const vkLaunchParams = (userId: number, ts: number) =>
  signVkLaunchParams(
    {
      vk_app_id: "51234567",
      vk_are_notifications_enabled: "0",
      vk_is_app_user: "1",
      vk_language: "ru",
      vk_platform: "desktop_web",
      vk_ts: String(ts),
      vk_user_id: String(userId)
    },
    VK_SECRET
  )

/** Opens the cabinet at `url` and waits for it to settle: signed in (the id in the tab's session) or refused. */
const launch = (browser: Browser, url: string) =>
  Effect.gen(function* () {
    const opened = yield* openPage(browser, url, { locale: "ru-RU" })
    const page = opened.page
    return yield* Effect.promise(async () => {
      const settled = page.getByRole("button", { name: "Выйти" }).or(page.getByTestId("mini-app-refused"))
      await settled.first().waitFor({ timeout: 20_000 })
      const refused = await page.getByTestId("mini-app-refused").isVisible()
      const stored = await page.evaluate(() => window.sessionStorage.getItem("groupbuy.web.session"))
      return {
        page,
        problems: opened.problems,
        refused: refused ? await page.getByTestId("mini-app-refused").textContent() : undefined,
        userId: (JSON.parse(stored ?? "{}") as { user?: { id?: string } }).user?.id
      }
    })
  })

describe("Mini App sign-in in Chromium", () => {
  layerOf(platform, { timeout: "180 seconds", excludeTestServices: true })((it) => {
    it.scoped("Telegram and VK launches sign in their linked accounts; stale or tampered data is refused", () =>
      Effect.gen(function* () {
        const browser = yield* launchChromium
        const maria = yield* linkedAccount("telegram", TELEGRAM_ID, "Мария")
        // the account a tampered launch tries to take over
        yield* linkedAccount("telegram", OTHER_TELEGRAM_ID, "Олег")
        const vera = yield* linkedAccount("vk", VK_ID, "Вера")
        const now = Math.floor(Date.now() / 1000)

        // PUBLIC_URL is http here: Telegram would refuse a web app there, so the bot never asked for a menu button
        assert.deepStrictEqual(telegram.calls({ token: BOT_TOKEN, method: "setChatMenuButton" }), [])

        // Telegram: signed in as the linked account, on the procurements screen, no code asked
        const viaTelegram = yield* launch(browser, telegramLaunch(telegramInitData(TELEGRAM_ID, now)))
        assert.isUndefined(viaTelegram.refused)
        assert.strictEqual(viaTelegram.userId, maria.id)
        yield* Effect.promise(() => viaTelegram.page.getByTestId("procurement-list").waitFor({ timeout: 20_000 }))
        assert.strictEqual(new URL(viaTelegram.page.url()).pathname, "/")

        // VK: the same through its signed query
        const viaVk = yield* launch(browser, `${origin}/?${vkLaunchParams(VK_ID, now)}`)
        assert.isUndefined(viaVk.refused)
        assert.strictEqual(viaVk.userId, vera.id)

        // stale: signed three hours ago, MINI_APP_MAX_AGE is two
        const stale = yield* launch(browser, telegramLaunch(telegramInitData(TELEGRAM_ID, now - 3 * 3600)))
        // tampered: another linked account's id put into data signed for Мария
        const signed = new URLSearchParams(telegramInitData(TELEGRAM_ID, now))
        signed.set("user", signed.get("user")!.replace(`"id":${TELEGRAM_ID}`, `"id":${OTHER_TELEGRAM_ID}`))
        assert.include(signed.get("user"), String(OTHER_TELEGRAM_ID))
        const tampered = yield* launch(browser, telegramLaunch(signed.toString()))
        // VK tampered the same way
        const vkTampered = yield* launch(
          browser,
          `${origin}/?${vkLaunchParams(VK_ID, now).replace(`vk_user_id=${VK_ID}`, `vk_user_id=${VK_ID + 1}`)}`
        )
        for (const [name, refused, platformName] of [
          ["stale", stale, "Telegram"],
          ["tampered", tampered, "Telegram"],
          ["VK tampered", vkTampered, "VK"]
        ] as const) {
          assert.isUndefined(refused.userId, `${name}: no session`)
          assert.isNotEmpty(refused.refused, `${name}: refused`)
          assert.include(refused.refused, `${platformName} не подтвердил вход`, name)
          assert.isFalse(yield* Effect.promise(() => refused.page.getByRole("button", { name: "Выйти" }).isVisible()))
        }

        const violations: Array<string> = []
        yield* Effect.promise(() => record(tampered.page, "mini-app-refused", violations))
        assert.deepStrictEqual(violations, [])
        assert.deepStrictEqual(
          [viaTelegram, viaVk, stale, tampered, vkTampered].flatMap((l) => l.problems),
          []
        )
      })
    )
  })
})
