/**
 * The admin panel's procurements, payments and categories sections in Chromium against the real server: a procurement
 * found through the grid's status filter, its page offering only the lifecycle's moves, a confirmed move seen in the
 * database, the featured switch; payments filtered by status (the URL keeps it) with the summary and the transaction
 * journal; a category created, moved under another, a category with subcategories refused deletion in the server's
 * Russian sentence, an empty one deleted. Every screen is checked with axe-core and photographed
 * (test-artifacts/web/admin-ops-*).
 */
import { SqlClient } from "@effect/sql"
import { Categories, CreateCategory, CreateDeposit, Kopecks, Payments } from "@groupbuy/core"
import { insertParticipant, insertProcurement, insertUser } from "@groupbuy/core/testing"
import { assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect } from "effect"
import type { Browser } from "playwright-core"
import { freePort, launchChromium } from "../../server/test/utils/Browser.js"
import { adminSignedIn, buildAdminPanel, openSection, rowAttribute } from "./utils/AdminPanel.js"
import { record } from "./utils/Audit.js"
import { cabinetServer } from "./utils/CabinetServer.js"

buildAdminPanel()

const port = await freePort()
const origin = `http://127.0.0.1:${port}`

describe("the admin panel's procurements, payments and categories in Chromium", () => {
  layerOf(cabinetServer(port), { timeout: "240 seconds", excludeTestServices: true })((it) => {
    it.scoped(
      "move a procurement's status, feature it, filter payments, create, move and delete categories",
      () =>
        Effect.gen(function* () {
          const browser: Browser = yield* launchChromium
          const sql = yield* SqlClient.SqlClient
          const violations: Array<string> = []

          const organizer = yield* insertUser({ firstName: "Ольга", role: "organizer" })
          const buyer = yield* insertUser({ firstName: "Пётр" })
          const honey = yield* insertProcurement(organizer, { title: "Мёд алтайский", status: "ACTIVE" })
          const cheese = yield* insertProcurement(organizer, { title: "Черновик сыра", status: "DRAFT" })
          yield* insertParticipant(honey, buyer, "CONFIRMED")

          const payments = yield* Payments
          const deposit = (key: string, rubles: bigint) =>
            payments.createDeposit(
              new CreateDeposit({
                userId: buyer,
                amount: Kopecks.make(rubles * 100n),
                provider: "sandbox",
                idempotencyKey: key
              })
            )
          const paid = yield* deposit("ops-paid", 500n)
          yield* payments.succeed(paid.id)
          yield* deposit("ops-pending", 700n)

          const categories = yield* Categories
          const food = yield* categories.create(new CreateCategory({ name: "Продукты", icon: "🍎" }))
          yield* categories.create(new CreateCategory({ name: "Мёд", icon: "🍯", parentId: food.id }))

          const { page, problems } = yield* adminSignedIn(browser, origin, "ops-admin@example.com")

          // procurements: the status filter goes into the URL; the title opens the procurement's page
          yield* Effect.promise(async () => {
            await openSection(page, "Закупки")
            await page.getByRole("heading", { name: "Закупки", level: 1 }).waitFor()
            await page.getByTestId("shown-procurements").filter({ hasText: "из 2" }).waitFor()
            // the server orders by a column: title ascending, then descending
            const table = page.getByTestId("table-procurements")
            await table.getByRole("button", { name: /Сортировать по «Название»/ }).click()
            await page.waitForURL(/sort=title%3Aasc|sort=title:asc/)
            await table.locator("th[aria-sort='ascending']").waitFor()
            assert.deepStrictEqual(await rowAttribute(page, "table-procurements", "data-procurement-id"), [
              honey,
              cheese
            ])
            await table.getByRole("button", { name: /Сортировать по «Название»/ }).click()
            await table.locator("th[aria-sort='descending']").waitFor()
            await page
              .locator("[data-testid=table-procurements] tbody tr")
              .first()
              .and(page.locator(`[data-procurement-id='${cheese}']`))
              .waitFor()
            assert.deepStrictEqual(await rowAttribute(page, "table-procurements", "data-procurement-id"), [
              cheese,
              honey
            ])
            await page.getByLabel("Статус", { exact: true }).selectOption("ACTIVE")
            await page.waitForURL(/status=ACTIVE/)
            await page.getByTestId("shown-procurements").filter({ hasText: "1–1 из 1" }).waitFor()
            assert.deepStrictEqual(await rowAttribute(page, "table-procurements", "data-procurement-id"), [honey])
            await record(page, "admin-ops-procurements", violations)
            await page.getByRole("link", { name: "Мёд алтайский" }).click()
            await page.getByRole("heading", { name: "Мёд алтайский", level: 1 }).waitFor()
            await page.getByTestId("procurement-participants").getByText("Пётр").waitFor()
            await page.getByTestId("procurement-parameters").getByRole("link", { name: "Ольга" }).waitFor()
            assert.strictEqual(
              await page
                .getByTestId("procurement-participants")
                .locator("tbody tr")
                .first()
                .getAttribute("data-status"),
              "CONFIRMED"
            )
          })

          // only the lifecycle's moves from ACTIVE are offered; "stop collecting", confirmed in words
          yield* Effect.promise(async () => {
            await page.getByTestId("move-STOPPED").waitFor()
            assert.strictEqual(await page.getByTestId("move-CANCELLED").count(), 1)
            for (const other of ["DRAFT", "ACTIVE", "PAYMENT", "COMPLETED"]) {
              assert.strictEqual(await page.getByTestId(`move-${other}`).count(), 0, other)
            }
            await record(page, "admin-ops-procurement", violations)
            await page.getByTestId("move-STOPPED").click()
            const dialog = page.getByTestId("move-STOPPED-dialog")
            await dialog
              .getByText("Перевести закупку «Мёд алтайский» из статуса «Сбор заявок» в «Сбор остановлен»?")
              .waitFor()
            await page.getByTestId("move-STOPPED-confirm").click()
            await page.locator("[data-testid=procurement-status][data-status=STOPPED]").waitFor()
            await page.getByTestId("move-PAYMENT").waitFor()
            assert.strictEqual(await page.getByTestId("move-STOPPED").count(), 0)
          })
          const [moved] = yield* sql<{ status: string; isFeatured: boolean }>`
            SELECT status, is_featured FROM procurements WHERE id = ${honey}`
          assert.strictEqual(moved!.status, "STOPPED")
          assert.isFalse(moved!.isFeatured)

          // the featured switch
          yield* Effect.promise(async () => {
            await page.getByTestId("toggle-featured").filter({ hasText: "Показать на витрине" }).click()
            await page.getByTestId("toggle-featured").filter({ hasText: "Убрать с витрины" }).waitFor()
            // opened by its address alone (a reload: nothing cached), the page finds the procurement on the server
            await page.reload()
            await page.locator("[data-testid=procurement-status][data-status=STOPPED]").waitFor()
            await page.getByTestId("toggle-featured").filter({ hasText: "Убрать с витрины" }).waitFor()
          })
          const [featured] = yield* sql<{
            isFeatured: boolean
          }>`SELECT is_featured FROM procurements WHERE id = ${honey}`
          assert.isTrue(featured!.isFeatured)

          // payments: the summary, and the grid filtered by status (kept across a reload)
          yield* Effect.promise(async () => {
            await openSection(page, "Платежи")
            await page.getByRole("heading", { name: "Платежи", level: 1 }).waitFor()
            await page.getByTestId("summary-by-status").locator("tr[data-status=SUCCEEDED]").waitFor()
            await page.getByTestId("shown-payments").filter({ hasText: "1–2 из 2" }).waitFor()
            await page.getByLabel("Статус", { exact: true }).selectOption("SUCCEEDED")
            await page.waitForURL(/status=SUCCEEDED/)
            await page.getByTestId("shown-payments").filter({ hasText: "1–1 из 1" }).waitFor()
            assert.deepStrictEqual(await rowAttribute(page, "table-payments", "data-payment-id"), [paid.id])
            await page.reload()
            await page.getByTestId("shown-payments").filter({ hasText: "1–1 из 1" }).waitFor()
            assert.deepStrictEqual(await rowAttribute(page, "table-payments", "data-status"), ["SUCCEEDED"])
            // the summary's period is in the URL too
            await page.getByLabel("Период").selectOption("7")
            await page.waitForURL(/days=7/)
            await page.reload()
            await page.getByTestId("summary-by-status").locator("tr[data-status=SUCCEEDED]").waitFor()
            assert.strictEqual(await page.getByLabel("Период").inputValue(), "7")
            // a date range: from tomorrow nothing, from today the paid one (days are UTC, as the server counts them)
            const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
            await page.getByLabel("С", { exact: true }).fill(day(1))
            await page.waitForURL(new RegExp(`from=${day(1)}`))
            await page.getByTestId("shown-payments").filter({ hasText: "Строк: 0" }).waitFor()
            await page.getByLabel("С", { exact: true }).fill(day(0))
            await page.getByLabel("По", { exact: true }).fill(day(0))
            await page.getByTestId("shown-payments").filter({ hasText: "1–1 из 1" }).waitFor()
            await record(page, "admin-ops-payments", violations)
            // a user id that is not one is refused in words, not ignored
            await page.getByLabel("Пользователь (id)").fill("не id")
            await page.getByRole("button", { name: "Применить" }).click()
            await page.getByRole("alert").filter({ hasText: "«Пользователь (id)»: нужен идентификатор" }).waitFor()
            // the journal: the paid deposit's ledger row
            await page.getByRole("link", { name: "Журнал операций" }).click()
            await page.getByRole("heading", { name: "Журнал операций", level: 1 }).waitFor()
            await page.getByTestId("table-transactions").locator("tr[data-type=DEPOSIT]").waitFor()
            await record(page, "admin-ops-transactions", violations)
          })
          const succeeded = yield* sql<{ id: string }>`SELECT id FROM payments WHERE status = 'SUCCEEDED'`
          assert.deepStrictEqual(
            succeeded.map((r) => r.id),
            [paid.id]
          )

          // categories: create at the top, move under "Продукты"
          yield* Effect.promise(async () => {
            await openSection(page, "Категории")
            await page.getByRole("heading", { name: "Категории", level: 1 }).waitFor()
            await page.locator("[data-testid=category][data-name='Мёд']").waitFor()
            await record(page, "admin-ops-categories", violations)
            const form = page.getByTestId("category-create")
            await form.getByLabel("Название").fill("Чай")
            await form.getByLabel("Значок (эмодзи)").fill("🍵")
            await form.getByLabel("Описание").fill("Листовой и в пакетиках")
            await form.getByRole("button", { name: "Создать" }).click()
            await page.locator("[data-testid=category][data-name='Чай']").getByText("Листовой и в пакетиках").waitFor()
          })
          const [tea] = yield* sql<{ id: string; icon: string; parentId: string | null }>`
            SELECT id, icon, parent_id FROM categories WHERE name = 'Чай'`
          assert.strictEqual(tea!.icon, "🍵")
          assert.isNull(tea!.parentId)
          yield* Effect.promise(async () => {
            await page.getByLabel("Перенести «Чай»").selectOption(food.id)
            await page.getByTestId(`move-category-${tea!.id}`).click()
            await page
              .getByTestId(`move-category-${tea!.id}-dialog`)
              .getByText("Перенести категорию «Чай» в «Продукты»?")
              .waitFor()
            await page.getByTestId(`move-category-${tea!.id}-confirm`).click()
            // now listed inside "Продукты"
            await page
              .locator(`[data-testid=category][data-category-id='${food.id}'] [data-testid=category][data-name='Чай']`)
              .waitFor()
          })
          const [teaMoved] = yield* sql<{
            parentId: string | null
          }>`SELECT parent_id FROM categories WHERE id = ${tea!.id}`
          assert.strictEqual(teaMoved!.parentId, food.id)

          // edit in place: a description, a duplicate name among siblings refused in the server's words
          yield* Effect.promise(async () => {
            const item = page.locator(`[data-testid=category][data-category-id='${tea!.id}']`)
            await item.getByRole("button", { name: "Изменить" }).click()
            const form = page.getByRole("form", { name: "Изменить «Чай»" })
            await form.getByLabel("Название").fill("Мёд")
            await form.getByRole("button", { name: "Сохранить" }).click()
            await form.getByRole("alert").filter({ hasText: "категория с таким названием здесь уже есть" }).waitFor()
            await form.getByLabel("Название").fill("Чай")
            await form.getByLabel("Описание").fill("Только листовой")
            await form.getByRole("button", { name: "Сохранить" }).click()
            await item.getByText("Только листовой").waitFor()
          })
          const [edited] = yield* sql<{ description: string }>`SELECT description FROM categories WHERE id = ${tea!.id}`
          assert.strictEqual(edited!.description, "Только листовой")

          // a category with subcategories: refused in the server's sentence, nothing deleted
          yield* Effect.promise(async () => {
            await page.getByTestId(`delete-category-${food.id}`).click()
            await page.getByTestId(`delete-category-${food.id}-confirm`).click()
            await page
              .getByTestId(`delete-category-${food.id}-dialog`)
              .getByRole("alert")
              .filter({ hasText: "у этой категории есть подкатегории: сначала перенесите или удалите их" })
              .waitFor()
            await page.getByTestId(`delete-category-${food.id}-dialog`).getByRole("button", { name: "Отмена" }).click()
          })
          const [kept] = yield* sql<{
            count: number
          }>`SELECT count(*)::int AS count FROM categories WHERE id = ${food.id}`
          assert.strictEqual(kept!.count, 1)

          // an empty one goes
          yield* Effect.promise(async () => {
            await page.getByTestId(`delete-category-${tea!.id}`).click()
            await page.getByTestId(`delete-category-${tea!.id}-confirm`).click()
            await page.locator("[data-testid=category][data-name='Чай']").waitFor({ state: "detached" })
          })
          const gone = yield* sql`SELECT id FROM categories WHERE id = ${tea!.id}`
          assert.strictEqual(gone.length, 0)

          assert.deepStrictEqual(problems, [])
          assert.deepStrictEqual(violations, [])
        }),
      { timeout: 240_000 }
    )
  })
})
