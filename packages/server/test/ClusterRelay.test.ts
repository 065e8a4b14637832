import { HttpLayerRouter, HttpServer } from "@effect/platform"
import {
  Chat,
  ChatMessageJson,
  CoreServicesLive,
  DomainEvent as DomainEventSchema,
  type DomainEvent,
  kopecks,
  Notifications,
  PageRequest,
  PaymentId,
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
import { Context, Deferred, Effect, Exit, Layer, Option, Redacted, Schema, Scope } from "effect"
import * as TestServices from "effect/TestServices"
import { Redis } from "ioredis"
import { randomUUID } from "node:crypto"
import { UserTokens } from "../src/auth/UserTokens.js"
import { ServerConfig, type ServerRole } from "../src/config/ServerConfig.js"
import {
  aliveKey,
  ClusterBus,
  ClusterBusMemory,
  ClusterBusRedis,
  doneKey,
  handOffId,
  handOffKey,
  processingKey
} from "../src/hub/ClusterBus.js"
import { NotificationsForRole } from "../src/notifications/ClusterRelay.js"
import { EventSink } from "../src/notifications/NotificationDispatcher.js"
import { RouterStackLive, routesFor } from "../src/Server.js"
import { ServerBaseLive } from "../src/ServerServices.js"
import { loopbackServer, testSettings } from "./utils/TestServer.js"
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
          Layer.provideMerge(loopbackServer()),
          Layer.provideMerge(NotificationsForRole(sink)),
          // the router behind the announce endpoint
          Layer.provideMerge(RouterStackLive),
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

            // no notification row per message and recipient on any node (unread counts come from read markers)
            for (const [member, node] of [
              [organizer, apiA],
              [buyer, apiB]
            ] as const) {
              const rows = yield* Effect.provide(
                Effect.flatMap(Notifications, (n) => n.list(member, new PageRequest({ limit: 100 }))),
                node
              )
              assert.deepStrictEqual(
                rows.items.filter((n) => n.type === "NEW_CHAT_MESSAGE"),
                []
              )
            }
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
        yield* bus.takeHandOffs((e) => Effect.sync(() => void mine.push(e._tag === "BalanceChanged" ? e.userId : "")))
      }
      const users = Array.from({ length: 50 }, () => UserId.make(randomUUID()))
      for (const userId of users) yield* bus.handOff({ _tag: "BalanceChanged", userId, balance: kopecks(0) })
      while (taken[0]!.length + taken[1]!.length < users.length) yield* Effect.yieldNow()
      assert.deepStrictEqual([...taken[0]!, ...taken[1]!].sort(), [...users].sort())
    }).pipe(Effect.provide(ClusterBusMemory))
  )
})

describe.runIf(redisUrl !== undefined)("hand-offs on Redis: at least once, relayed once", () => {
  // short heartbeats so that a stopped node's items come back within the test; the TTL stays well above the beat,
  // so a node slowed by a busy machine is not taken for dead
  const timings = { heartbeat: "100 millis", heartbeatTtl: "3 seconds", recovery: "200 millis" } as const

  /** A test's own hub channel, a Redis client to look at it, and its server instances. */
  const cluster = Effect.gen(function* () {
    const channel = `groupbuy:test:${randomUUID()}`
    const redis = yield* Effect.acquireRelease(
      Effect.sync(() => new Redis(redisUrl ?? "")),
      (r) => Effect.promise(() => r.quit())
    )
    /** An instance on the channel; with `relay`, it takes hand-offs. `stop` ends it as a shutdown would. */
    const instance = (relay?: (event: DomainEvent) => Effect.Effect<void>) =>
      Effect.gen(function* () {
        const scope = yield* Effect.acquireRelease(Scope.make(), (s) => Scope.close(s, Exit.void))
        const bus = Context.get(
          yield* Layer.buildWithScope(ClusterBusRedis(Redacted.make(redisUrl ?? ""), channel, timings), scope),
          ClusterBus
        )
        if (relay !== undefined) yield* Scope.extend(bus.takeHandOffs(relay), scope)
        return { bus, stop: Scope.close(scope, Exit.void) }
      })
    const processingLists = Effect.promise(() => redis.keys(`${channel}:handoff:processing:*`))
    /** Nothing waits in the hand-off list and no node holds anything. */
    const drained = Effect.gen(function* () {
      const waiting = yield* Effect.promise(() => redis.llen(handOffKey(channel)))
      return waiting === 0 && (yield* processingLists).length === 0
    })
    const claim = (event: DomainEvent) => Effect.promise(() => redis.get(doneKey(channel, handOffId(event))))
    return { channel, redis, instance, processingLists, drained, claim }
  })

  /** Waits (live clock) until `check` holds; dies after about 30 s. */
  const eventuallyE = (what: string, check: Effect.Effect<boolean>) =>
    Effect.gen(function* () {
      for (let i = 0; i < 300; i++) {
        if (yield* check) return
        yield* Effect.sleep("100 millis")
      }
      return yield* Effect.dieMessage(`never happened: ${what}`)
    })

  /** What a node's router would have delivered: the hand-off ids, in order. */
  const recorder = () => {
    const ids: Array<string> = []
    return { ids, relay: (e: DomainEvent) => Effect.sync(() => void ids.push(handOffId(e))) }
  }

  const payment = () =>
    ({
      _tag: "PaymentSucceeded",
      paymentId: PaymentId.make(randomUUID()),
      userId: UserId.make(randomUUID()),
      amount: kopecks(100)
    }) as const
  const chatMessage = (): DomainEvent => ({
    _tag: "ChatMessagePosted",
    message: Schema.decodeUnknownSync(ChatMessageJson)({
      id: randomUUID(),
      procurementId: randomUUID(),
      userId: randomUUID(),
      type: "TEXT",
      text: "из веба",
      attachmentUrl: null,
      originPlatform: "web",
      createdAt: new Date().toISOString(),
      editedAt: null,
      deletedAt: null,
      deletedBy: null
    })
  })

  it.scopedLive(
    "an event whose node stopped while relaying it is relayed by another node, once",
    () =>
      Effect.gen(function* () {
        const { instance, processingLists, drained, claim } = yield* cluster
        const chat = yield* instance()
        const started = yield* Deferred.make<DomainEvent>()
        // node A takes the event and hangs in the relay (a platform call that never returns)
        const nodeA = yield* instance((e) => Effect.zipRight(Deferred.succeed(started, e), Effect.never))
        const event = chatMessage()
        yield* chat.bus.handOff(event)
        assert.strictEqual(handOffId(yield* Deferred.await(started)), handOffId(event))
        assert.strictEqual((yield* processingLists).length, 1)
        assert.match((yield* claim(event)) ?? "", /^pending:/)

        const b = recorder()
        yield* instance(b.relay)
        yield* nodeA.stop
        yield* eventuallyE(
          "node B relayed the event",
          Effect.sync(() => b.ids.length > 0)
        )
        yield* eventuallyE("the hand-off drained", drained)
        assert.deepStrictEqual(b.ids, [handOffId(event)])
        assert.strictEqual(yield* claim(event), "done")
      }),
    { timeout: 120_000 }
  )

  it.scopedLive(
    "an event held by a crashed node is recovered when its heartbeat expires and relayed once",
    () =>
      Effect.gen(function* () {
        const { channel, redis, instance, processingLists, drained, claim } = yield* cluster
        const chat = yield* instance()
        const event = payment()
        yield* chat.bus.handOff(event)
        // what a node that crashed mid-relay leaves behind: the item in its processing list, its claim, and a
        // heartbeat about to expire
        const dead = `crashed-${randomUUID()}`
        yield* Effect.promise(() =>
          redis
            .multi()
            .lmove(handOffKey(channel), processingKey(channel, dead), "RIGHT", "LEFT")
            .set(doneKey(channel, handOffId(event)), `pending:${dead}`, "EX", 86_400)
            .set(aliveKey(channel, dead), "1", "PX", 1_000)
            .exec()
        )
        assert.deepStrictEqual(yield* processingLists, [processingKey(channel, dead)])

        const b = recorder()
        const c = recorder()
        yield* instance(b.relay)
        yield* instance(c.relay)
        yield* eventuallyE(
          "a live node relayed the event",
          Effect.sync(() => b.ids.length + c.ids.length > 0)
        )
        yield* eventuallyE("the hand-off drained", drained)
        assert.deepStrictEqual([...b.ids, ...c.ids], [handOffId(event)])
        assert.strictEqual(yield* claim(event), "done")
      }),
    { timeout: 120_000 }
  )

  it.scopedLive(
    "a bare event, as a chat node of the previous version hands it off, is relayed (once per id)",
    () =>
      Effect.gen(function* () {
        const { channel, redis, instance, drained } = yield* cluster
        const a = recorder()
        yield* instance(a.relay)
        const event = chatMessage()
        const bare = Schema.encodeSync(Schema.parseJson(DomainEventSchema))(event)
        yield* Effect.promise(() => redis.lpush(handOffKey(channel), bare, bare))
        yield* eventuallyE(
          "the event relayed",
          Effect.sync(() => a.ids.length > 0)
        )
        yield* eventuallyE("the hand-off drained", drained)
        assert.deepStrictEqual(a.ids, [handOffId(event)])
      }),
    { timeout: 120_000 }
  )

  it.scopedLive(
    "an event handed off twice is relayed once, whether the copies meet or the second comes later",
    () =>
      Effect.gen(function* () {
        const { instance, drained } = yield* cluster
        const chat = yield* instance()
        const a = recorder()
        const b = recorder()
        yield* instance(a.relay)
        yield* instance(b.relay)
        const relayed = () => [...a.ids, ...b.ids]

        const events = [chatMessage(), ...Array.from({ length: 20 }, payment)]
        for (const event of events) yield* chat.bus.handOff(event)
        for (const event of events) yield* chat.bus.handOff(event)
        const ids = events.map(handOffId)
        yield* eventuallyE(
          "every event relayed",
          Effect.sync(() => ids.every((id) => relayed().includes(id)))
        )
        yield* eventuallyE("the hand-off drained", drained)
        for (const id of ids) assert.strictEqual(count(relayed(), id), 1, id)

        // a copy arriving after the event was relayed: dropped (the later event shows the taker got past it)
        const later = payment()
        yield* chat.bus.handOff(events[0]!)
        yield* chat.bus.handOff(later)
        yield* eventuallyE(
          "the later event relayed",
          Effect.sync(() => relayed().includes(handOffId(later)))
        )
        yield* eventuallyE("the hand-off drained", drained)
        for (const id of ids) assert.strictEqual(count(relayed(), id), 1, id)
        assert.strictEqual(relayed().length, ids.length + 1)
      }),
    { timeout: 120_000 }
  )
})
