/**
 * The WebSocket chat hub: `/ws/procurement/{id}`. The first frame authenticates with a user JWT
 * (`{"type":"auth","token":"..."}`, never in the URL); only the procurement's participants, organizer, supplier and
 * admins get in. New, edited and deleted messages and unread counters are pushed live; a client may also `send`
 * and mark the chat `read`. Events reach the hub through the `ClusterBus`, so with Redis every instance delivers
 * every message to its own sockets once.
 *
 * The protocol (versions 1 and 2) is packages/core/src/api/ws-protocol.md.
 *
 * The hub has the web chat's hardening (protocol: packages/core/src/api/ws-protocol.md): a `ws` server of its own mounted on the
 * `UpgradeRouter`, so the browser's `Origin` is checked before the upgrade and frames are capped by `maxPayload`
 * before anything is buffered; a token bucket per socket; a heartbeat. Sending never waits: a closed socket is
 * skipped and one whose unread output passes a bound is dropped, so no socket can stall the fan-out of the others.
 * A member who leaves the procurement or an account that is deactivated loses its sockets at once (the domain
 * events travel on the bus, so on every instance); whatever an event missed is caught when the socket next acts.
 *
 * A new message costs no database work here: each member connected to this instance (a `Seat`, shared by the
 * member's tabs) keeps its unread count, read once from the read markers when the member connects and then counted
 * on from the messages, the reads (`ChatRead`) and, for deletions, one recount of the room. The message frame is
 * serialized once per message and per distinct unread count, and written to each socket without waiting. A socket
 * holds no timers or closures of its own: the handlers are shared and find their connection on the socket.
 */
import { HttpServer } from "@effect/platform"
import { HeartbeatServer } from "@groupbuy/adapters"
import {
  AttachmentId,
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
import { Cause, Clock, Context, DateTime, Duration, Effect, Layer, Option, Runtime, Schema, Stream } from "effect"
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

/** The hub protocol version a socket speaks: 2 when its `auth` said so (ws-protocol.md). */
type Version = 1 | 2

/**
 * A member in a room on this instance, shared by the member's sockets there: the chat's unread count of the member,
 * kept current without the database.
 */
interface Seat {
  readonly userId: UserId
  readonly room: Room
  isAdmin: boolean
  /** whether the member's count counts at all (an admin who is not a member has none: 0) */
  member: boolean
  unread: number
  /** the newest message time (epoch ms) the count includes: a later message of someone else adds one */
  upTo: number
  /** while the first count is read: the times of the messages that arrived meanwhile */
  pending: Array<number> | undefined
  /** a read arrived while the first count was read: count again */
  stale: boolean
  /** while the first count is read: resolved once it is in (then dropped) */
  seeded: Promise<void> | undefined
  readonly sockets: Set<Connection>
}

interface Room {
  readonly id: ProcurementId
  readonly seats: Map<UserId, Seat>
}

/** One socket, from the upgrade on; found from its `ws` by the shared handlers. */
class Connection {
  seat: Seat | undefined = undefined
  alive = true
  strikes = 0
  tokens: number = RATE.burst
  version: Version = 1
  /** frames of one socket are handled strictly in order */
  queue: Promise<void> | undefined = undefined
  constructor(
    readonly ws: WebSocket,
    readonly room: ProcurementId,
    /** when it last took a token (epoch ms, the Effect clock) */
    public last: number,
    /** when it opened (wall clock), for the auth timeout */
    readonly openedAt: number
  ) {}
  /** the token bucket, inline: no closure per socket */
  take(now: number) {
    this.tokens = Math.min(RATE.burst, this.tokens + (Math.max(0, now - this.last) / 1000) * RATE.perSecond)
    this.last = Math.max(this.last, now)
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}

const CONNECTION = Symbol("groupbuy.hub.connection")
type HubSocket = WebSocket & { [CONNECTION]?: Connection }

export interface ChatHubService {
  /** open, authenticated connections on this instance */
  readonly connections: Effect.Effect<number>
}

export class ChatHub extends Context.Tag("@groupbuy/server/ChatHub")<ChatHub, ChatHubService>() {}

/** The hub's rooms and seats, shared by its fan-out and its route. */
class HubState extends Context.Tag("@groupbuy/server/ChatHub/State")<
  HubState,
  {
    readonly rooms: Map<ProcurementId, Room>
    /** every seat of a user on this instance, in any room */
    readonly seatsOf: Map<UserId, Set<Seat>>
  }
>() {}

const ClientFrame = Schema.Union(
  Schema.Struct({ type: Schema.Literal("auth"), token: Schema.String, v: Schema.optional(Schema.Int) }),
  // `attachmentId`: a file uploaded over HTTP (`POST /api/procurements/{id}/attachments`); `text` is then its caption
  Schema.Struct({ type: Schema.Literal("send"), text: Schema.String, attachmentId: Schema.optional(AttachmentId) }),
  Schema.Struct({ type: Schema.Literal("read") }),
  Schema.Struct({ type: Schema.Literal("ping") })
)
const decodeFrame = Schema.decodeUnknownEither(Schema.parseJson(ClientFrame))
const encodeMessage = Schema.encodeSync(ChatMessageJson)
const encodeNotification = Schema.encodeSync(NotificationJson)

const TEXT = { binary: false } as const

/**
 * Sends without waiting: nothing to a socket that is not open; a socket that has left more than
 * `MAX_BUFFERED_BYTES` unread is terminated instead (the `ws` buffer is its bounded queue). `frame` is sent as it is
 * when it is already serialized (a string or the bytes of a JSON text).
 */
export const sendTo =
  (ws: Pick<WebSocket, "readyState" | "bufferedAmount" | "send" | "terminate">) =>
  (frame: unknown): void => {
    if (ws.readyState !== WebSocket.OPEN) return
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.terminate()
      return
    }
    if (typeof frame === "string" || Buffer.isBuffer(frame)) ws.send(frame, TEXT)
    else ws.send(JSON.stringify(frame), TEXT)
  }

const send = (c: Connection, frame: unknown) => sendTo(c.ws)(frame)
const closeSocket = (ws: WebSocket, code: number, reason: string) => {
  if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, reason)
}
const refuse = (c: Connection, code: number, error: string, message: string) => {
  send(c, { type: "error", code: error, message })
  closeSocket(c.ws, code, error)
}

const epochMillis = (t: Date | DateTime.DateTime) => (t instanceof Date ? t.getTime() : DateTime.toEpochMillis(t))

/** A message of someone else at `at` (epoch ms) reaches the seat: counted unless the count already includes it. */
const countMessage = (seat: Seat, at: number) => {
  if (seat.pending !== undefined) {
    seat.pending.push(at)
    return
  }
  if (at <= seat.upTo) return
  seat.upTo = at
  if (seat.member) seat.unread += 1
}

/** The first count of a seat (or a recount) is in: it includes every message up to `upTo`. */
const settle = (seat: Seat, unread: number | undefined, upTo: number) => {
  seat.member = unread !== undefined
  seat.unread = unread ?? 0
  seat.upTo = upTo
  const pending = seat.pending ?? []
  seat.pending = undefined
  for (const at of pending) countMessage(seat, at)
}

/** The seats of a room that are in (their first count is read and they may read the chat). */
const seatedIn = (room: Room) => [...room.seats.values()].filter((seat) => seat.pending === undefined)

const unreadFrame = (seat: Seat) => ({ type: "unread", procurementId: seat.room.id, unread: seat.unread })

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
            : event._tag === "ChatRead"
              ? {
                  _tag: "ChatRead",
                  procurementId: event.procurementId,
                  userId: event.userId,
                  lastReadAt: event.lastReadAt
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
    const rooms = new Map<ProcurementId, Room>()
    const seatsOf = new Map<UserId, Set<Seat>>()
    const socketsOf = (userId: UserId) => [...(seatsOf.get(userId) ?? [])].flatMap((seat) => [...seat.sockets])

    /** Counts the seats' unread again (one statement for the room) and tells the members whose count changed. */
    const recount = (room: Room, seats: ReadonlyArray<Seat>) =>
      Effect.gen(function* () {
        const ready = seats.filter((seat) => seat.pending === undefined)
        if (ready.length === 0) return
        const { unread, upTo } = yield* chat.unreadIn(
          room.id,
          ready.map((seat) => seat.userId)
        )
        for (const seat of ready) {
          if (seat.pending !== undefined) continue
          const before = seat.unread
          settle(seat, unread.get(seat.userId), Math.max(upTo, seat.upTo))
          if (seat.unread !== before) for (const c of seat.sockets) send(c, unreadFrame(seat))
        }
      })

    /** Closes the user's sockets in these seats unless the user may still read the chat (one check per seat). */
    const recheck = (seats: ReadonlyArray<Seat>, reason: string) =>
      Effect.forEach(
        seats,
        (seat) =>
          Effect.map(chat.canAccess(userActor(seat.userId, seat.isAdmin), seat.room.id), (allowed) => {
            if (allowed) return
            for (const c of seat.sockets) refuse(c, CloseCode.forbidden, "forbidden", reason)
          }),
        { discard: true }
      )

    const messagePosted = (message: (typeof ChatMessageJson)["Type"]) => {
      const room = rooms.get(message.procurementId)
      if (room === undefined) return
      const at = epochMillis(message.createdAt)
      // serialized once per message, then once per distinct unread count (most members share a few counts)
      const head = `{"type":"message.new","message":${JSON.stringify(encodeMessage(message))},"unread":`
      const frames = new Map<number, Buffer>()
      for (const seat of room.seats.values()) {
        const own = seat.userId === message.userId
        if (own) seat.upTo = Math.max(seat.upTo, at)
        else countMessage(seat, at)
        // a seat whose first count is being read is not in yet (nor known to be a member): its client loads the
        // history after `ready`
        if (seat.pending !== undefined) continue
        let frame = frames.get(seat.unread)
        if (frame === undefined) {
          frame = Buffer.from(`${head}${seat.unread}}`)
          frames.set(seat.unread, frame)
        }
        for (const c of seat.sockets) {
          send(c, frame)
          // version 1 also had the count in a frame of its own
          if (c.version === 1 && !own) send(c, unreadFrame(seat))
        }
      }
    }

    const fanOut = (m: HubMessage) =>
      Effect.gen(function* () {
        switch (m._tag) {
          case "MessagePosted":
            return messagePosted(m.message)
          case "MessageEdited": {
            const room = rooms.get(m.message.procurementId)
            if (room === undefined) return
            const frame = JSON.stringify({ type: "message.edited", message: encodeMessage(m.message) })
            for (const seat of seatedIn(room)) for (const c of seat.sockets) send(c, frame)
            return
          }
          case "MessageDeleted": {
            const room = rooms.get(m.procurementId)
            if (room === undefined) return
            const frame = JSON.stringify({
              type: m.restored ? "message.restored" : "message.deleted",
              messageId: m.messageId,
              procurementId: m.procurementId
            })
            for (const seat of seatedIn(room)) for (const c of seat.sockets) send(c, frame)
            // the message may have been unread for some: count the room again, in one statement
            return yield* recount(room, seatedIn(room))
          }
          case "ChatRead": {
            const seat = rooms.get(m.procurementId)?.seats.get(m.userId)
            if (seat === undefined) return
            if (seat.pending !== undefined) {
              seat.stale = true
              return
            }
            if (m.lastReadAt >= seat.upTo) {
              seat.unread = 0
              seat.upTo = m.lastReadAt
              for (const c of seat.sockets) send(c, unreadFrame(seat))
              return
            }
            // a message newer than the read was counted already: count again
            return yield* recount(seat.room, [seat])
          }
          case "NotificationCreated": {
            const mine = socketsOf(m.notification.userId)
            if (mine.length === 0) return
            const unread = yield* notifications.unreadCount(m.notification.userId)
            const frame = JSON.stringify({
              type: "notification",
              notification: encodeNotification(m.notification),
              unread
            })
            for (const c of mine) send(c, frame)
            return
          }
          case "NotificationsRemoved": {
            const removed = new Map<UserId, Array<(typeof m.removed)[number]["id"]>>()
            for (const r of m.removed) {
              if (!seatsOf.has(r.userId)) continue
              const ids = removed.get(r.userId)
              if (ids === undefined) removed.set(r.userId, [r.id])
              else ids.push(r.id)
            }
            return yield* Effect.forEach(
              removed,
              ([userId, ids]) =>
                Effect.map(notifications.unreadCount(userId), (unread) => {
                  const frame = JSON.stringify({ type: "notification.removed", ids, unread })
                  for (const c of socketsOf(userId)) send(c, frame)
                }),
              { discard: true, concurrency: 16 }
            )
          }
          case "MemberLeft": {
            const seat = rooms.get(m.procurementId)?.seats.get(m.userId)
            if (seat === undefined) return
            return yield* recheck([seat], "you are no longer a member of this procurement")
          }
          case "AccountChanged": {
            const seats = [...(seatsOf.get(m.userId) ?? [])]
            if (seats.length === 0) return
            if (!m.isActive) {
              for (const seat of seats) {
                for (const c of seat.sockets) {
                  refuse(c, CloseCode.unauthenticated, "unauthenticated", "the account is disabled")
                }
              }
              return
            }
            const demoted = seats.filter((seat) => seat.isAdmin && !m.isAdmin)
            for (const seat of seats) seat.isAdmin = m.isAdmin
            if (demoted.length > 0) yield* recheck(demoted, "only members of this procurement may read it")
            return
          }
        }
      }).pipe(Effect.catchAllCause((cause) => Effect.logWarning("hub: fan-out failed", cause)))

    const subscription = yield* bus.subscribe
    yield* Stream.runForEach(subscription, fanOut).pipe(Effect.forkScoped)
    yield* bridge.pipe(Effect.forkScoped)

    const connections = Effect.sync(() => {
      let n = 0
      for (const room of rooms.values()) for (const seat of room.seats.values()) n += seat.sockets.size
      return n
    })
    return Context.make(ChatHub, { connections }).pipe(Context.add(HubState, { rooms, seatsOf }))
  })
)

/**
 * The hub's sockets, mounted at `HUB_PATH` on the `UpgradeRouter` for the lifetime of the layer; needs
 * `ChatHubLive` (for its state) provided. Browsers may connect from the origins the web chat allows.
 */
export const ChatHubRoute = Layer.scopedDiscard(
  Effect.gen(function* () {
    const { rooms, seatsOf } = yield* HubState
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
    /** connections still waiting for their `auth` frame */
    const waiting = new Set<Connection>()

    const fail = (c: Connection, code: number, error: string, message: string) =>
      Effect.sync(() => refuse(c, code, error, message))

    /** Takes a seat in the room for the user (the member's other tabs share it); counts its unread once. */
    const sit = (c: Connection, userId: UserId, isAdmin: boolean) =>
      Effect.gen(function* () {
        let room = rooms.get(c.room)
        if (room === undefined) {
          room = { id: c.room, seats: new Map() }
          rooms.set(c.room, room)
        }
        let seat = room.seats.get(userId)
        if (seat === undefined) {
          let resolve!: () => void
          const fresh: Seat = {
            userId,
            room,
            isAdmin,
            member: false,
            unread: 0,
            upTo: 0,
            pending: [],
            stale: false,
            seeded: new Promise<void>((r) => (resolve = r)),
            sockets: new Set()
          }
          seat = fresh
          room.seats.set(userId, fresh)
          const mine = seatsOf.get(userId) ?? new Set()
          mine.add(fresh)
          seatsOf.set(userId, mine)
          fresh.sockets.add(c)
          c.seat = fresh
          yield* chat.unreadIn(room.id, [userId]).pipe(
            Effect.map(({ unread, upTo }) => settle(fresh, unread.get(userId), upTo)),
            Effect.ensuring(
              Effect.sync(() => {
                fresh.seeded = undefined
                resolve()
              })
            )
          )
          if (fresh.stale) {
            fresh.stale = false
            const again = yield* chat.unreadIn(room.id, [userId])
            settle(fresh, again.unread.get(userId), Math.max(again.upTo, fresh.upTo))
          }
        } else {
          seat.isAdmin = isAdmin
          seat.sockets.add(c)
          c.seat = seat
          const seeded = seat.seeded
          if (seeded !== undefined) yield* Effect.promise(() => seeded)
        }
        return seat
      })

    /** The socket is gone: it leaves its seat, the seat its room when it was the member's last socket there. */
    const leave = (c: Connection) => {
      live.delete(c)
      waiting.delete(c)
      // `c.seat` stays: the frames it sent before it closed are still handled (a post is not lost)
      const seat = c.seat
      if (seat === undefined || !seat.sockets.delete(c)) return
      if (seat.sockets.size > 0) return
      seat.room.seats.delete(seat.userId)
      if (seat.room.seats.size === 0 && rooms.get(seat.room.id) === seat.room) rooms.delete(seat.room.id)
      const mine = seatsOf.get(seat.userId)
      mine?.delete(seat)
      if (mine?.size === 0) seatsOf.delete(seat.userId)
    }

    const authenticate = (c: Connection, token: string, version: Version) =>
      Effect.gen(function* () {
        const userId = yield* tokens.verify(token)
        const user = yield* users.get(userId)
        if (!user.isActive)
          return yield* fail(c, CloseCode.unauthenticated, "unauthenticated", "the account is disabled")
        const forbidden = () =>
          fail(c, CloseCode.forbidden, "forbidden", "only members of this procurement may join its chat")
        // a member is known by the unread count (one statement for both); an admin may read any chat that exists
        if (user.isAdmin && !(yield* chat.canAccess(userActor(user.id, true), c.room))) return yield* forbidden()
        if (c.ws.readyState !== WebSocket.OPEN) return
        waiting.delete(c)
        c.version = version
        const seat = yield* sit(c, user.id, user.isAdmin)
        if (!seat.member && !user.isAdmin) {
          leave(c)
          return yield* forbidden()
        }
        // the socket may have closed while the count was read
        if (c.ws.readyState !== WebSocket.OPEN) return
        send(c, { type: "ready", procurementId: c.room, userId: user.id, unread: seat.unread, v: version })
      }).pipe(
        Effect.catchTags({
          Unauthorized: (e) => fail(c, CloseCode.unauthenticated, "unauthenticated", e.reason),
          NotFound: () => fail(c, CloseCode.unauthenticated, "unauthenticated", "the account no longer exists")
        })
      )

    const onFrame = (c: Connection, data: string) =>
      Effect.gen(function* () {
        const frame = decodeFrame(data)
        if (frame._tag === "Left") {
          return send(c, { type: "error", code: "bad_frame", message: "unknown or malformed frame" })
        }
        const f = frame.right
        const seat = c.seat
        if (seat === undefined) {
          if (!waiting.has(c)) return // authenticating already, or refused
          return yield* f.type === "auth"
            ? authenticate(c, f.token, f.v !== undefined && f.v >= 2 ? 2 : 1)
            : fail(c, CloseCode.unauthenticated, "unauthenticated", "the first frame must be auth")
        }
        switch (f.type) {
          case "auth":
            return send(c, { type: "error", code: "bad_frame", message: "already authenticated" })
          case "ping":
            return send(c, { type: "pong" })
          case "read":
            // the count (0) comes back to every socket of the member, on every instance, with the ChatRead event
            return yield* chat.markRead(seat.userId, c.room)
          case "send":
            yield* chat.post(
              new PostMessage({
                procurementId: c.room,
                userId: seat.userId,
                text: f.text,
                ...(f.attachmentId !== undefined ? { attachmentId: f.attachmentId } : {}),
                originPlatform: "web"
              })
            )
            return
        }
      }).pipe(
        Effect.catchTags({
          // the issues carry the reason in both languages
          InvalidInput: (e) =>
            Effect.sync(() => send(c, { type: "error", code: "invalid", message: e.message, issues: e.issues })),
          // the socket's own check: a member who left or a disabled account is refused here, so is closed
          Forbidden: (e) => fail(c, CloseCode.forbidden, "forbidden", e.message),
          NotFound: (e) => fail(c, CloseCode.notFound, "not_found", e.message)
        }),
        Effect.catchAllCause((cause) =>
          Cause.isInterruptedOnly(cause) ? Effect.void : Effect.logError("hub: a frame failed", cause)
        )
      )

    // the handlers are shared by every socket (`this` is the socket): a connection costs its state only
    function onMessage(this: HubSocket, data: Buffer | ArrayBuffer | Array<Buffer>, isBinary: boolean) {
      const c = this[CONNECTION]
      if (c === undefined) return
      if (!c.take(now())) {
        c.strikes += 1
        // a client that ignores the limit for a whole burst is not a chat client
        if (c.strikes > RATE.burst) closeSocket(c.ws, CloseCode.rateLimited, "rate limit")
        else send(c, { type: "error", code: "rate_limited", message: `at most ${RATE.perSecond} frames per second` })
        return
      }
      c.strikes = 0
      if (isBinary) {
        send(c, { type: "error", code: "bad_frame", message: "send JSON text frames" })
        return
      }
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString("utf8")
        : Buffer.isBuffer(data)
          ? data.toString("utf8")
          : Buffer.from(data).toString("utf8")
      const previous = c.queue ?? Promise.resolve()
      const next: Promise<void> = previous
        .then(() => run(onFrame(c, text)))
        .catch(() => undefined)
        .then(() => {
          // an idle socket keeps no settled promise chain
          if (c.queue === next) c.queue = undefined
        })
      c.queue = next
    }
    function onPong(this: HubSocket) {
      const c = this[CONNECTION]
      if (c !== undefined) c.alive = true
    }
    function onClose(this: HubSocket) {
      const c = this[CONNECTION]
      if (c !== undefined) leave(c)
    }
    function onError(this: HubSocket) {
      this.terminate()
    }

    const onConnection = (ws: HubSocket, url: string | undefined) => {
      ws.on("error", onError)
      const path = (url ?? "/").split("?")[0]!
      const procurementId = Schema.decodeUnknownOption(ProcurementId)(path.slice(HUB_PATH.length))
      if (Option.isNone(procurementId)) {
        sendTo(ws)({ type: "error", code: "not_found", message: "no such procurement" })
        closeSocket(ws, CloseCode.notFound, "not_found")
        return
      }
      const c = new Connection(ws, procurementId.value, now(), Date.now())
      ws[CONNECTION] = c
      live.add(c)
      waiting.add(c)
      ws.on("pong", onPong)
      ws.on("message", onMessage)
      ws.on("close", onClose)
    }

    // one timer for every socket that has not authenticated yet
    const authTimeout = Duration.toMillis(AUTH_TIMEOUT)
    yield* Effect.acquireRelease(
      Effect.sync(() => {
        const timer = setInterval(
          () => {
            const t = Date.now()
            for (const c of waiting) {
              if (t - c.openedAt < authTimeout) continue
              waiting.delete(c)
              refuse(c, CloseCode.authTimeout, "auth_timeout", "send an auth frame first")
            }
          },
          Math.min(1000, authTimeout)
        )
        timer.unref()
        return timer
      }),
      (timer) => Effect.sync(() => clearInterval(timer))
    )

    const wss = yield* HeartbeatServer.heartbeatServer(
      { maxPayload: MAX_FRAME },
      live,
      Duration.toMillis(HEARTBEAT),
      CloseCode.shutdown
    )

    yield* upgrades.mount(HUB_PATH, (request, socket, head) => {
      if (!HeartbeatServer.originAllowed(origins, false, request.headers.origin)) {
        HeartbeatServer.refuse(socket, 403, "Forbidden origin")
        return
      }
      const url = request.url
      wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws, url))
    })
  })
)
