/**
 * What the admin panel's screens need from the admin API, on both database profiles: ordered grids and date ranges,
 * role changes (audited, notified, the last admin and self-demotion refused), the user page's lists, the dashboard's
 * trends and the bulk notification's audience count.
 */
import { AuditFilter, AuditLog, CreateDeposit, kopecks, Notifications, Payments, type UserId } from "@groupbuy/core"
import { coreProfiles, insertParticipant, insertProcurement, insertUser } from "@groupbuy/core/testing"
import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect } from "effect"
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

      it.effect("payments, transactions, audit, messages and procurements: date ranges and whitelisted orders", () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const { admin } = yield* adminLogin("", "ranges@example.com")
          const user = yield* insertUser({ firstName: "Дарья" })
          const payments = yield* Payments
          const days = ["2026-01-01T10:00:00Z", "2026-01-02T23:59:59.500Z", "2026-01-03T00:00:00Z"]
          for (const [i, amount] of [100_00n, 300_00n, 200_00n].entries()) {
            const t = yield* admin.adjustBalance({
              path: { id: user },
              payload: { amount: kopecks(amount), reason: "r" }
            })
            const p = yield* payments.createDeposit(
              new CreateDeposit({ userId: user, amount: kopecks(amount), provider: "sandbox", idempotencyKey: `k${i}` })
            )
            yield* sql`UPDATE transactions SET created_at = ${days[i]!}::timestamptz WHERE id = ${t.id}`
            yield* sql`UPDATE payments SET created_at = ${days[i]!}::timestamptz WHERE id = ${p.id}`
          }
          // a date means its whole (UTC) day, to the last millisecond
          const secondDay = yield* admin.transactions({
            urlParams: {
              userId: user,
              from: new Date("2026-01-02T00:00:00Z"),
              to: new Date("2026-01-02T23:59:59.999Z")
            }
          })
          assert.deepStrictEqual(
            secondDay.items.map((t) => t.amount),
            [300_00n]
          )
          const byAmount = yield* admin.transactions({
            urlParams: { userId: user, sort: { column: "amount", direction: "asc" } }
          })
          assert.deepStrictEqual(
            byAmount.items.map((t) => [t.amount, t.balanceAfter]),
            [
              [100_00n, 100_00n],
              [200_00n, 600_00n],
              [300_00n, 400_00n]
            ]
          )
          const paid = yield* admin.payments({
            urlParams: {
              userId: user,
              from: new Date("2026-01-02T00:00:00Z"),
              sort: { column: "amount", direction: "desc" }
            }
          })
          assert.deepStrictEqual(
            paid.items.map((p) => p.amount),
            [300_00n, 200_00n]
          )
          assert.strictEqual(paid.total, 2)

          const raw = (query: string) =>
            Effect.flatMap(baseUrlOf, (base) => Effect.promise(() => fetch(`${base}/api/admin/${query}`)))
          // the URL forms the panel sends: a bare date for `to` takes in the whole day
          const cookie = (yield* adminLogin("", "raw@example.com")).cookie
          const get = (query: string) =>
            Effect.flatMap(baseUrlOf, (base) =>
              Effect.promise(() => fetch(`${base}/api/admin/${query}`, { headers: { cookie } }))
            )
          const dayRange = yield* get(`transactions?userId=${user}&from=2026-01-02&to=2026-01-02`)
          const dayBody = (yield* Effect.promise(() => dayRange.json())) as { total: number }
          assert.strictEqual(dayBody.total, 1)
          for (const bad of [
            "payments?from=yesterday",
            "payments?to=2026-13-45",
            "audit?sort=ip:desc",
            "messages?sort=text"
          ]) {
            assert.strictEqual((yield* get(bad)).status, 400, bad)
          }
          assert.strictEqual((yield* raw("payments?sort=amount:desc")).status, 401)

          const audit = yield* admin.audit({
            urlParams: { action: "ledger.adjust", from: new Date("2100-01-01T00:00:00Z") }
          })
          assert.strictEqual(audit.total, 0)
          const adjusts = yield* admin.audit({
            urlParams: { action: "ledger.adjust", sort: { column: "createdAt", direction: "asc" } }
          })
          assert.strictEqual(adjusts.total, 3)
          const messages = yield* admin.messages({ urlParams: { sort: { column: "createdAt", direction: "asc" } } })
          assert.strictEqual(messages.total, 0)

          const organizer = yield* insertUser({ role: "organizer" })
          yield* insertProcurement(organizer, { title: "Бета" })
          yield* insertProcurement(organizer, { title: "Альфа" })
          yield* insertProcurement(organizer, { title: "Гамма" })
          const byTitle = yield* admin.procurements({
            urlParams: { sort: { column: "title", direction: "desc" } }
          })
          assert.deepStrictEqual(
            byTitle.items.map((p) => p.procurement.title),
            ["Гамма", "Бета", "Альфа"]
          )
        }).pipe(Effect.orDie)
      )

      it.effect("the user page: organized procurements and participations, and the organized ones paged", () =>
        Effect.gen(function* () {
          const { admin } = yield* adminLogin("", "details@example.com")
          const olga = yield* insertUser({ role: "organizer", firstName: "Ольга" })
          const petr = yield* insertUser({ firstName: "Пётр" })
          const honey = yield* insertProcurement(olga, { title: "Мёд" })
          const tea = yield* insertProcurement(olga, { title: "Чай" })
          yield* insertParticipant(honey, petr, "PAID")
          const organizer = yield* admin.user({ path: { id: olga } })
          assert.sameMembers(
            organizer.procurements.organized.map((v) => v.procurement.id),
            [honey, tea]
          )
          const buyer = yield* admin.user({ path: { id: petr } })
          assert.deepStrictEqual(
            buyer.procurements.joined.map((j) => [
              j.view.procurement.title,
              j.view.procurement.status,
              j.participant.quantity,
              j.participant.amount,
              j.participant.status
            ]),
            [["Мёд", "ACTIVE", 1, 100_00n, "PAID"]]
          )
          assert.deepStrictEqual(buyer.procurements.organized, [])
          const paged = yield* admin.procurements({ urlParams: { organizerId: olga, limit: 1 } })
          assert.strictEqual(paged.total, 2)
          assert.strictEqual(paged.items.length, 1)
        })
      )

      it.effect("dashboard trends: every bucket of the period, zeros included, counted in its bucket", () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const { admin } = yield* adminLogin("", "dashboard@example.com")
          const a = yield* insertUser({ firstName: "Январь" })
          const b = yield* insertUser({ firstName: "Январь-2" })
          yield* sql`UPDATE users SET created_at = '2025-01-02T12:00:00Z' WHERE id IN (${a}, ${b})`
          const organizer = yield* insertUser({ role: "organizer" })
          const p = yield* insertProcurement(organizer, { title: "Старая" })
          yield* sql`UPDATE procurements SET created_at = '2025-01-03T23:59:59Z', updated_at = '2025-01-20T10:00:00Z',
            status = 'COMPLETED' WHERE id = ${p}`

          const days = yield* admin.dashboardTrends({
            urlParams: {
              period: "day",
              from: new Date("2025-01-01T00:00:00Z"),
              to: new Date("2025-01-04T23:59:59.999Z")
            }
          })
          assert.deepStrictEqual(
            days.buckets.map((x) => [x.label, x.registrations, x.procurementsCreated]),
            [
              ["2025-01-01", 0, 0],
              ["2025-01-02", 2, 0],
              ["2025-01-03", 0, 1],
              ["2025-01-04", 0, 0]
            ]
          )
          assert.isAtLeast((yield* admin.dashboard()).users.total, 3)

          const weeks = yield* admin.dashboardTrends({
            urlParams: { period: "week", from: new Date("2024-12-30T00:00:00Z"), to: new Date("2025-01-26T00:00:00Z") }
          })
          assert.deepStrictEqual(
            weeks.buckets.map((x) => [x.label, x.registrations, x.procurementsCompleted]),
            [
              ["2025-W01", 2, 0],
              ["2025-W02", 0, 0],
              ["2025-W03", 0, 0],
              ["2025-W04", 0, 1]
            ]
          )
          const months = yield* admin.dashboardTrends({
            urlParams: { period: "month", from: new Date("2024-11-15T00:00:00Z"), to: new Date("2025-02-01T00:00:00Z") }
          })
          assert.deepStrictEqual(
            months.buckets.map((x) => x.label),
            ["2024-11", "2024-12", "2025-01", "2025-02"]
          )

          const byDefault = yield* admin.dashboardTrends({ urlParams: {} })
          assert.strictEqual(byDefault.period, "day")
          assert.lengthOf(byDefault.buckets, 30)
          // the server reads the (test) clock: the last bucket is its today
          const today = new Date(yield* Clock.currentTimeMillis).toISOString().slice(0, 10)
          assert.strictEqual(byDefault.buckets.at(-1)?.label, today)

          const backwards = yield* admin
            .dashboardTrends({
              urlParams: { from: new Date("2025-02-01T00:00:00Z"), to: new Date("2025-01-01T00:00:00Z") }
            })
            .pipe(Effect.flip)
          assert.strictEqual(backwards._tag, "InvalidInput")
        }).pipe(Effect.orDie)
      )
    })
  })
}
