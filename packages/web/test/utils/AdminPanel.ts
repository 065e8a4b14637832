/** The admin panel in a browser: an administrator created on the server and signed in through the real sign-in screen. */
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import type { Browser, Page } from "playwright-core"
import { AdminSessions } from "../../../server/src/admin/AdminSessions.js"
import { openPage } from "../../../server/test/utils/Browser.js"

const WEB = fileURLToPath(new URL("../..", import.meta.url))

/** Builds packages/web when the panel's page is missing from dist (the test server serves dist). */
export const buildAdminPanel = () => {
  if (!existsSync(join(WEB, "dist", "admin-panel", "index.html"))) {
    execFileSync("npm", ["run", "build"], { cwd: WEB, stdio: "inherit" })
  }
}

/** The password every test administrator gets. */
export const ADMIN_PASSWORD = "a long admin password"

/** Creates an administrator `email` (once per server) and opens the panel at `path` signed in as them (Russian). */
export const adminSignedIn = (browser: Browser, origin: string, email: string, path = "/admin-panel/") =>
  Effect.gen(function* () {
    yield* (yield* AdminSessions).createAdmin(email, ADMIN_PASSWORD)
    const opened = yield* openPage(browser, `${origin}${path}`, { locale: "ru-RU" })
    yield* Effect.promise(async () => {
      await opened.page.getByLabel("Эл. почта").fill(email)
      await opened.page.getByLabel("Пароль").fill(ADMIN_PASSWORD)
      await opened.page.getByRole("button", { name: "Войти" }).click()
      await opened.page.getByTestId("admin-sign-out").waitFor({ timeout: 20_000 })
    })
    return opened
  })

/** Opens a section of the panel from its navigation (`navigation`: the navigation's name, Russian by default). */
export const openSection = (page: Page, name: string, navigation = "Разделы панели") =>
  page.getByRole("navigation", { name: navigation }).getByRole("link", { name, exact: true }).click()

/** The values of one `data-*` attribute over a table's rows, in order. */
export const rowAttribute = (page: Page, table: string, attribute: string) =>
  page
    .getByTestId(table)
    .locator("tbody tr")
    .evaluateAll((rows, name) => rows.map((r) => r.getAttribute(name)), attribute)
