import { FetchHttpClient, HttpLayerRouter, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { CoreServicesLive, type UserId } from "@groupbuy/core"
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
import { createServer } from "node:http"
import { ServerConfig } from "../src/config/ServerConfig.js"
import { AllRoutes } from "../src/http/Routes.js"
import { EventSinkNone } from "../src/notifications/NotificationDispatcher.js"
import { ServerServicesLive } from "../src/ServerServices.js"
import { UserTokens } from "../src/auth/UserTokens.js"
import { testSettings, TestServer, userClient } from "./utils/TestServer.js"
import { connectWs } from "./utils/WsClient.js"

const wsUrl = Effect.map(HttpServer.HttpServer, (server) => {
  const address = server.address as HttpServer.TcpAddress
  return `ws://127.0.0.1:${address.port}`
})

const tokenFor = (userId: UserId) => Effect.flatMap(UserTokens, (t) => Effect.map(t.issue(userId), (i) => i.token))

const [pglite] = coreProfiles()

describe("WebSocket chat hub", () => {
  it.layer(TestServer(pglite!.layer), { timeout: "120 seconds" })((it) => {
    it.effect("members get new, edited and deleted messages and unread counters; others are refused", () =>
      Effect.scoped(
        Effect.gen(function* () {
          const base = yield* wsUrl
          const organizer = yield* insertUser({ role: "organizer" })
          const buyer = yield* insertUser()
          const stranger = yield* insertUser()
          const id = yield* insertProcurement(organizer)
          yield* insertParticipant(id, buyer)

          const intruder = yield* connectWs(`${base}/ws/procurement/${id}`)
          yield* intruder.send({ type: "auth", token: yield* tokenFor(stranger) })
          assert.strictEqual((yield* intruder.waitClosed).code, 4403)
          const forged = yield* connectWs(`${base}/ws/procurement/${id}`)
          yield* forged.send({ type: "auth", token: "not-a-jwt" })
          assert.strictEqual((yield* forged.waitClosed).code, 4401)
          const early = yield* connectWs(`${base}/ws/procurement/${id}`)
          yield* early.send({ type: "send", text: "hi" })
          assert.strictEqual((yield* early.waitClosed).code, 4401)

          const org = yield* connectWs(`${base}/ws/procurement/${id}`)
          yield* org.send({ type: "auth", token: yield* tokenFor(organizer) })
          yield* org.next((f) => f.type === "ready")
          const buy = yield* connectWs(`${base}/ws/procurement/${id}`)
          yield* buy.send({ type: "auth", token: yield* tokenFor(buyer) })
          const ready = yield* buy.next((f) => f.type === "ready")
          assert.strictEqual(ready.unread, 0)

          const asOrganizer = yield* userClient(organizer)
          const posted = yield* asOrganizer.chat.post({ path: { id }, payload: { text: "Сбор до пятницы" } })
          const received = yield* buy.next((f) => f.type === "message.new")
          assert.strictEqual(received.message.id, posted.id)
          assert.strictEqual(received.message.text, "Сбор до пятницы")
          assert.strictEqual((yield* buy.next((f) => f.type === "unread")).unread, 1)
          yield* org.next((f) => f.type === "message.new" && f.message.id === posted.id)

          const mark = buy.frames.length
          yield* buy.send({ type: "read" })
          assert.strictEqual((yield* buy.next((f) => f.type === "unread", mark)).unread, 0)

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
  })
})

const redisUrl = testRedisUrl()
const databaseUrl = testDatabaseUrl()

describe.runIf(redisUrl !== undefined && databaseUrl !== undefined)("two server instances on one Redis", () => {
  const channel = `groupbuy:test:${randomUUID()}`
  const instance = HttpLayerRouter.serve(AllRoutes, { disableLogger: true, disableListenLog: true }).pipe(
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
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
          const id = yield* insertProcurement(organizer)
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
        }).pipe(Effect.scoped)
      )
    )
  })
})
