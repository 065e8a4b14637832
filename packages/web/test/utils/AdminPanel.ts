/** The admin panel in a browser: an administrator created on the server and signed in through the real sign-in screen. */
import { Effect } from "effect"
import type { Browser } from "playwright-core"
import { AdminSessions } from "../../../server/src/admin/AdminSessions.js"
import { openPage } from "../../../server/test/utils/Browser.js"

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
