/**
 * The admin panel's users section in Chromium against the real server: the grid filtered by role and searched by a
 * platform id and an email (the filters in the URL), its CSV export, a user's page (profile, linked platforms), a
 * balance credit confirmed in words and seen in the history and the database, a debit the balance does not cover
 * refused in Russian with nothing written, and a deactivation seen in the database and in the grid's "active" filter.
 * Every screen is checked with axe-core and photographed (test-artifacts/web/admin-users-*).
 */
import { SqlClient } from "@effect/sql"
import { insertParticipant, insertProcurement, insertUser } from "@groupbuy/core/testing"
import { IdentityRef, RegisterUser, Users } from "@groupbuy/core"
import { assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect } from "effect"
import { readFileSync } from "node:fs"
import type { Browser, Page } from "playwright-core"
import { launchChromium, freePort } from "../../server/test/utils/Browser.js"
import { adminSignedIn, buildAdminPanel, rowAttribute } from "./utils/AdminPanel.js"
import { record } from "./utils/Audit.js"
import { cabinetServer } from "./utils/CabinetServer.js"

buildAdminPanel()

const port = await freePort()
const origin = `http://127.0.0.1:${port}`

/** Three people, each registered through one platform: name, role, platform, the platform's id, email. */
const PEOPLE = [
  ["Анна", "Петрова", "organizer", "telegram", "700100200", "anna@example.com"],
  ["Борис", "Иванов", "buyer", "vk", "55501", "boris@example.com"],
  ["Вера", "Смирнова", "supplier", "whatsapp", "79001234567@s.whatsapp.net", "vera@example.com"]
] as const

const registerPeople = Effect.flatMap(Users, (users) =>
  Effect.forEach(PEOPLE, ([firstName, lastName, role, platform, externalId, email]) =>
    users.register(
      new RegisterUser({ identity: new IdentityRef({ platform, externalId }), firstName, lastName, role, email })
    )
  )
)

/** The ids of the users the grid shows now, in order. */
const shownIds = (page: Page) => rowAttribute(page, "table-users", "data-user-id")

describe("the admin panel's users section in Chromium", () => {
  layerOf(cabinetServer(port), { timeout: "240 seconds", excludeTestServices: true })((it) => {
    it.scoped(
      "filter, order and search users, export them, credit a balance, refuse an uncovered debit, change roles, deactivate",
      () =>
        Effect.gen(function* () {
          const browser: Browser = yield* launchChromium
          const sql = yield* SqlClient.SqlClient
          const violations: Array<string> = []
          const [anna, boris, vera] = yield* registerPeople
          const { page, problems } = yield* adminSignedIn(browser, origin, "users-admin@example.com")

          // the section in the navigation; the grid lists everyone; a role filter goes into the URL
          yield* Effect.promise(async () => {
            await page
              .getByRole("navigation", { name: "Разделы панели" })
              .getByRole("link", { name: "Пользователи" })
              .click()
            await page.getByRole("heading", { name: "Пользователи" }).waitFor()
            await page.getByTestId("table-users").getByRole("link", { name: "Вера Смирнова" }).waitFor()
            await record(page, "admin-users", violations)
            // the server orders by a column: by name, then the other way
            const table = page.getByTestId("table-users")
            await table.getByRole("button", { name: /Сортировать по «Имя»/ }).click()
            await page.waitForURL(/sort=firstName%3Aasc|sort=firstName:asc/)
            await table.locator("th[aria-sort='ascending']").waitFor()
            await page.getByTestId("table-users").locator(`tbody tr:first-child[data-user-id='${anna.id}']`).waitFor()
            assert.deepStrictEqual(await shownIds(page), [anna.id, boris.id, vera.id])
            await table.getByRole("button", { name: /Сортировать по «Имя»/ }).click()
            await page.waitForURL(/sort=firstName%3Adesc|sort=firstName:desc/)
            await table.locator("th[aria-sort='descending']").waitFor()
            await page.getByTestId("table-users").locator(`tbody tr:first-child[data-user-id='${vera.id}']`).waitFor()
            assert.deepStrictEqual(await shownIds(page), [vera.id, boris.id, anna.id])
            await page.getByLabel("Роль", { exact: true }).selectOption("organizer")
            await page.waitForURL(/role=organizer/)
            await page.getByTestId("shown-users").filter({ hasText: "1–1 из 1" }).waitFor()
            assert.deepStrictEqual(await shownIds(page), [anna.id])
            assert.include(await page.getByTestId("table-users").innerText(), "организатор")
          })

          // search by a platform id (the server matches it exactly), then by a piece of an email
          yield* Effect.promise(async () => {
            await page.getByRole("button", { name: "Сбросить" }).click()
            await page.getByLabel(/^Поиск/).fill("55501")
            await page.getByRole("button", { name: "Применить" }).click()
            await page.waitForURL(/query=55501/)
            await page.getByTestId("shown-users").filter({ hasText: "1–1 из 1" }).waitFor()
            assert.deepStrictEqual(await shownIds(page), [boris.id])
            await page.getByLabel(/^Поиск/).fill("vera@")
            await page.getByRole("button", { name: "Применить" }).click()
            await page.waitForURL(/query=vera%40|query=vera@/)
            await page.getByTestId("shown-users").filter({ hasText: "1–1 из 1" }).waitFor()
            assert.deepStrictEqual(await shownIds(page), [vera.id])
            // the platform filter: Vera is the one on WhatsApp
            await page.getByRole("button", { name: "Сбросить" }).click()
            await page.getByLabel("Платформа", { exact: true }).selectOption("whatsapp")
            await page.getByTestId("shown-users").filter({ hasText: "1–1 из 1" }).waitFor()
            assert.deepStrictEqual(await shownIds(page), [vera.id])
            await page.getByRole("button", { name: "Сбросить" }).click()
            await page.getByLabel("Роль", { exact: true }).selectOption("buyer")
            await page.getByTestId("shown-users").filter({ hasText: "1–1 из 1" }).waitFor()
          })

          // CSV export of the filtered grid: a header line and the one buyer
          const csv = yield* Effect.promise(async () => {
            const [download] = await Promise.all([
              page.waitForEvent("download"),
              page.getByTestId("export-users").click()
            ])
            assert.match(download.suggestedFilename(), /^users-\d{4}-\d{2}-\d{2}\.csv$/)
            return readFileSync((await download.path())!, "utf8")
          })
          const lines = csv.trimEnd().split("\r\n")
          assert.strictEqual(
            lines[0],
            "\uFEFFИмя,Эл. почта,Телефон,Роль,Последняя платформа,Баланс,Активен,Проверен,Зарегистрирован,Id"
          )
          assert.strictEqual(lines.length, 2, csv)
          assert.match(
            lines[1]!,
            new RegExp(`^Борис Иванов,boris@example.com,,buyer,vk,0,true,false,[^,]+,${boris.id}$`)
          )

          // Anna's page: profile, her Telegram account, the procurement she organizes (Boris in it, paid) and the one
          // she takes part in (organized by someone else)
          const honey = yield* insertProcurement(anna.id, { title: "Мёд с пасеки" })
          yield* insertParticipant(honey, boris.id, "PAID")
          const oleg = yield* insertUser({ firstName: "Олег", role: "organizer" })
          const cheese = yield* insertProcurement(oleg, { title: "Сыр из Карелии", status: "PAYMENT" })
          yield* insertParticipant(cheese, anna.id, "CONFIRMED")
          yield* Effect.promise(async () => {
            await page.getByRole("button", { name: "Сбросить" }).click()
            await page.getByTestId("table-users").getByRole("link", { name: "Анна Петрова" }).click()
            await page.waitForURL(new RegExp(`/admin-panel/users/${anna.id}$`))
            await page.getByRole("heading", { name: "Анна Петрова" }).waitFor()
            assert.include(await page.getByTestId("user-profile").innerText(), "anna@example.com")
            assert.include(await page.getByTestId("user-platforms").innerText(), "700100200")
            const organized = page.getByTestId("user-organized").locator("tbody tr")
            assert.strictEqual(await organized.count(), 1)
            assert.match(
              await organized.innerText(),
              /Мёд с пасеки\s+Сбор заявок\s+100,00\s₽ из 1\s000,00\s₽ \(10%\)\s+1/
            )
            const joined = page.getByTestId("user-joined").locator("tbody tr")
            assert.strictEqual(await joined.count(), 1)
            assert.match(await joined.innerText(), /Сыр из Карелии\s+Оплата\s+Подтверждён\s+1\s+100,00\s₽/)
            // a title opens the procurement's page and the browser's back returns here
            await joined.getByRole("link", { name: "Сыр из Карелии" }).click()
            await page.waitForURL(new RegExp(`/admin-panel/procurements/${cheese}$`))
            await page.goBack()
            await page.getByRole("heading", { name: "Анна Петрова" }).waitFor()
            await record(page, "admin-users-user", violations)
          })

          // a credit of 500 ₽: the confirmation says what it will do, the history shows it with the running balance
          yield* Effect.promise(async () => {
            await page.getByLabel("Сумма, ₽").fill("500")
            await page.getByLabel("Причина").fill("Компенсация за доставку")
            await page.getByTestId("adjust-balance").click()
            const dialog = page.getByTestId("adjust-balance-dialog")
            await dialog.waitFor()
            assert.match(
              await dialog.locator("p").first().innerText(),
              /^Зачислить 500,00\s₽ пользователю Анна Петрова: Компенсация за доставку$/
            )
            await record(page, "admin-users-adjust", violations)
            await page.getByTestId("adjust-balance-confirm").dblclick()
            await page.getByTestId("adjusted").waitFor()
            await page.getByTestId("user-balance").and(page.locator("[data-kopecks='50000']")).waitFor()
            const history = page.getByTestId(`table-transactions-${anna.id}`)
            const row = history.locator("tbody tr").filter({ hasText: "Компенсация за доставку" })
            await row.waitFor()
            assert.strictEqual(await history.locator("tbody tr").count(), 1)
            const text = await row.innerText()
            assert.include(text, "Корректировка")
            assert.match(text, /\+500,00\s₽[\s\S]*500,00\s₽/)
          })
          const afterCredit = yield* sql<{ balance: string; n: string }>`
            SELECT u.balance::text AS balance,
                   (SELECT count(*)::text FROM transactions t WHERE t.user_id = u.id AND t.type = 'ADJUSTMENT') AS n
            FROM users u WHERE u.id = ${anna.id}`
          // the double click credited once
          assert.deepStrictEqual(afterCredit[0], { balance: "50000", n: "1" })

          // a debit of more than she has: refused in Russian in the dialog, nothing written
          yield* Effect.promise(async () => {
            await page.getByLabel("Операция").selectOption("debit")
            await page.getByLabel("Сумма, ₽").fill("1 000,50")
            await page.getByLabel("Причина").fill("Ошибочное зачисление")
            await page.getByTestId("adjust-balance").click()
            const dialog = page.getByTestId("adjust-balance-dialog")
            assert.match(
              await dialog.locator("p").first().innerText(),
              /^Списать 1\s000,50\s₽ у пользователя Анна Петрова: Ошибочное зачисление$/
            )
            await page.getByTestId("adjust-balance-confirm").click()
            await dialog.getByRole("alert").waitFor()
            assert.match(await dialog.getByRole("alert").innerText(), /500,00\s₽/)
            await dialog.getByRole("button", { name: "Отмена" }).click()
            // the form keeps what was typed
            assert.strictEqual(await page.getByLabel("Причина").inputValue(), "Ошибочное зачисление")
          })
          const afterRefusal = yield* sql<{
            balance: string
          }>`SELECT balance::text AS balance FROM users WHERE id = ${anna.id}`
          assert.strictEqual(afterRefusal[0]!.balance, "50000")

          // the role: asked first with both roles named; administrator rights keep the role; the last active
          // administrator's rights are not taken away (refused in Russian, nothing changed)
          const changeRole = (label: string, question: string) =>
            Effect.promise(async () => {
              await page.getByLabel("Роль", { exact: true }).selectOption({ label })
              await page.getByTestId("change-role").click()
              assert.strictEqual(
                await page.getByTestId("change-role-dialog").locator("p").first().innerText(),
                question
              )
              await page.getByTestId("change-role-confirm").click()
            })
          const roleOf = Effect.map(
            sql<{ role: string; isAdmin: boolean }>`SELECT role, is_admin FROM users WHERE id = ${anna.id}`,
            (rows) => rows[0]
          )
          yield* changeRole("поставщик", "Сменить роль Анна Петрова: организатор → поставщик?")
          yield* Effect.promise(() => page.getByTestId("user-profile").getByText("поставщик").waitFor())
          assert.deepStrictEqual(yield* roleOf, { role: "supplier", isAdmin: false })
          yield* changeRole("администратор", "Сменить роль Анна Петрова: поставщик → администратор?")
          yield* Effect.promise(() => page.getByTestId("user-profile").getByText("поставщик, администратор").waitFor())
          assert.deepStrictEqual(yield* roleOf, { role: "supplier", isAdmin: true })
          yield* changeRole("покупатель", "Сменить роль Анна Петрова: администратор → покупатель?")
          yield* Effect.promise(async () => {
            const dialog = page.getByTestId("change-role-dialog")
            await dialog.getByRole("alert").filter({ hasText: "это последний активный администратор" }).waitFor()
            await dialog.getByRole("button", { name: "Отмена" }).click()
          })
          assert.deepStrictEqual(yield* roleOf, { role: "supplier", isAdmin: true })

          // deactivation: asked first, then the page says so, the database has it, the grid's filter finds her
          yield* Effect.promise(async () => {
            await page.getByTestId("toggle-active").click()
            assert.include(await page.getByTestId("toggle-active-dialog").innerText(), "Отключить Анна Петрова?")
            await page.getByTestId("toggle-active-confirm").click()
            await page.getByTestId("user-blocked").waitFor()
            assert.strictEqual(await page.getByTestId("toggle-active").innerText(), "Включить")
          })
          // verified: the other switch, asked the same way
          yield* Effect.promise(async () => {
            await page.getByTestId("toggle-verified").click()
            assert.include(
              await page.getByTestId("toggle-verified-dialog").innerText(),
              "Отметить Анна Петрова как проверенного пользователя?"
            )
            await page.getByTestId("toggle-verified-confirm").click()
            await page.getByTestId("toggle-verified").filter({ hasText: "Снять отметку о проверке" }).waitFor()
          })
          const flags = yield* sql<{ isActive: boolean; isVerified: boolean }>`
            SELECT is_active, is_verified FROM users WHERE id = ${anna.id}`
          assert.deepStrictEqual(flags[0], { isActive: false, isVerified: true })
          yield* Effect.promise(async () => {
            await page.getByRole("link", { name: "← Все пользователи" }).click()
            await page.getByLabel("Активен", { exact: true }).selectOption("false")
            await page.waitForURL(/isActive=false/)
            await page.getByTestId("shown-users").filter({ hasText: "1–1 из 1" }).waitFor()
            assert.deepStrictEqual(await shownIds(page), [anna.id])
            const row = page.locator(`tr[data-user-id='${anna.id}']`)
            assert.strictEqual(await row.getAttribute("data-active"), "false")
            await record(page, "admin-users-inactive", violations)
            // on a tablet the grid scrolls inside its region, never the page
            await page.setViewportSize({ width: 820, height: 1180 })
            const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
            assert.isAtMost(sideways, 0)
            // in English: the same grid in the administrator's other language
            await page.getByLabel("Язык").selectOption("en")
            await page.getByRole("heading", { name: "Users" }).waitFor()
            assert.strictEqual(await page.getByLabel("Active", { exact: true }).inputValue(), "false")
            assert.include(await row.innerText(), "supplier")
          })

          assert.deepStrictEqual(problems, [])
          assert.deepStrictEqual(violations, [])
        }),
      { timeout: 240_000 }
    )
  })
})
