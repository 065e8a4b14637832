/**
 * The web chat adapter: a `ws` server in `noServer` mode that the HTTP server mounts with `handleUpgrade`, speaking
 * `groupbuy.chat.v1` (docs/ws-protocol.md). Tokens arrive in the first frame, never in the URL; every update is
 * re-authorised against the token's expiry; replies are numbered per identity and replayed on resume.
 */
import type { IncomingMessage } from "node:http"
import { randomUUID } from "node:crypto"
import type { Duplex } from "node:stream"
import { Cause, Clock, Context, Duration, Effect, Either, Layer, Runtime, type Scope } from "effect"
import { type ServerOptions, WebSocket, WebSocketServer } from "ws"
import { Capabilities, ChatRef, type Reply, type Update } from "@groupbuy/router"
import { makeChatLocks } from "../shared/ChatLocks.js"
import { TurnHandler } from "../shared/TurnHandler.js"
import * as ChatProtocol from "./ChatProtocol.js"
import { type ChatClaims, type InvalidTokenConfig, type TokenConfig, validateConfig, verifyToken } from "./ChatToken.js"
import { makeReplayBuffer, type ReplayBuffer } from "./internal/ReplayBuffer.js"
import { makeTokenBucket, type TokenBucket } from "../shared/TokenBucket.js"

/** 64 KiB: a chat frame is small; the `ws` default of 100 MiB would let one client exhaust memory. */
export const DEFAULT_MAX_PAYLOAD = 64 * 1024

/** What the browser widget draws: real buttons, edits in place, toasts, images. */
export const capabilities = new Capabilities({
  maxTextLength: 4096,
  maxCaptionLength: 1024,
  buttons: true,
  urlButtons: true,
  requestContact: false,
  edits: true,
  media: true,
  toasts: true,
  maxButtonsPerRow: 4,
  maxRows: 12,
  maxButtonLabel: 64,
  maxCallbackBytes: 256
})

export interface Options {
  /** `ChatRef.bot` of every update from this endpoint, e.g. "web" */
  readonly bot: string
  readonly tokens: TokenConfig
  /** exact origins (`https://shop.example`) allowed to connect; `"*"` allows any */
  readonly allowedOrigins: ReadonlyArray<string>
  /** allow clients that send no `Origin` header (non-browser clients); default false */
  readonly allowMissingOrigin?: boolean
  /** bytes; default 64 KiB */
  readonly maxPayload?: number
  /** per connection; default 5 frames/s with bursts of 20 */
  readonly rate?: { readonly perSecond: number; readonly burst: number }
  /** ping interval; a connection that missed one pong is terminated. Default 30 s */
  readonly heartbeat?: Duration.DurationInput
  /** how long a new connection may take to send `hello`; default 10 s */
  readonly helloTimeout?: Duration.DurationInput
  /** replies kept per identity for resume; default 200 */
  readonly replayCapacity?: number
  /** identities whose replay buffers are kept while they have no connection; default 10 000 */
  readonly maxIdleStreams?: number
}

export interface WebSocketChat {
  readonly capabilities: Capabilities
  /** mount on the HTTP server: `server.on("upgrade", (req, socket, head) => chat.handleUpgrade(req, socket, head))` */
  readonly handleUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void
  /** proactive messages (notifications) to every open connection of `userId`, numbered and kept for resume */
  readonly push: (userId: string, replies: ReadonlyArray<Reply>) => Effect.Effect<void>
  /** open, authenticated connections */
  readonly connections: Effect.Effect<number>
}

export class WebSocketChatService extends Context.Tag("@groupbuy/adapters/WebSocketChat")<
  WebSocketChatService,
  WebSocketChat
>() {}

type ReplyFrame = typeof ChatProtocol.ReplyFrame.Type

interface Stream {
  readonly buffer: ReplayBuffer<ReplyFrame>
  readonly sockets: Set<Connection>
}

interface Connection {
  readonly ws: WebSocket
  readonly bucket: TokenBucket
  claims: ChatClaims | undefined
  locale: string | undefined
  alive: boolean
  strikes: number
  /** frames of one connection are handled strictly in order */
  queue: Promise<void>
}

/** A slow reader that lets this much pile up is dropped; it can resume. */
const MAX_BUFFERED_BYTES = 1024 * 1024

const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@\S+)?(?:\s+([\s\S]*))?$/

/** Builds the router's `Update` from a client's input; `/cmd args` becomes a command. */
export const toUpdate = (
  ref: ChatRef,
  updateId: string,
  input: (typeof ChatProtocol.UpdateFrame.Type)["update"]
): Update => {
  if (input.kind === "button") {
    return input.messageId === undefined
      ? { _tag: "Button", ref, updateId, data: input.data }
      : { _tag: "Button", ref, updateId, data: input.data, messageId: input.messageId }
  }
  const command = COMMAND.exec(input.text.trim())
  return command
    ? { _tag: "Command", ref, updateId, command: command[1]!.toLowerCase(), args: (command[2] ?? "").trim() }
    : { _tag: "Text", ref, updateId, text: input.text }
}

/** Whether a browser `Origin` may open a socket: listed (or `"*"` listed), or missing when that is allowed. */
export const originAllowed = (allowed: ReadonlyArray<string>, allowMissing: boolean, origin: string | undefined) =>
  origin === undefined ? allowMissing : allowed.includes("*") || allowed.includes(origin)

/** Answers an HTTP upgrade with an error status and closes the socket (before any WebSocket exists). */
export const refuse = (socket: Duplex, status: number, reason: string) => {
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`
    )
  }
  socket.destroy()
}

/**
 * Starts the adapter in the current scope; closing the scope closes every connection with 1001. Updates go to the
 * `TurnHandler` (the router) with this adapter's `capabilities`; one identity's turns run one at a time.
 */
export const make = (options: Options): Effect.Effect<WebSocketChat, InvalidTokenConfig, TurnHandler | Scope.Scope> =>
  Effect.gen(function* () {
    const tokens = yield* validateConfig(options.tokens)
    const turns = yield* TurnHandler
    yield* turns.register(options.bot, capabilities)
    const locks = yield* makeChatLocks
    const runtime = yield* Effect.runtime<never>()
    const run = Runtime.runPromiseExit(runtime)
    const now = () => Runtime.runSync(runtime)(Clock.currentTimeMillis)
    const maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD
    const rate = options.rate ?? { perSecond: 5, burst: 20 }
    const heartbeatMs = Duration.toMillis(options.heartbeat ?? Duration.seconds(30))
    const helloTimeoutMs = Duration.toMillis(options.helloTimeout ?? Duration.seconds(10))
    const replayCapacity = options.replayCapacity ?? 200
    const maxIdleStreams = options.maxIdleStreams ?? 10_000
    const streams = new Map<string, Stream>()
    const live = new Set<Connection>()

    const streamOf = (subject: string): Stream => {
      let stream = streams.get(subject)
      if (stream === undefined) {
        stream = { buffer: makeReplayBuffer<ReplyFrame>(randomUUID(), replayCapacity), sockets: new Set() }
        streams.set(subject, stream)
        if (streams.size > maxIdleStreams) {
          // Map keeps insertion order: drop the oldest identities nobody is connected as
          for (const [key, candidate] of streams) {
            if (streams.size <= maxIdleStreams) break
            if (candidate.sockets.size === 0 && key !== subject) streams.delete(key)
          }
        }
      }
      return stream
    }

    const sendFrame = (connection: Connection, frame: ChatProtocol.ServerFrame) => {
      if (connection.ws.readyState !== WebSocket.OPEN) return
      if (connection.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        connection.ws.terminate()
        return
      }
      connection.ws.send(ChatProtocol.encodeServerFrame(frame))
    }

    const sendError = (connection: Connection, code: ChatProtocol.ErrorCode, message: string, id?: string) =>
      sendFrame(connection, id === undefined ? { type: "error", code, message } : { type: "error", code, message, id })

    /** numbers the replies, keeps them for resume and sends them to every open connection of the identity */
    const deliver = (subject: string, replies: ReadonlyArray<Reply>, inReplyTo?: string, editsMessage?: string) => {
      const stream = streamOf(subject)
      for (const reply of replies) {
        const frame: ReplyFrame = {
          type: "reply",
          seq: stream.buffer.next(),
          reply,
          ...(inReplyTo === undefined ? {} : { inReplyTo }),
          ...(reply._tag === "Edit" && editsMessage !== undefined ? { edits: editsMessage } : {})
        }
        stream.buffer.push(frame)
        for (const connection of stream.sockets) sendFrame(connection, frame)
      }
    }

    const welcome = (connection: Connection, claims: ChatClaims, stream: Stream, resumed: boolean) =>
      sendFrame(connection, {
        type: "welcome",
        v: ChatProtocol.VERSION,
        stream: stream.buffer.stream,
        lastSeq: stream.buffer.lastSeq(),
        resumed,
        identity: { userId: claims.subject, guest: claims.kind === "guest", expiresAt: claims.expiresAt },
        heartbeatMs,
        limits: { maxPayload, ratePerSecond: rate.perSecond, burst: rate.burst }
      })

    const onHello = async (
      connection: Connection,
      frame: typeof ChatProtocol.Hello.Type,
      helloTimer: NodeJS.Timeout
    ) => {
      clearTimeout(helloTimer)
      if (frame.v !== ChatProtocol.VERSION) {
        sendError(connection, "unsupported_version", `this server speaks ${ChatProtocol.VERSION}`)
        connection.ws.close(ChatProtocol.CloseCode.badHello, "unsupported version")
        return
      }
      const verified = await run(Effect.either(verifyToken(tokens, frame.token)))
      if (verified._tag === "Failure" || Either.isLeft(verified.value)) {
        const expired =
          verified._tag === "Success" && Either.isLeft(verified.value) && verified.value.left.reason === "expired"
        sendError(
          connection,
          expired ? "token_expired" : "unauthenticated",
          expired ? "the token has expired" : "the token is not valid"
        )
        connection.ws.close(ChatProtocol.CloseCode.unauthenticated, expired ? "token expired" : "unauthenticated")
        return
      }
      const claims = verified.value.right
      connection.claims = claims
      connection.locale = frame.locale
      const stream = streamOf(claims.subject)
      stream.sockets.add(connection)
      const resume = frame.resume
      if (resume !== undefined && resume.stream === stream.buffer.stream && resume.lastSeq <= stream.buffer.lastSeq()) {
        const missed = stream.buffer.since(resume.lastSeq)
        welcome(connection, claims, stream, true)
        if (missed.gap) sendError(connection, "replay_gap", "some earlier replies are no longer available")
        for (const missedFrame of missed.frames) sendFrame(connection, missedFrame)
      } else {
        welcome(connection, claims, stream, false)
      }
    }

    const onAuth = async (connection: Connection, claims: ChatClaims, token: string) => {
      const verified = await run(Effect.either(verifyToken(tokens, token)))
      if (verified._tag === "Failure" || Either.isLeft(verified.value)) {
        sendError(connection, "unauthenticated", "the new token is not valid; the previous one stays in use")
        return
      }
      const next = verified.value.right
      if (next.subject !== claims.subject) {
        sendError(connection, "identity_mismatch", "a token for another identity needs a new connection")
        return
      }
      connection.claims = next
      welcome(connection, next, streamOf(next.subject), false)
    }

    const onUpdate = async (
      connection: Connection,
      claims: ChatClaims,
      frame: typeof ChatProtocol.UpdateFrame.Type
    ) => {
      if (claims.expiresAt <= now()) {
        sendError(connection, "token_expired", "the token has expired; send `auth` with a new one", frame.id)
        return
      }
      const ref = new ChatRef({
        bot: options.bot,
        platform: "web",
        chatId: claims.subject,
        userId: claims.subject,
        ...(connection.locale === undefined ? {} : { locale: connection.locale })
      })
      const update = toUpdate(ref, `${claims.subject}/${frame.id}`, frame.update)
      const exit = await run(locks.withLock(claims.subject, turns.handle(update, capabilities)))
      if (exit._tag === "Failure") {
        await run(Effect.logError("web chat: the router failed", Cause.pretty(exit.cause)))
        sendError(connection, "internal", "something went wrong; please try again", frame.id)
        return
      }
      deliver(claims.subject, exit.value, frame.id, frame.update.kind === "button" ? frame.update.messageId : undefined)
      sendFrame(connection, { type: "ack", id: frame.id })
    }

    const handleFrame = (connection: Connection, frame: ChatProtocol.ClientFrame, helloTimer: NodeJS.Timeout) => {
      const claims = connection.claims
      if (claims === undefined) {
        if (frame.type !== "hello") {
          sendError(connection, "unauthenticated", "the first frame must be `hello`")
          connection.ws.close(ChatProtocol.CloseCode.badHello, "expected hello")
          return Promise.resolve()
        }
        return onHello(connection, frame, helloTimer)
      }
      switch (frame.type) {
        case "hello":
          sendError(connection, "bad_frame", "`hello` was already received; use `auth` to replace the token")
          return Promise.resolve()
        case "auth":
          return onAuth(connection, claims, frame.token)
        case "ack":
          streamOf(claims.subject).buffer.ack(frame.seq)
          return Promise.resolve()
        case "update":
          return onUpdate(connection, claims, frame)
      }
    }

    const onConnection = (ws: WebSocket) => {
      const connection: Connection = {
        ws,
        bucket: makeTokenBucket(rate.perSecond, rate.burst, now()),
        claims: undefined,
        locale: undefined,
        alive: true,
        strikes: 0,
        queue: Promise.resolve()
      }
      live.add(connection)
      const helloTimer = setTimeout(() => {
        if (connection.claims === undefined) ws.close(ChatProtocol.CloseCode.helloTimeout, "hello timeout")
      }, helloTimeoutMs)
      ws.on("pong", () => {
        connection.alive = true
      })
      ws.on("message", (data, isBinary) => {
        if (!connection.bucket.take(now())) {
          connection.strikes += 1
          // a client that ignores the limit for a whole burst is not a chat client
          if (connection.strikes > rate.burst) ws.close(ChatProtocol.CloseCode.rateLimited, "rate limit")
          else
            sendError(connection, "rate_limited", `at most ${rate.perSecond} messages per second; this one was dropped`)
          return
        }
        connection.strikes = 0
        if (isBinary) {
          sendError(connection, "bad_frame", "frames are JSON text")
          return
        }
        const decoded = ChatProtocol.decodeClientFrame(
          Array.isArray(data) ? Buffer.concat(data).toString("utf8") : data.toString("utf8")
        )
        if (Either.isLeft(decoded)) {
          sendError(connection, "bad_frame", decoded.left)
          if (connection.claims === undefined) ws.close(ChatProtocol.CloseCode.badHello, "bad hello")
          return
        }
        connection.queue = connection.queue
          .then(() => handleFrame(connection, decoded.right, helloTimer))
          .catch((error: unknown) =>
            run(Effect.logError("web chat: frame handling failed", error)).then(() => undefined)
          )
      })
      ws.on("error", () => ws.terminate())
      ws.on("close", () => {
        clearTimeout(helloTimer)
        live.delete(connection)
        if (connection.claims !== undefined) streams.get(connection.claims.subject)?.sockets.delete(connection)
      })
    }

    const server = yield* heartbeatServer(
      {
        maxPayload,
        perMessageDeflate: false,
        handleProtocols: (protocols) => (protocols.has(ChatProtocol.VERSION) ? ChatProtocol.VERSION : false)
      },
      live,
      heartbeatMs,
      ChatProtocol.CloseCode.shutdown
    )
    server.on("connection", onConnection)

    return {
      capabilities,
      handleUpgrade: (request, socket, head) => {
        if (!originAllowed(options.allowedOrigins, options.allowMissingOrigin ?? false, request.headers.origin)) {
          refuse(socket, 403, "Forbidden origin")
          return
        }
        server.handleUpgrade(request, socket, head, (ws) => server.emit("connection", ws, request))
      },
      push: (userId, replies) => Effect.sync(() => deliver(userId, replies)),
      connections: Effect.sync(() => {
        let count = 0
        for (const connection of live) if (connection.claims !== undefined) count++
        return count
      })
    } satisfies WebSocketChat
  })

/** The adapter as a scoped layer. */
export const layer = (options: Options): Layer.Layer<WebSocketChatService, InvalidTokenConfig, TurnHandler> =>
  Layer.scoped(WebSocketChatService, make(options))

/** What the heartbeat needs of a connection: its socket and whether it answered the last ping. */
export interface HeartbeatConnection {
  readonly ws: WebSocket
  alive: boolean
}

/**
 * A `noServer` WebSocket server whose heartbeat pings every live connection each `heartbeatMs` and terminates the
 * ones that did not answer the previous ping (a peer gone without a close frame); on release every connection is
 * closed with `shutdownCode` and the server after them. The widget's `/ws/chat` and the server's hub share it.
 */
export const heartbeatServer = (
  options: Omit<ServerOptions, "noServer" | "clientTracking">,
  live: Iterable<HeartbeatConnection>,
  heartbeatMs: number,
  shutdownCode: number
): Effect.Effect<WebSocketServer, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => {
        const server = new WebSocketServer({ ...options, noServer: true, clientTracking: false })
        const heartbeat = setInterval(() => {
          for (const connection of live) {
            if (!connection.alive) {
              connection.ws.terminate()
              continue
            }
            connection.alive = false
            connection.ws.ping()
          }
        }, heartbeatMs)
        heartbeat.unref()
        return { server, heartbeat }
      }),
      ({ heartbeat, server }) =>
        Effect.async<void>((resume) => {
          clearInterval(heartbeat)
          for (const connection of live) connection.ws.close(shutdownCode, "server shutting down")
          server.close(() => resume(Effect.void))
        })
    ),
    ({ server }) => server
  )
