/**
 * The WebSocket chat hub: `/ws/procurement/{id}`. The first frame authenticates with a user JWT
 * (`{"type":"auth","token":"..."}`, never in the URL); only the procurement's participants, organizer, supplier and
 * admins get in. New, edited and deleted messages and unread counters are pushed live; a client may also `send`
 * and mark the chat `read`. Events reach the hub through the `ClusterBus`, so with Redis every instance delivers
 * every message to its own sockets once.
 *
 * The hub has the web chat's hardening (docs/ws-protocol.md): a `ws` server of its own mounted on the
 * `UpgradeRouter`, so the browser's `Origin` is checked before the upgrade and frames are capped by `maxPayload`
 * before anything is buffered; a token bucket per socket; a heartbeat. Sending never waits: a closed socket is
 * skipped and one whose unread output passes a bound is dropped, so no socket can stall the fan-out of the others.
 * A member who leaves the procurement or an account that is deactivated loses its sockets at once (the domain
 * events travel on the bus, so on every instance); whatever an event missed is caught when the socket next acts.
 */
import { HttpServer } from "@effect/platform"
import { TokenBucket, WebSocketAdapter } from "@groupbuy/adapters"
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
import { Cause, Clock, Context, Duration, Effect, Layer, Option, Runtime, Schema, Stream } from "effect"
import type { IncomingMessage } from "node:http"
import { WebSocket } from "ws"
import { UserTokens } from "../auth/UserTokens.js"
import { widgetOrigins } from "../bots/Platforms.js"
import { ServerConfig } from "../config/ServerConfig.js"
import { UpgradeRouter } from "../http/UpgradeRouter.js"
import { ClusterBus, type HubMessage } from "./ClusterBus.js"

/** The hub serves every path one segment below this one: `/ws/procurement/{id}`. */
export const HUB_PATH = "/ws/procurement/"
export const AUTH_TIMEOUT = Duration.seconds(10)
/** A frame bigger than this closes the socket with 1009 (chat messages are at most 4000 characters). */
export const MAX_FRAME = 32 * 1024
/** A socket that leaves this much of our output unread is dropped; the client reconnects and reloads the history. */
export const MAX_BUFFERED_BYTES = 256 * 1024
/** Frames per second and burst per socket; a client that goes on sending a whole burst over it is closed. */
export const RATE = { perSecond: 5, burst: 20 } as const
const HEARTBEAT = Duration.seconds(30)

export const CloseCode = {
  /** no, an invalid or expired token; or the account is disabled */
  unauthenticated: 4401,
  /** not (or no longer) a member of the procurement */
  forbidden: 4403,
  notFound: 4404,
  authTimeout: 4408,
  rateLimited: 4429,
  shutdown: 1001
} as const

/** An authenticated socket in a room. `send` never waits. */
interface Member {
  readonly userId: UserId
  isAdmin: boolean
  readonly procurementId: ProcurementId
  readonly send: (frame: unknown) => void
  readonly close: (code: number, reason: string) => void
}

export interface ChatHubService {
  /** open, authenticated connections on this instance */
  readonly connections: Effect.Effect<number>
}

export class ChatHub extends Context.Tag("@groupbuy/server/ChatHub")<ChatHub, ChatHubService>() {}

/** Internal state shared by the hub's fan-out and its route. */
class HubState extends Context.Tag("@groupbuy/server/ChatHub/State")<
  HubState,
  { readonly rooms: Map<string, Set<Member>> }
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

const groupBy = <A, K>(items: ReadonlyArray<A>, key: (a: A) => K) => {
  const groups = new Map<K, Array<A>>()
  for (const item of items) {
    const k = key(item)
    const group = groups.get(k)
    if (group === undefined) groups.set(k, [item])
    else group.push(item)
  }
  return groups
}

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
              : event._tag === "ParticipantLeft"
                ? { _tag: "MemberLeft", procurementId: event.procurementId, userId: event.userId }
                : event._tag === "AccountChanged"
                  ? { _tag: "AccountChanged", userId: event.userId, isActive: event.isActive, isAdmin: event.isAdmin }
                  : event._tag === "NotificationsRemoved"
                    ? { _tag: "NotificationsRemoved", removed: event.removed }
                    : undefined
    return message === undefined ? Effect.void : bus.publish(message)
  })
})

export const ChatHubLive = Layer.scopedContext(
  Effect.gen(function* () {
    const bus = yield* ClusterBus
    const chat = yield* Chat
    const notifications = yield* Notifications
    const rooms = new Map<string, Set<Member>>()
    const all = () => [...rooms.values()].flatMap((s) => [...s])
    const inRoom = (procurementId: ProcurementId) => [...(rooms.get(procurementId) ?? [])]

    /** One unread count per user (not per socket: a member may have several tabs open). */
    const sendUnread = (procurementId: ProcurementId, members: ReadonlyArray<Member>) => {
      const byUser = groupBy(members, (m) => m.userId)
      return Effect.forEach(
        byUser,
        ([userId, sockets]) =>
          Effect.map(chat.unreadCounts(userId), (counts) => {
            const unread = counts.find((x) => x.procurementId === procurementId)?.unread ?? 0
            for (const m of sockets) m.send({ type: "unread", procurementId, unread })
          }),
        { discard: true, concurrency: 16 }
      )
    }

    /** Closes the user's sockets in `procurementId` unless the user may still read its chat (one check per user). */
    const recheck = (userId: UserId, members: ReadonlyArray<Member>, reason: string) =>
      Effect.forEach(
        groupBy(members, (m) => m.procurementId),
        ([procurementId, sockets]) =>
          Effect.map(chat.canAccess(userActor(userId, sockets[0]!.isAdmin), procurementId), (allowed) => {
            if (allowed) return
            for (const m of sockets) {
              m.send({ type: "error", code: "forbidden", message: reason })
              m.close(CloseCode.forbidden, "forbidden")
            }
          }),
        { discard: true }
      )

    const fanOut = (m: HubMessage) =>
      Effect.gen(function* () {
        switch (m._tag) {
          case "MessagePosted":
          case "MessageEdited": {
            const room = inRoom(m.message.procurementId)
            const type = m._tag === "MessagePosted" ? "message.new" : "message.edited"
            const frame = { type, message: encodeMessage(m.message) }
            for (const c of room) c.send(frame)
            if (m._tag === "MessagePosted") {
              yield* sendUnread(
                m.message.procurementId,
                room.filter((c) => c.userId !== m.message.userId)
              )
            }
            return
          }
          case "MessageDeleted": {
            const frame = {
              type: m.restored ? "message.restored" : "message.deleted",
              messageId: m.messageId,
              procurementId: m.procurementId
            }
            for (const c of inRoom(m.procurementId)) c.send(frame)
            return
          }
          case "NotificationCreated": {
            const mine = all().filter((c) => c.userId === m.notification.userId)
            if (mine.length === 0) return
            const unread = yield* notifications.unreadCount(m.notification.userId)
            const frame = { type: "notification", notification: encodeNotification(m.notification), unread }
            for (const c of mine) c.send(frame)
            return
          }
          case "NotificationsRemoved": {
            const connected = new Set(all().map((c) => c.userId))
            const removed = groupBy(
              m.removed.filter((r) => connected.has(r.userId)),
              (r) => r.userId
            )
            return yield* Effect.forEach(
              removed,
              ([userId, rows]) =>
                Effect.map(notifications.unreadCount(userId), (unread) => {
                  const frame = { type: "notification.removed", ids: rows.map((r) => r.id), unread }
                  for (const c of all()) if (c.userId === userId) c.send(frame)
                }),
              { discard: true, concurrency: 16 }
            )
          }
          case "MemberLeft": {
            const theirs = inRoom(m.procurementId).filter((c) => c.userId === m.userId)
            if (theirs.length === 0) return
            return yield* recheck(m.userId, theirs, "you are no longer a member of this procurement")
          }
          case "AccountChanged": {
            const theirs = all().filter((c) => c.userId === m.userId)
            if (theirs.length === 0) return
            if (!m.isActive) {
              for (const c of theirs) {
                c.send({ type: "error", code: "unauthenticated", message: "the account is disabled" })
                c.close(CloseCode.unauthenticated, "account disabled")
              }
              return
            }
            const demoted = theirs.filter((c) => c.isAdmin && !m.isAdmin)
            for (const c of theirs) c.isAdmin = m.isAdmin
            if (demoted.length > 0) yield* recheck(m.userId, demoted, "only members of this procurement may read it")
            return
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

/** One socket, from the upgrade on. */
interface Connection {
  readonly ws: WebSocket
  readonly bucket: TokenBucket.TokenBucket
  member: Member | undefined
  alive: boolean
  strikes: number
  /** frames of one socket are handled strictly in order */
  queue: Promise<void>
}

/**
 * Sends without waiting: nothing to a socket that is not open; a socket that has left more than
 * `MAX_BUFFERED_BYTES` unread is terminated instead (the `ws` buffer is its bounded queue).
 */
export const sendTo =
  (ws: Pick<WebSocket, "readyState" | "bufferedAmount" | "send" | "terminate">) => (frame: unknown) => {
    if (ws.readyState !== WebSocket.OPEN) return
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.terminate()
      return
    }
    ws.send(JSON.stringify(frame))
  }

/**
 * The hub's sockets, mounted at `HUB_PATH` on the `UpgradeRouter` for the lifetime of the layer; needs
 * `ChatHubLive` (for its state) provided. Browsers may connect from the origins the web chat allows.
 */
export const ChatHubRoute = Layer.scopedDiscard(
  Effect.gen(function* () {
    const { rooms } = yield* HubState
    const tokens = yield* UserTokens
    const users = yield* Users
    const chat = yield* Chat
    const config = yield* ServerConfig
    const server = yield* HttpServer.HttpServer
    const upgrades = yield* UpgradeRouter
    const runtime = yield* Effect.runtime<never>()
    const run = Runtime.runPromise(runtime)
    const now = () => Runtime.runSync(runtime)(Clock.currentTimeMillis)
    const port = server.address._tag === "TcpAddress" ? server.address.port : config.port
    const origins = widgetOrigins(config.publicUrl, port, config.widgetOrigins)
    const live = new Set<Connection>()

    const onConnection = (ws: WebSocket, request: IncomingMessage) => {
      const connection: Connection = {
        ws,
        bucket: TokenBucket.makeTokenBucket(RATE.perSecond, RATE.burst, now()),
        member: undefined,
        alive: true,
        strikes: 0,
        queue: Promise.resolve()
      }
      const send = sendTo(ws)
      const close = (code: number, reason: string) => {
        if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, reason)
      }
      const fail = (code: number, error: string, message: string) =>
        Effect.sync(() => {
          send({ type: "error", code: error, message })
          close(code, error)
        })

      ws.on("error", () => ws.terminate())
      const path = (request.url ?? "/").split("?")[0]!
      const procurementId = Schema.decodeUnknownOption(ProcurementId)(path.slice(HUB_PATH.length))
      if (Option.isNone(procurementId)) {
        void run(fail(CloseCode.notFound, "not_found", "no such procurement"))
        return
      }
      const room = procurementId.value
      live.add(connection)

      const authenticate = (token: string) =>
        Effect.gen(function* () {
          const userId = yield* tokens.verify(token)
          const user = yield* users.get(userId)
          if (!user.isActive)
            return yield* fail(CloseCode.unauthenticated, "unauthenticated", "the account is disabled")
          const allowed = yield* chat.canAccess(userActor(user.id, user.isAdmin), room)
          if (!allowed) {
            return yield* fail(CloseCode.forbidden, "forbidden", "only members of this procurement may join its chat")
          }
          if (ws.readyState !== WebSocket.OPEN) return
          const member: Member = { userId: user.id, isAdmin: user.isAdmin, procurementId: room, send, close }
          connection.member = member
          const set = rooms.get(room) ?? new Set()
          set.add(member)
          rooms.set(room, set)
          const counts = yield* chat.unreadCounts(user.id)
          send({
            type: "ready",
            procurementId: room,
            userId: user.id,
            unread: counts.find((c) => c.procurementId === room)?.unread ?? 0
          })
        }).pipe(
          Effect.catchTags({
            Unauthorized: (e) => fail(CloseCode.unauthenticated, "unauthenticated", e.reason),
            NotFound: () => fail(CloseCode.unauthenticated, "unauthenticated", "the account no longer exists")
          })
        )

      const onFrame = (data: string) =>
        Effect.gen(function* () {
          const frame = decodeFrame(data)
          if (frame._tag === "Left") {
            return send({ type: "error", code: "bad_frame", message: "unknown or malformed frame" })
          }
          const f = frame.right
          const member = connection.member
          if (member === undefined) {
            return yield* f.type === "auth"
              ? authenticate(f.token)
              : fail(CloseCode.unauthenticated, "unauthenticated", "the first frame must be auth")
          }
          switch (f.type) {
            case "auth":
              return send({ type: "error", code: "bad_frame", message: "already authenticated" })
            case "ping":
              return send({ type: "pong" })
            case "read":
              yield* chat.markRead(member.userId, room)
              return send({ type: "unread", procurementId: room, unread: 0 })
            case "send":
              yield* chat.post(
                new PostMessage({ procurementId: room, userId: member.userId, text: f.text, originPlatform: "web" })
              )
              return
          }
        }).pipe(
          Effect.catchTags({
            InvalidInput: (e) => Effect.sync(() => send({ type: "error", code: "invalid", message: e.message })),
            // the socket's own check: a member who left or a disabled account is refused here, so is closed
            Forbidden: (e) => fail(CloseCode.forbidden, "forbidden", e.message),
            NotFound: (e) => fail(CloseCode.notFound, "not_found", e.message)
          }),
          Effect.catchAllCause((cause) =>
            Cause.isInterruptedOnly(cause) ? Effect.void : Effect.logError("hub: a frame failed", cause)
          )
        )

      const authTimer = setTimeout(() => {
        if (connection.member === undefined) {
          void run(fail(CloseCode.authTimeout, "auth_timeout", "send an auth frame first"))
        }
      }, Duration.toMillis(AUTH_TIMEOUT))

      ws.on("pong", () => {
        connection.alive = true
      })
      ws.on("message", (data, isBinary) => {
        if (!connection.bucket.take(now())) {
          connection.strikes += 1
          // a client that ignores the limit for a whole burst is not a chat client
          if (connection.strikes > RATE.burst) close(CloseCode.rateLimited, "rate limit")
          else send({ type: "error", code: "rate_limited", message: `at most ${RATE.perSecond} frames per second` })
          return
        }
        connection.strikes = 0
        if (isBinary) {
          send({ type: "error", code: "bad_frame", message: "send JSON text frames" })
          return
        }
        const text = Array.isArray(data) ? Buffer.concat(data).toString("utf8") : data.toString("utf8")
        connection.queue = connection.queue.then(() => run(onFrame(text))).catch(() => undefined)
      })
      ws.on("close", () => {
        clearTimeout(authTimer)
        live.delete(connection)
        const member = connection.member
        if (member === undefined) return
        const set = rooms.get(room)
        set?.delete(member)
        if (set?.size === 0) rooms.delete(room)
      })
    }

    const wss = yield* WebSocketAdapter.heartbeatServer(
      { maxPayload: MAX_FRAME },
      live,
      Duration.toMillis(HEARTBEAT),
      CloseCode.shutdown
    )

    yield* upgrades.mount(HUB_PATH, (request, socket, head) => {
      if (!WebSocketAdapter.originAllowed(origins, false, request.headers.origin)) {
        WebSocketAdapter.refuse(socket, 403, "Forbidden origin")
        return
      }
      wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws, request))
    })
  })
)
