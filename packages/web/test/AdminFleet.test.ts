/**
 * The admin panel's bot records and spare tokens in Chromium, against the fake Telegram the server asks about tokens:
 * a wrong token is refused next to its field in Russian (nothing written); the right one added as a main bot runs at
 * once and answers /start through the fake; paused, it stops; removed (asked first), it is gone and its token free.
 * A spare token is listed by its last four characters only and removed again. axe-core on the page.
 */
import { FakeTelegram } from "@groupbuy/adapters/testing"
import { Bots } from "@groupbuy/core"
import { afterAll, assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect, Option } from "effect"
import { freePort, launchChromium } from "../../server/test/utils/Browser.js"
import { ensureWebBuild } from "../../server/test/utils/WebBuild.js"
import { adminSignedIn, openSection } from "./utils/AdminPanel.js"
import { record } from "./utils/Audit.js"
import { cabinetServer } from "./utils/CabinetServer.js"

ensureWebBuild()

const telegram = await FakeTelegram.start({ limits: false })
afterAll(() => telegram.close())
const TOKEN = "7355609:AdminFleetToken"
const SPARE = "7355610:AdminSpareTokenWXYZ"
telegram.addBot(TOKEN, { username: "second_main_bot" })

const port = await freePort()
const origin = `http://127.0.0.1:${port}`

describe("bot records and spare tokens in the admin panel, in Chromium", () => {
  layerOf(cabinetServer(port, { telegramApiRoot: Option.some(telegram.apiRoot) }), {
    timeout: "240 seconds",
    excludeTestServices: true
  })((it) => {
    it.scoped(
      "add by token (a wrong one refused), it answers; pause, remove; a spare token added and removed",
      () =>
        Effect.gen(function* () {
          const browser = yield* launchChromium
          const violations: Array<string> = []
          const { page, problems } = yield* adminSignedIn(browser, origin, "fleet-admin@example.com")
          page.setDefaultTimeout(20_000)
          const added = yield* Effect.promise(async () => {
            await openSection(page, "Боты")
            await page.getByRole("heading", { name: "Записи ботов" }).waitFor()
            const form = page.getByRole("form", { name: "Добавить бота" })
            await form.getByLabel("Роль").selectOption("main")
            await form.getByLabel("Токен бота (Telegram) или ключ сообщества (VK)").fill("123:wrong")
            await page.getByTestId("add-bot-submit").click()
            const error = page.locator("#add-bot-token-error")
            await error.filter({ hasText: /\S/ }).waitFor()
            const refusal = await error.innerText()
            await form.getByLabel("Токен бота (Telegram) или ключ сообщества (VK)").fill(TOKEN)
            await page.getByTestId("add-bot-submit").click()
            await page.getByTestId("records-notice").filter({ hasText: "@second_main_bot" }).waitFor()
            const row = page.locator('[data-testid="bot-records"] tr', { hasText: "@second_main_bot" })
            await row.and(page.locator('[data-running="true"]')).waitFor()
            await record(page, "admin-bot-records", violations)
            return { refusal, id: await row.getAttribute("data-record-id"), role: await row.getAttribute("data-role") }
          })
          assert.include(added.refusal, "токен")
          assert.strictEqual(added.role, "main")
          const id = added.id!

          // the new main bot answers through the fake Telegram
          yield* Effect.promise(async () => {
            await telegram.text(TOKEN, 4242, "/start")
            for (let i = 0; i < 100 && telegram.sentMessages(TOKEN, 4242).length === 0; i++)
              await new Promise((r) => setTimeout(r, 100))
          })
          assert.isAbove(telegram.sentMessages(TOKEN, 4242).length, 0, "the added bot answered /start")

          // paused: not running; removed (asked first): gone, its record deleted
          yield* Effect.promise(async () => {
            await page.getByTestId(`record-toggle-${id}`).click()
            await page.locator(`tr[data-record-id="${id}"][data-status="paused"][data-running="false"]`).waitFor()
            await page.getByTestId(`record-remove-${id}`).click()
            await page.getByTestId(`record-remove-${id}-confirm`).click()
            await page.locator(`tr[data-record-id="${id}"]`).waitFor({ state: "detached" })
          })
          assert.strictEqual((yield* (yield* Bots).get(id)).status, "deleted")

          // a spare token: only its last four characters are shown; removed again
          const spare = yield* Effect.promise(async () => {
            const form = page.getByRole("form", { name: "Добавить в запас" })
            await form.getByLabel("Токен бота (Telegram) или ключ сообщества (VK)").fill(SPARE)
            await page.getByTestId("add-spare-submit").click()
            const entry = page.getByTestId("bot-pool").locator("li", { hasText: "…WXYZ" })
            await entry.waitFor()
            const text = await entry.innerText()
            const html = await page.content()
            await page.getByTestId("pool-remove-WXYZ").click()
            await page.getByTestId("pool-remove-WXYZ-confirm").click()
            await entry.waitFor({ state: "detached" })
            return { text, leaked: html.includes(SPARE) }
          })
          assert.include(spare.text, "в запасе")
          assert.isFalse(spare.leaked, "the token is never on the page")
          assert.deepStrictEqual(problems, [])
          assert.deepStrictEqual(violations, [])
        }),
      240_000
    )
  })
})
