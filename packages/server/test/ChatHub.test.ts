import { FetchHttpClient, HttpLayerRouter, HttpServer } from "@effect/platform"
import {
  Attachments,
  Chat,
  CoreServicesLive,
  CreateNotification,
  Notifications,
  Procurements,
  systemActor,
  type UserId,
  userActor,
  Users
} from "@groupbuy/core"
import { SqlClient } from "@effect/sql"
import {
  coreProfiles,
  insertParticipant,
  insertProcurement,
  insertUser,
  PostgresTest,
  testDatabaseUrl,
  testRedisUrl
} from "@groupbuy/core/testing"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import * as TestServices from "effect/TestServices"
import { randomUUID } from "node:crypto"
import { ServerConfig } from "../src/config/ServerConfig.js"
import { AllRoutes } from "../src/http/Routes.js"
import { EventSinkNone } from "../src/notifications/NotificationDispatcher.js"
import { RouterStackLive } from "../src/Server.js"
import { ServerServicesLive } from "../src/ServerServices.js"
import { UserTokens } from "../src/auth/UserTokens.js"
import { loopbackServer, testSettings, TestServer, userClient } from "./utils/TestServer.js"
import { attemptWs, connectWs } from "./utils/WsClient.js"
import { MAX_BUFFERED_BYTES, RATE, sendTo } from "../src/hub/ChatHub.js"
import { WebSocket } from "ws"

const wsUrl = Effect.map(HttpServer.HttpServer, (server) => {
  const address = server.address as HttpServer.TcpAddress
  return `ws://127.0.0.1:${address.port}`
})

const tokenFor = (userId: UserId) => Effect.flatMap(UserTokens, (t) => Effect.map(t.issue(userId), (i) => i.token))

/** A new organizer's procurement with one new buyer in it. */
const procurementWithBuyer = Effect.gen(function* () {
  const organizer = yield* insertUser({ role: "organizer" })
  const buyer = yield* insertUser()
  const id = yield* insertProcurement(organizer)
  yield* insertParticipant(id, buyer)
  return { organizer, buyer, id }
})

/** Opens the procurement's chat as this user (protocol version `v`, 1 when absent) and waits for `ready`. */
const joinChat = (url: string, userId: UserId, v?: 2) =>
  Effect.gen(function* () {
    const socket = yield* connectWs(url)
    yield* socket.send({ type: "auth", token: yield* tokenFor(userId), v })
    yield* socket.next((f) => f.type === "ready")
    return socket
  })

for (const profile of coreProfiles()) {
  describe(`WebSocket chat hub (${profile.name})`, () => {
    it.layer(TestServer(profile.layer), { timeout: "120 seconds" })((it) => {
      it.effect("members get new, edited and deleted messages and unread counters; others are refused", () =>
        Effect.scoped(
          Effect.gen(function* () {
            const base = yield* wsUrl
            const { organizer, buyer, id } = yield* procurementWithBuyer
            const stranger = yield* insertUser()

            const intruder = yield* connectWs(`${base}/ws/procurement/${id}`)
            yield* intruder.send({ type: "auth", token: yield* tokenFor(stranger) })
            assert.strictEqual((yield* intruder.waitClosed).code, 4403)
            const forged = yield* connectWs(`${base}/ws/procurement/${id}`)
            yield* forged.send({ type: "auth", token: "not-a-jwt" })
            assert.strictEqual((yield* forged.waitClosed).code, 4401)
            const early = yield* connectWs(`${base}/ws/procurement/${id}`)
            yield* early.send({ type: "send", text: "hi" })
            assert.strictEqual((yield* early.waitClosed).code, 4401)

            const org = yield* joinChat(`${base}/ws/procurement/${id}`, organizer)
            const buy = yield* joinChat(`${base}/ws/procurement/${id}`, buyer)
            const ready = yield* buy.next((f) => f.type === "ready")
            assert.strictEqual(ready.unread, 0)
            assert.strictEqual(ready.v, 1)
            // a second tab of the buyer speaks version 2: the count comes inside the message frame
            const tab = yield* joinChat(`${base}/ws/procurement/${id}`, buyer, 2)
            assert.strictEqual((yield* tab.next((f) => f.type === "ready")).v, 2)

            const asOrganizer = yield* userClient(organizer)
            const posted = yield* asOrganizer.chat.post({ path: { id }, payload: { text: "Сбор до пятницы" } })
            const received = yield* buy.next((f) => f.type === "message.new")
            assert.strictEqual(received.message.id, posted.id)
            assert.strictEqual(received.message.text, "Сбор до пятницы")
            assert.strictEqual(received.unread, 1)
            assert.strictEqual((yield* buy.next((f) => f.type === "unread")).unread, 1)
            const inTab = yield* tab.next((f) => f.type === "message.new")
            assert.strictEqual(inTab.unread, 1)
            // the author's own message leaves the author's count as it was
            assert.strictEqual(
              (yield* org.next((f) => f.type === "message.new" && f.message.id === posted.id)).unread,
              0
            )

            const mark = buy.frames.length
            const tabMark = tab.frames.length
            yield* buy.send({ type: "read" })
            assert.strictEqual((yield* buy.next((f) => f.type === "unread", mark)).unread, 0)
            // the read reaches the member's other tab too
            assert.strictEqual((yield* tab.next((f) => f.type === "unread", tabMark)).unread, 0)
            // version 2 got no unread frame for the message itself: the only one is the read's
            assert.deepStrictEqual(
              tab.frames.filter((f) => f.type === "unread").map((f) => f.unread),
              [0]
            )

            yield* asOrganizer.chat.edit({ path: { id: posted.id }, payload: { text: "Сбор до субботы" } })
            const edited = yield* buy.next((f) => f.type === "message.edited")
            assert.strictEqual(edited.message.text, "Сбор до субботы")
            yield* asOrganizer.chat.remove({ path: { id: posted.id }, urlParams: {} })
            assert.strictEqual((yield* buy.next((f) => f.type === "message.deleted")).messageId, posted.id)

            yield* buy.send({ type: "send", text: "Беру две банки" })
            const fromBuyer = yield* org.next((f) => f.type === "message.new" && f.message.text === "Беру две банки")
            assert.strictEqual(fromBuyer.message.originPlatform, "web")
            assert.strictEqual(fromBuyer.message.userId, buyer)
            // the hub never echoes the intruder anything but its refusal
            assert.isFalse(intruder.frames.some((f) => f.type === "message.new"))
          })
        )
      )

      it.effect("a send frame carries an uploaded file: members get it in the message; a second send is refused", () =>
        Effect.scoped(
          Effect.gen(function* () {
            const base = yield* wsUrl
            const { organizer, buyer, id } = yield* procurementWithBuyer
            const file = yield* (yield* Attachments).upload(userActor(buyer), {
              procurementId: id,
              name: "список.txt",
              claimedType: "text/plain",
              bytes: new TextEncoder().encode("мёд, 2 банки")
            })
            const org = yield* joinChat(`${base}/ws/procurement/${id}`, organizer, 2)
            const buy = yield* joinChat(`${base}/ws/procurement/${id}`, buyer, 2)

            yield* buy.send({ type: "send", text: "", attachmentId: file.id })
            const received = yield* org.next((f) => f.type === "message.new")
            assert.strictEqual(received.message.type, "FILE")
            assert.deepStrictEqual(received.message.attachment, {
              id: file.id,
              name: "список.txt",
              contentType: "text/plain",
              size: new TextEncoder().encode("мёд, 2 банки").length
            })
            yield* buy.send({ type: "send", text: "ещё раз", attachmentId: file.id })
            const refused = yield* buy.next((f) => f.type === "error")
            assert.strictEqual(refused.code, "invalid")
            assert.strictEqual(refused.issues[0].code, "attachment.unavailable")
            assert.include(refused.issues[0].ru, "уже отправлен")
          })
        )
      )

      it.effect("sockets that close during a fan-out delay nobody: a fresh socket gets the next message", () =>
        Effect.scoped(
          Effect.gen(function* () {
            const base = yield* wsUrl
            const { organizer, buyer, id } = yield* procurementWithBuyer
            const token = yield* tokenFor(buyer)
            // many tabs of one member that close as soon as a message arrives, in the middle of the fan-out
            const tabs = []
            for (let i = 0; i < 60; i++) {
              const tab = yield* connectWs(`${base}/ws/procurement/${id}`, {
                closeWhen: (f) => f.type === "message.new"
              })
              yield* tab.send({ type: "auth", token })
              tabs.push(tab)
            }
            for (const tab of tabs) yield* tab.next((f) => f.type === "ready")
            const asOrganizer = yield* userClient(organizer)
            const first = yield* asOrganizer.chat.post({ path: { id }, payload: { text: "первое" } })
            for (const tab of tabs) {
              assert.strictEqual((yield* tab.next((f) => f.type === "message.new")).message.id, first.id)
              yield* tab.waitClosed
            }
            const fresh = yield* joinChat(`${base}/ws/procurement/${id}`, buyer)
            const second = yield* asOrganizer.chat.post({ path: { id }, payload: { text: "второе" } })
            assert.strictEqual((yield* fresh.next((f) => f.type === "message.new")).message.id, second.id)
          })
        )
      )

      it.effect("counts follow posts, reads over HTTP and deletions; chat messages create no notifications", () =>
        Effect.scoped(
          Effect.gen(function* () {
            const base = yield* wsUrl
            const { organizer, buyer, id } = yield* procurementWithBuyer
            const asOrganizer = yield* userClient(organizer)
            const asBuyer = yield* userClient(buyer)
            // two messages before the buyer connects: the first count comes from the read marker
            const first = yield* asOrganizer.chat.post({ path: { id }, payload: { text: "первое" } })
            yield* asOrganizer.chat.post({ path: { id }, payload: { text: "второе" } })
            const socket = yield* joinChat(`${base}/ws/procurement/${id}`, buyer, 2)
            assert.strictEqual((yield* socket.next((f) => f.type === "ready")).unread, 2)

            const third = yield* asOrganizer.chat.post({ path: { id }, payload: { text: "номер карты 4276…" } })
            assert.strictEqual((yield* socket.next((f) => f.type === "message.new")).unread, 3)
            // deleting an unread message lowers the count, on the socket and over HTTP
            let mark = socket.frames.length
            yield* asOrganizer.chat.remove({ path: { id: first.id }, urlParams: {} })
            assert.strictEqual((yield* socket.next((f) => f.type === "message.deleted", mark)).messageId, first.id)
            assert.strictEqual((yield* socket.next((f) => f.type === "unread", mark)).unread, 2)
            const counts = yield* asBuyer.chat.unread({ urlParams: {} })
            assert.strictEqual(counts.find((c) => c.procurementId === id)?.unread, 2)
            // a read over HTTP reaches the open socket
            mark = socket.frames.length
            yield* asBuyer.chat.markRead({ path: { id }, payload: {} })
            assert.strictEqual((yield* socket.next((f) => f.type === "unread", mark)).unread, 0)
            // restoring a message read already changes nothing
            mark = socket.frames.length
            const chat = yield* Chat
            yield* chat.restore(systemActor("test"), first.id)
            yield* socket.next((f) => f.type === "message.restored", mark)
            const next = yield* asOrganizer.chat.post({ path: { id }, payload: { text: "после чтения" } })
            const after = yield* socket.next((f) => f.type === "message.new" && f.message.id === next.id, mark)
            assert.strictEqual(after.unread, 1)
            assert.isFalse(socket.frames.slice(mark).some((f) => f.type === "unread"))

            // no notification row and no notification frame for chat messages
            const listed = yield* asBuyer.notifications.list({ urlParams: {} })
            assert.isFalse(listed.items.some((n) => n.type === "NEW_CHAT_MESSAGE"))
            assert.isFalse(socket.frames.some((f) => f.type === "notification"))

            // a notification that quotes a message (the parity issue's summaries may) goes when the message goes
            const notifications = yield* Notifications
            const quoting = yield* notifications.create(
              new CreateNotification({
                userId: buyer,
                type: "NEW_CHAT_MESSAGE",
                title: "Сообщение",
                body: "номер карты 4276…",
                procurementId: id,
                data: { messageId: third.id }
              })
            )
            const pushed = yield* socket.next((f) => f.type === "notification")
            assert.strictEqual(pushed.notification.id, quoting.id)
            yield* asOrganizer.chat.remove({ path: { id: third.id }, urlParams: {} })
            const removed = yield* socket.next((f) => f.type === "notification.removed")
            assert.deepStrictEqual(removed.ids, [quoting.id])
            assert.strictEqual(removed.unread, 0)
            const left = yield* asBuyer.notifications.list({ urlParams: {} })
            assert.isFalse(left.items.some((n) => n.body.includes("4276")))
          })
        )
      )

      it.effect("the hub has the web chat's edge: Origin allow-list, frame cap before auth, a send rate limit", () =>
        Effect.scoped(
          Effect.gen(function* () {
            const base = yield* wsUrl
            const organizer = yield* insertUser({ role: "organizer" })
            const id = yield* insertProcurement(organizer)
            const url = `${base}/ws/procurement/${id}`

            const foreign = yield* attemptWs(url, { origin: "https://evil.example" })
            assert.deepStrictEqual(foreign, { _tag: "Refused", status: 403 })
            const bare = yield* attemptWs(url, { origin: null })
            assert.deepStrictEqual(bare, { _tag: "Refused", status: 403 })
            const nowhere = yield* connectWs(`${base}/ws/procurement/not-a-procurement`)
            assert.strictEqual((yield* nowhere.waitClosed).code, 4404)

            // a frame over the cap closes the socket (1009) before it is buffered, authenticated or not
            const big = yield* connectWs(url)
            yield* big.sendRaw(JSON.stringify({ type: "auth", token: "x".repeat(100 * 1024) }))
            assert.strictEqual((yield* big.waitClosed).code, 1009)

            const flood = yield* joinChat(url, organizer)
            for (let i = 0; i < 200; i++) yield* flood.send({ type: "send", text: `спам ${i}` })
            assert.strictEqual((yield* flood.waitClosed).code, 4429)
            assert.isTrue(flood.frames.some((f) => f.type === "error" && f.code === "rate_limited"))
            const chat = yield* Chat
            // the frames accepted before the close are still being handled: wait for the burst (less the auth frame)
            let stored = yield* chat.history(systemActor("test"), id, { limit: 100 })
            for (let i = 0; i < 400 && stored.length < RATE.burst - 1; i++) {
              yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 25)))
              stored = yield* chat.history(systemActor("test"), id, { limit: 100 })
            }
            // the burst passes, the rest is dropped (refills at 5 per second would add a few at most)
            assert.isAtLeast(stored.length, RATE.burst - 1)
            assert.isBelow(stored.length, 60)
          })
        )
      )

      it.effect("a member who leaves, or whose account is disabled, loses the socket; the others keep theirs", () =>
        Effect.scoped(
          Effect.gen(function* () {
            const base = yield* wsUrl
            const organizer = yield* insertUser({ role: "organizer" })
            const leaver = yield* insertUser()
            const disabled = yield* insertUser()
            const quiet = yield* insertUser()
            const id = yield* insertProcurement(organizer, { status: "ACTIVE" })
            for (const member of [leaver, disabled, quiet]) yield* insertParticipant(id, member)
            const open = (userId: UserId) => joinChat(`${base}/ws/procurement/${id}`, userId)
            const org = yield* open(organizer)
            const left = yield* open(leaver)
            const off = yield* open(disabled)
            const stale = yield* open(quiet)

            yield* Effect.flatMap(Procurements, (p) => p.leave(leaver, id))
            assert.strictEqual((yield* left.waitClosed).code, 4403)
            yield* Effect.flatMap(Users, (u) => u.setActive(disabled, false))
            assert.strictEqual((yield* off.waitClosed).code, 4401)

            // membership ended without an event (a direct change): the socket is closed when it next acts
            const sql = yield* SqlClient.SqlClient
            yield* sql`UPDATE participants SET status = 'CANCELLED' WHERE procurement_id = ${id} AND user_id = ${quiet}`
            yield* stale.send({ type: "send", text: "ещё тут?" })
            assert.strictEqual((yield* stale.waitClosed).code, 4403)

            const asOrganizer = yield* userClient(organizer)
            const after = yield* asOrganizer.chat.post({ path: { id }, payload: { text: "после ухода" } })
            yield* org.next((f) => f.type === "message.new" && f.message.id === after.id)
            for (const gone of [left, off, stale]) {
              assert.isFalse(gone.frames.some((f) => f.type === "message.new" && f.message.id === after.id))
            }
            assert.isUndefined(org.closed())
          })
        )
      )
    })
  })
}

describe("sending to a hub socket", () => {
  const fake = (readyState: number, bufferedAmount: number) => {
    const sent: Array<string> = []
    let terminated = false
    const ws = {
      readyState,
      bufferedAmount,
      send: (data: string) => void sent.push(data),
      terminate: () => void (terminated = true)
    } as unknown as Parameters<typeof sendTo>[0]
    return { ws, sent, terminated: () => terminated }
  }

  it("never waits: an open socket gets the frame, a closed one is skipped, a slow reader is dropped", () => {
    const open = fake(WebSocket.OPEN, 0)
    sendTo(open.ws)({ type: "pong" })
    assert.deepStrictEqual(open.sent, ['{"type":"pong"}'])
    const closed = fake(WebSocket.CLOSED, 0)
    sendTo(closed.ws)({ type: "pong" })
    assert.deepStrictEqual(closed.sent, [])
    assert.isFalse(closed.terminated())
    const slow = fake(WebSocket.OPEN, MAX_BUFFERED_BYTES + 1)
    sendTo(slow.ws)({ type: "pong" })
    assert.deepStrictEqual(slow.sent, [])
    assert.isTrue(slow.terminated())
  })
})

const redisUrl = testRedisUrl()
const databaseUrl = testDatabaseUrl()

describe.runIf(redisUrl !== undefined && databaseUrl !== undefined)("two server instances on one Redis", () => {
  const channel = `groupbuy:test:${randomUUID()}`
  const instance = HttpLayerRouter.serve(AllRoutes, { disableLogger: true, disableListenLog: true }).pipe(
    Layer.provideMerge(loopbackServer()),
    Layer.provideMerge(RouterStackLive),
    Layer.provideMerge(ServerServicesLive),
    Layer.provideMerge(EventSinkNone),
    // each instance is built under `Layer.fresh` below, so it gets its own core (its own event bus); a `Layer.fresh`
    // here would be built twice inside `provideMerge`, leaving the instance's context with a second, idle core
    Layer.provideMerge(CoreServicesLive),
    Layer.provideMerge(
      Layer.succeed(
        ServerConfig,
        testSettings({ redisUrl: Option.some(Redacted.make(redisUrl ?? "")), hubChannel: channel })
      )
    )
  )

  it.layer(PostgresTest(databaseUrl ?? ""), { timeout: "120 seconds" })((it) => {
    // live clock: the servers are built inside the test and must time out, sleep and poll for real
    it.effect("every connected member receives every message exactly once", () =>
      TestServices.provideLive(
        Effect.gen(function* () {
          const one = yield* Layer.build(Layer.fresh(instance))
          const two = yield* Layer.build(Layer.fresh(instance))
          const urlOne = yield* Effect.provide(wsUrl, one)
          const urlTwo = yield* Effect.provide(wsUrl, two)
          assert.notStrictEqual(urlOne, urlTwo)

          const organizer = yield* insertUser({ role: "organizer" })
          const buyers = [yield* insertUser(), yield* insertUser()]
          const id = yield* insertProcurement(organizer, { status: "ACTIVE" })
          for (const b of buyers) yield* insertParticipant(id, b)

          const members = [organizer, ...buyers]
          const clients = []
          for (const [i, member] of members.entries()) {
            const c = yield* connectWs(`${i % 2 === 0 ? urlOne : urlTwo}/ws/procurement/${id}`)
            yield* c.send({ type: "auth", token: yield* Effect.provide(tokenFor(member), one) })
            yield* c.next((f) => f.type === "ready")
            clients.push(c)
          }
          // a second tab of the organizer on the other instance
          const tab = yield* connectWs(`${urlTwo}/ws/procurement/${id}`)
          yield* tab.send({ type: "auth", token: yield* Effect.provide(tokenFor(organizer), one) })
          yield* tab.next((f) => f.type === "ready")
          clients.push(tab)

          const sent: Array<string> = []
          for (let i = 0; i < 6; i++) {
            const context = i % 2 === 0 ? one : two
            const base = (i % 2 === 0 ? urlOne : urlTwo).replace(/^ws/, "http")
            const author = members[i % members.length]!
            const client = yield* userClient(author, base).pipe(
              Effect.provide(FetchHttpClient.layer),
              Effect.provide(context)
            )
            const message = yield* client.chat.post({ path: { id }, payload: { text: `сообщение ${i}` } })
            sent.push(message.id)
          }
          for (const c of clients) {
            yield* c.next((f) => f.type === "message.new" && f.message.id === sent.at(-1))
          }
          yield* Effect.sleep("500 millis")
          for (const c of clients) {
            const ids = c.frames.filter((f) => f.type === "message.new").map((f) => f.message.id as string)
            assert.deepStrictEqual(ids, sent)
          }

          // disabled on one instance, the account loses its socket on the other (the event travels on the bus)
          assert.strictEqual(clients[1]!.frames.find((f) => f.type === "ready")?.userId, buyers[0])
          yield* Effect.provide(
            Effect.flatMap(Users, (u) => u.setActive(buyers[0]!, false)),
            one
          )
          assert.strictEqual((yield* clients[1]!.waitClosed).code, 4401)
          // and a participant who leaves through the other instance loses theirs on the first
          yield* Effect.provide(
            Effect.flatMap(Procurements, (p) => p.leave(buyers[1]!, id)),
            two
          )
          assert.strictEqual((yield* clients[2]!.waitClosed).code, 4403)
          assert.isUndefined(clients[0]!.closed())
        }).pipe(Effect.scoped)
      )
    )
  })
})
