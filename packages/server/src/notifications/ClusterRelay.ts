/**
 * Who delivers a domain event to the platforms when several instances run. The dispatcher of the instance where an
 * event happened writes its notification rows (once: domain events are in-process) and forwards it to an
 * `EventSink`. An instance that runs the bots (roles `all` and `api`) delivers it itself through the router; an
 * instance without bots (role `chat`: the WebSocket hub of the two-server layout) hands it off over the cluster bus,
 * and one instance with bots takes it and delivers it through its own router. So a message sent from the web chat on
 * the chat node reaches Telegram, VK and WhatsApp once, however many API nodes run, and is not lost when the API node
 * that took it dies before relaying it (`ClusterBus`: at-least-once hand-offs, deduplicated by id); a message sent
 * from a bot on an API node is relayed by that node and reaches the chat node's sockets through the hub's pub/sub.
 */
import { Effect, Layer, Option } from "effect"
import { ServerConfig } from "../config/ServerConfig.js"
import { ClusterBus } from "../hub/ClusterBus.js"
import { EventSink, NotificationDispatcherLive } from "./NotificationDispatcher.js"

/** For an instance without bots: what the dispatcher forwards goes to an instance with bots. */
export const EventSinkHandOff = Layer.effect(
  EventSink,
  Effect.map(ClusterBus, (bus) => EventSink.of({ onEvent: bus.handOff }))
)

/** For an instance with bots: the events handed off by instances without bots go to the local sink. */
export const HandOffTakerLive = Layer.scopedDiscard(
  Effect.gen(function* () {
    const bus = yield* ClusterBus
    const sink = yield* EventSink
    // at least once: the bus re-delivers an event whose taker died before relaying it, and relays each id once
    yield* bus.takeHandOffs(sink.onEvent)
  })
)

/**
 * The notification dispatcher wired for this instance's role: with bots (`all`, `api`) it delivers through
 * `localSink` (the router) and takes the hand-offs of the cluster; without (`chat`) it hands its events off.
 */
export const NotificationsForRole = <E, R>(localSink: Layer.Layer<EventSink, E, R>) =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const settings = yield* ServerConfig
      if (settings.role !== "chat")
        return Layer.merge(NotificationDispatcherLive, HandOffTakerLive).pipe(Layer.provide(localSink))
      if (Option.isNone(settings.redisUrl))
        yield* Effect.logWarning(
          "SERVER_ROLE=chat without REDIS_URL: chat messages from the web cannot reach the bots of another instance"
        )
      return NotificationDispatcherLive.pipe(Layer.provide(EventSinkHandOff))
    })
  )
