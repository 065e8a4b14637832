/**
 * A provider's product from the admin panel to the buyer's subscription, in Chromium against the real server and the
 * fake proxy6.net API: an administrator configures the provider in the panel (key, address, markup, what is sold)
 * and syncs it (the run OK in the sync log); a buyer buys the product in the cabinet and is shown the provider's
 * credentials; "My subscriptions" lists it with the time left, renews it after the confirmation (a double click
 * renews once — the balance checked in the database) and switches its auto-renewal off (checked in the database).
 * axe-core on every screen; screenshots in test-artifacts/web/shop-subscriptions-*.
 */
import { SqlClient } from "@effect/sql"
import { Ledger, ShopSettings, UpdateShopSettings } from "@groupbuy/core"
import { insertUser } from "@groupbuy/core/testing"
import { afterAll, assert, beforeAll, describe, layer as layerOf } from "@effect/vitest"
import { Effect } from "effect"
import { freePort, launchChromium } from "../../server/test/utils/Browser.js"
import { ensureWebBuild } from "../../server/test/utils/WebBuild.js"
import { FakeProxy6 } from "../../server/test/fakes/FakeProxy6.js"
import { adminSignedIn } from "./utils/AdminPanel.js"
import { record } from "./utils/Audit.js"
import { cabinetServer, signedIn } from "./utils/CabinetServer.js"

ensureWebBuild()

const port = await freePort()
const origin = `http://127.0.0.1:${port}`

let fake: FakeProxy6
beforeAll(async () => {
  fake = await FakeProxy6.start()
})
afterAll(() => fake.close())

describe("a provider's product and its subscription, in Chromium", () => {
  layerOf(cabinetServer(port), { timeout: "240 seconds", excludeTestServices: true })((it) => {
    it.scoped(
      "configured and synced in the panel, bought in the cabinet, renewed once and switched to manual renewal",
      () =>
        Effect.gen(function* () {
          const browser = yield* launchChromium
          const ledger = yield* Ledger
          const sql = yield* SqlClient.SqlClient
          const violations: Array<string> = []
          yield* (yield* ShopSettings).update(new UpdateShopSettings({ offer: { shop: true } }))

          const admin = yield* adminSignedIn(
            browser,
            origin,
            "subscriptions-admin@example.com",
            "/admin-panel/shop/providers"
          )
          admin.page.setDefaultTimeout(20_000)
          yield* Effect.promise(async () => {
            const page = admin.page
            const add = page.getByRole("form", { name: "Добавить поставщика" })
            await add.getByLabel("Включён").check()
            await add.getByLabel("Ключ API").fill(fake.apiKey)
            await add.getByLabel("Адрес API").fill(fake.baseUrl)
            await add.getByLabel("Наценка, % (пусто — по умолчанию)").fill("0")
            await add.getByLabel("Версии (через запятую: 3, 4, 6)").fill("4")
            await add.getByLabel("Страны (коды через запятую; пусто — все)").fill("ru")
            await add.getByLabel("Сроки, дней (через запятую)").fill("30")
            await add.getByTestId("provider-new-save").click()
            const card = page.getByTestId("provider-proxy6")
            await card.getByText(`ключ задан (…${fake.apiKey.slice(-4)})`).waitFor()
            assert.notInclude(await page.locator("main").innerText(), fake.apiKey)
            await card.getByTestId("sync-proxy6").click()
            await page.getByTestId("providers-notice").filter({ hasText: "успешно. Создано 1" }).waitFor()
            await page.locator("[data-testid=table-shop-sync-log] tbody tr[data-status=OK]").waitFor()
            await record(page, "shop-subscriptions-providers", violations)
          })

          // 30 days of an IPv4 proxy at 3,30 ₽ a day, no markup: 99 ₽
          const buyer = yield* insertUser({ firstName: "Тимур", balance: 50_000n })
          const { page, problems } = yield* signedIn(browser, origin, buyer)
          page.setDefaultTimeout(20_000)
          const credentials = yield* Effect.promise(async () => {
            await page.goto(`${origin}/shop?category=other`)
            await page.getByTestId("shop-products").getByRole("link").first().click()
            await page.getByTestId("shop-next").click()
            await page.getByTestId("shop-buy").click()
            await page.getByTestId("delivered-items").waitFor()
            return page.getByTestId("delivered-items").locator("li").allInnerTexts()
          })
          assert.lengthOf(credentials, 1)
          assert.isTrue(
            fake.proxies.some((p) => credentials[0]!.startsWith(p.host)),
            "the credentials are the provider's"
          )
          assert.strictEqual(yield* ledger.balance(buyer), 40_100n)

          const subscriptionId = yield* Effect.promise(async () => {
            await page.getByRole("link", { name: "Мои подписки" }).click()
            const card = page.locator("[data-testid=shop-subscriptions] li[data-status=ACTIVE]")
            await card.waitFor()
            const text = await card.innerText()
            assert.include(text, "Осталось: 29 дн.")
            assert.include(text, "Продление: 99,00 ₽ за 30 дн.")
            await record(page, "shop-subscriptions-list", violations)
            const id = (await card.getAttribute("data-subscription-id"))!
            await page.getByTestId(`renew-${id}`).click()
            const dialog = page.locator("dialog[open]")
            assert.include(await dialog.innerText(), "за 99,00 ₽")
            await dialog.getByRole("button", { name: "Продлить сейчас" }).dblclick()
            await page.getByTestId(`subscription-notice-${id}`).filter({ hasText: "продлена до" }).waitFor()
            // the switch shows the server's state: it turns off once the server has answered
            await page.getByTestId(`auto-renew-${id}`).click()
            await page.getByTestId(`subscription-notice-${id}`).filter({ hasText: "Автопродление выключено" }).waitFor()
            assert.isFalse(await page.getByTestId(`auto-renew-${id}`).isChecked())
            await record(page, "shop-subscriptions-renewed", violations)
            return id
          })
          assert.strictEqual(yield* ledger.balance(buyer), 30_200n, "a double click renews once")
          const [row] = yield* sql<{ autoRenew: boolean; days: number }>`
            SELECT auto_renew AS "autoRenew",
                   round(extract(epoch FROM expires_at - created_at) / 86400)::int AS days
            FROM subscriptions WHERE id = ${subscriptionId}`
          assert.deepStrictEqual(row, { autoRenew: false, days: 60 })
          assert.deepStrictEqual(problems, [])
          assert.deepStrictEqual(admin.problems, [])
          assert.deepStrictEqual(violations, [])
        }),
      240_000
    )
  })
})
