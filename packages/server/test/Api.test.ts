import { HttpClient, HttpClientRequest } from "@effect/platform"
import { IdentityRef, kopecks, RegisterUser } from "@groupbuy/core"
import { coreProfiles, insertProcurement, insertUser } from "@groupbuy/core/testing"
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect } from "effect"
import { clientWith, serviceClient, TestServer, userClient } from "./utils/TestServer.js"

const future = () => DateTime.unsafeMake(Date.now() + 7 * 24 * 3600 * 1000)

for (const profile of coreProfiles()) {
  describe(`HTTP API on ${profile.name}`, () => {
    it.layer(TestServer(profile.layer), { timeout: "120 seconds" })((it) => {
      it.effect("/health, /ready, the OpenAPI document and the docs page answer", () =>
        Effect.gen(function* () {
          const http = yield* HttpClient.HttpClient
          const health = yield* http.get("/health")
          assert.strictEqual(health.status, 200)
          const ready = yield* http.get("/ready")
          assert.strictEqual(ready.status, 200)
          assert.deepInclude(yield* ready.json, { status: "ready" })
          const spec = (yield* (yield* http.get("/api/openapi.json")).json) as { paths: Record<string, unknown> }
          assert.property(spec.paths, "/api/procurements")
          const docs = yield* http.get("/api/docs")
          assert.strictEqual(docs.status, 200)
          assert.include(yield* docs.text, "<html")
        })
      )

      it.effect("requests without a valid token are 401, a bad service token too", () =>
        Effect.gen(function* () {
          const anonymous = yield* clientWith(undefined)
          const e1 = yield* anonymous.users.me().pipe(Effect.flip)
          assert.strictEqual(e1._tag, "Unauthorized")
          const forged = yield* clientWith("test-service-token-0123456789abcdeX")
          const e2 = yield* forged.procurements.list({ urlParams: {} }).pipe(Effect.flip)
          assert.strictEqual(e2._tag, "Unauthorized")
          // categories are public
          const tree = yield* anonymous.categories.tree()
          assert.isArray(tree)
        })
      )

      it.effect("the service registers users and finds them by platform identity; users cannot", () =>
        Effect.gen(function* () {
          const service = yield* serviceClient
          const user = yield* service.users.register({
            payload: new RegisterUser({
              identity: new IdentityRef({ platform: "telegram", externalId: "tg-1001", displayName: "Оля" }),
              firstName: "Оля",
              phone: "+7 999 123-45-67",
              role: "buyer"
            })
          })
          assert.strictEqual(user.phone, "+79991234567")
          const found = yield* service.users.byIdentity({ path: { platform: "telegram", externalId: "tg-1001" } })
          assert.strictEqual(found.user.id, user.id)
          const missing = yield* service.users
            .byIdentity({ path: { platform: "telegram", externalId: "nobody" } })
            .pipe(Effect.flip)
          assert.strictEqual(missing._tag, "NotFound")

          const asUser = yield* userClient(user.id)
          const me = yield* asUser.users.me()
          assert.strictEqual(me.id, user.id)
          const refused = yield* asUser.users
            .register({
              payload: new RegisterUser({
                identity: new IdentityRef({ platform: "vk", externalId: "vk-1" }),
                firstName: "X",
                role: "buyer"
              })
            })
            .pipe(Effect.flip)
          assert.strictEqual(refused._tag, "Forbidden")
        })
      )

      it.effect("an organizer changes only their own procurements; buyers join and leave for themselves", () =>
        Effect.gen(function* () {
          const organizer = yield* insertUser({ role: "organizer", firstName: "Организатор" })
          const other = yield* insertUser({ role: "organizer", firstName: "Чужой" })
          const buyer = yield* insertUser({ firstName: "Покупатель" })
          const asOrganizer = yield* userClient(organizer)
          const asOther = yield* userClient(other)
          const asBuyer = yield* userClient(buyer)

          const created = yield* asOrganizer.procurements.create({
            payload: {
              title: "Мёд с пасеки",
              description: "Липовый мёд, банки по 1 кг",
              targetAmount: kopecks(500_000),
              pricePerUnit: kopecks(80_000),
              unit: "банка",
              deadline: future(),
              city: "Казань",
              publish: true
            }
          })
          const id = created.procurement.id
          assert.strictEqual(created.procurement.organizerId, organizer)
          assert.strictEqual(created.procurement.status, "ACTIVE")

          const joined = yield* asBuyer.procurements.join({ path: { id }, payload: { quantity: 2 } })
          assert.strictEqual(joined.userId, buyer)
          // a buyer cannot act for somebody else
          const forOther = yield* asBuyer.procurements
            .join({ path: { id }, payload: { quantity: 1, userId: other } })
            .pipe(Effect.flip)
          assert.strictEqual(forOther._tag, "Forbidden")

          const notMine = yield* asOther.procurements
            .setStatus({ path: { id }, payload: { status: "STOPPED" } })
            .pipe(Effect.flip)
          assert.strictEqual(notMine._tag, "Forbidden")
          const byBuyer = yield* asBuyer.procurements
            .setStatus({ path: { id }, payload: { status: "CANCELLED" } })
            .pipe(Effect.flip)
          assert.strictEqual(byBuyer._tag, "Forbidden")

          const participants = yield* asBuyer.procurements.participants({ path: { id } })
          assert.strictEqual(participants.length, 1)

          const left = yield* asBuyer.procurements.leave({ path: { id }, payload: {} })
          assert.strictEqual(left.status, "CANCELLED")

          const stopped = yield* asOrganizer.procurements.setStatus({ path: { id }, payload: { status: "STOPPED" } })
          assert.strictEqual(stopped.procurement.status, "STOPPED")
          const illegal = yield* asOrganizer.procurements
            .setStatus({ path: { id }, payload: { status: "ACTIVE" } })
            .pipe(Effect.flip)
          assert.strictEqual(illegal._tag, "IllegalTransition")

          const mine = yield* asOrganizer.procurements.forUser({ path: { userId: organizer } })
          assert.isTrue(mine.organized.some((v) => v.procurement.id === id))
          const someoneElses = yield* asBuyer.procurements.forUser({ path: { userId: organizer } }).pipe(Effect.flip)
          assert.strictEqual(someoneElses._tag, "Forbidden")
        })
      )

      it.effect("drafts are hidden from everybody but their organizer", () =>
        Effect.gen(function* () {
          const organizer = yield* insertUser({ role: "organizer" })
          const buyer = yield* insertUser()
          const draft = yield* insertProcurement(organizer, { status: "DRAFT", title: "Черновик" })
          const asBuyer = yield* userClient(buyer)
          const hidden = yield* asBuyer.procurements.get({ path: { id: draft } }).pipe(Effect.flip)
          assert.strictEqual(hidden._tag, "NotFound")
          const page = yield* asBuyer.procurements.list({ urlParams: { status: ["DRAFT"] } })
          assert.isFalse(page.items.some((v) => v.procurement.id === draft))
          const asOrganizer = yield* userClient(organizer)
          const own = yield* asOrganizer.procurements.get({ path: { id: draft } })
          assert.strictEqual(own.procurement.status, "DRAFT")
        })
      )

      it.effect("the chat: members post, edit and delete; others are refused", () =>
        Effect.gen(function* () {
          const organizer = yield* insertUser({ role: "organizer" })
          const stranger = yield* insertUser()
          const id = yield* insertProcurement(organizer)
          const asOrganizer = yield* userClient(organizer)
          const posted = yield* asOrganizer.chat.post({ path: { id }, payload: { text: "Привет всем" } })
          assert.strictEqual(posted.originPlatform, "web")
          const edited = yield* asOrganizer.chat.edit({ path: { id: posted.id }, payload: { text: "Привет!" } })
          assert.strictEqual(edited.text, "Привет!")
          const history = yield* asOrganizer.chat.history({ path: { id }, urlParams: {} })
          assert.strictEqual(history.at(-1)?.id, posted.id)
          const asStranger = yield* userClient(stranger)
          const refused = yield* asStranger.chat.history({ path: { id }, urlParams: {} }).pipe(Effect.flip)
          assert.strictEqual(refused._tag, "Forbidden")
          const removed = yield* asOrganizer.chat.remove({ path: { id: posted.id }, urlParams: {} })
          assert.isNotNull(removed.deletedAt)
        })
      )

      it.effect("a user reads only their own payments", () =>
        Effect.gen(function* () {
          const alice = yield* insertUser({ firstName: "Алиса" })
          const bob = yield* insertUser({ firstName: "Боб" })
          const asAlice = yield* userClient(alice)
          const asBob = yield* userClient(bob)
          const deposit = yield* asAlice.payments.createDeposit({ payload: { amount: kopecks(150_000) } })
          assert.strictEqual(deposit.payment.status, "PENDING")
          assert.isNotNull(deposit.url)
          const own = yield* asAlice.payments.get({ path: { id: deposit.payment.id } })
          assert.strictEqual(own.id, deposit.payment.id)
          const foreign = yield* asBob.payments.get({ path: { id: deposit.payment.id } }).pipe(Effect.flip)
          assert.oneOf(foreign._tag, ["Forbidden", "NotFound"])
          const list = yield* asBob.payments.list({ urlParams: {} })
          assert.strictEqual(list.items.length, 0)
          const listForAlice = yield* asBob.payments.list({ urlParams: { userId: alice } }).pipe(Effect.flip)
          assert.strictEqual(listForAlice._tag, "Forbidden")
        })
      )

      it.effect("the sandbox payment page settles once and credits the balance", () =>
        Effect.gen(function* () {
          const user = yield* insertUser()
          const asUser = yield* userClient(user)
          const deposit = yield* asUser.payments.createDeposit({
            payload: { amount: kopecks(250_000), idempotencyKey: "k-1" }
          })
          const again = yield* asUser.payments.createDeposit({
            payload: { amount: kopecks(250_000), idempotencyKey: "k-1" }
          })
          assert.strictEqual(again.payment.id, deposit.payment.id)
          const url = new URL(deposit.url!)
          const http = yield* HttpClient.HttpClient
          const pageResponse = yield* http.get(url.pathname + url.search)
          assert.strictEqual(pageResponse.status, 200)
          assert.include(yield* pageResponse.text, "Оплатить")
          const sig = url.searchParams.get("sig")!
          const pay = () =>
            http.execute(
              HttpClientRequest.post(url.pathname).pipe(HttpClientRequest.bodyUrlParams({ sig, action: "pay" }))
            )
          assert.strictEqual((yield* pay()).status, 200)
          yield* pay()
          const balance = yield* asUser.payments.balance({ path: { id: user } })
          assert.strictEqual(balance.balance, 250_000n)
          const forged = yield* http.execute(
            HttpClientRequest.post(url.pathname).pipe(
              HttpClientRequest.bodyUrlParams({ sig: "00".repeat(32), action: "pay" })
            )
          )
          assert.strictEqual(forged.status, 404)
          const status = yield* asUser.payments.get({ path: { id: deposit.payment.id } })
          assert.strictEqual(status.status, "SUCCEEDED")
        })
      )
    })
  })
}
