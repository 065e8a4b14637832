/**
 * What the WebSocket hub fans out, and the bus that carries it between server instances: in-process by default,
 * Redis pub/sub (ioredis) with `REDIS_URL`. Every instance publishes the events that happened on it once and
 * delivers what the bus brings to its own sockets, so each connected member gets each message exactly once.
 */
import { ChatMessageId, ChatMessageJson, NotificationJson, ProcurementId } from "@groupbuy/core"
import { Context, Effect, Layer, PubSub, Redacted, Runtime, Schema, type Scope, Stream } from "effect"
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
}

export class ClusterBus extends Context.Tag("@groupbuy/server/ClusterBus")<ClusterBus, ClusterBusService>() {}

export const CHANNEL = "groupbuy:hub:v1"

export const ClusterBusMemory = Layer.scoped(
  ClusterBus,
  Effect.gen(function* () {
    const hub = yield* Effect.acquireRelease(PubSub.unbounded<HubMessage>(), PubSub.shutdown)
    return ClusterBus.of({
      publish: (m) => PubSub.publish(hub, m).pipe(Effect.asVoid),
      subscribe: Effect.map(PubSub.subscribe(hub), Stream.fromQueue),
      ready: Effect.succeed(true)
    })
  })
)

const encode = Schema.encodeSync(Schema.parseJson(HubMessage))
const decode = Schema.decodeUnknownEither(Schema.parseJson(HubMessage))

/** Redis pub/sub: one publishing and one subscribed connection per instance. */
export const ClusterBusRedis = (url: Redacted.Redacted, channel = CHANNEL) =>
  Layer.scoped(
    ClusterBus,
    Effect.gen(function* () {
      const open = (name: string) =>
        Effect.acquireRelease(
          Effect.sync(() => new Redis(Redacted.value(url), { lazyConnect: false, connectionName: name })),
          (r) => Effect.promise(() => r.quit().catch(() => r.disconnect()))
        )
      const publisher = yield* open("groupbuy-hub-pub")
      const subscriber = yield* open("groupbuy-hub-sub")
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
        ready: Effect.sync(() => publisher.status === "ready" && subscriber.status === "ready")
      })
    })
  )
