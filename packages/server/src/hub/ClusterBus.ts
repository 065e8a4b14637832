/**
 * What the WebSocket hub fans out, and the bus that carries it between server instances: in-process by default,
 * Redis pub/sub (ioredis) with `REDIS_URL`. Every instance publishes the events that happened on it once and
 * delivers what the bus brings to its own sockets, so each connected member gets each message exactly once.
 *
 * The bus also carries hand-offs: domain events that an instance without bots (the chat node of the two-server
 * layout) cannot deliver to platforms itself. They go into a work queue, not a broadcast: in-process a queue, with
 * Redis a list (`LPUSH`, taken with `BRPOP`), so each event is taken by exactly one instance with bots however many
 * run, and events handed off while none runs wait for the first one that starts.
 */
import { ChatMessageId, ChatMessageJson, DomainEvent, NotificationJson, ProcurementId } from "@groupbuy/core"
import { Context, Effect, Layer, PubSub, Queue, Redacted, Runtime, Schema, type Scope, Stream } from "effect"
import { Redis } from "ioredis"

export const HubMessage = Schema.Union(
  Schema.TaggedStruct("MessagePosted", { message: ChatMessageJson }),
  Schema.TaggedStruct("MessageEdited", { message: ChatMessageJson }),
  Schema.TaggedStruct("MessageDeleted", {
    procurementId: ProcurementId,
    messageId: ChatMessageId,
    restored: Schema.Boolean
  }),
  Schema.TaggedStruct("NotificationCreated", { notification: NotificationJson })
)
export type HubMessage = typeof HubMessage.Type

export interface ClusterBusService {
  readonly publish: (message: HubMessage) => Effect.Effect<void>
  /** Messages from every instance (this one included), from now until the scope closes. */
  readonly subscribe: Effect.Effect<Stream.Stream<HubMessage>, never, Scope.Scope>
  readonly ready: Effect.Effect<boolean>
  /** Hands an event to one instance with bots for delivery to platforms (queued, taken once). */
  readonly handOff: (event: DomainEvent) => Effect.Effect<void>
  /** Takes the events handed off anywhere in the cluster until the scope closes; each is taken by one taker only. */
  readonly takeHandOffs: Effect.Effect<Stream.Stream<DomainEvent>, never, Scope.Scope>
}

export class ClusterBus extends Context.Tag("@groupbuy/server/ClusterBus")<ClusterBus, ClusterBusService>() {}

export const CHANNEL = "groupbuy:hub:v1"

/** The Redis list of the hand-offs of a hub channel. */
export const handOffKey = (channel: string) => `${channel}:handoff`

/** Hand-offs kept while no instance takes them; older ones are dropped first. */
export const MAX_PENDING_HANDOFFS = 10_000

export const ClusterBusMemory = Layer.scoped(
  ClusterBus,
  Effect.gen(function* () {
    const hub = yield* Effect.acquireRelease(PubSub.unbounded<HubMessage>(), PubSub.shutdown)
    const handOffs = yield* Effect.acquireRelease(Queue.sliding<DomainEvent>(MAX_PENDING_HANDOFFS), Queue.shutdown)
    return ClusterBus.of({
      publish: (m) => PubSub.publish(hub, m).pipe(Effect.asVoid),
      subscribe: Effect.map(PubSub.subscribe(hub), Stream.fromQueue),
      ready: Effect.succeed(true),
      handOff: (event) => Queue.offer(handOffs, event).pipe(Effect.asVoid),
      takeHandOffs: Effect.succeed(Stream.fromQueue(handOffs))
    })
  })
)

const encode = Schema.encodeSync(Schema.parseJson(HubMessage))
const decode = Schema.decodeUnknownEither(Schema.parseJson(HubMessage))
const encodeEvent = Schema.encodeSync(Schema.parseJson(DomainEvent))
const decodeEvent = Schema.decodeUnknownEither(Schema.parseJson(DomainEvent))

/**
 * Redis pub/sub: one publishing and one subscribed connection per instance, plus one blocking connection for each
 * taker of hand-offs.
 */
export const ClusterBusRedis = (url: Redacted.Redacted, channel = CHANNEL) =>
  Layer.scoped(
    ClusterBus,
    Effect.gen(function* () {
      const connect = (name: string) =>
        Effect.sync(() => new Redis(Redacted.value(url), { lazyConnect: false, connectionName: name }))
      const open = (name: string) =>
        Effect.acquireRelease(connect(name), (r) => Effect.promise(() => r.quit().catch(() => r.disconnect())))
      const publisher = yield* open("groupbuy-hub-pub")
      const subscriber = yield* open("groupbuy-hub-sub")
      const takers = new Set<Redis>()
      const key = handOffKey(channel)
      const local = yield* Effect.acquireRelease(PubSub.unbounded<HubMessage>(), PubSub.shutdown)
      const runtime = yield* Effect.runtime<never>()
      subscriber.on("message", (from: string, payload: string) => {
        if (from !== channel) return
        const message = decode(payload)
        // an unbounded PubSub accepts synchronously, so Redis order is kept
        Runtime.runSync(runtime)(
          message._tag === "Right"
            ? PubSub.publish(local, message.right)
            : Effect.logWarning("hub: malformed message on Redis ignored")
        )
      })
      yield* Effect.tryPromise(() => subscriber.subscribe(channel)).pipe(Effect.orDie)
      return ClusterBus.of({
        publish: (m) =>
          Effect.tryPromise(() => publisher.publish(channel, encode(m))).pipe(
            Effect.asVoid,
            Effect.catchAll((e) => Effect.logError("hub: Redis publish failed", e))
          ),
        subscribe: Effect.map(PubSub.subscribe(local), Stream.fromQueue),
        ready: Effect.sync(
          () =>
            publisher.status === "ready" &&
            subscriber.status === "ready" &&
            [...takers].every((r) => r.status === "ready")
        ),
        handOff: (event) =>
          Effect.tryPromise(() =>
            publisher
              .multi()
              .lpush(key, encodeEvent(event))
              .ltrim(key, 0, MAX_PENDING_HANDOFFS - 1)
              .exec()
          ).pipe(
            Effect.asVoid,
            Effect.catchAll((e) => Effect.logError("hub: Redis hand-off failed", { event: event._tag }, e))
          ),
        takeHandOffs: Effect.gen(function* () {
          // BRPOP blocks its connection, so each taker has its own; disconnecting it ends a pending BRPOP
          const blocking = yield* Effect.acquireRelease(
            Effect.tap(connect("groupbuy-hub-handoff"), (r) => Effect.sync(() => takers.add(r))),
            (r) => Effect.sync(() => (takers.delete(r), r.disconnect()))
          )
          const take = Effect.tryPromise(() => blocking.brpop(key, 0)).pipe(
            Effect.flatMap((reply) => {
              if (reply === null) return Effect.succeed([])
              const event = decodeEvent(reply[1])
              return event._tag === "Right"
                ? Effect.succeed([event.right])
                : Effect.as(Effect.logWarning("hub: malformed hand-off on Redis ignored"), [])
            }),
            // a lost connection: ioredis reconnects; wait a little rather than spin
            Effect.catchAll((e) =>
              Effect.as(
                Effect.zipRight(Effect.logWarning("hub: Redis hand-off take failed", e), Effect.sleep(1000)),
                []
              )
            )
          )
          return Stream.repeatEffect(take).pipe(Stream.flattenIterables)
        })
      })
    })
  )
