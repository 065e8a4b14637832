/**
 * The built cabinet served by the server itself (packages/web/dist, built here when missing): `/` and every SPA route
 * answer index.html (no-cache) under the strict CSP with no inline script; every path under `/admin-panel/` answers the
 * admin panel's page; hashed assets are immutable; `/api/*`, `/ws/*` and missing assets stay 404; the widget page moved to `/widget`. In Chromium, with no
 * request interception: `/login?code=…` never spends the code on GET, the button signs in, the token is kept in this
 * tab's sessionStorage, the page then speaks the account's language; a web chat guest registered in the chat signs in
 * as that account from /login; no CSP violation or page error anywhere.
 */
import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { IdentityRef, RegisterUser, Users } from "@groupbuy/core"
import { coreProfiles, insertUser } from "@groupbuy/core/testing"
import { assert, describe, layer as layerOf } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect, Layer } from "effect"
import { ServerConfig } from "../src/config/ServerConfig.js"
import { inlineScriptHashes } from "../src/http/SecurityHeaders.js"
import { AppLive } from "../src/Server.js"
import type { BrowserContext } from "playwright-core"
import { freePort, launchChromium, openPage } from "./utils/Browser.js"
import { testSettings } from "./utils/TestServer.js"
import { ensureWebBuild } from "./utils/WebBuild.js"

ensureWebBuild()

const port = await freePort()
const origin = `http://127.0.0.1:${port}`

const platform = Layer.fresh(
  AppLive.pipe(
    Layer.provideMerge(coreProfiles()[0]!.layer),
    Layer.provideMerge(Layer.succeed(ServerConfig, testSettings({ host: "127.0.0.1", port, publicUrl: origin }))),
    Layer.provideMerge(FetchHttpClient.layer)
  )
)

const get = (path: string) => Effect.flatMap(HttpClient.HttpClient, (http) => http.get(`${origin}${path}`))

const webLogin = (code: string) =>
  Effect.flatMap(HttpClient.HttpClient, (http) =>
    http.execute(
      HttpClientRequest.post(`${origin}/api/auth/web-login`).pipe(HttpClientRequest.bodyUnsafeJson({ code }))
    )
  )

describe("the web cabinet served at /", () => {
  layerOf(platform, { timeout: "180 seconds", excludeTestServices: true })((it) => {
    it.effect("index.html for / and the SPA's routes, assets immutable, server paths never the cabinet", () =>
      Effect.gen(function* () {
        const index = yield* get("/")
        assert.strictEqual(index.status, 200)
        const html = yield* index.text
        assert.include(html, `<div id="root">`)
        assert.match(index.headers["content-type"] ?? "", /^text\/html/)
        assert.strictEqual(index.headers["cache-control"], "no-cache")
        // strict CSP: no inline script in the build, none allowed
        assert.deepStrictEqual(inlineScriptHashes(html), [])
        const csp = index.headers["content-security-policy"] ?? ""
        const scriptSrc = csp.split(";").find((d) => d.trim().startsWith("script-src")) ?? ""
        assert.strictEqual(scriptSrc.trim(), "script-src 'self' 'wasm-unsafe-eval'")
        assert.include(csp, "frame-ancestors 'none'")

        for (const path of ["/procurements/42/chat", "/notifications", "/login?code=ABC", "/no/such/screen"]) {
          const page = yield* get(path)
          assert.strictEqual(page.status, 200, path)
          assert.strictEqual(yield* page.text, html, path)
          assert.strictEqual(page.headers["cache-control"], "no-cache", path)
        }

        const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1]
        assert.isString(script)
        const asset = yield* get(script!)
        assert.strictEqual(asset.status, 200)
        assert.match(asset.headers["content-type"] ?? "", /^text\/javascript/)
        assert.strictEqual(asset.headers["cache-control"], "public, max-age=31536000, immutable")
        assert.strictEqual(asset.headers["x-content-type-options"], "nosniff")
        assert.isUndefined(asset.headers["content-security-policy"])

        // a stale page asking for an old build's chunk gets 404, not index.html under a .js name
        assert.strictEqual((yield* get("/assets/app-0000dead.js")).status, 404)
        // the admin panel is the build's second page: every path under /admin-panel/ is it, never the cabinet
        const admin = yield* get("/admin-panel/")
        assert.strictEqual(admin.status, 200)
        const adminHtml = yield* admin.text
        assert.include(adminHtml, `<div id="root">`)
        assert.notStrictEqual(adminHtml, html)
        assert.strictEqual(admin.headers["cache-control"], "no-cache")
        assert.include(admin.headers["content-security-policy"] ?? "", "script-src 'self'")
        for (const path of ["/admin-panel/users?role=buyer", "/admin-panel/users/42", "/admin-panel"]) {
          const page = yield* get(path)
          assert.strictEqual(page.status, 200, path)
          assert.strictEqual(yield* page.text, adminHtml, path)
        }
        for (const path of ["/api/no-such-endpoint", "/ws/nothing", "/api"]) {
          const response = yield* get(path)
          assert.strictEqual(response.status, 404, path)
          assert.notInclude(yield* response.text, `<div id="root">`, path)
        }
        // the server's own pages are still theirs
        assert.include(yield* (yield* get("/widget")).text, `src="/widget.js"`)
        assert.include(yield* (yield* get("/api/docs")).text, "<html")
        assert.strictEqual((yield* get("/health")).status, 200)
        assert.strictEqual((yield* get("/api/openapi.json")).status, 200)
      })
    )

    it.scoped(
      "Chromium: /login?code=… is not spent by GET; the button signs in for this tab, in the account's language",
      () =>
        Effect.gen(function* () {
          const browser = yield* launchChromium
          const user = yield* insertUser({ firstName: "Анна" })
          const sql = yield* SqlClient.SqlClient
          yield* sql`UPDATE users SET language = 'en' WHERE id = ${user}`
          const users = yield* Users
          const { code } = yield* users.createCode(user, "web_login", "10 minutes")
          const path = `/login?code=${encodeURIComponent(code)}`

          // a link preview fetches the page twice: the code survives
          for (let i = 0; i < 2; i++) assert.notInclude(yield* (yield* get(path)).text, code)

          const { page, problems } = yield* openPage(browser, `${origin}${path}`, { locale: "ru-RU" })
          const after = yield* Effect.promise(async () => {
            await page.getByRole("button", { name: "Войти" }).click()
            // on to the cabinet, in the account's language (en), not the browser's (ru)
            await page.getByRole("button", { name: "Sign out" }).waitFor({ timeout: 20_000 })
            return {
              stored: await page.evaluate(() => window.sessionStorage.getItem("groupbuy.web.session")),
              url: page.url()
            }
          })
          const stored = JSON.parse(after.stored ?? "{}") as { token?: string; user?: { id?: string } }
          assert.isString(stored.token)
          assert.strictEqual(stored.user?.id, user)
          assert.notInclude(after.url, code)
          // spent once, by the button
          assert.strictEqual((yield* webLogin(code)).status, 409)

          // another tab of the same browser context: not signed in (sessionStorage is per tab)
          const other = yield* Effect.promise(async () => {
            const tab = await page.context().newPage()
            await tab.goto(`${origin}/login`)
            await tab.getByText("отправьте боту команду /web").waitFor({ timeout: 20_000 })
            return tab.evaluate(() => window.sessionStorage.getItem("groupbuy.web.session"))
          })
          assert.isNull(other)
          assert.deepStrictEqual(problems, [])
        })
    )

    it.scoped("Chromium: a web chat guest registered in the chat opens the cabinet as the same account", () =>
      Effect.gen(function* () {
        const browser = yield* launchChromium
        const guestToken = () =>
          Effect.promise(async () => {
            const response = await fetch(`${origin}/api/chat/token`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: "{}"
            })
            return (await response.json()) as { token: string; expiresAt: number }
          })
        const subjectOf = (token: string) =>
          (JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as { sub: string }).sub
        const storeToken = (stored: { token: string; expiresAt: number }) => async (context: BrowserContext) => {
          await context.addInitScript(
            ([key, value]) => window.localStorage.setItem(key!, value!),
            [`groupbuy.chat.token:ws://127.0.0.1:${port}/ws/chat`, JSON.stringify(stored)]
          )
        }

        // a guest who registered in the chat (what /start's registration writes: a web identity of an account)
        const registered = yield* guestToken()
        const user = yield* (yield* Users).register(
          new RegisterUser({
            identity: new IdentityRef({ platform: "web", externalId: subjectOf(registered.token) }),
            firstName: "Гость",
            role: "buyer"
          })
        )
        const { page, problems } = yield* openPage(browser, `${origin}/login`, {
          locale: "ru-RU",
          prepare: storeToken(registered)
        })
        const stored = yield* Effect.promise(async () => {
          await page.getByRole("button", { name: "Войти как в веб-чате" }).click()
          await page.getByRole("button", { name: "Выйти" }).waitFor({ timeout: 20_000 })
          return page.evaluate(() => window.sessionStorage.getItem("groupbuy.web.session"))
        })
        assert.strictEqual((JSON.parse(stored ?? "{}") as { user?: { id?: string } }).user?.id, user.id)

        // a guest who has not registered yet: told to finish in the chat, not signed in
        const stranger = yield* guestToken()
        const second = yield* openPage(browser, `${origin}/login`, { locale: "ru-RU", prepare: storeToken(stranger) })
        const refused = yield* Effect.promise(async () => {
          await second.page.getByRole("button", { name: "Войти как в веб-чате" }).click()
          await second.page.getByText("Сначала завершите регистрацию в веб-чате").waitFor({ timeout: 20_000 })
          return second.page.evaluate(() => window.sessionStorage.getItem("groupbuy.web.session"))
        })
        assert.isNull(refused)
        // no web chat in this browser: nothing offered
        const plain = yield* openPage(browser, `${origin}/login`, { locale: "ru-RU" })
        const offered = yield* Effect.promise(async () => {
          await plain.page.getByText("отправьте боту команду /web").waitFor({ timeout: 20_000 })
          return plain.page.getByRole("button", { name: "Войти как в веб-чате" }).count()
        })
        assert.strictEqual(offered, 0)
        assert.deepStrictEqual([...problems, ...second.problems, ...plain.problems], [])
      })
    )
  })
})
