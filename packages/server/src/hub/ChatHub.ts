/**
 * The WebSocket chat hub: `/ws/procurement/{id}`. The first frame authenticates with a user JWT
 * (`{"type":"auth","token":"..."}`, never in the URL); only the procurement's participants, organizer, supplier and
 * admins get in. New, edited and deleted messages and unread counters are pushed live; a client may also `send`
 * and mark the chat `read`. Events reach the hub through the `ClusterBus`, so with Redis every instance delivers
 * every message to its own sockets once.
 */
import { HttpLayerRouter, HttpServerRequest, HttpServerResponse, Socket } from "@effect/platform"
import {
  Chat,
  ChatMessageJson,
  DomainEvents,
  NotificationJson,
  Notifications,
  PostMessage,
  ProcurementId,
  type UserId,
  userActor,
  Users
} from "@groupbuy/core"
import { Context, Duration, Effect, Layer, Option, Schema, Stream } from "effect"
import { UserTokens } from "../auth/UserTokens.js"
import { ClusterBus, type HubMessage } from "./ClusterBus.js"

export const AUTH_TIMEOUT = Duration.seconds(10)
/** A frame bigger than this is refused (chat messages are at most 4000 characters). */
const MAX_FRAME = 32 * 1024

interface Connection {
  readonly userId: UserId
  readonly isAdmin: boolean
  readonly procurementId: ProcurementId
  readonly send: (frame: unknown) => Effect.Effect<void>
}

export interface ChatHubService {
  /** open, authenticated connections on this instance */
  readonly connections: Effect.Effect<number>
}

export class ChatHub extends Context.Tag("@groupbuy/server/ChatHub")<ChatHub, ChatHubService>() {}

/** Internal state shared by the hub's fan-out and its route. */
class HubState extends Context.Tag("@groupbuy/server/ChatHub/State")<
  HubState,
  { readonly rooms: Map<string, Set<Connection>> }
>() {}

const ClientFrame = Schema.Union(
  Schema.Struct({ type: Schema.Literal("auth"), token: Schema.String }),
  Schema.Struct({ type: Schema.Literal("send"), text: Schema.String }),
  Schema.Struct({ type: Schema.Literal("read") }),
  Schema.Struct({ type: Schema.Literal("ping") })
)
const decodeFrame = Schema.decodeUnknownEither(Schema.parseJson(ClientFrame))
const encodeMessage = Schema.encodeSync(ChatMessageJson)
const encodeNotification = Schema.encodeSync(NotificationJson)

/** Local domain events → the cluster bus (each event is published once, by the instance where it happened). */
const bridge = Effect.gen(function* () {
  const events = yield* DomainEvents
  const bus = yield* ClusterBus
  const stream = yield* events.subscribe
  yield* Stream.runForEach(stream, (event) => {
    const message: HubMessage | undefined =
      event._tag === "ChatMessagePosted"
        ? { _tag: "MessagePosted", message: event.message }
        : event._tag === "ChatMessageEdited"
          ? { _tag: "MessageEdited", message: event.message }
          : event._tag === "ChatMessageDeleted"
            ? {
                _tag: "MessageDeleted",
                procurementId: event.procurementId,
                messageId: event.messageId,
                restored: event.restored
              }
            : event._tag === "NotificationCreated"
              ? { _tag: "NotificationCreated", notification: event.notification }
              : undefined
    return message === undefined ? Effect.void : bus.publish(message)
  })
})

export const ChatHubLive = Layer.scopedContext(
  Effect.gen(function* () {
    const bus = yield* ClusterBus
    const chat = yield* Chat
    const notifications = yield* Notifications
    const rooms = new Map<string, Set<Connection>>()
    const all = () => [...rooms.values()].flatMap((s) => [...s])

    const unreadFrame = (c: Connection) =>
      Effect.map(chat.unreadCounts(c.userId), (counts) => ({
        type: "unread",
        procurementId: c.procurementId,
        unread: counts.find((x) => x.procurementId === c.procurementId)?.unread ?? 0
      }))

    const fanOut = (m: HubMessage) =>
      Effect.gen(function* () {
        switch (m._tag) {
          case "MessagePosted":
          case "MessageEdited": {
            const room = rooms.get(m.message.procurementId) ?? new Set()
            const type = m._tag === "MessagePosted" ? "message.new" : "message.edited"
            const payload = encodeMessage(m.message)
            yield* Effect.forEach(
              room,
              (c) =>
                Effect.zipRight(
                  c.send({ type, message: payload }),
                  m._tag === "MessagePosted" && c.userId !== m.message.userId
                    ? Effect.flatMap(unreadFrame(c), c.send)
                    : Effect.void
                ),
              { discard: true, concurrency: 16 }
            )
            return
          }
          case "MessageDeleted": {
            const room = rooms.get(m.procurementId) ?? new Set()
            yield* Effect.forEach(
              room,
              (c) =>
                c.send({
                  type: m.restored ? "message.restored" : "message.deleted",
                  messageId: m.messageId,
                  procurementId: m.procurementId
                }),
              { discard: true }
            )
            return
          }
          case "NotificationCreated": {
            const mine = all().filter((c) => c.userId === m.notification.userId)
            if (mine.length === 0) return
            const unread = yield* notifications.unreadCount(m.notification.userId)
            yield* Effect.forEach(
              mine,
              (c) => c.send({ type: "notification", notification: encodeNotification(m.notification), unread }),
              { discard: true }
            )
          }
        }
      }).pipe(Effect.catchAllCause((cause) => Effect.logWarning("hub: fan-out failed", cause)))

    const subscription = yield* bus.subscribe
    yield* Stream.runForEach(subscription, fanOut).pipe(Effect.forkScoped)
    yield* bridge.pipe(Effect.forkScoped)

    return Context.make(ChatHub, { connections: Effect.sync(() => all().length) }).pipe(
      Context.add(HubState, { rooms })
    )
  })
)

const connect = Effect.gen(function* () {
  const { rooms } = yield* HubState
  const tokens = yield* UserTokens
  const users = yield* Users
  const chat = yield* Chat
  const params = yield* HttpLayerRouter.params
  const procurementId = Schema.decodeUnknownOption(ProcurementId)(params["id"])
  const request = yield* HttpServerRequest.HttpServerRequest
  const socket = yield* request.upgrade
  const write = yield* socket.writer
  const send = (frame: unknown) => write(JSON.stringify(frame)).pipe(Effect.ignore)
  const close = (code: number, reason: string) => write(new Socket.CloseEvent(code, reason)).pipe(Effect.ignore)
  const fail = (code: number, error: string, message: string) =>
    Effect.zipRight(send({ type: "error", code: error, message }), close(code, error))

  if (Option.isNone(procurementId)) {
    yield* fail(4404, "not_found", "no such procurement")
    return HttpServerResponse.empty()
  }
  const room = procurementId.value
  let connection: Connection | undefined

  const authenticate = (token: string) =>
    Effect.gen(function* () {
      const userId = yield* tokens.verify(token)
      const user = yield* users.get(userId)
      if (!user.isActive) return yield* fail(4401, "unauthenticated", "the account is disabled")
      const allowed = yield* chat.canAccess(userActor(user.id, user.isAdmin), room)
      if (!allowed) return yield* fail(4403, "forbidden", "only members of this procurement may join its chat")
      connection = { userId: user.id, isAdmin: user.isAdmin, procurementId: room, send }
      const set = rooms.get(room) ?? new Set()
      set.add(connection)
      rooms.set(room, set)
      const counts = yield* chat.unreadCounts(user.id)
      yield* send({
        type: "ready",
        procurementId: room,
        userId: user.id,
        unread: counts.find((c) => c.procurementId === room)?.unread ?? 0
      })
    }).pipe(
      Effect.catchTags({
        Unauthorized: (e) => fail(4401, "unauthenticated", e.reason),
        NotFound: () => fail(4401, "unauthenticated", "the account no longer exists")
      })
    )

  const onFrame = (data: string | Uint8Array) =>
    Effect.gen(function* () {
      if (typeof data !== "string" || data.length > MAX_FRAME) {
        return yield* send({ type: "error", code: "bad_frame", message: "send JSON text frames up to 32 KiB" })
      }
      const frame = decodeFrame(data)
      if (frame._tag === "Left") {
        return yield* send({ type: "error", code: "bad_frame", message: "unknown or malformed frame" })
      }
      const f = frame.right
      if (connection === undefined) {
        return yield* f.type === "auth"
          ? authenticate(f.token)
          : fail(4401, "unauthenticated", "the first frame must be auth")
      }
      const c = connection
      switch (f.type) {
        case "auth":
          return yield* send({ type: "error", code: "bad_frame", message: "already authenticated" })
        case "ping":
          return yield* send({ type: "pong" })
        case "read":
          yield* chat.markRead(c.userId, room)
          return yield* send({ type: "unread", procurementId: room, unread: 0 })
        case "send":
          yield* chat.post(
            new PostMessage({ procurementId: room, userId: c.userId, text: f.text, originPlatform: "web" })
          )
          return
      }
    }).pipe(
      Effect.catchTags({
        InvalidInput: (e) => send({ type: "error", code: "invalid", message: e.message }),
        Forbidden: (e) => send({ type: "error", code: "forbidden", message: e.message }),
        NotFound: (e) => send({ type: "error", code: "not_found", message: e.message })
      })
    )

  yield* Effect.sleep(AUTH_TIMEOUT).pipe(
    Effect.zipRight(
      Effect.suspend(() =>
        connection === undefined ? fail(4408, "auth_timeout", "send an auth frame first") : Effect.void
      )
    ),
    Effect.forkScoped
  )
  yield* socket.runRaw(onFrame).pipe(
    Effect.catchAll(() => Effect.void),
    Effect.ensuring(
      Effect.sync(() => {
        if (connection === undefined) return
        const set = rooms.get(room)
        set?.delete(connection)
        if (set?.size === 0) rooms.delete(room)
      })
    )
  )
  return HttpServerResponse.empty()
}).pipe(Effect.scoped, Effect.orDie)

/** The hub's route; needs `ChatHubLive` (for its state) provided. */
export const ChatHubRoute = HttpLayerRouter.add("GET", "/ws/procurement/:id", connect)
