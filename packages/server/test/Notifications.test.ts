import { HttpClient, HttpClientRequest } from "@effect/platform"
import { type DomainEvent, kopecks, Notifications, PageRequest, UpdateProfile, Users } from "@groupbuy/core"
import { coreProfiles, insertParticipant, insertProcurement, insertUser } from "@groupbuy/core/testing"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { sandboxSigner, SANDBOX_SIGNATURE_HEADER } from "../src/payments/SandboxProvider.js"
import { EventSink } from "../src/notifications/NotificationDispatcher.js"
import { testSettings, TestServer, userClient } from "./utils/TestServer.js"

const eventually = <A>(check: Effect.Effect<A>, ok: (a: A) => boolean) =>
  Effect.gen(function* () {
    for (let i = 0; i < 100; i++) {
      const value = yield* check
      if (ok(value)) return value
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 50)))
    }
    return yield* Effect.dieMessage("the expected state was never reached")
  })

for (const profile of coreProfiles()) {
  /** Records what the dispatcher forwards for delivery to platforms. */
  const forwarded: Array<DomainEvent> = []
  const RecordingSink = Layer.succeed(EventSink, { onEvent: (e) => Effect.sync(() => void forwarded.push(e)) })

  describe(`notifications and payment webhooks (${profile.name})`, () => {
    it.layer(TestServer(profile.layer, {}, RecordingSink), { timeout: "120 seconds" })((it) => {
      it.effect("status changes become notification rows, chat messages none; platform delivery goes to the sink", () =>
        Effect.gen(function* () {
          const notifications = yield* Notifications
          const organizer = yield* insertUser({ role: "organizer" })
          const buyer = yield* insertUser()
          const id = yield* insertProcurement(organizer, { title: "Сыр" })
          yield* insertParticipant(id, buyer)
          const asOrganizer = yield* userClient(organizer)
          yield* asOrganizer.procurements.setStatus({ path: { id }, payload: { status: "STOPPED" } })
          const page = yield* eventually(notifications.list(buyer, new PageRequest({})), (p) =>
            p.items.some((n) => n.type === "PROCUREMENT_STATUS_UPDATE")
          )
          const row = page.items.find((n) => n.type === "PROCUREMENT_STATUS_UPDATE")!
          assert.strictEqual(row.procurementId, id)
          assert.include(row.title, "Сыр")
          yield* eventually(
            Effect.sync(() => forwarded),
            (f) => f.some((e) => e._tag === "NotificationCreated" && e.notification.id === row.id)
          )

          yield* asOrganizer.chat.post({ path: { id }, payload: { text: "Сыр приехал" } })
          // the chat message is forwarded for the router's relay, and stores no notification row per member: its
          // unread count comes from the read markers
          yield* eventually(
            Effect.sync(() => forwarded),
            (f) => f.some((e) => e._tag === "ChatMessagePosted")
          )
          for (const member of [buyer, organizer]) {
            const rows = yield* notifications.list(member, new PageRequest({}))
            assert.isFalse(rows.items.some((n) => n.type === "NEW_CHAT_MESSAGE"))
          }
          assert.isFalse(
            forwarded.some((e) => e._tag === "NotificationCreated" && e.notification.type === "NEW_CHAT_MESSAGE")
          )

          const asBuyer = yield* userClient(buyer)
          const listed = yield* asBuyer.notifications.list({ urlParams: { unreadOnly: true } })
          assert.isAtLeast(listed.items.length, 1)
          const marked = yield* asBuyer.notifications.markRead({ payload: { ids: "all" } })
          assert.strictEqual(marked.changed, listed.total)
          assert.strictEqual((yield* asBuyer.notifications.unreadCount({ urlParams: {} })).unread, 0)
        })
      )

      it.effect("each recipient gets status changes and payment requests in their own language", () =>
        Effect.gen(function* () {
          const notifications = yield* Notifications
          const users = yield* Users
          const organizer = yield* insertUser({ role: "organizer" })
          const english = yield* insertUser()
          const russian = yield* insertUser()
          yield* users.update(english, new UpdateProfile({ language: "en" }))
          const id = yield* insertProcurement(organizer, { title: "Cheese" })
          yield* insertParticipant(id, english)
          yield* insertParticipant(id, russian)
          const asOrganizer = yield* userClient(organizer)
          yield* asOrganizer.procurements.setStatus({ path: { id }, payload: { status: "STOPPED" } })
          yield* asOrganizer.procurements.setStatus({ path: { id }, payload: { status: "PAYMENT" } })
          const rowsOf = (user: typeof english) =>
            eventually(
              Effect.map(notifications.list(user, new PageRequest({ limit: 100 })), (page) => page.items),
              (items) =>
                items.filter((n) => n.type === "PROCUREMENT_STATUS_UPDATE").length === 2 &&
                items.some((n) => n.type === "PAYMENT_REQUIRED")
            )
          const texts = (
            items: ReadonlyArray<{ readonly type: string; readonly title: string; readonly body: string }>
          ) =>
            items
              .filter((n) => n.type !== "NEW_CHAT_MESSAGE")
              .map((n) => `${n.title} | ${n.body}`)
              .sort()

          assert.deepStrictEqual(texts(yield* rowsOf(english)), [
            "Please pay for “Cheese” | Amount due: 100\u00a0₽.",
            "“Cheese”: collection stopped | The status of “Cheese” changed: collecting → collection stopped.",
            "“Cheese”: payment | The status of “Cheese” changed: collection stopped → payment."
          ])
          assert.deepStrictEqual(texts(yield* rowsOf(russian)), [
            "«Cheese»: оплата | Статус закупки «Cheese» изменился: сбор остановлен → оплата.",
            "«Cheese»: сбор остановлен | Статус закупки «Cheese» изменился: идёт сбор → сбор остановлен.",
            "Оплатите участие в «Cheese» | К оплате: 100\u00a0₽."
          ])
          // the organizer (Russian by default) shares the bulk status change with the Russian buyer
          const organizerRows = yield* notifications.list(organizer, new PageRequest({ limit: 100 }))
          assert.isTrue(organizerRows.items.some((n) => n.title === "«Cheese»: оплата"))
          assert.isFalse(organizerRows.items.some((n) => n.title.includes("“")))
        })
      )

      it.effect("the organizer hears, in their language, who joined and who left; the participant hears nothing", () =>
        Effect.gen(function* () {
          const notifications = yield* Notifications
          const users = yield* Users
          const organizer = yield* insertUser({ role: "organizer" })
          const buyer = yield* insertUser({ firstName: "Анна" })
          yield* users.update(buyer, new UpdateProfile({ lastName: "Петрова" }))
          yield* users.update(organizer, new UpdateProfile({ language: "en" }))
          const id = yield* insertProcurement(organizer, { title: "Сыр" })
          const asBuyer = yield* userClient(buyer)
          yield* asBuyer.procurements.join({ path: { id }, payload: { quantity: 2 } })
          yield* asBuyer.procurements.leave({ path: { id }, payload: {} })
          const rows = yield* eventually(
            Effect.map(notifications.list(organizer, new PageRequest({ limit: 100 })), (page) =>
              page.items.filter((n) => n.type === "PARTICIPANT_JOINED" || n.type === "PARTICIPANT_LEFT")
            ),
            (items) => items.length === 2
          )
          assert.deepStrictEqual(rows.map((n) => `${n.type}: ${n.title} | ${n.body}`).sort(), [
            "PARTICIPANT_JOINED: New participant in “Сыр” | Анна Петрова joins: 2 шт for 200\u00a0₽.",
            "PARTICIPANT_LEFT: A participant left “Сыр” | Анна Петрова no longer takes part in the procurement."
          ])
          assert.isTrue(rows.every((n) => n.procurementId === id))
          const own = yield* notifications.list(buyer, new PageRequest({ limit: 100 }))
          assert.isFalse(own.items.some((n) => n.type === "PARTICIPANT_JOINED" || n.type === "PARTICIPANT_LEFT"))
        })
      )

      it.effect("sandbox webhooks need a valid signature; repeats and stale deliveries change nothing twice", () =>
        Effect.gen(function* () {
          const buyer = yield* insertUser()
          const asBuyer = yield* userClient(buyer)
          const deposit = yield* asBuyer.payments.createDeposit({ payload: { amount: kopecks(70_000) } })
          const signer = sandboxSigner(testSettings().sandboxWebhookSecret)
          const http = yield* HttpClient.HttpClient
          const send = (event: string, signature?: string) => {
            const body = JSON.stringify({ event, paymentId: deposit.payment.id })
            return http.execute(
              HttpClientRequest.post("/api/payments/webhook/sandbox").pipe(
                HttpClientRequest.setHeader(SANDBOX_SIGNATURE_HEADER, signature ?? signer.bodySignature(body)),
                HttpClientRequest.bodyText(body, "application/json")
              )
            )
          }
          assert.strictEqual((yield* send("payment.succeeded", "00".repeat(32))).status, 401)
          assert.strictEqual((yield* asBuyer.payments.balance({ path: { id: buyer } })).balance, 0n)
          assert.strictEqual((yield* send("payment.succeeded")).status, 200)
          assert.strictEqual((yield* send("payment.succeeded")).status, 200)
          // a late "canceled" for a payment that already succeeded changes nothing
          assert.strictEqual((yield* send("payment.canceled")).status, 200)
          assert.strictEqual((yield* asBuyer.payments.balance({ path: { id: buyer } })).balance, 70_000n)
          const status = yield* asBuyer.payments.get({ path: { id: deposit.payment.id } })
          assert.strictEqual(status.status, "SUCCEEDED")
          const unknown = yield* http.execute(
            HttpClientRequest.post("/api/payments/webhook/paypal").pipe(HttpClientRequest.bodyText("{}"))
          )
          assert.strictEqual(unknown.status, 404)
          // the payment-received event went to the platforms
          yield* eventually(
            Effect.sync(() => forwarded),
            (f) => f.some((e) => e._tag === "PaymentSucceeded" && e.paymentId === deposit.payment.id)
          )
        })
      )
    })
  })
}
