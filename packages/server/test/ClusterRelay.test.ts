import { HttpLayerRouter, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import {
  Chat,
  CoreServicesLive,
  type DomainEvent,
  kopecks,
  Notifications,
  PageRequest,
  PostMessage,
  UserId
} from "@groupbuy/core"
import {
  insertParticipant,
  insertProcurement,
  insertUser,
  PostgresTest,
  testDatabaseUrl,
  testRedisUrl
} from "@groupbuy/core/testing"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted, Stream } from "effect"
import * as TestServices from "effect/TestServices"
import { Redis } from "ioredis"
import { randomUUID } from "node:crypto"
import { createServer } from "node:http"
import { UserTokens } from "../src/auth/UserTokens.js"
import { ServerConfig, type ServerRole } from "../src/config/ServerConfig.js"
import { ClusterBus, ClusterBusMemory, handOffKey } from "../src/hub/ClusterBus.js"
import { NotificationsForRole } from "../src/notifications/ClusterRelay.js"
import { EventSink } from "../src/notifications/NotificationDispatcher.js"
import { routesFor } from "../src/Server.js"
import { ServerBaseLive } from "../src/ServerServices.js"
import { testSettings } from "./utils/TestServer.js"
import { connectWs, type WsClient } from "./utils/WsClient.js"

const redisUrl = testRedisUrl()
const databaseUrl = testDatabaseUrl()

/** Waits (on the live clock) until `check` holds; dies after about 20 s. */
const eventually = (what: string, check: () => boolean) =>
  Effect.gen(function* () {
    for (let i = 0; i < 400; i++) {
      if (check()) return
      yield* Effect.sleep("50 millis")
    }
    return yield* Effect.dieMessage(`never happened: ${what}`)
  })

/** A recording `EventSink`: what an instance's router would have delivered to the platforms. */
const recordingSink = () => {
  const events: Array<DomainEvent> = []
  return { events, layer: Layer.succeed(EventSink, { onEvent: (e) => Effect.sync(() => void events.push(e)) }) }
}

const relayedIds = (events: ReadonlyArray<DomainEvent>) =>
  events.flatMap((e) => (e._tag === "ChatMessagePosted" ? [e.message.id as string] : []))

const count = (ids: ReadonlyArray<string>, id: string) => ids.filter((x) => x === id).length

const newMessages = (client: WsClient) =>
  client.frames.filter((f) => f.type === "message.new").map((f) => f.message.id as string)

describe.runIf(redisUrl !== undefined && databaseUrl !== undefined)(
  "two-server layout on one Redis: chat node + two API nodes",
  () => {
    const channel = `groupbuy:test:${randomUUID()}`
    const settingsFor = (role: ServerRole) =>
      testSettings({ role, redisUrl: Option.some(Redacted.make(redisUrl ?? "")), hubChannel: channel })
    /** One server instance as `main` wires it for its role, with its own core (its own in-process event bus). */
    const instance = (role: ServerRole, sink: Layer.Layer<EventSink>) => {
      const settings = settingsFor(role)
      return Layer.fresh(
        HttpLayerRouter.serve(routesFor(settings), { disableLogger: true, disableListenLog: true }).pipe(
          Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
          Layer.provideMerge(NotificationsForRole(sink)),
          Layer.provideMerge(ServerBaseLive),
          // not `Layer.fresh` here: inside `provideMerge` a fresh layer is built twice, and the context the test
          // posts through would hold another core (another event bus) than the one the server runs on
          Layer.provideMerge(CoreServicesLive),
          Layer.provideMerge(Layer.succeed(ServerConfig, settings))
        )
      )
    }
    const baseUrl = Effect.map(HttpServer.HttpServer, (server) => {
      const address = server.address as HttpServer.TcpAddress
      return `127.0.0.1:${address.port}`
    })

    it.layer(PostgresTest(databaseUrl ?? ""), { timeout: "180 seconds" })((it) => {
      // live clock: the servers are built inside the test and must sleep and poll for real
      it.effect("each message is relayed to the platforms exactly once, whichever node it was sent on", () =>
        TestServices.provideLive(
          Effect.gen(function* () {
            const onChat = recordingSink()
            const onApiA = recordingSink()
            const onApiB = recordingSink()
            const chatNode = yield* Layer.build(instance("chat", onChat.layer))
            const apiA = yield* Layer.build(instance("api", onApiA.layer))
            const apiB = yield* Layer.build(instance("api", onApiB.layer))
            const redis = yield* Effect.acquireRelease(
              Effect.sync(() => new Redis(redisUrl ?? "")),
              (r) => Effect.promise(() => r.quit())
            )
            const pending = Effect.promise(() => redis.llen(handOffKey(channel)))

            const organizer = yield* insertUser({ role: "organizer" })
            const buyer = yield* insertUser()
            const id = yield* insertProcurement(organizer)
            yield* insertParticipant(id, buyer)

            const join = (userId: UserId) =>
              Effect.gen(function* () {
                const token = yield* Effect.provide(
                  Effect.flatMap(UserTokens, (t) => t.issue(userId)),
                  chatNode
                )
                const url = yield* Effect.provide(baseUrl, chatNode)
                const client = yield* connectWs(`ws://${url}/ws/procurement/${id}`)
                yield* client.send({ type: "auth", token: token.token })
                yield* client.next((f) => f.type === "ready")
                return client
              })
            const org = yield* join(organizer)
            const buy = yield* join(buyer)
            const relayedByApi = () => [...relayedIds(onApiA.events), ...relayedIds(onApiB.events)]

            // web → platforms: sent through the chat node's WebSocket, relayed by exactly one API node
            const fromWeb: Array<string> = []
            for (let i = 0; i < 4; i++) {
              const mark = org.frames.length
              yield* buy.send({ type: "send", text: `из веба ${i}` })
              const frame = yield* org.next((f) => f.type === "message.new" && f.message.text === `из веба ${i}`, mark)
              assert.strictEqual(frame.message.originPlatform, "web")
              fromWeb.push(frame.message.id)
            }
            yield* eventually("every web message relayed by an API node", () =>
              fromWeb.every((m) => relayedByApi().includes(m))
            )

            // platforms → web: sent from bots on the API nodes (as the router's /chat does), each relayed by its own node
            // and pushed to the chat node's sockets through Redis
            const fromBot: Array<string> = []
            for (const [i, node] of [apiA, apiB, apiA].entries()) {
              const message = yield* Effect.provide(
                Effect.flatMap(Chat, (chat) =>
                  chat.post(
                    new PostMessage({
                      procurementId: id,
                      userId: organizer,
                      text: `из бота ${i}`,
                      originPlatform: "telegram"
                    })
                  )
                ),
                node
              )
              fromBot.push(message.id)
            }
            // the barrier: the last message sent on each side reached the other side
            for (const client of [org, buy]) {
              yield* client.next((f) => f.type === "message.new" && f.message.id === fromBot.at(-1))
            }
            yield* eventually("the bot messages relayed", () => fromBot.every((m) => relayedByApi().includes(m)))
            assert.strictEqual(yield* pending, 0)

            // exactly once to the platforms, and by the right node
            for (const m of fromWeb) assert.strictEqual(count(relayedByApi(), m), 1, `web message ${m}`)
            assert.strictEqual(count(relayedIds(onApiA.events), fromBot[0]!), 1)
            assert.strictEqual(count(relayedIds(onApiB.events), fromBot[0]!), 0)
            assert.strictEqual(count(relayedIds(onApiB.events), fromBot[1]!), 1)
            assert.strictEqual(count(relayedIds(onApiA.events), fromBot[1]!), 0)
            assert.strictEqual(count(relayedIds(onApiA.events), fromBot[2]!), 1)
            // the chat node has no bots: its sink is the hand-off, never a local delivery
            assert.deepStrictEqual(onChat.events, [])

            // exactly once to every web socket, in order
            assert.deepStrictEqual(newMessages(org), [...fromWeb, ...fromBot])
            assert.deepStrictEqual(newMessages(buy), [...fromWeb, ...fromBot])

            // one notification row per message and recipient (written by the node where the message was sent)
            const rows = yield* Effect.provide(
              Effect.flatMap(Notifications, (n) => n.list(organizer, new PageRequest({ limit: 100 }))),
              apiA
            )
            const chatRows = rows.items.filter((n) => n.type === "NEW_CHAT_MESSAGE")
            assert.deepStrictEqual(chatRows.map((n) => n.data["messageId"] as string).sort(), [...fromWeb].sort())
            const buyerRows = yield* Effect.provide(
              Effect.flatMap(Notifications, (n) => n.list(buyer, new PageRequest({ limit: 100 }))),
              apiB
            )
            assert.deepStrictEqual(
              buyerRows.items
                .filter((n) => n.type === "NEW_CHAT_MESSAGE")
                .map((n) => n.data["messageId"] as string)
                .sort(),
              [...fromBot].sort()
            )
          }).pipe(Effect.scoped)
        )
      )
    })
  }
)

describe("hand-offs on the in-process bus", () => {
  it.scoped("each handed-off event is taken by one taker only", () =>
    Effect.gen(function* () {
      const bus = yield* ClusterBus
      const taken: Array<Array<string>> = [[], []]
      for (const mine of taken) {
        const stream = yield* bus.takeHandOffs
        yield* Effect.forkScoped(
          Stream.runForEach(stream, (e) =>
            Effect.sync(() => void mine.push(e._tag === "BalanceChanged" ? e.userId : ""))
          )
        )
      }
      const users = Array.from({ length: 50 }, () => UserId.make(randomUUID()))
      for (const userId of users) yield* bus.handOff({ _tag: "BalanceChanged", userId, balance: kopecks(0) })
      while (taken[0]!.length + taken[1]!.length < users.length) yield* Effect.yieldNow()
      assert.deepStrictEqual([...taken[0]!, ...taken[1]!].sort(), [...users].sort())
    }).pipe(Effect.provide(ClusterBusMemory))
  )
})
