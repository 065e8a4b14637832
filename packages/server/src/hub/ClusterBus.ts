/**
 * What the WebSocket hub fans out, and the bus that carries it between server instances: in-process by default,
 * Redis pub/sub (ioredis) with `REDIS_URL`. Every instance publishes the events that happened on it once and
 * delivers what the bus brings to its own sockets, so each connected member gets each message exactly once.
 *
 * The bus also carries hand-offs: domain events that an instance without bots (the chat node of the two-server
 * layout) cannot deliver to platforms itself. They go into a work queue, not a broadcast: in-process a queue, with
 * Redis a list, so each event is relayed by one instance with bots however many run, and events handed off while none
 * runs wait for the first one that starts. With Redis the delivery is at-least-once with an exactly-once effect:
 *
 * - a taker moves an item atomically (`BLMOVE`) from `<channel>:handoff` into its own processing list
 *   `<channel>:handoff:processing:<node>` and removes it from there only after relaying it, so a node that dies
 *   holding an item does not lose it;
 * - every taker keeps a heartbeat `<channel>:handoff:alive:<node>` (refreshed every 5 s, expiring after 15 s) and,
 *   at start and every 10 s, finds the processing lists (`SCAN`) and moves those of nodes without a heartbeat back to
 *   the hand-off list (a Lua script per list), so a crashed node's items are relayed by another node within about
 *   25 s; a node that stops cleanly deletes its heartbeat and re-queues what it held at once;
 * - each hand-off carries a stable id (`handOffId`: the message, payment or notification id) and is relayed only by
 *   the node that claims it in `<channel>:handoff:done:<id>` (kept a day), so an item handed off twice or re-delivered
 *   after a crash is relayed once. The claim is `pending:<node>` while the node relays and `done` afterwards
 *   (written in the same transaction that removes the item from the processing list). A pending claim whose node
 *   has no heartbeat is taken over; one whose node is alive means that node holds its own copy (which recovery
 *   re-delivers if it dies), so the duplicate is dropped. A message is therefore never lost; it is relayed twice
 *   only when a node dies (or stalls longer than the heartbeat's expiry) after relaying and before writing `done`.
 *
 * The claim script reads a key it computes (the claiming node's heartbeat), which a single Redis allows and Redis
 * Cluster does not; the hub runs on one Redis.
 */
import {
  ChatMessageId,
  ChatMessageJson,
  DomainEvent,
  NotificationId,
  NotificationJson,
  ProcurementId,
  UserId
} from "@groupbuy/core"
import {
  Cause,
  Context,
  DateTime,
  Duration,
  Effect,
  Either,
  Fiber,
  Layer,
  PubSub,
  Queue,
  Redacted,
  Runtime,
  Schedule,
  Schema,
  type Scope,
  Stream
} from "effect"
import { Redis } from "ioredis"
import { randomUUID } from "node:crypto"
import { hostname } from "node:os"

export const HubMessage = Schema.Union(
  Schema.TaggedStruct("MessagePosted", { message: ChatMessageJson }),
  Schema.TaggedStruct("MessageEdited", { message: ChatMessageJson }),
  Schema.TaggedStruct("MessageDeleted", {
    procurementId: ProcurementId,
    messageId: ChatMessageId,
    restored: Schema.Boolean
  }),
  /** a member read a chat up to `lastReadAt` (epoch ms): the member's sockets show the new unread count */
  Schema.TaggedStruct("ChatRead", { procurementId: ProcurementId, userId: UserId, lastReadAt: Schema.Number }),
  Schema.TaggedStruct("NotificationCreated", { notification: NotificationJson }),
  /** notifications deleted with the chat message they quoted */
  Schema.TaggedStruct("NotificationsRemoved", {
    removed: Schema.Array(Schema.Struct({ id: NotificationId, userId: UserId }))
  }),
  /** a participant left: their sockets in the procurement's chat are checked and closed */
  Schema.TaggedStruct("MemberLeft", { procurementId: ProcurementId, userId: UserId }),
  /** an account was deactivated or demoted: its sockets are closed or checked */
  Schema.TaggedStruct("AccountChanged", { userId: UserId, isActive: Schema.Boolean, isAdmin: Schema.Boolean })
)
export type HubMessage = typeof HubMessage.Type

export interface ClusterBusService {
  readonly publish: (message: HubMessage) => Effect.Effect<void>
  /** Messages from every instance (this one included), from now until the scope closes. */
  readonly subscribe: Effect.Effect<Stream.Stream<HubMessage>, never, Scope.Scope>
  readonly ready: Effect.Effect<boolean>
  /** Hands an event to one instance with bots for delivery to platforms (queued, relayed once). */
  readonly handOff: (event: DomainEvent) => Effect.Effect<void>
  /**
   * Relays the events handed off anywhere in the cluster through `relay`, one at a time, until the scope closes;
   * each event is relayed by one taker only (with Redis: at least once, and a second time only after a crash).
   */
  readonly takeHandOffs: (relay: (event: DomainEvent) => Effect.Effect<void>) => Effect.Effect<void, never, Scope.Scope>
}

export class ClusterBus extends Context.Tag("@groupbuy/server/ClusterBus")<ClusterBus, ClusterBusService>() {}

export const CHANNEL = "groupbuy:hub:v1"

/** The Redis list of the hand-offs of a hub channel. */
export const handOffKey = (channel: string) => `${channel}:handoff`
/** The Redis list of the hand-offs a taking node holds while it relays them. */
export const processingKey = (channel: string, node: string) => `${channel}:handoff:processing:${node}`
/** A taking node's heartbeat: while it exists, the node's processing list is its own. */
export const aliveKey = (channel: string, node: string) => `${channel}:handoff:alive:${node}`
/** The claim of a hand-off id: `pending:<node>` while relayed, `done` afterwards. */
export const doneKey = (channel: string, id: string) => `${channel}:handoff:done:${id}`

/** Hand-offs kept while no instance takes them; older ones are dropped first. */
export const MAX_PENDING_HANDOFFS = 10_000

/** How often a taking node refreshes its heartbeat, when it counts as dead, how often it recovers dead nodes' items. */
export interface HandOffTimings {
  readonly heartbeat: Duration.DurationInput
  readonly heartbeatTtl: Duration.DurationInput
  readonly recovery: Duration.DurationInput
}

export const DEFAULT_HANDOFF_TIMINGS: HandOffTimings = {
  heartbeat: "5 seconds",
  heartbeatTtl: "15 seconds",
  recovery: "10 seconds"
}

/** How long a claimed hand-off id is remembered: a copy arriving later than that would be relayed again. */
const CLAIM_TTL_SECONDS = 24 * 60 * 60

/**
 * The id that makes two hand-offs of one event the same hand-off: the chat message, payment or notification id of the
 * events the dispatcher forwards; a fresh one for events without an identity of their own (each hand-off of those is
 * a new event; only its re-deliveries after a crash share the id).
 */
export const handOffId = (event: DomainEvent): string => {
  switch (event._tag) {
    case "ChatMessagePosted":
      return `${event._tag}:${event.message.id}`
    case "ChatMessageEdited":
      return event.message.editedAt === null
        ? `${event._tag}:${randomUUID()}`
        : `${event._tag}:${event.message.id}:${DateTime.formatIso(event.message.editedAt)}`
    case "PaymentSucceeded":
      return `${event._tag}:${event.paymentId}`
    case "NotificationCreated":
      return `${event._tag}:${event.notification.id}`
    default:
      return `${event._tag}:${randomUUID()}`
  }
}

/** Logs a failed relay rather than stopping the taker (a failed event is not retried); an interruption interrupts. */
const guarded = (relay: (event: DomainEvent) => Effect.Effect<void>) => (event: DomainEvent) =>
  relay(event).pipe(
    Effect.catchAllCause((cause) =>
      Cause.isInterruptedOnly(cause)
        ? Effect.failCause(cause)
        : Effect.logError("hub: relaying a hand-off failed", { event: event._tag }, cause)
    )
  )

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
      takeHandOffs: (relay) =>
        Stream.fromQueue(handOffs).pipe(Stream.runForEach(guarded(relay)), Effect.forkScoped, Effect.asVoid)
    })
  })
)

const encode = Schema.encodeSync(Schema.parseJson(HubMessage))
const decode = Schema.decodeUnknownEither(Schema.parseJson(HubMessage))

/** What the hand-off list holds: the event with its stable id. */
const HandOff = Schema.Struct({ id: Schema.String, event: DomainEvent })
const encodeHandOff = Schema.encodeSync(Schema.parseJson(HandOff))
// a bare event is what a chat node of the previous version hands off
const decodeHandOff = Schema.decodeUnknownEither(Schema.parseJson(Schema.Union(HandOff, DomainEvent)))

/** Claims a hand-off id for this node: `claimed` (relay it), `done` (relayed already), `busy` (a live node has it). */
const CLAIM = `
local v = redis.call('GET', KEYS[1])
if v == 'done' then return 'done' end
if v then
  local owner = string.sub(v, 9)
  if owner ~= ARGV[1] and redis.call('EXISTS', ARGV[2] .. owner) == 1 then return 'busy' end
end
redis.call('SET', KEYS[1], 'pending:' .. ARGV[1], 'EX', ARGV[3])
return 'claimed'
`

/** Moves a processing list back to the hand-off list (oldest item taken first) unless its node has a heartbeat. */
const RECOVER = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local moved = 0
while redis.call('LMOVE', KEYS[1], KEYS[3], 'LEFT', 'RIGHT') do moved = moved + 1 end
return moved
`

/** A glob matching the given text literally. */
const globEscape = (text: string) => text.replace(/[*?[\]\\]/g, "\\$&")

/** How long one `BLMOVE` blocks before the taker asks again (a bound on a silently dead connection). */
const TAKE_TIMEOUT_SECONDS = 5

/**
 * Redis pub/sub: one publishing and one subscribed connection per instance, plus one blocking connection for each
 * taker of hand-offs. Each taker is a node of its own (its own processing list and heartbeat).
 */
export const ClusterBusRedis = (url: Redacted.Redacted, channel = CHANNEL, timings: Partial<HandOffTimings> = {}) =>
  Layer.scoped(
    ClusterBus,
    Effect.gen(function* () {
      const { heartbeat, heartbeatTtl, recovery } = { ...DEFAULT_HANDOFF_TIMINGS, ...timings }
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

      // an empty list does not exist in Redis, so scanning finds exactly the lists holding items (however late an
      // item arrived), and nothing is left to clean up after a node
      const processingPrefix = processingKey(channel, "")
      const recover = Effect.tryPromise(async () => {
        let moved = 0
        let cursor = "0"
        do {
          const [next, lists] = await publisher.scan(cursor, "MATCH", `${globEscape(processingPrefix)}*`, "COUNT", 1000)
          cursor = next
          for (const list of new Set(lists)) {
            const node = list.slice(processingPrefix.length)
            moved += Number(await publisher.eval(RECOVER, 3, list, aliveKey(channel, node), key))
          }
        } while (cursor !== "0")
        return moved
      }).pipe(
        Effect.tap((moved) =>
          moved > 0 ? Effect.logInfo("hub: hand-offs of stopped nodes re-queued", { moved }) : Effect.void
        ),
        Effect.catchAll((e) => Effect.logWarning("hub: recovering hand-offs failed", e))
      )

      /** One taking node: heartbeat, recovery, and the take → claim → relay → done loop. */
      const takeAs = (node: string, relay: (event: DomainEvent) => Effect.Effect<void>) =>
        Effect.gen(function* () {
          const processing = processingKey(channel, node)
          const beat = Effect.tryPromise(() =>
            publisher.set(aliveKey(channel, node), "1", "PX", Duration.toMillis(heartbeatTtl))
          ).pipe(Effect.catchAll((e) => Effect.logWarning("hub: hand-off heartbeat failed", e)))
          // the heartbeat exists before the first take, so no other node recovers an item this node holds
          yield* beat
          const heartbeats = yield* Effect.forkScoped(Effect.repeat(beat, Schedule.spaced(heartbeat)))
          yield* Effect.forkScoped(Effect.repeat(recover, Schedule.spaced(recovery)))
          // stopping: a relay interrupted midway is left in the processing list; without the heartbeat the recovery
          // (run here at once, else by any other node) re-queues it and the next taker takes over its claim
          yield* Effect.addFinalizer(() =>
            Fiber.interrupt(heartbeats).pipe(
              Effect.zipRight(Effect.tryPromise(() => publisher.del(aliveKey(channel, node)))),
              Effect.zipRight(recover),
              Effect.catchAll((e) => Effect.logWarning("hub: releasing hand-offs failed", e))
            )
          )

          // BLMOVE blocks its connection, so each taker has its own; disconnecting it ends a pending BLMOVE
          const blocking = yield* Effect.acquireRelease(
            Effect.tap(connect("groupbuy-hub-handoff"), (r) => Effect.sync(() => takers.add(r))),
            (r) => Effect.sync(() => (takers.delete(r), r.disconnect()))
          )
          const drop = (raw: string) => Effect.tryPromise(() => publisher.lrem(processing, 1, raw))
          const handle = (raw: string) =>
            Effect.gen(function* () {
              const decoded = decodeHandOff(raw)
              if (Either.isLeft(decoded)) {
                yield* Effect.logWarning("hub: malformed hand-off on Redis ignored")
                return yield* drop(raw)
              }
              const { event, id } =
                "event" in decoded.right ? decoded.right : { event: decoded.right, id: handOffId(decoded.right) }
              const claim = yield* Effect.tryPromise(() =>
                publisher.eval(CLAIM, 1, doneKey(channel, id), node, aliveKey(channel, ""), CLAIM_TTL_SECONDS)
              )
              // `done`: relayed already; `busy`: a live node relays its own copy (kept in its processing list)
              if (claim !== "claimed") return yield* drop(raw)
              yield* guarded(relay)(event)
              // relay, then mark: dying in between relays the event a second time rather than never
              yield* Effect.tryPromise(() =>
                publisher
                  .multi()
                  .set(doneKey(channel, id), "done", "EX", CLAIM_TTL_SECONDS)
                  .lrem(processing, 1, raw)
                  .exec()
              ).pipe(Effect.uninterruptible)
            })
          // after a failure the item taken may still be in the processing list: handle it before taking another
          let leftover = false
          const takeOne = Effect.gen(function* () {
            const raw = leftover
              ? yield* Effect.tryPromise(() => publisher.lindex(processing, -1))
              : yield* Effect.tryPromise(() => blocking.blmove(key, processing, "RIGHT", "LEFT", TAKE_TIMEOUT_SECONDS))
            leftover = false
            if (raw !== null) yield* handle(raw)
          }).pipe(
            // a lost connection: ioredis reconnects; wait a little rather than spin
            Effect.catchAll((e) =>
              Effect.zipRight(
                Effect.sync(() => void (leftover = true)),
                Effect.zipRight(Effect.logWarning("hub: Redis hand-off take failed", e), Effect.sleep(1000))
              )
            )
          )
          yield* Effect.forkScoped(Effect.forever(takeOne))
        })

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
              .lpush(key, encodeHandOff({ id: handOffId(event), event }))
              .ltrim(key, 0, MAX_PENDING_HANDOFFS - 1)
              .exec()
          ).pipe(
            Effect.asVoid,
            Effect.catchAll((e) => Effect.logError("hub: Redis hand-off failed", { event: event._tag }, e))
          ),
        takeHandOffs: (relay) => takeAs(`${hostname()}:${process.pid}:${randomUUID()}`, relay)
      })
    })
  )
