/**
 * The shop in Chromium against the real server, end to end: an administrator turns the shop on in the panel's shop
 * settings, creates a DIGITAL product (the empty form refused in Russian, field by field), uploads its keys (a repeated
 * and a blank line counted, not added) and sees the stock; a buyer buys 2 in the cabinet with a double click and sees
 * exactly the 2 keys (one order, one debit, checked in the database); the order is in the panel's orders (never with
 * the keys), and the administrator refunds it with a double click — the buyer's balance comes back once. Every screen
 * is checked with axe-core and photographed (test-artifacts/web/shop-admin-*, shop-cabinet-*).
 */
import { SqlClient } from "@effect/sql"
import { Catalog, CreateProduct, Credit, Kopecks, Ledger, Orders, PurchaseRequest, ShopSettings } from "@groupbuy/core"
import { insertUser } from "@groupbuy/core/testing"
import { assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect } from "effect"
import { freePort, launchChromium } from "../../server/test/utils/Browser.js"
import { ensureWebBuild } from "../../server/test/utils/WebBuild.js"
import { adminSignedIn, openSection } from "./utils/AdminPanel.js"
import { record } from "./utils/Audit.js"
import { cabinetServer, signedIn } from "./utils/CabinetServer.js"

ensureWebBuild()

const port = await freePort()
const origin = `http://127.0.0.1:${port}`

describe("the shop in the admin panel and the cabinet, in Chromium", () => {
  layerOf(cabinetServer(port), { timeout: "240 seconds", excludeTestServices: true })((it) => {
    it.scoped(
      "an administrator creates a DIGITAL product and uploads keys; a buyer buys 2; the administrator refunds it",
      () =>
        Effect.gen(function* () {
          const browser = yield* launchChromium
          const ledger = yield* Ledger
          const sql = yield* SqlClient.SqlClient
          const violations: Array<string> = []
          const buyer = yield* insertUser({ firstName: "Вера" })
          yield* ledger.deposit(
            new Credit({ userId: buyer, amount: Kopecks.make(100_000n), idempotencyKey: `fund-${buyer}` })
          )

          const { page, problems } = yield* adminSignedIn(browser, origin, "shop-admin@example.com")
          page.setDefaultTimeout(20_000)

          // settings: the shop is turned on
          yield* Effect.promise(async () => {
            await openSection(page, "Магазин")
            await page.getByRole("heading", { name: "Магазин: товары", level: 1 }).waitFor()
            await page
              .getByRole("navigation", { name: "Разделы магазина" })
              .getByRole("link", { name: "Настройки" })
              .click()
            await page.getByLabel("Название магазина").waitFor()
            await page.getByTestId("offer-shop").check()
            await page.getByLabel("Контакт поддержки").fill("@shop_help")
            await page.getByTestId("save-settings").click()
            await page.getByTestId("settings-saved").waitFor()
            await record(page, "shop-admin-settings", violations)
          })
          const settings = yield* (yield* ShopSettings).get()
          assert.isTrue(settings.offer.shop)
          assert.strictEqual(settings.supportContact, "@shop_help")

          // a product: the empty form says what is missing; then a DIGITAL product with keys
          const productUrl = yield* Effect.promise(async () => {
            await page
              .getByRole("navigation", { name: "Разделы магазина" })
              .getByRole("link", { name: "Товары" })
              .click()
            await page.getByTestId("create-product").click()
            await page.getByTestId("save-product").click()
            await page.getByText("Введите название (до 200 символов).").waitFor()
            await page.getByText("Введите цену в рублях больше нуля").waitFor()
            await page.getByLabel("Название").fill("Ключ активации")
            await page.getByLabel("Цена, ₽").fill("150")
            await page.getByTestId("save-product").click()
            await page.getByRole("heading", { name: "Товар «Ключ активации»" }).waitFor()
            await page
              .getByLabel("Ключи, по одному в строке")
              .fill("KEY-AAAA-1\nKEY-BBBB-2\n\nKEY-CCCC-3\nKEY-AAAA-1\n")
            await page.getByTestId("upload-items").click()
            await page.getByTestId("upload-result").waitFor()
            assert.include(
              await page.getByTestId("upload-result").innerText(),
              "Добавлено: 3, повторов: 1, пустых строк: 1"
            )
            await page.locator("[data-testid=stock-counts][data-on-hand='3'][data-sold='0']").waitFor()
            // the keys left the page once uploaded
            assert.strictEqual(await page.getByLabel("Ключи, по одному в строке").inputValue(), "")
            await record(page, "shop-admin-product", violations)
            const url = page.url()
            await page.getByRole("link", { name: "К списку товаров" }).click()
            const row = page.getByTestId("table-shop-products").locator("tbody tr", { hasText: "Ключ активации" })
            await row.waitFor()
            assert.strictEqual(await row.locator("[data-testid^=available-]").innerText(), "3")
            assert.notInclude(await page.locator("main").innerText(), "KEY-")
            await record(page, "shop-admin-products", violations)
            return url
          })
          const [product] = yield* sql<{
            id: string
            kind: string
          }>`SELECT id, kind FROM products WHERE title = 'Ключ активации'`
          assert.strictEqual(product?.kind, "DIGITAL")
          assert.isTrue(productUrl.endsWith(`/shop/products/${product!.id}`))

          // the buyer: the shop's entry, the product, 2 of them, a double click on Buy
          const cabinet = yield* signedIn(browser, origin, buyer)
          cabinet.page.setDefaultTimeout(20_000)
          const delivered = yield* Effect.promise(async () => {
            const p = cabinet.page
            await p
              .getByRole("navigation", { name: "Разделы" })
              .getByRole("link", { name: "Магазин", exact: true })
              .click()
            await p.getByRole("link", { name: "Другое" }).click()
            await record(p, "shop-cabinet-catalog", violations)
            await p.getByRole("link", { name: "Ключ активации" }).click()
            await p.getByLabel("Количество").fill("0")
            await p.getByText("Введите целое число от 1 до 100.").waitFor()
            await p.getByLabel("Количество").fill("2")
            await p.getByTestId("shop-total").filter({ hasText: "300,00" }).waitFor()
            await p.getByTestId("shop-next").click()
            await p.getByTestId("shop-confirm").waitFor()
            assert.include(await p.getByTestId("shop-confirm").innerText(), "«Ключ активации» × 2 за 300,00 ₽")
            await record(p, "shop-cabinet-confirm", violations)
            await p.getByTestId("shop-buy").dblclick()
            await p.getByTestId("delivered-items").waitFor()
            await record(p, "shop-cabinet-delivered", violations)
            return p.getByTestId("delivered-items").locator("li").allInnerTexts()
          })
          assert.deepStrictEqual(delivered, ["KEY-AAAA-1", "KEY-BBBB-2"])
          const orders = yield* sql<{ id: string; number: number; status: string }>`
            SELECT id, number, status FROM orders WHERE buyer_id = ${buyer}`
          assert.strictEqual(orders.length, 1, "a double click buys once")
          assert.strictEqual(orders[0]!.status, "DELIVERED")
          assert.strictEqual(yield* ledger.balance(buyer), 70_000n)

          // my orders: the order with its delivery
          yield* Effect.promise(async () => {
            const p = cabinet.page
            await p.getByRole("link", { name: "Открыть заказ" }).click()
            await p.locator("[data-testid=shop-order][data-status=DELIVERED]").waitFor()
            assert.deepStrictEqual(await p.getByTestId("delivered-items").locator("li").allInnerTexts(), [
              "KEY-AAAA-1",
              "KEY-BBBB-2"
            ])
            await p.getByRole("link", { name: "Мои заказы" }).click()
            await p.locator(`[data-testid=shop-orders] tr[data-order-id='${orders[0]!.id}']`).waitFor()
            await record(p, "shop-cabinet-orders", violations)
          })

          // the panel: the order listed (never its keys), refunded with a double click on the confirmation
          yield* Effect.promise(async () => {
            await page
              .getByRole("navigation", { name: "Разделы магазина" })
              .getByRole("link", { name: "Заказы" })
              .click()
            const row = page.locator(`[data-testid=table-shop-orders] tbody tr[data-order-id='${orders[0]!.id}']`)
            await row.waitFor()
            assert.include(await row.innerText(), "Ключ активации ×2")
            await page.getByRole("combobox", { name: "Статус" }).selectOption({ label: "выдан" })
            await page.waitForURL(/status=DELIVERED/)
            await row.waitFor()
            assert.notInclude(await page.locator("main").innerText(), "KEY-")
            await record(page, "shop-admin-orders", violations)
            await row.getByRole("link", { name: `№${orders[0]!.number}` }).click()
            await page.locator("[data-testid=order-detail][data-status=DELIVERED]").waitFor()
            // the buyer is named once their page is read
            await page.getByTestId("order-params").getByRole("link", { name: "Вера" }).waitFor()
            assert.notInclude(await page.locator("main").innerText(), "KEY-")
            await record(page, "shop-admin-order", violations)
            await page.getByTestId("refund-order").click()
            const dialog = page.locator("dialog[open]")
            assert.include(await dialog.innerText(), "Вернуть 300,00 ₽ покупателю Вера по заказу")
            await dialog.getByRole("button", { name: "Вернуть деньги" }).dblclick()
            await page.getByTestId("order-notice").filter({ hasText: "возвращены на баланс" }).waitFor()
            await page.locator("[data-testid=order-detail][data-status=REFUNDED]").waitFor()
            assert.strictEqual(await page.getByTestId("refund-order").count(), 0)
          })
          assert.strictEqual(yield* ledger.balance(buyer), 100_000n, "the refund returns the money once")
          const refunds = yield* sql<{ n: number }>`
            SELECT count(*)::int AS n FROM transactions WHERE user_id = ${buyer} AND type = 'PURCHASE_REFUND'`
          assert.strictEqual(refunds[0]!.n, 1)
          const [after] = yield* sql<{ status: string }>`SELECT status FROM orders WHERE id = ${orders[0]!.id}`
          assert.strictEqual(after!.status, "REFUNDED")
          assert.deepStrictEqual(problems, [])
          assert.deepStrictEqual(violations, [])
        }),
      240_000
    )

    it.scoped(
      "an administrator adds a provider (a bad markup refused in Russian), syncs it and reads the failed run in the log",
      () =>
        Effect.gen(function* () {
          const browser = yield* launchChromium
          const sql = yield* SqlClient.SqlClient
          const violations: Array<string> = []
          const { page, problems } = yield* adminSignedIn(
            browser,
            origin,
            "shop-providers@example.com",
            "/admin-panel/shop/providers"
          )
          page.setDefaultTimeout(20_000)
          yield* Effect.promise(async () => {
            await page.getByRole("heading", { name: "Магазин: поставщики", level: 1 }).waitFor()
            const add = page.getByRole("form", { name: "Добавить поставщика" })
            await add.getByLabel("Наценка, % (пусто — по умолчанию)").fill("много")
            await add.getByText("Наценка — число от 0 до 1000.").waitFor()
            await add.getByLabel("Наценка, % (пусто — по умолчанию)").fill("15")
            // nothing listens on port 9: the sync fails and is logged
            await add.getByLabel("Адрес API").fill("http://127.0.0.1:9")
            await add.getByTestId("provider-new-save").click()
            await page.getByTestId("providers-notice").filter({ hasText: "Поставщик proxy6 сохранён." }).waitFor()
            const card = page.getByTestId("provider-proxy6")
            await card.getByText("ключ не задан").waitFor()
            await card.getByTestId("sync-proxy6").click()
            await page.getByTestId("providers-notice").filter({ hasText: "Синхронизация proxy6" }).waitFor()
            await page.locator("[data-testid=table-shop-sync-log] tbody tr[data-status=FAILED]").waitFor()
            await record(page, "shop-admin-providers", violations)
          })
          const configs = yield* sql<{ id: string; markup: number | null; enabled: boolean }>`
            SELECT provider_id AS id, markup_percent::float8 AS markup, enabled FROM provider_configs`
          assert.deepStrictEqual(
            configs.map((c) => [c.id, c.markup, c.enabled]),
            [["proxy6", 15, false]]
          )
          assert.deepStrictEqual(problems, [])
          assert.deepStrictEqual(violations, [])
        }),
      240_000
    )

    it.scoped(
      "a STOCKED product is taken off sale and deleted after the confirmations; an ordered one cannot be deleted",
      () =>
        Effect.gen(function* () {
          const browser = yield* launchChromium
          const sql = yield* SqlClient.SqlClient
          const violations: Array<string> = []
          const catalog = yield* Catalog
          const buyer = yield* insertUser({ firstName: "Ольга", balance: 10_000n })
          const ordered = yield* catalog.create(
            new CreateProduct({ title: "Чай заказанный", price: Kopecks.make(1_000n), kind: "STOCKED", stock: 5 })
          )
          yield* (yield* Orders).purchase(
            new PurchaseRequest({ buyerId: buyer, productId: ordered.id, quantity: 1, idempotencyKey: "tea-1" })
          )
          const { page, problems } = yield* adminSignedIn(
            browser,
            origin,
            "shop-products@example.com",
            "/admin-panel/shop/products/new"
          )
          page.setDefaultTimeout(20_000)
          const created = yield* Effect.promise(async () => {
            await page.getByLabel("Вид", { exact: true }).selectOption({ label: "со склада" })
            await page.getByLabel("Название").fill("Кофе в зёрнах")
            await page.getByLabel("Цена, ₽").fill("12,5")
            await page.getByLabel("Количество на складе").fill("-1")
            await page.getByTestId("save-product").click()
            await page.getByText("Количество — целое число от 0.").waitFor()
            await page.getByLabel("Количество на складе").fill("7")
            await page.getByTestId("save-product").click()
            await page.getByRole("heading", { name: "Товар «Кофе в зёрнах»" }).waitFor()
            await page.locator("[data-testid=stock-counts][data-on-hand='7']").waitFor()
            // take it off sale, asked first
            await page.getByTestId("deactivate-product").click()
            await page.getByTestId("deactivate-product-dialog").getByRole("button", { name: "Снять с продажи" }).click()
            await page.getByTestId("product-notice").filter({ hasText: "снят с продажи" }).waitFor()
            await record(page, "shop-admin-stocked", violations)
            return page.url().split("/").pop()!
          })
          const [coffee] = yield* sql<{ isActive: boolean; price: string; stock: number }>`
            SELECT is_active AS "isActive", price::text AS price, stock FROM products WHERE id = ${created}`
          assert.deepStrictEqual(coffee, { isActive: false, price: "1250", stock: 7 })

          yield* Effect.promise(async () => {
            await page.getByTestId("delete-product").click()
            const dialog = page.getByTestId("delete-product-dialog")
            assert.include(await dialog.innerText(), "Удалить товар «Кофе в зёрнах»")
            await dialog.getByRole("button", { name: "Удалить" }).click()
            await page.getByRole("heading", { name: "Магазин: товары", level: 1 }).waitFor()
            // the ordered one: the server refuses, in its words, inside the dialog
            await page.goto(`${origin}/admin-panel/shop/products/${ordered.id}`)
            await page.getByTestId("delete-product").click()
            const refused = page.getByTestId("delete-product-dialog")
            await refused.getByRole("button", { name: "Удалить" }).click()
            await refused
              .getByRole("alert")
              .filter({ hasText: "По этому товару есть заказы, удалить его нельзя" })
              .waitFor()
          })
          const gone = yield* sql<{ id: string }>`SELECT id FROM products WHERE id = ${created}`
          const kept = yield* sql<{ id: string }>`SELECT id FROM products WHERE id = ${ordered.id}`
          assert.deepStrictEqual(
            [gone.length, kept.length],
            [0, 1],
            "the unordered product is gone, the ordered one stays"
          )
          assert.deepStrictEqual(problems, [])
          assert.deepStrictEqual(violations, [])
        }),
      240_000
    )
  })
})
