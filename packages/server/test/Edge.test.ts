/**
 * The HTTP edge: sign-in throttling (admin passwords, web-login codes) with 429 + Retry-After, the admin cookie's
 * lifetime, the client address behind proxies, security headers on every HTML page, the widget's WebSocket URL from
 * PUBLIC_URL, and web tokens that must expire.
 */
import { HttpClient, HttpClientRequest, type HttpClientResponse, HttpServerResponse } from "@effect/platform"
import { AuditFilter, AuditLog, TooManyRequests, Users } from "@groupbuy/core"
import { coreProfiles, insertUser } from "@groupbuy/core/testing"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Option, Redacted } from "effect"
import { SignJWT } from "jose"
import { createHash } from "node:crypto"
import { RateLimiterMemory } from "rate-limiter-flexible"
import { AdminSessions } from "../src/admin/AdminSessions.js"
import { CHAT_AUDIENCE } from "../src/auth/ChatTokens.js"
import { addressKey, makeSignInThrottle } from "../src/auth/SignInThrottle.js"
import { ISSUER, WEB_AUDIENCE } from "../src/auth/UserTokens.js"
import { describeConfigError, settingsConfig } from "../src/config/ServerConfig.js"
import { clientAddressOf } from "../src/http/ClientAddress.js"
import { inlineScriptHashes, withSecurityHeaders } from "../src/http/SecurityHeaders.js"
import { testSettings, TestServer } from "./utils/TestServer.js"

const PASSWORD = "a long admin password"
const JWT_SECRET = Redacted.value(testSettings().jwtSecret)

/** POST /api/admin/login as `address` (sent in X-Forwarded-For; believed only from trusted proxies). */
const adminLogin = (email: string, password: string, address?: string) =>
  Effect.flatMap(HttpClient.HttpClient, (http) =>
    http.execute(
      HttpClientRequest.post("/api/admin/login").pipe(
        HttpClientRequest.setHeaders(address === undefined ? {} : { "x-forwarded-for": address }),
        HttpClientRequest.bodyUnsafeJson({ email, password })
      )
    )
  )

const webLogin = (code: string, address: string) =>
  Effect.flatMap(HttpClient.HttpClient, (http) =>
    http.execute(
      HttpClientRequest.post("/api/auth/web-login").pipe(
        HttpClientRequest.setHeaders({ "x-forwarded-for": address }),
        HttpClientRequest.bodyUnsafeJson({ code })
      )
    )
  )

const retryAfter = (response: HttpClientResponse.HttpClientResponse) => Number(response.headers["retry-after"])

const failedLoginIps = (email: string) =>
  Effect.flatMap(AuditLog, (audit) =>
    Effect.map(audit.list(new AuditFilter({ action: "admin.login_failed", limit: 100 })), (page) =>
      page.items.filter((e) => (e.details as { email?: string }).email === email).map((e) => e.ip)
    )
  )

describe("the client address", () => {
  it("is the socket peer unless that peer is a trusted proxy", () => {
    assert.strictEqual(clientAddressOf("127.0.0.1", "203.0.113.9", []), "127.0.0.1")
    assert.strictEqual(clientAddressOf("::ffff:127.0.0.1", undefined, []), "127.0.0.1")
    assert.strictEqual(clientAddressOf("127.0.0.1", "203.0.113.9", ["127.0.0.1"]), "203.0.113.9")
    // a client that sends its own X-Forwarded-For gets the address the proxy appended, not the one it claimed
    assert.strictEqual(clientAddressOf("10.1.2.3", "1.2.3.4, 203.0.113.9", ["10.0.0.0/8"]), "203.0.113.9")
    // through two trusted proxies
    assert.strictEqual(clientAddressOf("10.1.2.3", "1.2.3.4, 203.0.113.9, 10.9.9.9", ["10.0.0.0/8"]), "203.0.113.9")
    assert.strictEqual(clientAddressOf("::1", "2001:db8::7", ["::1/128"]), "2001:db8::7")
    // a proxy that forwards garbage: its own address stands
    assert.strictEqual(clientAddressOf("10.1.2.3", "not-an-ip", ["10.0.0.0/8"]), "10.1.2.3")
    assert.strictEqual(clientAddressOf("192.0.2.1", "203.0.113.9", ["10.0.0.0/8"]), "192.0.2.1")
  })
})

describe("TRUSTED_PROXIES", () => {
  const read = (value: string) =>
    settingsConfig.pipe(
      Effect.map((settings) => settings.trustedProxies),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["TRUSTED_PROXIES", value]])))
    )
  it.effect("takes addresses and CIDR ranges; anything else stops start-up naming the variable", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* read(" 10.0.0.0/8, ::1 ,"), ["10.0.0.0/8", "::1"])
      const error = yield* Effect.flip(read("10.0.0.0/8, proxy.local"))
      assert.include(describeConfigError(error).join("\n"), "TRUSTED_PROXIES")
      assert.include(describeConfigError(error).join("\n"), "proxy.local")
    })
  )
})

describe("throttling keys of addresses", () => {
  it("an IPv6 client is counted by its /64, an IPv4 client by its address", () => {
    assert.strictEqual(addressKey("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64")
    assert.strictEqual(addressKey("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64")
    assert.strictEqual(addressKey("::ffff:198.51.100.7"), "198.51.100.7")
    assert.strictEqual(addressKey(null), "unknown")
  })
})

describe("the sign-in throttle", () => {
  const policy = { attempts: 2, window: "1 minute", block: "1 second", maxBlock: "3 seconds" } as const
  const throttle = makeSignInThrottle((options) => new RateLimiterMemory(options), {
    "admin-account": policy,
    "admin-address": policy,
    "web-login-address": policy
  })
  const key = [{ scope: "admin-account", id: "backoff@example.com" }] as const
  const guess = throttle.guard(key, Effect.fail("wrong" as const), () => true)
  const retryAfterOf = Effect.map(Effect.flip(guess), (e) => (e instanceof TooManyRequests ? e.retryAfter : 0))

  it.live("doubles each block within a day, up to the maximum", () =>
    Effect.gen(function* () {
      const blocks: Array<number> = []
      for (let round = 0; round < 3; round++) {
        assert.strictEqual(yield* Effect.flip(guess), "wrong")
        assert.strictEqual(yield* Effect.flip(guess), "wrong")
        const block = yield* retryAfterOf
        blocks.push(block)
        // while blocked every attempt is refused with the time left, the attempt itself never runs
        assert.isAtMost(yield* retryAfterOf, block)
        yield* Effect.sleep(`${block * 1000 + 100} millis`)
      }
      assert.deepStrictEqual(blocks, [1, 2, 3])
    })
  )
})

describe("inline script hashes", () => {
  it("hash the scripts that run, not JSON data blocks nor scripts loaded by src", () => {
    const hash = (s: string) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`
    const html =
      `<script id="x" type="application/json">{"a":1}</script><script>run()</script>` +
      `<script src="/widget.js" defer></script><SCRIPT type="module">go()</SCRIPT>`
    assert.deepStrictEqual(inlineScriptHashes(html), [hash("run()"), hash("go()")])
  })

  it("are allowed only on the pages that need them: a script injected into any other page is not", () => {
    const page = HttpServerResponse.text("<p>Hello</p><script>steal()</script>", { contentType: "text/html" })
    const scriptSrc = (response: HttpServerResponse.HttpServerResponse) =>
      (response.headers["content-security-policy"] ?? "")
        .split(";")
        .map((d) => d.trim())
        .find((d) => d.startsWith("script-src"))
    const secure = withSecurityHeaders("https://shop.example.com")
    assert.strictEqual(scriptSrc(secure(page)), "script-src 'self' 'wasm-unsafe-eval'")
    assert.include(scriptSrc(secure(page, true)), "'sha256-")
  })
})

for (const profile of coreProfiles()) {
  describe(`the HTTP edge on ${profile.name}`, () => {
    it.layer(TestServer(profile.layer, { publicUrl: "https://shop.example.com" }), { timeout: "120 seconds" })((it) => {
      it.effect("the admin cookie lives as long as the 12-hour session", () =>
        Effect.gen(function* () {
          yield* (yield* AdminSessions).createAdmin("cookie@example.com", PASSWORD)
          const login = yield* adminLogin("cookie@example.com", PASSWORD)
          assert.strictEqual(login.status, 200)
          assert.match(login.headers["set-cookie"] ?? "", /Max-Age=43200(;|$)/)
        })
      )

      it.effect("without trusted proxies X-Forwarded-For is ignored: the audit log has the socket address", () =>
        Effect.gen(function* () {
          const wrong = yield* adminLogin("spoof@example.com", "not the password", "203.0.113.9")
          assert.strictEqual(wrong.status, 401)
          assert.deepStrictEqual(yield* failedLoginIps("spoof@example.com"), ["127.0.0.1"])
        })
      )

      it.effect("HTML pages carry a CSP with frame-ancestors, nosniff and a referrer policy", () =>
        Effect.gen(function* () {
          const http = yield* HttpClient.HttpClient
          for (const path of [
            "/",
            "/widget",
            "/login?code=X",
            "/api/docs",
            "/pay/sandbox/00000000-0000-4000-8000-000000000000?sig=x"
          ]) {
            const page = yield* http.get(path)
            const csp = page.headers["content-security-policy"] ?? ""
            assert.include(page.headers["content-type"], "text/html", path)
            assert.include(csp, "frame-ancestors 'none'", path)
            assert.strictEqual(page.headers["x-content-type-options"], "nosniff", path)
            assert.strictEqual(page.headers["referrer-policy"], "no-referrer", path)
            assert.strictEqual(page.headers["x-frame-options"], "DENY", path)
          }
          const json = yield* http.get("/health")
          assert.strictEqual(json.headers["x-content-type-options"], "nosniff")
        })
      )

      it.effect("the docs page runs under its CSP: every inline script is allowed by hash, none by unsafe-inline", () =>
        Effect.gen(function* () {
          const docs = yield* (yield* HttpClient.HttpClient).get("/api/docs")
          const html = yield* docs.text
          const scriptSrc =
            (docs.headers["content-security-policy"] ?? "").split(";").find((d) => d.trim().startsWith("script-src")) ??
            ""
          assert.notInclude(scriptSrc, "unsafe-inline")
          const hashes = inlineScriptHashes(html)
          // the configuration script and the Scalar bundle (the spec is a JSON block, not run)
          assert.strictEqual(hashes.length, 2)
          for (const hash of hashes) assert.include(scriptSrc, hash)
        })
      )

      it.effect("the widget page connects to PUBLIC_URL's WebSocket, whatever Host the request names", () =>
        Effect.gen(function* () {
          const page = yield* (yield* HttpClient.HttpClient).execute(
            HttpClientRequest.get("/widget").pipe(
              HttpClientRequest.setHeaders({ host: "evil.example", "x-forwarded-proto": "http" })
            )
          )
          const html = yield* page.text
          assert.include(html, `data-server="wss://shop.example.com/ws/chat"`)
          assert.notInclude(html, "evil.example")
          assert.include(
            page.headers["content-security-policy"],
            "connect-src 'self' https://shop.example.com wss://shop.example.com"
          )
        })
      )

      it.effect("a web chat token without exp is refused", () =>
        Effect.gen(function* () {
          const key = new TextEncoder().encode(JWT_SECRET)
          const sign = (exp: boolean) =>
            Effect.promise(() => {
              const jwt = new SignJWT({ kind: "guest" })
                .setProtectedHeader({ alg: "HS256", typ: "JWT" })
                .setIssuer(ISSUER)
                .setAudience(CHAT_AUDIENCE)
                .setSubject("guest-edge-test")
                .setIssuedAt()
              return (exp ? jwt.setExpirationTime("1h") : jwt).sign(key)
            })
          const http = yield* HttpClient.HttpClient
          const widgetLogin = (chatToken: string) =>
            Effect.flatMap(
              http.execute(
                HttpClientRequest.post("/api/auth/widget").pipe(HttpClientRequest.bodyUnsafeJson({ chatToken }))
              ),
              (r) => Effect.map(r.json, (body) => (body as { reason: string }).reason)
            )
          assert.strictEqual(yield* widgetLogin(yield* sign(false)), "the token is not valid for this chat")
          // with exp the token passes every check and is refused only because no account is linked to it
          assert.include(yield* widgetLogin(yield* sign(true)), "not linked")
        })
      )

      it.effect("a web token without exp is refused; with exp it works", () =>
        Effect.gen(function* () {
          const user = yield* insertUser({ firstName: "Ира" })
          const key = new TextEncoder().encode(JWT_SECRET)
          const sign = (exp: boolean) =>
            Effect.promise(() => {
              const jwt = new SignJWT({})
                .setProtectedHeader({ alg: "HS256", typ: "JWT" })
                .setIssuer(ISSUER)
                .setAudience(WEB_AUDIENCE)
                .setSubject(user)
                .setIssuedAt()
              return (exp ? jwt.setExpirationTime("1h") : jwt).sign(key)
            })
          const http = yield* HttpClient.HttpClient
          const me = (token: string) =>
            http.execute(HttpClientRequest.get("/api/users/me").pipe(HttpClientRequest.bearerToken(token)))
          assert.strictEqual((yield* me(yield* sign(false))).status, 401)
          assert.strictEqual((yield* me(yield* sign(true))).status, 200)
        })
      )
    })

    it.layer(TestServer(profile.layer, { trustedProxies: ["127.0.0.1", "::1"] }), { timeout: "120 seconds" })((it) => {
      it.effect("behind a trusted proxy the audit log has the forwarded client address, never a claimed one", () =>
        Effect.gen(function* () {
          assert.strictEqual((yield* adminLogin("proxied@example.com", "wrong password", "203.0.113.9")).status, 401)
          const spoofed = yield* adminLogin("proxied@example.com", "wrong password", "1.2.3.4, 203.0.113.10")
          assert.strictEqual(spoofed.status, 401)
          assert.sameMembers([...(yield* failedLoginIps("proxied@example.com"))], ["203.0.113.9", "203.0.113.10"])
        })
      )

      it.effect("an account is blocked after 5 wrong passwords, the right one included, with Retry-After", () =>
        Effect.gen(function* () {
          yield* (yield* AdminSessions).createAdmin("target@example.com", PASSWORD)
          for (let i = 0; i < 5; i++) {
            // each guess from another address: the per-account limit holds across addresses
            const wrong = yield* adminLogin("target@example.com", `wrong password ${i}`, `198.51.100.${10 + i}`)
            assert.strictEqual(wrong.status, 401)
          }
          const blocked = yield* adminLogin("Target@Example.com", "wrong password 6", "198.51.100.20")
          assert.strictEqual(blocked.status, 429)
          const first = retryAfter(blocked)
          assert.isAtLeast(first, 60)
          assert.deepInclude(yield* blocked.json, { _tag: "TooManyRequests" })
          const right = yield* adminLogin("target@example.com", PASSWORD, "198.51.100.21")
          assert.strictEqual(right.status, 429)
          assert.isAtLeast(retryAfter(right), 1)
          // another account is not affected
          yield* (yield* AdminSessions).createAdmin("other@example.com", PASSWORD)
          assert.strictEqual((yield* adminLogin("other@example.com", PASSWORD, "198.51.100.22")).status, 200)
        })
      )

      it.effect("a successful login clears the account's failures", () =>
        Effect.gen(function* () {
          yield* (yield* AdminSessions).createAdmin("forgetful@example.com", PASSWORD)
          for (let round = 0; round < 2; round++) {
            for (let i = 0; i < 4; i++) {
              assert.strictEqual((yield* adminLogin("forgetful@example.com", "oops oops", "198.51.100.30")).status, 401)
            }
            assert.strictEqual((yield* adminLogin("forgetful@example.com", PASSWORD, "198.51.100.30")).status, 200)
          }
        })
      )

      it.effect("an address is blocked after 20 wrong passwords, whatever the accounts", () =>
        Effect.gen(function* () {
          for (let i = 0; i < 20; i++) {
            const wrong = yield* adminLogin(`nobody${i}@example.com`, "wrong password", "198.51.100.40")
            assert.strictEqual(wrong.status, 401)
          }
          const blocked = yield* adminLogin("fresh@example.com", "wrong password", "198.51.100.40")
          assert.strictEqual(blocked.status, 429)
          assert.isAtLeast(retryAfter(blocked), 60)
          // the same account from another address is only refused for its password
          assert.strictEqual((yield* adminLogin("fresh@example.com", "wrong password", "198.51.100.41")).status, 401)
        })
      )

      it.effect("web-login codes: 10 wrong codes from an address, then 429 with Retry-After, a valid code too", () =>
        Effect.gen(function* () {
          const user = yield* insertUser({ firstName: "Коля" })
          const { code } = yield* (yield* Users).createCode(user, "web_login", "10 minutes")
          for (let i = 0; i < 10; i++) {
            const wrong = yield* webLogin(`WRONG${String(i).padStart(3, "0")}`, "198.51.100.50")
            assert.strictEqual(wrong.status, 409)
          }
          const blocked = yield* webLogin(code, "198.51.100.50")
          assert.strictEqual(blocked.status, 429)
          assert.isAtLeast(retryAfter(blocked), 60)
          // the code was not spent by the refused attempt: it works from elsewhere
          const ok = yield* webLogin(code, "198.51.100.51")
          assert.strictEqual(ok.status, 200)
        })
      )
    })
  })
}

const redisUrl = process.env["TEST_REDIS_URL"]

describe.skipIf(redisUrl === undefined)("sign-in throttling in Redis", () => {
  const [pglite] = coreProfiles()
  it.layer(
    TestServer(pglite!.layer, {
      redisUrl: Option.some(Redacted.make(redisUrl ?? "")),
      trustedProxies: ["127.0.0.1", "::1"]
    }),
    { timeout: "120 seconds" }
  )((it) => {
    it.effect("an account is blocked after 5 wrong passwords, with Retry-After", () =>
      Effect.gen(function* () {
        yield* (yield* AdminSessions).createAdmin("redis-target@example.com", PASSWORD)
        for (let i = 0; i < 5; i++) {
          const wrong = yield* adminLogin("redis-target@example.com", "wrong password", `198.51.100.${60 + i}`)
          assert.strictEqual(wrong.status, 401)
        }
        const right = yield* adminLogin("redis-target@example.com", PASSWORD, "198.51.100.70")
        assert.strictEqual(right.status, 429)
        assert.isAtLeast(retryAfter(right), 60)
      })
    )
  })
})
