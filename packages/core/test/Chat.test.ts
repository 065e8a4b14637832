import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, DateTime, Effect, Layer, Option, Stream } from "effect"
import { randomUUID } from "node:crypto"
import { Chat, MAX_CHAT_MESSAGE, MessageFilter, PostMessage } from "../src/Chat.js"
import { ChatLive } from "../src/ChatLive.js"
import { systemActor, userActor } from "../src/Common.js"
import { type DomainEvent, DomainEvents, DomainEventsLive } from "../src/Events.js"
import type { ProcurementId, UserId } from "../src/Ids.js"
import type { ChatMessage } from "../src/Models.js"
import { insertParticipant, insertProcurement, insertUser } from "../src/testing/Fixtures.js"
import { databaseProfiles } from "../src/testing/index.js"

/** A procurement with an organizer, a supplier, a participant, a cancelled participant, an outsider and an admin. */
const scene = Effect.gen(function* () {
  const organizer = yield* insertUser({ firstName: "Организатор", role: "organizer" })
  const supplier = yield* insertUser({ firstName: "Поставщик", role: "supplier" })
  const participant = yield* insertUser({ firstName: "Участник" })
  const cancelled = yield* insertUser({ firstName: "Передумал" })
  const outsider = yield* insertUser({ firstName: "Чужой" })
  const admin = yield* insertUser({ firstName: "Админ", isAdmin: true })
  const procurement = yield* insertProcurement(organizer, { supplierId: supplier })
  yield* insertParticipant(procurement, participant, "PAID")
  yield* insertParticipant(procurement, cancelled, "CANCELLED")
  return { organizer, supplier, participant, cancelled, outsider, admin, procurement }
})

const text = (procurementId: ProcurementId, userId: UserId, body: string) =>
  PostMessage.make({ procurementId, userId, text: body, originPlatform: "telegram" })

const countMessages = (procurementId: ProcurementId) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) => sql<{ n: number }>`SELECT count(*)::int AS n FROM chat_messages WHERE procurement_id = ${procurementId}`
  ).pipe(Effect.map((rows) => rows[0]!.n))

/** Subscribes now; `drain` returns everything published since, up to a marker it publishes itself. */
const recordEvents = Effect.gen(function* () {
  const events = yield* DomainEvents
  const stream = yield* events.subscribe
  const marker = randomUUID() as UserId
  return {
    drain: Effect.gen(function* () {
      yield* events.publish({ _tag: "BalanceChanged", userId: marker, balance: 0n as never })
      const all = yield* Stream.runCollect(
        Stream.takeUntil(stream, (e) => e._tag === "BalanceChanged" && e.userId === marker)
      )
      return Chunk.toReadonlyArray(all).slice(0, -1) as ReadonlyArray<DomainEvent>
    })
  }
})

for (const profile of databaseProfiles()) {
  describe(`Chat (${profile.name})`, () => {
    const layer = Layer.fresh(ChatLive.pipe(Layer.provideMerge(DomainEventsLive))).pipe(
      Layer.provideMerge(profile.layer)
    )
    it.layer(layer, { timeout: "120 seconds" })((it) => {
      it.scoped("members post; non-members are refused and nothing is written", () =>
        Effect.gen(function* () {
          const chat = yield* Chat
          const s = yield* scene
          const recorder = yield* recordEvents
          const first = yield* chat.post(text(s.procurement, s.participant, "  Когда доставка?  "))
          assert.strictEqual(first.text, "Когда доставка?")
          assert.strictEqual(first.type, "TEXT")
          assert.strictEqual(first.originPlatform, "telegram")
          yield* chat.post(text(s.procurement, s.organizer, "В пятницу"))
          yield* chat.post(text(s.procurement, s.supplier, "Подтверждаю"))
          yield* chat.post(text(s.procurement, s.admin, "Модератор на связи"))
          const before = yield* countMessages(s.procurement)
          for (const stranger of [s.outsider, s.cancelled]) {
            const refused = yield* chat.post(text(s.procurement, stranger, "Можно мне?")).pipe(Effect.flip)
            assert.strictEqual(refused._tag, "Forbidden")
          }
          const inactive = yield* insertUser({ isActive: false })
          yield* insertParticipant(s.procurement, inactive)
          assert.strictEqual(
            (yield* chat.post(text(s.procurement, inactive, "Привет")).pipe(Effect.flip))._tag,
            "Forbidden"
          )
          const missing = yield* chat.post(text(randomUUID() as ProcurementId, s.organizer, "?")).pipe(Effect.flip)
          assert.strictEqual(missing._tag, "NotFound")
          assert.strictEqual(yield* countMessages(s.procurement), before)
          const events = yield* recorder.drain
          assert.deepStrictEqual(
            events.map((e) => (e._tag === "ChatMessagePosted" ? e.message.text : e._tag)),
            ["Когда доставка?", "В пятницу", "Подтверждаю", "Модератор на связи"]
          )
        })
      )

      it.effect("validates text length and attachments", () =>
        Effect.gen(function* () {
          const chat = yield* Chat
          const s = yield* scene
          const invalid = [
            text(s.procurement, s.participant, "   "),
            text(s.procurement, s.participant, "я".repeat(MAX_CHAT_MESSAGE + 1)),
            PostMessage.make({ procurementId: s.procurement, userId: s.participant, type: "IMAGE", text: "фото" }),
            PostMessage.make({
              procurementId: s.procurement,
              userId: s.participant,
              type: "FILE",
              text: "",
              attachmentUrl: "ftp://example.com/price.pdf"
            })
          ]
          for (const input of invalid) {
            const error = yield* chat.post(input).pipe(Effect.flip)
            assert.strictEqual(error._tag, "InvalidInput")
          }
          const tooLong = yield* chat.post(invalid[1]!).pipe(Effect.flip)
          if (tooLong._tag === "InvalidInput") {
            assert.strictEqual(tooLong.issues[0].ru, `сообщение должно быть от 1 до ${MAX_CHAT_MESSAGE} символов`)
          }
          // a non-member with invalid input still writes nothing
          assert.strictEqual(
            (yield* chat.post(text(s.procurement, s.outsider, "ok")).pipe(Effect.flip))._tag,
            "Forbidden"
          )
          assert.strictEqual(yield* countMessages(s.procurement), 0)
          const longest = yield* chat.post(text(s.procurement, s.participant, "я".repeat(MAX_CHAT_MESSAGE)))
          assert.strictEqual(longest.text.length, MAX_CHAT_MESSAGE)
          const image = yield* chat.post(
            PostMessage.make({
              procurementId: s.procurement,
              userId: s.participant,
              type: "IMAGE",
              text: "",
              attachmentUrl: "https://cdn.example.com/honey.jpg"
            })
          )
          assert.strictEqual(image.type, "IMAGE")
          assert.strictEqual(image.attachmentUrl, "https://cdn.example.com/honey.jpg")
          const system = yield* chat.postSystem(s.procurement, "Закупка остановлена")
          assert.strictEqual(system.type, "SYSTEM")
          assert.isNull(system.userId)
          assert.strictEqual(
            (yield* chat.postSystem(randomUUID() as ProcurementId, "x").pipe(Effect.flip))._tag,
            "NotFound"
          )
        })
      )

      it.scoped("edit, delete and restore follow who may do what", () =>
        Effect.gen(function* () {
          const chat = yield* Chat
          const s = yield* scene
          const recorder = yield* recordEvents
          const message = yield* chat.post(text(s.procurement, s.participant, "Беру 2 кг"))
          const edited = yield* chat.edit(userActor(s.participant), message.id, " Беру 3 кг ")
          assert.strictEqual(edited.text, "Беру 3 кг")
          assert.isNotNull(edited.editedAt)
          const notAuthor = yield* chat.edit(userActor(s.organizer), message.id, "Взлом").pipe(Effect.flip)
          assert.strictEqual(notAuthor._tag, "Forbidden")
          const empty = yield* chat.edit(userActor(s.participant), message.id, " ").pipe(Effect.flip)
          assert.strictEqual(empty._tag, "InvalidInput")
          assert.strictEqual((yield* chat.edit(userActor(s.admin, true), message.id, "Беру 4 кг")).text, "Беру 4 кг")

          const organizerMessage = yield* chat.post(text(s.procurement, s.organizer, "Оплата до пятницы"))
          const notAllowed = yield* chat.remove(userActor(s.participant), organizerMessage.id).pipe(Effect.flip)
          assert.strictEqual(notAllowed._tag, "Forbidden")
          const deleted = yield* chat.remove(userActor(s.organizer), message.id)
          assert.strictEqual(deleted.text, "")
          assert.isNotNull(deleted.deletedAt)
          assert.strictEqual(deleted.deletedBy, s.organizer)
          const again = yield* chat.remove(userActor(s.organizer), message.id)
          assert.strictEqual(again.text, "")
          const editDeleted = yield* chat.edit(userActor(s.participant), message.id, "Ещё раз").pipe(Effect.flip)
          assert.strictEqual(editDeleted._tag, "Forbidden")

          const history = yield* chat.history(userActor(s.participant), s.procurement, { limit: 10 })
          assert.deepStrictEqual(
            history.map((m) => [m.text, m.deletedAt !== null]),
            [
              ["", true],
              ["Оплата до пятницы", false]
            ]
          )
          const notAdmin = yield* chat.restore(userActor(s.organizer), message.id).pipe(Effect.flip)
          assert.strictEqual(notAdmin._tag, "Forbidden")
          const restored = yield* chat.restore(userActor(s.admin, true), message.id)
          assert.strictEqual(restored.text, "Беру 4 кг")
          assert.isNull(restored.deletedAt)
          const own = yield* chat.remove(userActor(s.organizer), organizerMessage.id)
          assert.isNotNull(own.deletedAt)
          assert.strictEqual(
            (yield* chat.remove(userActor(s.admin, true), randomUUID() as never).pipe(Effect.flip))._tag,
            "NotFound"
          )

          const events = yield* recorder.drain
          assert.deepStrictEqual(
            events.map((e) =>
              e._tag === "ChatMessageDeleted"
                ? `${e._tag}:${e.restored}`
                : e._tag === "ChatMessagePosted" || e._tag === "ChatMessageEdited"
                  ? `${e._tag}:${e.message.text}`
                  : e._tag
            ),
            [
              "ChatMessagePosted:Беру 2 кг",
              "ChatMessageEdited:Беру 3 кг",
              "ChatMessageEdited:Беру 4 кг",
              "ChatMessagePosted:Оплата до пятницы",
              "ChatMessageDeleted:false",
              "ChatMessageDeleted:true",
              "ChatMessageDeleted:false"
            ]
          )
        })
      )

      it.effect("history pages backwards without gaps or repeats; outsiders cannot read", () =>
        Effect.gen(function* () {
          const chat = yield* Chat
          const s = yield* scene
          // a burst: many messages within the same millisecond must still page exactly
          yield* Effect.forEach(
            Array.from({ length: 25 }, (_, i) => i),
            (i) => chat.post(text(s.procurement, i % 2 === 0 ? s.participant : s.organizer, `Сообщение ${i}`)),
            { discard: true }
          )
          const seen: Array<string> = []
          let before: Date | undefined = undefined
          for (;;) {
            const page: ReadonlyArray<ChatMessage> = yield* chat.history(
              userActor(s.supplier),
              s.procurement,
              before === undefined ? { limit: 10 } : { limit: 10, before }
            )
            if (page.length === 0) break
            seen.unshift(...page.map((m) => m.text))
            before = new Date(page[0]!.createdAt.epochMillis)
          }
          assert.deepStrictEqual(
            seen,
            Array.from({ length: 25 }, (_, i) => `Сообщение ${i}`)
          )
          const outsider = yield* chat.history(userActor(s.outsider), s.procurement, { limit: 10 }).pipe(Effect.flip)
          assert.strictEqual(outsider._tag, "Forbidden")
          const system = yield* chat.history(systemActor("relay"), s.procurement, { limit: 1 })
          assert.deepStrictEqual(
            system.map((m) => m.text),
            ["Сообщение 24"]
          )
          const missing = yield* chat
            .history(userActor(s.admin, true), randomUUID() as ProcurementId, { limit: 5 })
            .pipe(Effect.flip)
          assert.strictEqual(missing._tag, "NotFound")
        })
      )

      it.effect("unread counts: after the read marker, not own, not deleted, only where a member", () =>
        Effect.gen(function* () {
          const chat = yield* Chat
          const s = yield* scene
          const other = yield* insertProcurement(s.organizer)
          yield* chat.post(text(s.procurement, s.organizer, "Раз"))
          const two = yield* chat.post(text(s.procurement, s.organizer, "Два"))
          yield* chat.post(text(s.procurement, s.participant, "Моё"))
          yield* chat.postSystem(s.procurement, "Статус изменён")
          yield* chat.post(text(other, s.organizer, "Другая закупка"))
          const counts = (user: UserId) =>
            Effect.map(chat.unreadCounts(user), (rows) =>
              Object.fromEntries(rows.map((r) => [r.procurementId, r.unread]))
            )
          assert.deepStrictEqual(yield* counts(s.participant), { [s.procurement]: 3 })
          assert.deepStrictEqual(yield* counts(s.supplier), { [s.procurement]: 4 })
          assert.deepStrictEqual(yield* counts(s.organizer), { [s.procurement]: 2 })
          assert.deepStrictEqual(yield* counts(s.outsider), {})
          assert.deepStrictEqual(yield* counts(s.cancelled), {})
          yield* chat.remove(userActor(s.organizer), two.id)
          assert.deepStrictEqual(yield* counts(s.participant), { [s.procurement]: 2 })
          yield* chat.markRead(s.participant, s.procurement)
          assert.deepStrictEqual(yield* counts(s.participant), {})
          yield* chat.post(text(s.procurement, s.supplier, "Новое"))
          assert.deepStrictEqual(yield* counts(s.participant), { [s.procurement]: 1 })
          const refused = yield* chat.markRead(s.outsider, s.procurement).pipe(Effect.flip)
          assert.strictEqual(refused._tag, "Forbidden")
          const missing = yield* chat.markRead(s.participant, randomUUID() as ProcurementId).pipe(Effect.flip)
          assert.strictEqual(missing._tag, "NotFound")
        })
      )

      it.effect("unreadIn: the members' counts of one chat in one go, up to its newest message; reads are events", () =>
        Effect.gen(function* () {
          const chat = yield* Chat
          const events = yield* DomainEvents
          const s = yield* scene
          const all = [s.organizer, s.supplier, s.participant, s.outsider, s.cancelled, s.admin]
          const empty = yield* chat.unreadIn(s.procurement, all)
          assert.strictEqual(empty.upTo, 0)
          assert.deepStrictEqual(Object.fromEntries(empty.unread), {
            [s.organizer]: 0,
            [s.supplier]: 0,
            [s.participant]: 0
          })
          yield* chat.post(text(s.procurement, s.organizer, "Раз"))
          const two = yield* chat.post(text(s.procurement, s.organizer, "Два"))
          yield* chat.post(text(s.procurement, s.participant, "Моё"))
          const last = yield* chat.postSystem(s.procurement, "Статус изменён")
          yield* chat.remove(userActor(s.organizer), two.id)
          const counted = yield* chat.unreadIn(s.procurement, all)
          // the same counts as unreadCounts, for members only
          assert.deepStrictEqual(Object.fromEntries(counted.unread), {
            [s.organizer]: 2,
            [s.supplier]: 3,
            [s.participant]: 2
          })
          assert.strictEqual(counted.upTo, DateTime.toEpochMillis(last.createdAt))
          const subscription = yield* events.subscribe
          yield* chat.markRead(s.participant, s.procurement)
          const read = yield* Stream.runHead(Stream.filter(subscription, (e) => e._tag === "ChatRead"))
          assert.isTrue(Option.isSome(read))
          if (read._tag === "Some" && read.value._tag === "ChatRead") {
            assert.strictEqual(read.value.userId, s.participant)
            assert.isAtLeast(read.value.lastReadAt, counted.upTo)
          }
          assert.strictEqual((yield* chat.unreadIn(s.procurement, [s.participant])).unread.get(s.participant), 0)
          assert.strictEqual((yield* chat.unreadIn(randomUUID() as ProcurementId, all)).unread.size, 0)
        }).pipe(Effect.scoped)
      )

      it.effect("members and canAccess", () =>
        Effect.gen(function* () {
          const chat = yield* Chat
          const s = yield* scene
          assert.deepStrictEqual(yield* chat.members(s.procurement), [s.organizer, s.supplier, s.participant])
          assert.isTrue(yield* chat.canAccess(userActor(s.participant), s.procurement))
          assert.isTrue(yield* chat.canAccess(userActor(s.admin, true), s.procurement))
          assert.isTrue(yield* chat.canAccess(systemActor("test"), s.procurement))
          assert.isFalse(yield* chat.canAccess(userActor(s.outsider), s.procurement))
          assert.isFalse(yield* chat.canAccess(userActor(s.cancelled), s.procurement))
          assert.isFalse(yield* chat.canAccess(userActor(s.admin, true), randomUUID() as ProcurementId))
          assert.strictEqual((yield* chat.members(randomUUID() as ProcurementId).pipe(Effect.flip))._tag, "NotFound")
          // without a supplier the membership test must still say yes or no, never "unknown"
          const plain = yield* insertProcurement(s.organizer)
          yield* insertParticipant(plain, s.participant)
          assert.isTrue(yield* chat.canAccess(userActor(s.participant), plain))
          assert.isFalse(yield* chat.canAccess(userActor(s.outsider), plain))
          assert.strictEqual((yield* chat.post(text(plain, s.participant, "Привет"))).text, "Привет")
          assert.strictEqual((yield* chat.post(text(plain, s.outsider, "Привет")).pipe(Effect.flip))._tag, "Forbidden")
          yield* chat.markRead(s.participant, plain)
          assert.deepStrictEqual(yield* chat.members(plain), [s.organizer, s.participant])
        })
      )

      it.effect("mutes: members and admins mute and unmute a chat, twice acts once; outsiders are refused", () =>
        Effect.gen(function* () {
          const chat = yield* Chat
          const s = yield* scene
          assert.strictEqual((yield* chat.muted(s.procurement)).size, 0)
          yield* chat.setMuted(s.participant, s.procurement, true)
          yield* chat.setMuted(s.participant, s.procurement, true)
          yield* chat.setMuted(s.admin, s.procurement, true)
          assert.isTrue(yield* chat.isMuted(s.participant, s.procurement))
          assert.isFalse(yield* chat.isMuted(s.organizer, s.procurement))
          assert.deepStrictEqual([...(yield* chat.muted(s.procurement))].sort(), [s.participant, s.admin].sort())
          const refused = yield* chat.setMuted(s.outsider, s.procurement, true).pipe(Effect.flip)
          assert.strictEqual(refused._tag, "Forbidden")
          const cancelled = yield* chat.setMuted(s.cancelled, s.procurement, true).pipe(Effect.flip)
          assert.strictEqual(cancelled._tag, "Forbidden")
          const missing = yield* chat.setMuted(s.participant, randomUUID() as ProcurementId, true).pipe(Effect.flip)
          assert.strictEqual(missing._tag, "NotFound")
          yield* chat.setMuted(s.participant, s.procurement, false)
          yield* chat.setMuted(s.participant, s.procurement, false)
          assert.isFalse(yield* chat.isMuted(s.participant, s.procurement))
          assert.deepStrictEqual([...(yield* chat.muted(s.procurement))], [s.admin])
        })
      )

      it.effect("admin list: Russian full-text search, filters, deleted on request, paging", () =>
        Effect.gen(function* () {
          const chat = yield* Chat
          const s = yield* scene
          const honey = yield* chat.post(text(s.procurement, s.participant, "Когда будет доставка мёда?"))
          yield* chat.post(text(s.procurement, s.organizer, "Доставки пока нет"))
          const spam = yield* chat.post(text(s.procurement, s.participant, "Купите слона"))
          yield* chat.remove(userActor(s.admin, true), spam.id)
          const found = yield* chat.list(MessageFilter.make({ procurementId: s.procurement, query: "доставкой" }))
          assert.strictEqual(found.total, 2)
          const byUser = yield* chat.list(MessageFilter.make({ procurementId: s.procurement, userId: s.participant }))
          assert.deepStrictEqual(
            byUser.items.map((m) => m.id),
            [honey.id]
          )
          const withDeleted = yield* chat.list(
            MessageFilter.make({ procurementId: s.procurement, userId: s.participant, includeDeleted: true })
          )
          assert.deepStrictEqual(
            withDeleted.items.map((m) => m.text),
            ["Купите слона", "Когда будет доставка мёда?"]
          )
          const paged = yield* chat.list(MessageFilter.make({ procurementId: s.procurement, limit: 1, offset: 1 }))
          assert.strictEqual(paged.total, 2)
          assert.strictEqual(paged.items.length, 1)
          const quoted = yield* chat.list(MessageFilter.make({ procurementId: s.procurement, query: '"мёда" -слона' }))
          assert.deepStrictEqual(
            quoted.items.map((m) => m.id),
            [honey.id]
          )
        })
      )
    })
  })
}
