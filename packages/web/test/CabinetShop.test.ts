/**
 * The cabinet's shop in Chromium on a 375 px wide phone: while the shop is off there is no shop entry (and `/shop`
 * says it is closed); once an administrator turns it on, the entry appears; a buyer whose balance is short is offered a
 * deposit of exactly the missing amount (the server's figure), pays it on the sandbox page in a new tab, and the same
 * confirmation then buys — the keys shown, one order, the balance checked in the database. No screen scrolls sideways;
 * every screen is checked with axe-core and photographed (test-artifacts/web/shop-phone-*).
 */
import { Catalog, CreateProduct, Credit, Kopecks, Ledger, ShopSettings, UpdateShopSettings } from "@groupbuy/core"
import { SqlClient } from "@effect/sql"
import { insertUser } from "@groupbuy/core/testing"
import { assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect } from "effect"
import type { Page } from "playwright-core"
import { freePort, launchChromium } from "../../server/test/utils/Browser.js"
import { ensureWebBuild } from "../../server/test/utils/WebBuild.js"
import { record } from "./utils/Audit.js"
import { cabinetServer, signedIn } from "./utils/CabinetServer.js"

ensureWebBuild()

const port = await freePort()
const origin = `http://127.0.0.1:${port}`
const PHONE = { width: 375, height: 740 }

/** How far the page scrolls sideways at the current size (0: not at all). */
const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)

/** Reloads `page` and waits for the shop's public facts to have arrived, so the navigation reflects them. */
const reloadWithShopInfo = async (page: Page) => {
  const info = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/shop" && r.status() === 200)
  await page.reload()
  await info
  await page.getByRole("navigation", { name: "Разделы" }).getByRole("link", { name: "Баланс" }).waitFor()
}

describe("the cabinet's shop on a phone, in Chromium", () => {
  layerOf(cabinetServer(port), { timeout: "240 seconds", excludeTestServices: true })((it) => {
    it.scoped(
      "no entry while the shop is off; a short balance is offered exactly the missing amount, then the purchase goes through",
      () =>
        Effect.gen(function* () {
          const browser = yield* launchChromium
          const ledger = yield* Ledger
          const sql = yield* SqlClient.SqlClient
          const violations: Array<string> = []
          const buyer = yield* insertUser({ firstName: "Глеб" })
          yield* ledger.deposit(
            new Credit({ userId: buyer, amount: Kopecks.make(10_000n), idempotencyKey: `fund-${buyer}` })
          )
          const catalog = yield* Catalog
          const product = yield* catalog.create(
            new CreateProduct({ title: "Код подписки", price: Kopecks.make(15_000n), kind: "DIGITAL" })
          )
          yield* catalog.uploadItems(product.id, "CODE-111\nCODE-222\nCODE-333")

          const { page, problems } = yield* signedIn(browser, origin, buyer)
          page.setDefaultTimeout(20_000)
          yield* Effect.promise(async () => {
            await page.setViewportSize(PHONE)
            await reloadWithShopInfo(page)
            const nav = page.getByRole("navigation", { name: "Разделы" })
            assert.strictEqual(
              await nav.getByRole("link", { name: "Магазин", exact: true }).count(),
              0,
              "no shop entry while off"
            )
            await page.goto(`${origin}/shop`)
            await page.getByTestId("shop-closed").filter({ hasText: "Магазин сейчас закрыт." }).waitFor()
          })

          // the shop's own currency sign is shown with its prices
          yield* (yield* ShopSettings).update(
            new UpdateShopSettings({ offer: { shop: true }, currencyDisplay: "руб." })
          )
          yield* Effect.promise(async () => {
            await page.goto(`${origin}/`)
            await reloadWithShopInfo(page)
            await page
              .getByRole("navigation", { name: "Разделы" })
              .getByRole("link", { name: "Магазин", exact: true })
              .click()
            await page.getByRole("link", { name: "Другое" }).click()
            await page.getByRole("link", { name: "Код подписки" }).waitFor()
            assert.strictEqual(await sideways(page), 0, "the catalogue does not scroll sideways")
            await record(page, "shop-phone-catalog", violations)
            await page.setViewportSize(PHONE)
            await page.getByRole("link", { name: "Код подписки" }).click()
            await page.getByLabel("Количество").fill("2")
            await page.getByTestId("shop-next").click()
            await page.getByTestId("shop-buy").click()
            await page.getByTestId("shop-missing").waitFor()
          })
          const offered = yield* Effect.promise(async () => ({
            missing: await page.getByTestId("shop-missing").getAttribute("data-missing"),
            text: await page.getByTestId("shop-missing").innerText(),
            amount: await page.getByTestId("shop-missing").getByLabel("Сумма, ₽").inputValue(),
            sideways: await sideways(page)
          }))
          // 2 × 150 ₽ = 300 ₽ against 100 ₽: exactly 200 ₽ is offered
          assert.strictEqual(offered.missing, "20000")
          assert.strictEqual(offered.amount, "200")
          assert.include(offered.text, "не хватает 200,00 руб.")
          assert.strictEqual(offered.sideways, 0, "the missing-amount offer does not scroll sideways")
          assert.strictEqual((yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM orders`)[0]!.n, 0)
          yield* Effect.promise(() => record(page, "shop-phone-missing", violations))

          // the deposit's payment page opens in a new tab; the confirmation stays and buys once the money is there
          const delivered = yield* Effect.promise(async () => {
            await page.setViewportSize(PHONE)
            await page.getByTestId("deposit").click()
            const [payment] = await Promise.all([page.waitForEvent("popup"), page.getByTestId("deposit-link").click()])
            await payment.getByRole("button", { name: "Оплатить" }).click()
            await payment.getByText("Баланс пополнен").waitFor()
            await payment.close()
            await page.getByTestId("shop-covered").waitFor()
            assert.strictEqual(await page.getByTestId("shop-missing").count(), 0)
            await page.getByTestId("shop-buy").click()
            await page.getByTestId("delivered-items").waitFor()
            assert.strictEqual(await sideways(page), 0, "the delivery does not scroll sideways")
            await record(page, "shop-phone-delivered", violations)
            return page.getByTestId("delivered-items").locator("li").allInnerTexts()
          })
          assert.deepStrictEqual(delivered, ["CODE-111", "CODE-222"])
          assert.strictEqual(yield* ledger.balance(buyer), 0n)
          const orders = yield* sql<{ status: string; total: string }>`SELECT status, total::text FROM orders`
          assert.deepStrictEqual(orders, [{ status: "DELIVERED", total: "30000" }])

          // my orders on the phone
          yield* Effect.promise(async () => {
            await page.setViewportSize(PHONE)
            await page.getByRole("link", { name: "Открыть заказ" }).click()
            await page.getByRole("link", { name: "Мои заказы" }).click()
            await page.locator("[data-testid=shop-orders] tr[data-status=DELIVERED]").waitFor()
            assert.strictEqual(await sideways(page), 0, "my orders do not scroll sideways")
            await record(page, "shop-phone-orders", violations)
          })
          assert.deepStrictEqual(problems, [])
          assert.deepStrictEqual(violations, [])
        }),
      240_000
    )
  })
})
