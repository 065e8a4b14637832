import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, DateTime, Effect, Option, Stream } from "effect"
import { randomUUID } from "node:crypto"
import { AuditLog, RecordAudit } from "../src/AuditLog.js"
import { Chat, PostMessage } from "../src/Chat.js"
import { userActor } from "../src/Common.js"
import { DomainEvents } from "../src/Events.js"
import { KeyValue } from "../src/KeyValue.js"
import { Notifications } from "../src/Notifications.js"
import { CreateProcurement, Procurements } from "../src/Procurements.js"
import { coreProfiles } from "../src/testing/CoreTest.js"
import { IdentityRef, RegisterUser, Users } from "../src/Users.js"
import { kopecks } from "../src/Money.js"

const person = (firstName: string, role: "buyer" | "organizer" = "buyer") =>
  RegisterUser.make({
    identity: IdentityRef.make({ platform: "telegram", externalId: randomUUID() }),
    firstName,
    role
  })

for (const profile of coreProfiles()) {
  describe(`Chat with all of core (${profile.name})`, () => {
    it.layer(profile.layer, { timeout: "120 seconds" })((it) => {
      it.scoped("chat membership follows joining and leaving through the real Procurements service", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const procurements = yield* Procurements
          const chat = yield* Chat
          const stream = yield* (yield* DomainEvents).subscribe
          const organizer = yield* users.register(person("Ольга", "organizer"))
          const buyer = yield* users.register(person("Борис"))
          const outsider = yield* users.register(person("Глеб"))
          const deadline = DateTime.add(yield* DateTime.now, { days: 7 })
          const view = yield* procurements.create(
            CreateProcurement.make({
              organizerId: organizer.id,
              title: "Мёд алтайский",
              description: "Свежий мёд",
              targetAmount: kopecks(100_000),
              pricePerUnit: kopecks(50_000),
              unit: "кг",
              deadline,
              city: "Барнаул",
              publish: true
            })
          )
          const id = view.procurement.id
          const say = (userId: typeof buyer.id, text: string) =>
            chat.post(PostMessage.make({ procurementId: id, userId, text }))

          assert.strictEqual((yield* say(buyer.id, "Можно?").pipe(Effect.flip))._tag, "Forbidden")
          yield* procurements.join(buyer.id, id, 1)
          assert.isTrue(yield* chat.canAccess(userActor(buyer.id), id))
          assert.deepStrictEqual(yield* chat.members(id), [organizer.id, buyer.id])
          const posted = yield* say(buyer.id, "Беру килограмм")
          assert.strictEqual((yield* say(outsider.id, "А я?").pipe(Effect.flip))._tag, "Forbidden")
          yield* procurements.leave(buyer.id, id)
          assert.strictEqual((yield* say(buyer.id, "Я ушёл").pipe(Effect.flip))._tag, "Forbidden")
          assert.deepStrictEqual(yield* chat.members(id), [organizer.id])

          // procurement and chat events travel on the one bus
          const events = Chunk.toReadonlyArray(
            yield* Stream.runCollect(
              Stream.takeUntil(stream, (e) => e._tag === "ChatMessagePosted" && e.message.id === posted.id)
            )
          )
          assert.include(
            events.map((e) => e._tag),
            "ParticipantJoined"
          )
        })
      )

      it.effect("the other services share the same database", () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const users = yield* Users
          const user = yield* users.register(person("Вера"))
          const [row] = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM users WHERE id = ${user.id}`
          assert.strictEqual(row!.n, 1)
          const kv = yield* KeyValue
          yield* kv.set("core-test", user.id, { ok: true })
          assert.deepStrictEqual(yield* kv.get("core-test", user.id), { ok: true })
          const notifications = yield* Notifications
          yield* notifications.createMany([user.id], { type: "SYSTEM", title: "Привет", body: "Добро пожаловать" })
          assert.strictEqual(yield* notifications.unreadCount(user.id), 1)
          const audit = yield* AuditLog
          const entry = yield* audit.record(
            RecordAudit.make({ actorId: user.id, actorKind: "user", action: "test.core", targetId: user.id })
          )
          assert.strictEqual(entry.action, "test.core")
          assert.isTrue(Option.isSome(yield* users.lastUsedIdentity(user.id)))
        })
      )
    })
  })
}
