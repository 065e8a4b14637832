import { HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { AuditFilter, AuditLog, CSRF_HEADER, GroupBuyApi, kopecks } from "@groupbuy/core"
import { coreProfiles, insertUser } from "@groupbuy/core/testing"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { AdminSessions } from "../src/admin/AdminSessions.js"
import { hashPassword, verifyPassword } from "../src/auth/Passwords.js"
import { TestServer } from "./utils/TestServer.js"

/** A client that keeps the admin cookie and sends the CSRF header when given. */
const adminClient = (cookie: string, csrf?: string) =>
  HttpApiClient.make(GroupBuyApi, {
    transformClient: HttpClient.mapRequest((r) =>
      HttpClientRequest.setHeaders(r, { cookie, ...(csrf ? { [CSRF_HEADER]: csrf } : {}) })
    )
  })

const [profile] = coreProfiles()

describe("scrypt passwords", () => {
  it.effect("verify the right password only, and never a malformed hash", () =>
    Effect.gen(function* () {
      const hash = yield* hashPassword("correct horse battery")
      assert.match(hash, /^scrypt\$16384\$8\$1\$/)
      assert.isTrue(yield* verifyPassword("correct horse battery", hash))
      assert.isFalse(yield* verifyPassword("correct horse batterY", hash))
      assert.isFalse(yield* verifyPassword("x", "plain"))
      assert.notStrictEqual(hash, yield* hashPassword("correct horse battery"))
    })
  )
})

describe("admin API", () => {
  it.layer(TestServer(profile!.layer), { timeout: "120 seconds" })((it) => {
    it.effect("login sets an HttpOnly SameSite=Strict cookie; changes need the CSRF header; actions are audited", () =>
      Effect.gen(function* () {
        const sessions = yield* AdminSessions
        yield* sessions.createAdmin("Root@Example.com", "a long admin password")
        const weak = yield* sessions.createAdmin("weak@example.com", "short").pipe(Effect.flip)
        assert.strictEqual(weak._tag, "InvalidInput")
        const duplicate = yield* sessions.createAdmin("root@example.com", "another long password").pipe(Effect.flip)
        assert.strictEqual(duplicate._tag, "InvalidInput")

        const http = yield* HttpClient.HttpClient
        const wrong = yield* http.execute(
          HttpClientRequest.post("/api/admin/login").pipe(
            HttpClientRequest.bodyUnsafeJson({ email: "root@example.com", password: "nope nope nope" })
          )
        )
        assert.strictEqual(wrong.status, 401)
        const login = yield* http.execute(
          HttpClientRequest.post("/api/admin/login").pipe(
            HttpClientRequest.bodyUnsafeJson({ email: "ROOT@example.com", password: "a long admin password" })
          )
        )
        assert.strictEqual(login.status, 200)
        const setCookie = login.headers["set-cookie"] ?? ""
        assert.include(setCookie, "HttpOnly")
        assert.include(setCookie, "SameSite=Strict")
        const cookie = setCookie.split(";")[0]!
        const { csrfToken } = (yield* login.json) as { csrfToken: string }

        const withoutCsrf = yield* adminClient(cookie)
        const status = yield* withoutCsrf.admin.status()
        assert.strictEqual(status.admin.email, "root@example.com")
        assert.strictEqual(status.csrfToken, csrfToken)

        const user = yield* insertUser({ firstName: "Вася" })
        const refused = yield* withoutCsrf.admin
          .adjustBalance({ path: { id: user }, payload: { amount: kopecks(5_000), reason: "bonus" } })
          .pipe(Effect.flip)
        assert.strictEqual(refused._tag, "Forbidden")

        const admin = yield* adminClient(cookie, csrfToken)
        const credited = yield* admin.admin.adjustBalance({
          path: { id: user },
          payload: { amount: kopecks(5_000), reason: "compensation" }
        })
        assert.strictEqual(credited.type, "ADJUSTMENT")
        assert.strictEqual(credited.balanceAfter, 5_000n)
        const tooMuch = yield* admin.admin
          .adjustBalance({ path: { id: user }, payload: { amount: kopecks(-10_000), reason: "mistake" } })
          .pipe(Effect.flip)
        assert.strictEqual(tooMuch._tag, "InsufficientFunds")

        const disabled = yield* admin.admin.setUserActive({ path: { id: user }, payload: { value: false } })
        assert.isFalse(disabled.isActive)
        const found = yield* admin.admin.users({ urlParams: { query: "Вася" } })
        assert.isTrue(found.items.some((u) => u.id === user))

        const category = yield* admin.admin.createCategory({ payload: { name: "Мёд", icon: "🍯" } })
        const child = yield* admin.admin.createCategory({ payload: { name: "Липовый", parentId: category.id } })
        const tree = yield* admin.admin.categories()
        assert.strictEqual(tree.find((n) => n.category.id === category.id)?.children[0]?.category.id, child.id)

        const stats = yield* admin.admin.dashboard()
        assert.isAtLeast(stats.users.total, 1)

        const bulk = yield* admin.admin.bulkNotification({ payload: { title: "Привет", body: "Всем" } })
        assert.isAtLeast(bulk.count, 0)

        const audit = yield* AuditLog
        const entries = yield* audit.list(new AuditFilter({ limit: 100 }))
        const actions = entries.items.map((e) => e.action)
        for (const action of [
          "admin.login",
          "admin.login_failed",
          "ledger.adjust",
          "user.set_active",
          "category.create"
        ]) {
          assert.include(actions, action)
        }

        yield* admin.admin.logout()
        const afterLogout = yield* withoutCsrf.admin.status().pipe(Effect.flip)
        assert.strictEqual(afterLogout._tag, "Unauthorized")
      })
    )
  })
})
