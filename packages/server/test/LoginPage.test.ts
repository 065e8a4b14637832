/**
 * The `/login` page the bot's `/web` link opens: a GET (a link preview) never spends the code; the page has no inline
 * script (its script is `/login.js`), so the strict CSP holds; in Chromium, pressing the button signs in, keeps the
 * token in sessionStorage and says who is signed in, and a used or wrong code gets a clear error in the browser's
 * language.
 */
import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { Users } from "@groupbuy/core"
import { coreProfiles, insertUser } from "@groupbuy/core/testing"
import { assert, describe, it, layer as layerOf } from "@effect/vitest"
import { Effect, Layer } from "effect"
import type { Browser } from "playwright-core"
import { ServerConfig } from "../src/config/ServerConfig.js"
import { LOGIN_TOKEN_KEY } from "../src/http/LoginRoutes.js"
import { inlineScriptHashes } from "../src/http/SecurityHeaders.js"
import { AppLive } from "../src/Server.js"
import { freePort, launchChromium, openPage } from "./utils/Browser.js"
import { testSettings, TestServer } from "./utils/TestServer.js"

const webLogin = (code: string) =>
  Effect.flatMap(HttpClient.HttpClient, (http) =>
    http.execute(HttpClientRequest.post("/api/auth/web-login").pipe(HttpClientRequest.bodyUnsafeJson({ code })))
  )

for (const profile of coreProfiles()) {
  describe(`the /login page on ${profile.name}`, () => {
    it.layer(TestServer(profile.layer), { timeout: "120 seconds" })((it) => {
      it.effect("GET /login?code=… is a static page that does not spend the code; its script is a file", () =>
        Effect.gen(function* () {
          const user = yield* insertUser({ firstName: "Вера" })
          const { code } = yield* (yield* Users).createCode(user, "web_login", "10 minutes")
          const http = yield* HttpClient.HttpClient
          // a link preview fetches the link, maybe more than once
          for (let i = 0; i < 2; i++) {
            const page = yield* http.get(`/login?code=${encodeURIComponent(code)}`)
            assert.strictEqual(page.status, 200)
            assert.match(page.headers["content-type"] ?? "", /^text\/html/)
            const html = yield* page.text
            // the code is not echoed into the page, and no inline script needs a CSP exception
            assert.notInclude(html, code)
            assert.deepStrictEqual(inlineScriptHashes(html), [])
            assert.include(html, `<script src="/login.js" defer></script>`)
            const csp = page.headers["content-security-policy"] ?? ""
            assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/)
          }
          const script = yield* http.get("/login.js")
          assert.strictEqual(script.status, 200)
          assert.match(script.headers["content-type"] ?? "", /^application\/javascript/)
          assert.include(yield* script.text, "/api/auth/web-login")
          // the code still signs in once, and only once
          assert.strictEqual((yield* webLogin(code)).status, 200)
          assert.strictEqual((yield* webLogin(code)).status, 409)
        })
      )
    })
  })
}

const port = await freePort()
const origin = `http://127.0.0.1:${port}`

/** Opens `path` in a fresh context with `locale`; collects CSP violations and page errors. */
const open = (browser: Browser, path: string, locale: string) => openPage(browser, `${origin}${path}`, { locale })

const platform = Layer.fresh(
  AppLive.pipe(
    Layer.provideMerge(coreProfiles()[0]!.layer),
    Layer.provideMerge(Layer.succeed(ServerConfig, testSettings({ host: "127.0.0.1", port, publicUrl: origin }))),
    Layer.provideMerge(FetchHttpClient.layer)
  )
)

describe("the /login page in Chromium", () => {
  layerOf(platform, { timeout: "120 seconds", excludeTestServices: true })((it) => {
    it.scoped("signs in on the button, keeps the token for the tab, says who; a spent code gets an error", () =>
      Effect.gen(function* () {
        const browser = yield* launchChromium
        const user = yield* insertUser({ firstName: "Анна" })
        const { code } = yield* (yield* Users).createCode(user, "web_login", "10 minutes")
        const path = `/login?code=${encodeURIComponent(code)}`

        const first = yield* open(browser, path, "ru-RU")
        const signedIn = yield* Effect.promise(async () => {
          await first.page.getByRole("button", { name: "Войти" }).click()
          await first.page.getByText("Вы вошли как Анна").waitFor({ timeout: 20_000 })
          return {
            stored: await first.page.evaluate((key) => window.sessionStorage.getItem(key), LOGIN_TOKEN_KEY),
            url: first.page.url(),
            links: await first.page.locator("#done a").evaluateAll((as) => as.map((a) => a.getAttribute("href")))
          }
        })
        const stored = JSON.parse(signedIn.stored ?? "{}") as { token?: string; user?: { id?: string } }
        assert.isString(stored.token)
        assert.strictEqual(stored.user?.id, user)
        // the spent code leaves the address bar; what to do now: the chat widget and the API docs
        assert.strictEqual(signedIn.url, `${origin}/login`)
        assert.deepStrictEqual(signedIn.links, ["/", "/api/docs"])
        assert.deepStrictEqual(first.problems, [])

        // the same link again: a clear error in Russian, nothing stored
        const again = yield* open(browser, path, "ru-RU")
        const refused = yield* Effect.promise(async () => {
          await again.page.getByRole("button", { name: "Войти" }).click()
          await again.page.getByText("Не удалось войти").waitFor({ timeout: 20_000 })
          return {
            text: await again.page.locator("#status").textContent(),
            stored: await again.page.evaluate((key) => window.sessionStorage.getItem(key), LOGIN_TOKEN_KEY)
          }
        })
        assert.include(refused.text ?? "", "/web")
        assert.isNull(refused.stored)

        // a wrong code, in English
        const wrong = yield* open(browser, "/login?code=NOPE1234", "en-US")
        const english = yield* Effect.promise(async () => {
          await wrong.page.getByRole("button", { name: "Sign in" }).click()
          await wrong.page.getByText("Could not sign in").waitFor({ timeout: 20_000 })
          return wrong.page.locator("#status").textContent()
        })
        assert.include(english ?? "", "Send /web to the bot")
        // no code at all
        const none = yield* open(browser, "/login", "en-US")
        yield* Effect.promise(() => none.page.getByText("This link has no sign-in code").waitFor({ timeout: 20_000 }))
        // a Russian account from an English browser: once signed in, the page speaks the account's language
        const second = yield* (yield* Users).createCode(user, "web_login", "10 minutes")
        const mixed = yield* open(browser, `/login?code=${encodeURIComponent(second.code)}`, "en-US")
        const introVisible = yield* Effect.promise(async () => {
          await mixed.page.getByRole("button", { name: "Sign in" }).click()
          await mixed.page.getByText("Вы вошли как Анна").waitFor({ timeout: 20_000 })
          return mixed.page.locator("#intro").isVisible()
        })
        assert.isFalse(introVisible)
        assert.deepStrictEqual([...again.problems, ...wrong.problems, ...none.problems, ...mixed.problems], [])
      })
    )
  })
})
