import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { randomUUID } from "node:crypto"
import { DomainEvents, DomainEventsLive } from "../src/Events.js"
import type { NotificationId, UserId } from "../src/Ids.js"
import { CreateNotification, Notifications } from "../src/Notifications.js"
import { NotificationsLive } from "../src/NotificationsLive.js"
import { insertProcurement, insertUser } from "../src/testing/Fixtures.js"
import { databaseProfiles } from "../src/testing/index.js"

const note = (userId: UserId, title: string) =>
  CreateNotification.make({ userId, type: "SYSTEM", title, body: `${title}: подробности` })

for (const profile of databaseProfiles()) {
  describe(`Notifications (${profile.name})`, () => {
    const layer = Layer.fresh(NotificationsLive.pipe(Layer.provideMerge(DomainEventsLive))).pipe(
      Layer.provideMerge(profile.layer)
    )
    it.layer(layer, { timeout: "120 seconds" })((it) => {
      it.scoped("create stores the row with its data untouched and announces it", () =>
        Effect.gen(function* () {
          const notifications = yield* Notifications
          const stream = yield* (yield* DomainEvents).subscribe
          const user = yield* insertUser()
          const organizer = yield* insertUser()
          const procurement = yield* insertProcurement(organizer)
          const created = yield* notifications.create(
            CreateNotification.make({
              userId: user,
              type: "PAYMENT_REQUIRED",
              title: "Оплатите закупку",
              body: "До пятницы",
              procurementId: procurement,
              data: { amount_kopecks: "150000", nested: { due_at: "2026-05-01" } }
            })
          )
          assert.strictEqual(created.userId, user)
          assert.strictEqual(created.procurementId, procurement)
          assert.deepStrictEqual(created.data, { amount_kopecks: "150000", nested: { due_at: "2026-05-01" } })
          assert.isFalse(created.isRead)
          assert.isNull(created.deliveredAt)
          const [event] = Chunk.toReadonlyArray(yield* Stream.runCollect(Stream.take(stream, 1)))
          assert.strictEqual(event?._tag, "NotificationCreated")
          if (event?._tag === "NotificationCreated") assert.strictEqual(event.notification.id, created.id)
          const page = yield* notifications.list(user, { offset: 0, limit: 10 })
          assert.deepStrictEqual(page.items, [created])
        })
      )

      it.scoped("createMany: explicit users in one statement, or every active user; one event per row", () =>
        Effect.gen(function* () {
          const notifications = yield* Notifications
          const sql = yield* SqlClient.SqlClient
          const stream = yield* (yield* DomainEvents).subscribe
          const many = yield* Effect.forEach(
            Array.from({ length: 120 }, () => 0),
            () => insertUser()
          )
          const inactive = yield* insertUser({ isActive: false })
          const rows = yield* notifications.createMany([...many, many[0]!, inactive], {
            type: "PROCUREMENT_STATUS_UPDATE",
            title: "Закупка открыта",
            body: "Присоединяйтесь"
          })
          assert.strictEqual(rows.length, 121, "duplicates collapse; named inactive users are included")
          assert.sameMembers(
            rows.map((r) => r.userId),
            [...many, inactive]
          )
          assert.strictEqual((yield* notifications.createMany([], { type: "SYSTEM", title: "x", body: "y" })).length, 0)

          const [active] = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM users WHERE is_active`
          const broadcast = yield* notifications.createMany("all", { type: "SYSTEM", title: "Всем", body: "Привет" })
          assert.strictEqual(broadcast.length, active!.n)
          assert.notInclude(
            broadcast.map((r) => r.userId),
            inactive
          )
          const events = Chunk.toReadonlyArray(
            yield* Stream.runCollect(Stream.take(stream, rows.length + broadcast.length))
          )
          assert.deepStrictEqual(
            events.map((e) => (e._tag === "NotificationCreated" ? e.notification.id : e._tag)),
            [...rows, ...broadcast].map((r) => r.id)
          )
        })
      )

      it.effect("list pages newest first with totals; unread counts; markRead touches only the caller's rows", () =>
        Effect.gen(function* () {
          const notifications = yield* Notifications
          const user = yield* insertUser()
          const other = yield* insertUser()
          const mine = yield* Effect.forEach([1, 2, 3, 4, 5], (i) => notifications.create(note(user, `N${i}`)))
          const theirs = yield* notifications.create(note(other, "Чужое"))
          const page = yield* notifications.list(user, { offset: 1, limit: 2 })
          assert.strictEqual(page.total, 5)
          assert.deepStrictEqual(
            page.items.map((n) => n.title),
            ["N4", "N3"]
          )
          assert.strictEqual(yield* notifications.unreadCount(user), 5)
          // someone else's id in the list is ignored
          const changed = yield* notifications.markRead(user, [mine[0]!.id, mine[1]!.id, theirs.id])
          assert.strictEqual(changed, 2)
          assert.strictEqual(yield* notifications.markRead(user, [mine[0]!.id]), 0, "already read")
          assert.strictEqual(yield* notifications.unreadCount(user), 3)
          assert.strictEqual(yield* notifications.unreadCount(other), 1)
          const unread = yield* notifications.list(user, { offset: 0, limit: 20, unreadOnly: true })
          assert.deepStrictEqual(
            unread.items.map((n) => n.title),
            ["N5", "N4", "N3"]
          )
          assert.strictEqual(unread.total, 3)
          assert.strictEqual(yield* notifications.markRead(user, "all"), 3)
          assert.strictEqual(yield* notifications.unreadCount(user), 0)
          assert.strictEqual(yield* notifications.unreadCount(other), 1)
          assert.strictEqual(yield* notifications.markRead(user, []), 0)
        })
      )

      it.effect("markDelivered records the platform; unknown ids are NotFound", () =>
        Effect.gen(function* () {
          const notifications = yield* Notifications
          const user = yield* insertUser()
          const created = yield* notifications.create(note(user, "Доставка"))
          yield* notifications.markDelivered(created.id, "vk")
          const [row] = (yield* notifications.list(user, { offset: 0, limit: 1 })).items
          assert.strictEqual(row!.deliveredPlatform, "vk")
          assert.isNotNull(row!.deliveredAt)
          const missing = yield* notifications.markDelivered(randomUUID() as NotificationId, "web").pipe(Effect.flip)
          assert.strictEqual(missing._tag, "NotFound")
        })
      )
    })
  })
}
