/**
 * Role requests over the API, on both database profiles: a buyer asks (twice: once), the admins are notified in their
 * language, the admin list shows the request, approval gives the role (audited, the requester notified in theirs);
 * the supplier rule refuses a procurement whose supplier is not one; a channel of a bot that does not run is refused.
 */
import { AuditFilter, AuditLog, Notifications, type NotificationType, type UserId } from "@groupbuy/core"
import { coreProfiles, insertUser } from "@groupbuy/core/testing"
import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect } from "effect"
import { adminLogin, eventually } from "./utils/AppHarness.js"
import { TestServer, userClient } from "./utils/TestServer.js"

const setLanguage = (id: UserId, language: "ru" | "en") =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql`UPDATE users SET language = ${language} WHERE id = ${id}`).pipe(
    Effect.orDie
  )

/** The user's notifications of `type`, once there is one (the dispatcher writes them on its own fiber). */
const notified = (id: UserId, type: NotificationType) =>
  eventually(
    Effect.flatMap(Notifications, (n) => n.list(id, { offset: 0, limit: 20 })).pipe(
      Effect.map((page) => page.items.filter((item) => item.type === type)),
      Effect.filterOrFail(
        (items) => items.length > 0,
        () => new Error(`no ${type} notification yet`)
      )
    )
  )

for (const profile of coreProfiles()) {
  describe(`role requests API (${profile.name})`, () => {
    it.layer(TestServer(profile.layer), { timeout: "120 seconds" })((it) => {
      it.effect("a buyer asks once; admins hear of it; approval gives the role, audited and notified", () =>
        Effect.gen(function* () {
          const anna = yield* insertUser({ firstName: "Анна", isAdmin: true })
          const boris = yield* insertUser({ firstName: "Борис" })
          yield* setLanguage(boris, "en")
          const asBoris = yield* userClient(boris)
          const first = yield* asBoris.users.requestRole({ path: { id: boris }, payload: { role: "organizer" } })
          assert.isTrue(first.created)
          const again = yield* asBoris.users.requestRole({ path: { id: boris }, payload: { role: "organizer" } })
          assert.isFalse(again.created)
          assert.strictEqual(again.request.id, first.request.id)
          const other = yield* asBoris.users
            .requestRole({ path: { id: boris }, payload: { role: "supplier" } })
            .pipe(Effect.flip)
          assert.strictEqual(other._tag === "RuleViolation" ? other.code : other._tag, "role-request.pending")
          assert.strictEqual((yield* asBoris.users.roleRequest({ path: { id: boris } }))?.id, first.request.id)
          // someone else's request is not theirs to make
          const vera = yield* insertUser({ firstName: "Вера" })
          const foreign = yield* asBoris.users
            .requestRole({ path: { id: vera }, payload: { role: "organizer" } })
            .pipe(Effect.flip)
          assert.strictEqual(foreign._tag, "Forbidden")

          // the admin hears of it once, in Russian
          const told = yield* notified(anna, "ROLE_REQUESTED")
          assert.lengthOf(told, 1)
          assert.strictEqual(told[0]!.title, "Запрос роли")
          assert.include(told[0]!.body, "Борис просит роль «организатор»")

          const { admin } = yield* adminLogin("", "roles@example.com", anna)
          const pending = yield* admin.roleRequests({ urlParams: {} })
          const listed = pending.items.find((item) => item.request.id === first.request.id)
          assert.deepStrictEqual(listed?.user, {
            firstName: "Борис",
            lastName: null,
            username: listed?.user.username ?? null,
            currentRole: "buyer"
          })
          const approved = yield* admin.approveRoleRequest({ path: { id: first.request.id } })
          assert.strictEqual(approved.status, "APPROVED")
          assert.strictEqual(approved.decidedBy, anna)
          assert.isTrue(DateTime.isDateTime(approved.decidedAt))
          // a double click acts once; declining an approved request is refused
          yield* admin.approveRoleRequest({ path: { id: first.request.id } })
          const flip = yield* admin.declineRoleRequest({ path: { id: first.request.id } }).pipe(Effect.flip)
          assert.strictEqual(flip._tag === "RuleViolation" ? flip.code : flip._tag, "role-request.decided")
          assert.strictEqual((yield* admin.user({ path: { id: boris } })).user.role, "organizer")
          assert.isNull(yield* asBoris.users.roleRequest({ path: { id: boris } }))

          const decided = yield* notified(boris, "ROLE_REQUEST_DECIDED")
          assert.lengthOf(decided, 1)
          assert.strictEqual(decided[0]!.title, "Your role request was approved")
          assert.strictEqual(decided[0]!.body, "An administrator approved your request: you are now “organizer”.")
          const audit = yield* (yield* AuditLog).list(new AuditFilter({ action: "role_request.approve", limit: 10 }))
          assert.deepStrictEqual(
            audit.items.map((e) => [e.targetId, e.details["role"], e.details["requestId"]]),
            [[boris, "organizer", first.request.id]]
          )

          // declined: the role stays, the requester is told
          const asVera = yield* userClient(vera)
          const veras = yield* asVera.users.requestRole({ path: { id: vera }, payload: { role: "supplier" } })
          const declined = yield* admin.declineRoleRequest({ path: { id: veras.request.id } })
          assert.strictEqual(declined.status, "DECLINED")
          assert.strictEqual((yield* admin.user({ path: { id: vera } })).user.role, "buyer")
          const history = yield* admin.roleRequests({ urlParams: { status: "DECLINED", userId: vera } })
          assert.deepStrictEqual(
            history.items.map((i) => i.request.id),
            [veras.request.id]
          )
          const veraTold = yield* notified(vera, "ROLE_REQUEST_DECIDED")
          assert.strictEqual(veraTold[0]!.title, "Запрос роли отклонён")
        })
      )

      it.effect("the supplier of a procurement must have the supplier role; they see what they supply", () =>
        Effect.gen(function* () {
          const olga = yield* insertUser({ firstName: "Ольга", role: "organizer" })
          const buyer = yield* insertUser({ firstName: "Пётр" })
          const supplier = yield* insertUser({ firstName: "Савва", role: "supplier" })
          const asOlga = yield* userClient(olga)
          // the choice an organizer is offered: active suppliers only, by name
          yield* insertUser({ firstName: "Яков", role: "supplier", isActive: false })
          const offered = yield* asOlga.users.suppliers()
          assert.deepInclude(offered, { id: supplier, name: "Савва" })
          assert.isFalse(offered.some((s) => s.name === "Яков" || s.id === buyer))
          const now = yield* DateTime.now
          const input = (supplierId: UserId) => ({
            organizerId: olga,
            title: "Мёд",
            description: "Алтайский",
            supplierId,
            targetAmount: 100_000n,
            pricePerUnit: 10_000n,
            unit: "кг",
            deadline: DateTime.add(now, { days: 7 }),
            city: "Барнаул",
            publish: true
          })
          const refused = yield* asOlga.procurements.create({ payload: input(buyer) as never }).pipe(Effect.flip)
          assert.strictEqual(refused._tag, "InvalidInput")
          assert.strictEqual(refused._tag === "InvalidInput" ? refused.issues[0].code : "", "supplier.not-supplier")
          const created = yield* asOlga.procurements.create({ payload: input(supplier) as never })
          const mine = yield* (yield* userClient(supplier)).procurements.forUser({ path: { userId: supplier } })
          assert.deepStrictEqual(
            mine.supplied.map((v) => v.procurement.id),
            [created.procurement.id]
          )
        })
      )
    })
  })
}
