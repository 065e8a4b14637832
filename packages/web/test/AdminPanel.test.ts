/**
 * The admin panel in Chromium against the real server: sign-in (a wrong password and a non-admin refused, the email
 * kept), the sections, a grid's filters living in the URL (reload keeps them), CSV export of what the grid shows, an
 * expired session sent back to sign-in, sign-out; and the API gives a visitor without a session, or with a user's
 * token, nothing. Every screen is checked with axe-core and photographed (test-artifacts/web/admin-*).
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { insertUser } from "@groupbuy/core/testing"
import { assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect } from "effect"
import { readFileSync } from "node:fs"
import type { Browser } from "playwright-core"
import { AdminSessions } from "../../server/src/admin/AdminSessions.js"
import { UserTokens } from "../../server/src/auth/UserTokens.js"
import { freePort, launchChromium, openPage } from "../../server/test/utils/Browser.js"
import { ADMIN_PASSWORD, adminSignedIn, buildAdminPanel } from "./utils/AdminPanel.js"
import { record } from "./utils/Audit.js"
import { cabinetServer } from "./utils/CabinetServer.js"

buildAdminPanel()

const port = await freePort()
const origin = `http://127.0.0.1:${port}`

describe("the admin panel in Chromium", () => {
  layerOf(cabinetServer(port), { timeout: "240 seconds", excludeTestServices: true })((it) => {
    it.scoped(
      "sign-in refusals, a filtered grid kept in the URL, CSV export, expiry and sign-out",
      () =>
        Effect.gen(function* () {
          const browser: Browser = yield* launchChromium
          const violations: Array<string> = []
          yield* (yield* AdminSessions).createAdmin("root@example.com", ADMIN_PASSWORD)

          // a wrong password: refused in Russian, the email stays, the password is cleared
          const first = yield* openPage(browser, `${origin}/admin-panel/`, { locale: "ru-RU" })
          yield* Effect.promise(async () => {
            const page = first.page
            await page.getByRole("heading", { name: "Вход для администратора" }).waitFor()
            await record(page, "admin-sign-in", violations)
            await page.getByLabel("Эл. почта").fill("root@example.com")
            await page.getByLabel("Пароль").fill("not the password")
            await page.getByRole("button", { name: "Войти" }).click()
            await page.getByRole("alert").filter({ hasText: "Неверная почта или пароль." }).waitFor()
            assert.strictEqual(await page.getByLabel("Эл. почта").inputValue(), "root@example.com")
            assert.strictEqual(await page.getByLabel("Пароль").inputValue(), "")
            // the right one: the panel, with its sections
            await page.getByLabel("Пароль").fill(ADMIN_PASSWORD)
            await page.getByRole("button", { name: "Войти" }).click()
            await page.getByTestId("admin-identity").filter({ hasText: "root@example.com" }).waitFor()
            await page.getByRole("navigation", { name: "Разделы панели" }).waitFor()
          })

          // the audit log shows the sign-in and the refused attempt; a filter goes into the URL and survives a reload
          yield* Effect.promise(async () => {
            const page = first.page
            await page
              .getByRole("navigation", { name: "Разделы панели" })
              .getByRole("link", { name: "Журнал действий" })
              .click()
            await page.getByRole("heading", { name: "Журнал действий" }).waitFor()
            const table = page.getByTestId("table-audit")
            await table.getByText("admin.login_failed").waitFor()
            await record(page, "admin-audit", violations)
            await page.getByLabel("Действие", { exact: true }).fill("admin.login_failed")
            await page.getByRole("button", { name: "Применить" }).click()
            await page.waitForURL(/action=admin\.login_failed/)
            await page.getByTestId("shown-audit").filter({ hasText: "1–1 из 1" }).waitFor()
            await page.reload()
            await page.getByTestId("shown-audit").filter({ hasText: "1–1 из 1" }).waitFor()
            assert.strictEqual(await page.getByLabel("Действие", { exact: true }).inputValue(), "admin.login_failed")
            // ordering by a column: the header says how it is ordered
            await table.getByRole("button", { name: /Сортировать по «Когда»/ }).click()
            await page.waitForURL(/sort=createdAt%3Aasc|sort=createdAt:asc/)
            assert.strictEqual(await table.locator("th[aria-sort='ascending']").count(), 1)
          })

          // CSV export: the filtered rows, with a BOM and a header line
          const csv = yield* Effect.promise(async () => {
            const [download] = await Promise.all([
              first.page.waitForEvent("download"),
              first.page.getByTestId("export-audit").click()
            ])
            assert.match(download.suggestedFilename(), /^audit-\d{4}-\d{2}-\d{2}\.csv$/)
            return readFileSync((await download.path())!, "utf8")
          })
          assert.isTrue(csv.startsWith("\uFEFFКогда,Кто,Действие,Объект,Подробности,IP\r\n"), csv.slice(0, 80))
          assert.strictEqual(csv.trimEnd().split("\r\n").length, 2, csv)
          assert.include(csv, "admin.login_failed")

          // a day range: from tomorrow finds nothing, from today the attempt again
          yield* Effect.promise(async () => {
            const page = first.page
            const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
            await page.getByLabel("С", { exact: true }).fill(day(1))
            await page.waitForURL(/from=/)
            await page.getByText("Ничего не найдено.").waitFor()
            await page.getByLabel("С", { exact: true }).fill(day(0))
            await page.getByTestId("shown-audit").filter({ hasText: "1–1 из 1" }).waitFor()
          })

          // the server forgets the session (another tab signed out): the next call sends the panel back to sign-in
          const second = yield* adminSignedIn(browser, origin, "second@example.com")
          yield* Effect.promise(async () => {
            await second.page.context().clearCookies()
            await second.page.getByRole("link", { name: "Журнал действий" }).click()
            await second.page.getByTestId("admin-session-ended").filter({ hasText: "Сеанс истёк" }).waitFor()
          })

          // sign-out: back at the sign-in screen, and the cookie no longer opens the API
          yield* Effect.promise(async () => {
            await first.page.getByTestId("admin-sign-out").click()
            await first.page.getByTestId("admin-session-ended").filter({ hasText: "Вы вышли из панели." }).waitFor()
            const status = await first.page.evaluate(async () => (await fetch("/api/admin/status")).status)
            assert.strictEqual(status, 401)
          })
          assert.deepStrictEqual([...first.problems, ...second.problems], [])
          assert.deepStrictEqual(violations, [])
        }),
      { timeout: 240_000 }
    )

    it.effect("a visitor without a session, or with a user's token, gets nothing from the admin API", () =>
      Effect.gen(function* () {
        const http = yield* HttpClient.HttpClient
        const user = yield* insertUser({ firstName: "Вера", role: "organizer" })
        const { token } = yield* (yield* UserTokens).issue(user)
        for (const path of ["/api/admin/status", "/api/admin/users", "/api/admin/dashboard", "/api/admin/audit"]) {
          const anonymous = yield* http.get(`${origin}${path}`)
          assert.strictEqual(anonymous.status, 401, path)
          const asUser = yield* http.execute(
            HttpClientRequest.get(`${origin}${path}`).pipe(HttpClientRequest.bearerToken(token))
          )
          assert.strictEqual(asUser.status, 401, path)
          assert.notInclude(yield* asUser.text, "root@example.com", path)
        }
      })
    )
  })
})
