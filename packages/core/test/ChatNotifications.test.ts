/** A deleted chat message leaves no trace of its text in anyone's notifications. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Chat, PostMessage } from "../src/Chat.js"
import { userActor } from "../src/Common.js"
import type { ChatMessageId, ProcurementId, UserId } from "../src/Ids.js"
import { Notifications } from "../src/Notifications.js"
import { coreProfiles, insertParticipant, insertProcurement, insertUser } from "../src/testing/index.js"

/** A notification that quotes a chat message (chat messages themselves create none; summaries may quote one). */
const quote = (recipients: ReadonlyArray<UserId>, procurementId: ProcurementId, id: ChatMessageId, text: string) =>
  Effect.flatMap(Notifications, (n) =>
    n.createMany(recipients, {
      type: "NEW_CHAT_MESSAGE",
      title: "Новое сообщение",
      body: text,
      procurementId,
      data: { messageId: id }
    })
  )

const bodies = (userId: UserId) =>
  Effect.flatMap(Notifications, (n) =>
    Effect.map(n.list(userId, { offset: 0, limit: 100 }), (page) => page.items.map((i) => i.body))
  )

for (const profile of coreProfiles()) {
  describe(`chat notifications (${profile.name})`, () => {
    it.layer(profile.layer, { timeout: "120 seconds" })((it) => {
      it.effect("deleting a message deletes the notifications that quote it, and no new ones are stored", () =>
        Effect.gen(function* () {
          const chat = yield* Chat
          const organizer = yield* insertUser({ role: "organizer" })
          const buyer = yield* insertUser()
          const other = yield* insertUser()
          const id = yield* insertProcurement(organizer)
          yield* insertParticipant(id, buyer)
          yield* insertParticipant(id, other)

          const secret = yield* chat.post(
            new PostMessage({ procurementId: id, userId: buyer, text: "мой пароль 1234" })
          )
          const kept = yield* chat.post(new PostMessage({ procurementId: id, userId: buyer, text: "привет всем" }))
          yield* quote([organizer, other], id, secret.id, secret.text)
          yield* quote([organizer, other], id, kept.id, kept.text)
          assert.sameMembers(yield* bodies(other), ["мой пароль 1234", "привет всем"])

          yield* chat.remove(userActor(buyer, false), secret.id)
          assert.deepStrictEqual(yield* bodies(other), ["привет всем"])
          assert.deepStrictEqual(yield* bodies(organizer), ["привет всем"])

          // a notification for the message created after it was deleted (a dispatcher running late) is not stored
          const late = yield* quote([other], id, secret.id, secret.text)
          assert.strictEqual(late.length, 0)
          assert.deepStrictEqual(yield* bodies(other), ["привет всем"])
          // other notifications are stored as before
          assert.strictEqual((yield* quote([other], id, kept.id, "ещё раз")).length, 1)
        })
      )
    })
  })
}
