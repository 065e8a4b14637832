/**
 * The cabinet's "My bot shop" in Chromium, against the fake Telegram that the server asks about tokens: the entry
 * appears with the shop; an empty submit says what is missing next to each field; a wrong token is refused next to the
 * token field in Russian with everything typed kept; the right token (submitted with a double click) opens exactly one
 * shop whose bot is named and running; pause and resume change its status; in the admin panel's "Бот-магазины" the
 * administrator sees the default commission, a wrong percentage is refused, 15 % is saved and shows in the owner's
 * cabinet, a block (asked first) takes the owner's pause away until it is lifted; delete asks first and removes it. Phone width without sideways scrolling; axe-core on every screen.
 */
import { FakeTelegram } from "@groupbuy/adapters/testing"
import { ReferralShops, ShopSettings, UpdateShopSettings } from "@groupbuy/core"
import { SqlClient } from "@effect/sql"
import { insertUser } from "@groupbuy/core/testing"
import { afterAll, assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect, Option } from "effect"
import type { Page } from "playwright-core"
import { freePort, launchChromium } from "../../server/test/utils/Browser.js"
import { ensureWebBuild } from "../../server/test/utils/WebBuild.js"
import { adminSignedIn, openSection } from "./utils/AdminPanel.js"
import { record } from "./utils/Audit.js"
import { cabinetServer, signedIn } from "./utils/CabinetServer.js"

ensureWebBuild()

const telegram = await FakeTelegram.start({ limits: false })
afterAll(() => telegram.close())
const TOKEN = "7355608:MyShopCabinetToken"
telegram.addBot(TOKEN, { username: "olga_honey_bot" })

const port = await freePort()
const origin = `http://127.0.0.1:${port}`
const PHONE = { width: 375, height: 740 }

const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)

describe("the cabinet's own bot shop, in Chromium", () => {
  layerOf(cabinetServer(port, { telegramApiRoot: Option.some(telegram.apiRoot) }), {
    timeout: "240 seconds",
    excludeTestServices: true
  })((it) => {
    it.scoped(
      "create from a token (a wrong one refused, a double click opens one), pause, commission, delete",
      () =>
        Effect.gen(function* () {
          const browser = yield* launchChromium
          const sql = yield* SqlClient.SqlClient
          const violations: Array<string> = []
          yield* (yield* ShopSettings).update(
            new UpdateShopSettings({ offer: { shop: true }, referralCommissionPercent: 10 })
          )
          const owner = yield* insertUser({ firstName: "Ольга" })
          const { page, problems } = yield* signedIn(browser, origin, owner)
          page.setDefaultTimeout(20_000)

          const refused = yield* Effect.promise(async () => {
            await page.setViewportSize(PHONE)
            await page.reload()
            await page
              .getByRole("navigation", { name: "Разделы" })
              .getByRole("link", { name: "Мой бот-магазин" })
              .click()
            await page.getByTestId("myshop-none").waitFor()
            await page.getByText("10% комиссии").waitFor()
            // only this section is marked current ("Мои закупки" at /my is a different one)
            const current = await page
              .getByRole("navigation", { name: "Разделы" })
              .locator('[aria-current="page"]')
              .allInnerTexts()
            assert.deepStrictEqual(current, ["Мой бот-магазин"])
            assert.strictEqual(await sideways(page), 0, "the empty screen does not scroll sideways")
            await record(page, "myshop-empty", violations)
            // nothing typed: each field says what it needs
            await page.getByTestId("myshop-create").click()
            const missing = {
              name: await page.locator("#myshop-name-error").innerText(),
              token: await page.locator("#myshop-token-error").innerText()
            }
            // a wrong token: the platform does not know it
            await page.getByLabel("Название магазина").fill("Мёд от Ольги")
            await page.getByLabel("Приветствие для покупателей (необязательно)").fill("Добро пожаловать!")
            await page.getByLabel("Токен бота").fill("123:not-a-real-token")
            await page.getByTestId("myshop-create").click()
            const error = page.locator("#myshop-token-error")
            await error.filter({ hasText: /токен/i }).waitFor()
            await record(page, "myshop-refused", violations)
            return {
              missing,
              error: await error.innerText(),
              kept: [
                await page.getByLabel("Название магазина").inputValue(),
                await page.getByLabel("Приветствие для покупателей (необязательно)").inputValue()
              ]
            }
          })
          assert.deepStrictEqual(refused.missing, {
            name: "Напишите название — от 1 до 100 символов.",
            token: "Вставьте токен бота."
          })
          assert.include(refused.error, "Этот токен не работает")
          assert.deepStrictEqual(refused.kept, ["Мёд от Ольги", "Добро пожаловать!"])
          assert.strictEqual((yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM referral_shops`)[0]!.n, 0)

          // the right token, submitted with a double click: one shop, its bot named and running
          const created = yield* Effect.promise(async () => {
            await page.getByLabel("Токен бота").fill(TOKEN)
            await page.getByTestId("myshop-create").dblclick()
            await page.getByTestId("myshop-notice").filter({ hasText: "@olga_honey_bot" }).waitFor()
            const shop = page.getByTestId("myshop-shop")
            await shop.waitFor()
            assert.strictEqual(await sideways(page), 0, "the shop's card does not scroll sideways")
            await record(page, "myshop-created", violations)
            return {
              shops: await shop.count(),
              status: await shop.getByTestId("myshop-status").innerText(),
              link: await shop.getByRole("link", { name: "@olga_honey_bot" }).getAttribute("href"),
              commission: await shop.getByTestId("myshop-commission").innerText(),
              token: await page.getByLabel("Токен бота").inputValue()
            }
          })
          assert.deepStrictEqual(created, {
            shops: 1,
            status: "работает",
            link: "https://t.me/olga_honey_bot",
            commission: "Комиссия: 10%",
            token: ""
          })
          const rows = yield* sql<{ name: string; greeting: string }>`SELECT name, greeting FROM referral_shops`
          assert.deepStrictEqual(rows, [{ name: "Мёд от Ольги", greeting: "Добро пожаловать!" }])

          // pause and resume; an administrator's commission for this shop shows after a reload
          const shops = yield* ReferralShops
          const [shop] = yield* shops.mine(owner)
          const statuses = yield* Effect.promise(async () => {
            const card = page.getByTestId("myshop-shop")
            await page.getByTestId("myshop-toggle").click()
            await page.locator('[data-testid="myshop-shop"][data-status="paused"]').waitFor()
            const paused = await card.getByTestId("myshop-status").innerText()
            await page.getByTestId("myshop-toggle").click()
            await page.locator('[data-testid="myshop-shop"][data-status="active"]').waitFor()
            return [paused, await card.getByTestId("myshop-status").innerText()]
          })
          assert.deepStrictEqual(statuses, ["на паузе", "работает"])
          // the administrator, in the panel's "Бот-магазины": a wrong percentage refused, 15 % saved; then a block
          const admin = yield* adminSignedIn(browser, origin, "shops-admin@example.com")
          admin.page.setDefaultTimeout(20_000)
          const adminSaw = yield* Effect.promise(async () => {
            const panel = admin.page
            await openSection(panel, "Бот-магазины")
            const row = panel.locator(`tr[data-shop-id="${shop!.id}"]`)
            await row.waitFor()
            const before = await row.getByTestId(`commission-shown-${shop!.id}`).innerText()
            await row.getByTestId(`commission-${shop!.id}`).fill("150")
            await row.getByRole("button", { name: "Сохранить" }).click()
            const refusal = await row.locator(`#commission-${shop!.id}-error`).innerText()
            await row.getByTestId(`commission-${shop!.id}`).fill("15")
            await row.getByRole("button", { name: "Сохранить" }).click()
            await panel.getByTestId("referral-shops-notice").filter({ hasText: "15%" }).waitFor()
            await record(panel, "admin-referral-shops", violations)
            await panel.getByTestId(`block-${shop!.id}`).click()
            await panel.getByTestId(`block-${shop!.id}-confirm`).click()
            await panel.locator(`tr[data-shop-id="${shop!.id}"][data-status="blocked"]`).waitFor()
            return { before, refusal }
          })
          assert.deepStrictEqual(adminSaw, {
            before: "10% (по умолчанию)",
            refusal: "Введите число от 0 до 100 (до двух знаков после запятой)."
          })
          assert.strictEqual((yield* shops.get(shop!.id)).commissionPercent, "15.00")
          const blocked = yield* Effect.promise(async () => {
            await page.reload()
            await page.locator('[data-testid="myshop-shop"][data-status="blocked"]').waitFor()
            return {
              commission: await page.getByTestId("myshop-commission").innerText(),
              status: await page.getByTestId("myshop-status").innerText(),
              toggles: await page.getByTestId("myshop-toggle").count()
            }
          })
          assert.deepStrictEqual(blocked, {
            commission: "Комиссия: 15%",
            status: "заблокирован администратором",
            toggles: 0
          })
          // unblocked by the administrator, the owner can delete it
          yield* Effect.promise(async () => {
            await admin.page.getByTestId(`unblock-${shop!.id}`).click()
            await admin.page.getByTestId(`unblock-${shop!.id}-confirm`).click()
            await admin.page.locator(`tr[data-shop-id="${shop!.id}"][data-status="active"]`).waitFor()
            await page.reload()
            await page.locator('[data-testid="myshop-shop"][data-status="active"]').waitFor()
          })

          // delete: asked first, then gone; the token is free for another shop
          yield* Effect.promise(async () => {
            await page.getByTestId(`myshop-delete-${shop!.id}`).click()
            const dialog = page.getByRole("dialog")
            await dialog.getByText("Удалить магазин «Мёд от Ольги»?").waitFor()
            await page.getByTestId(`myshop-delete-${shop!.id}-confirm`).click()
            await page.getByTestId("myshop-none").waitFor()
            await page.getByTestId("myshop-notice").filter({ hasText: "удалён" }).waitFor()
          })
          assert.deepStrictEqual(
            (yield* shops.mine(owner)).map((s) => s.status),
            []
          )
          assert.deepStrictEqual(problems, [])
          assert.deepStrictEqual(admin.problems, [])
          assert.deepStrictEqual(violations, [])
        }),
      240_000
    )
  })
})
