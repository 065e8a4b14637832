/**
 * What the admin panel's screens need from the admin API, on both database profiles: ordered grids and date ranges,
 * role changes (audited, notified, the last admin and self-demotion refused), the user page's lists, the dashboard's
 * trends and the bulk notification's audience count.
 */
import { AuditFilter, AuditLog, Notifications, type UserId } from "@groupbuy/core"
import { coreProfiles, insertUser } from "@groupbuy/core/testing"
import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { adminLogin, baseUrlOf } from "./utils/AppHarness.js"
import { TestServer } from "./utils/TestServer.js"

const setLanguage = (id: UserId, language: "ru" | "en") =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql`UPDATE users SET language = ${language} WHERE id = ${id}`).pipe(
    Effect.orDie
  )

// the test server's client already prefixes its address (`adminLogin("")`); `fetch` needs it (`baseUrlOf`)
for (const profile of coreProfiles()) {
  describe(`admin panel API (${profile.name})`, () => {
    it.layer(TestServer(profile.layer), { timeout: "120 seconds" })((it) => {
      it.effect("a role change is audited and notified; the last admin and self-demotion are refused", () =>
        Effect.gen(function* () {
          const anna = yield* insertUser({ firstName: "Анна", isAdmin: true })
          const boris = yield* insertUser({ firstName: "Борис" })
          yield* setLanguage(boris, "en")
          const { admin } = yield* adminLogin("", "anna@example.com", anna)

          const organizer = yield* admin.setUserRole({ path: { id: boris }, payload: { role: "organizer" } })
          assert.strictEqual(organizer.role, "organizer")
          assert.isFalse(organizer.isAdmin)
          const notified = yield* (yield* Notifications).list(boris, { offset: 0, limit: 10 })
          assert.strictEqual(notified.items[0]?.title, "Your role has changed")
          assert.strictEqual(notified.items[0]?.body, "An administrator changed your role: buyer → organizer.")

          const self = yield* admin.setUserRole({ path: { id: anna }, payload: { role: "buyer" } }).pipe(Effect.flip)
          assert.strictEqual(self._tag, "RuleViolation")
          assert.strictEqual(self._tag === "RuleViolation" ? self.code : "", "role.self-demotion")

          // with Boris an admin too, Anna may lose the rights — but not both of them
          const promoted = yield* admin.setUserRole({ path: { id: boris }, payload: { role: "admin" } })
          assert.isTrue(promoted.isAdmin)
          assert.strictEqual(promoted.role, "organizer")
          const other = yield* adminLogin("", "root@example.com")
          const demoted = yield* other.admin.setUserRole({ path: { id: anna }, payload: { role: "supplier" } })
          assert.deepStrictEqual([demoted.role, demoted.isAdmin], ["supplier", false])
          const last = yield* other.admin
            .setUserRole({ path: { id: boris }, payload: { role: "buyer" } })
            .pipe(Effect.flip)
          assert.strictEqual(last._tag, "RuleViolation")
          assert.strictEqual(last._tag === "RuleViolation" ? last.code : "", "role.last-admin")
          assert.isTrue((yield* other.admin.user({ path: { id: boris } })).user.isAdmin)

          const missing = yield* other.admin
            .setUserRole({ path: { id: "00000000-0000-4000-8000-000000000000" as UserId }, payload: { role: "buyer" } })
            .pipe(Effect.flip)
          assert.strictEqual(missing._tag, "NotFound")

          const entries = yield* (yield* AuditLog).list(new AuditFilter({ action: "user.set_role", limit: 10 }))
          assert.deepStrictEqual(
            entries.items.map((e) => [e.targetId, e.details["before"], e.details["after"]]).reverse(),
            [
              [boris, "buyer", "organizer"],
              [boris, "organizer", "admin"],
              [anna, "admin", "supplier"]
            ]
          )
        })
      )

      it.effect("the users grid orders by a whitelisted column and refuses any other", () =>
        Effect.gen(function* () {
          const baseUrl = yield* baseUrlOf
          const { admin, cookie } = yield* adminLogin("", "sort@example.com")
          yield* insertUser({ firstName: "Яна", balance: 300n })
          yield* insertUser({ firstName: "Агата", balance: 100n })
          yield* insertUser({ firstName: "Мира", balance: 200n })
          const byName = yield* admin.users({ urlParams: { sort: { column: "firstName", direction: "asc" } } })
          const names = byName.items.map((u) => u.firstName)
          assert.deepStrictEqual(
            names,
            [...names].sort((a, b) => a.localeCompare(b))
          )
          const byBalance = yield* admin.users({
            urlParams: { sort: { column: "balance", direction: "desc" }, limit: 2 }
          })
          assert.deepStrictEqual(
            byBalance.items.map((u) => u.balance),
            [300n, 200n]
          )
          assert.isAtLeast(byBalance.total, 3)
          const http = yield* Effect.promise(() =>
            fetch(`${baseUrl}/api/admin/users?sort=${encodeURIComponent("first_name; DROP TABLE users:asc")}`, {
              headers: { cookie }
            })
          )
          assert.strictEqual(http.status, 400)
        })
      )
    })
  })
}
