import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Layer, Stream } from "effect"
import { type DomainEvent, DomainEvents, DomainEventsLive } from "../src/Events.js"
import type { RoleRequestId } from "../src/Ids.js"
import { RoleRequestFilter, RoleRequests } from "../src/RoleRequests.js"
import { RoleRequestsLive } from "../src/RoleRequestsLive.js"
import { Users } from "../src/Users.js"
import { UsersLive } from "../src/UsersLive.js"
import { databaseProfiles } from "../src/testing/index.js"
import { atNow, createProcurement, insertOrganizer, insertUser, moneyLayer } from "./moneyFixtures.js"
import { Procurements } from "../src/Procurements.js"

/** The role-request events published while `effect` runs. */
const eventsOf = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const bus = yield* DomainEvents
    const stream = yield* bus.subscribe
    const fiber = yield* Effect.fork(Stream.runCollect(stream.pipe(Stream.take(1))))
    const result = yield* effect
    const events = yield* Fiber.join(fiber).pipe(Effect.timeout("2 seconds"), Effect.orElseSucceed(Chunk.empty))
    return [result, Chunk.toArray(events) as Array<DomainEvent>] as const
  })

const roleOf = (id: string) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) => sql<{ role: string; isAdmin: boolean }>`SELECT role, is_admin FROM users WHERE id = ${id}`
  ).pipe(Effect.map((rows) => rows[0]!))

for (const profile of databaseProfiles()) {
  describe(`RoleRequests (${profile.name})`, () => {
    const layer = Layer.fresh(
      Layer.mergeAll(RoleRequestsLive, UsersLive).pipe(
        Layer.provideMerge(DomainEventsLive),
        Layer.provideMerge(profile.layer)
      )
    )
    it.layer(layer, { timeout: "120 seconds" })((it) => {
      it.scoped("a buyer asks once; admins are named in the event; approval gives the role in the same step", () =>
        Effect.gen(function* () {
          const requests = yield* RoleRequests
          const admin = yield* insertUser({ role: "buyer", isAdmin: true })
          const buyer = yield* insertUser({ firstName: "Пётр" })
          const [first, events] = yield* eventsOf(requests.request(buyer, "organizer"))
          assert.isTrue(first.created)
          assert.strictEqual(first.request.status, "PENDING")
          assert.strictEqual(events[0]?._tag, "RoleRequested")
          assert.include((events[0] as Extract<DomainEvent, { _tag: "RoleRequested" }>).admins, admin)
          // a double tap (and two at once) finds the same request
          const [again, twice] = yield* Effect.all(
            [requests.request(buyer, "organizer"), requests.request(buyer, "organizer")],
            { concurrency: 2 }
          )
          assert.isFalse(again.created)
          assert.isFalse(twice.created)
          assert.strictEqual(again.request.id, first.request.id)
          // another role while one waits is refused with a sentence
          const other = yield* requests.request(buyer, "supplier").pipe(Effect.flip)
          assert.strictEqual(other._tag, "RuleViolation")
          assert.strictEqual((other as { code: string }).code, "role-request.pending")
          assert.strictEqual((yield* requests.pending(buyer))?.id, first.request.id)
          const listed = yield* requests.list(new RoleRequestFilter({ userId: buyer }))
          assert.strictEqual(listed.total, 1)
          assert.deepInclude(listed.items[0]!.user, { firstName: "Пётр", currentRole: "buyer" })

          const [decided, decidedEvents] = yield* eventsOf(requests.decide(first.request.id, true, admin))
          assert.isTrue(decided.changed)
          assert.strictEqual(decided.request.status, "APPROVED")
          assert.strictEqual(decided.request.decidedBy, admin)
          assert.isNotNull(decided.request.decidedAt)
          assert.deepInclude(decidedEvents[0] as object, { _tag: "RoleRequestDecided", approved: true, userId: buyer })
          assert.strictEqual((yield* roleOf(buyer)).role, "organizer")
          // approving twice acts once; declining an approved one is refused
          assert.isFalse((yield* requests.decide(first.request.id, true, admin)).changed)
          const flip = yield* requests.decide(first.request.id, false, admin).pipe(Effect.flip)
          assert.strictEqual((flip as { code: string }).code, "role-request.decided")
          assert.isNull(yield* requests.pending(buyer))
          // the role they have now cannot be asked for
          const has = yield* requests.request(buyer, "organizer").pipe(Effect.flip)
          assert.strictEqual((has as { code: string }).code, "role-request.has-role")
        })
      )

      it.effect("an administrator giving the requested role directly settles the request; another role leaves it", () =>
        Effect.gen(function* () {
          const requests = yield* RoleRequests
          const users = yield* Users
          const admin = yield* insertUser({ isAdmin: true })
          const buyer = yield* insertUser()
          const { request } = yield* requests.request(buyer, "supplier")
          yield* users.setRole(buyer, "organizer", admin)
          assert.strictEqual((yield* requests.pending(buyer))?.id, request.id)
          yield* users.setRole(buyer, "supplier", admin)
          assert.isNull(yield* requests.pending(buyer))
          const settled = yield* requests.list(new RoleRequestFilter({ status: "APPROVED", userId: buyer }))
          assert.deepStrictEqual(
            settled.items.map((i) => [i.request.id, i.request.decidedBy]),
            [[request.id, admin]]
          )
        })
      )

      it.effect("a declined request keeps the role (and admin rights); blocked and unknown accounts are refused", () =>
        Effect.gen(function* () {
          const requests = yield* RoleRequests
          const adminBuyer = yield* insertUser({ role: "buyer", isAdmin: true })
          const { request } = yield* requests.request(adminBuyer, "supplier")
          const declined = yield* requests.decide(request.id, false, null)
          assert.strictEqual(declined.request.status, "DECLINED")
          assert.deepStrictEqual(yield* roleOf(adminBuyer), { role: "buyer", isAdmin: true })
          // a new request may follow a decided one; approval keeps admin rights
          const next = yield* requests.request(adminBuyer, "supplier")
          assert.isTrue(next.created)
          yield* requests.decide(next.request.id, true, null)
          assert.deepStrictEqual(yield* roleOf(adminBuyer), { role: "supplier", isAdmin: true })
          const blocked = yield* insertUser({ isActive: false })
          assert.strictEqual(
            ((yield* requests.request(blocked, "organizer").pipe(Effect.flip)) as { code: string }).code,
            "role-request.inactive"
          )
          const missing = "00000000-0000-4000-8000-000000000000"
          assert.strictEqual(
            (yield* requests.request(missing as never, "organizer").pipe(Effect.flip))._tag,
            "NotFound"
          )
          assert.strictEqual(
            (yield* requests.decide(missing as RoleRequestId, true, null).pipe(Effect.flip))._tag,
            "NotFound"
          )
          assert.strictEqual(
            (yield* requests.decide("nope" as RoleRequestId, true, null).pipe(Effect.flip))._tag,
            "NotFound"
          )
          const declinedList = yield* requests.list(new RoleRequestFilter({ status: "DECLINED", userId: adminBuyer }))
          assert.strictEqual(declinedList.total, 1)
        })
      )
    })
  })

  describe(`Procurement supplier (${profile.name})`, () => {
    it.layer(moneyLayer(profile.layer), { timeout: "120 seconds" })((it) => {
      it.effect("only a user with the supplier role supplies; they see what they supply", () =>
        Effect.gen(function* () {
          yield* atNow
          const organizer = yield* insertOrganizer()
          const buyer = yield* insertUser()
          const refused = yield* createProcurement(organizer, { supplierId: buyer }).pipe(Effect.flip)
          assert.strictEqual(refused._tag, "InvalidInput")
          assert.strictEqual(
            (refused as { issues: ReadonlyArray<{ code: string }> }).issues[0]!.code,
            "supplier.not-supplier"
          )
          const supplier = yield* insertUser({ role: "supplier" })
          const created = yield* createProcurement(organizer, { supplierId: supplier })
          const procurements = yield* Procurements
          assert.strictEqual((yield* procurements.get(created)).supplier?.id, supplier)
          const mine = yield* procurements.forUser(supplier)
          assert.deepStrictEqual(
            mine.supplied.map((v) => v.procurement.id),
            [created]
          )
          assert.deepStrictEqual(mine.organized, [])
        })
      )
    })
  })
}
