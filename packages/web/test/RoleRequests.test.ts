/**
 * Role requests in Chromium against the real server: a buyer asks to become an organizer from the cabinet's profile
 * (a second click asks nothing new: the request is shown waiting), an administrator sees it in the panel's "Role
 * requests", approves it after the confirmation, and the account is an organizer in the database. Every screen is
 * checked with axe-core and photographed (test-artifacts/web/role-requests-*). A request waiting on a user's page is
 * declined there and the role stays.
 */
import { SqlClient } from "@effect/sql"
import { RoleRequests } from "@groupbuy/core"
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

describe("role requests in Chromium", () => {
  layerOf(cabinetServer(port), { timeout: "240 seconds", excludeTestServices: true })((it) => {
    it.scoped("a buyer asks from the profile once; an administrator approves in the panel", () =>
      Effect.gen(function* () {
        const browser = yield* launchChromium
        const sql = yield* SqlClient.SqlClient
        const violations: Array<string> = []
        const buyer = yield* insertUser({ firstName: "Глеб" })

        const cabinet = yield* signedIn(browser, origin, buyer)
        yield* Effect.promise(async () => {
          const page = cabinet.page
          await page.getByRole("link", { name: "Профиль" }).first().click()
          const section = page.getByTestId("role-request")
          await section.getByRole("button", { name: "Стать организатором" }).click()
          await section
            .getByRole("status")
            .filter({ hasText: "Ваш запрос на роль «организатор» ждёт решения администратора." })
            .waitFor()
          await record(page, "role-requests-profile", violations)
          // the buttons are gone while the request waits; a reload shows the same
          assert.strictEqual(await section.getByRole("button", { name: "Стать организатором" }).count(), 0)
          await page.reload()
          await page.getByTestId("role-request").getByText("ждёт решения администратора").waitFor()
        })
        const count = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM role_requests WHERE user_id = ${buyer}`
        assert.strictEqual(count[0]!.n, 1)

        const { page } = yield* adminSignedIn(browser, origin, "roles-admin@example.com")
        yield* Effect.promise(async () => {
          await openSection(page, "Запросы ролей")
          await page.getByRole("heading", { name: "Запросы ролей" }).waitFor()
          const row = page.getByTestId("table-role-requests").locator("tbody tr", { hasText: "Глеб" })
          await row.waitFor()
          assert.include(await row.innerText(), "организатор")
          await record(page, "role-requests-admin", violations)
          await row.getByRole("button", { name: "Одобрить" }).click()
          const dialog = page.locator("dialog[open]")
          assert.strictEqual(
            await dialog.locator("p").first().innerText(),
            "Дать пользователю Глеб роль «организатор»? Он получит уведомление."
          )
          await dialog.getByRole("button", { name: "Одобрить" }).click()
          await page.getByTestId("role-requests-notice").filter({ hasText: "Глеб теперь — организатор." }).waitFor()
          // the waiting list is empty now
          await page.getByTestId("table-role-requests").locator("tbody tr", { hasText: "Глеб" }).waitFor({
            state: "detached"
          })
        })
        const role = yield* sql<{ role: string }>`SELECT role FROM users WHERE id = ${buyer}`
        assert.strictEqual(role[0]!.role, "organizer")
        // the new organizer's create form offers the people with the supplier role, and only them
        yield* insertUser({ firstName: "Савва", role: "supplier" })
        yield* Effect.promise(async () => {
          await cabinet.page.goto(`${origin}/create`)
          const supplier = cabinet.page.getByLabel("Поставщик")
          await supplier.locator("option", { hasText: "Савва" }).waitFor({ state: "attached" })
          const offered = await supplier.locator("option").allInnerTexts()
          assert.deepStrictEqual(offered, ["Без поставщика", "Савва"])
        })

        // a request waiting on a user's page: declined there, the role stays
        const other = yield* insertUser({ firstName: "Дина" })
        yield* (yield* RoleRequests).request(other, "supplier")
        yield* Effect.promise(async () => {
          await page.goto(`${origin}/admin-panel/users/${other}`)
          const pending = page.getByTestId("user-role-request")
          await pending.getByText("Просит роль «поставщик»").waitFor()
          await pending.getByRole("button", { name: "Отклонить" }).click()
          const dialog = page.locator("dialog[open]")
          assert.strictEqual(
            await dialog.locator("p").first().innerText(),
            "Отклонить запрос пользователя Дина на роль «поставщик»? Он получит уведомление."
          )
          await dialog.getByRole("button", { name: "Отклонить" }).click()
          await page
            .getByTestId("user-role-request-notice")
            .filter({ hasText: "Запрос пользователя Дина на роль «поставщик» отклонён." })
            .waitFor()
          await pending.waitFor({ state: "detached" })
        })
        const kept = yield* sql<{ role: string; status: string }>`SELECT u.role, r.status FROM users u
          JOIN role_requests r ON r.user_id = u.id WHERE u.id = ${other}`
        assert.deepStrictEqual(kept[0], { role: "buyer", status: "DECLINED" })
        assert.deepStrictEqual(violations, [])
      })
    )
  })
})
