/**
 * The web chat adapter: a `ws` server in `noServer` mode that the HTTP server mounts with `handleUpgrade`, speaking
 * `groupbuy.chat.v1` (docs/ws-protocol.md). Tokens arrive in the first frame, never in the URL; every update is
 * re-authorised against the token's expiry; replies are numbered per identity and replayed on resume.
 */
import type { IncomingMessage } from "node:http"
import { randomUUID } from "node:crypto"
import type { Duplex } from "node:stream"
import { Cause, Clock, Context, Duration, Effect, Either, Layer, Runtime, type Scope } from "effect"
import { WebSocket } from "ws"
import { type Capabilities, ChatRef, type Reply } from "@groupbuy/router"
import * as AdapterTurn from "../shared/AdapterTurn.js"
import { makeTokenBucket, type TokenBucket } from "../shared/TokenBucket.js"
import type { TurnHandler } from "../shared/TurnHandler.js"
import * as ChatProtocol from "./ChatProtocol.js"
import { type ChatClaims, type InvalidTokenConfig, type TokenConfig, validateConfig, verifyToken } from "./ChatToken.js"
import { heartbeatServer, originAllowed, refuse } from "./HeartbeatServer.js"
import { makeReplayBuffer, type ReplayBuffer } from "./internal/ReplayBuffer.js"
import { webCapabilities } from "./WebCapabilities.js"
import { toUpdate } from "./WebSocketDecode.js"
import { encodeReply } from "./WebSocketEncode.js"

/** 64 KiB: a chat frame is small; the `ws` default of 100 MiB would let one client exhaust memory. */
export const DEFAULT_MAX_PAYLOAD = 64 * 1024

export interface Options {
  /** the fleet id: `ChatRef.bot` of every update from this endpoint, e.g. "web" */
  readonly id: string
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
/** a reply frame before it is numbered */
type ReplyDraft = Omit<ReplyFrame, "type" | "seq">

/** Where a turn's replies go: the identity's stream, and the frame to acknowledge on the connection that sent it. */
interface WebTarget {
  readonly connection?: Connection | undefined
  readonly frameId?: string | undefined
  /** the message a pressed button was on: an `Edit` reply replaces it */
  readonly editsMessage?: string | undefined
}

const absurd = (error: never): never => error

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

/**
 * Starts the adapter in the current scope; closing the scope closes every connection with 1001. Updates go to the
 * `TurnHandler` (the router) through `AdapterTurn`; one identity's replies are numbered in the order its updates came.
 */
export const make = (options: Options): Effect.Effect<WebSocketChat, InvalidTokenConfig, TurnHandler | Scope.Scope> =>
  Effect.gen(function* () {
    const tokens = yield* validateConfig(options.tokens)
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

    /** numbers a reply, keeps it for resume and sends it to every open connection of the identity */
    const publish = (subject: string, draft: ReplyDraft) => {
      const stream = streamOf(subject)
      const frame: ReplyFrame = { type: "reply", seq: stream.buffer.next(), ...draft }
      stream.buffer.push(frame)
      for (const connection of stream.sockets) sendFrame(connection, frame)
    }

    const ack = (target: WebTarget) =>
      Effect.sync(() => {
        if (target.connection !== undefined && target.frameId !== undefined)
          sendFrame(target.connection, { type: "ack", id: target.frameId })
      })

    const turn = yield* AdapterTurn.make({
      bot: options.id,
      platform: "web",
      capabilities: webCapabilities,
      encode: (replies, target: WebTarget) => ({
        ops: replies.map((reply): ReplyDraft => ({
          reply: encodeReply(reply),
          ...(target.frameId === undefined ? {} : { inReplyTo: target.frameId }),
          ...(reply._tag === "Edit" && target.editsMessage !== undefined ? { edits: target.editsMessage } : {})
        })),
        answer: ack(target)
      }),
      // nothing to wait for: a frame is numbered and written (or kept for resume) at once
      enqueue: (to, draft: ReplyDraft) => Effect.sync(() => (publish(to.chat, draft), Effect.void)),
      failure: absurd,
      repeated: ack
    })

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
        bot: options.id,
        platform: "web",
        chatId: claims.subject,
        userId: claims.subject,
        ...(connection.locale === undefined ? {} : { locale: connection.locale })
      })
      const update = toUpdate(ref, `${claims.subject}/${frame.id}`, frame.update)
      const target: WebTarget = {
        connection,
        frameId: frame.id,
        editsMessage: frame.update.kind === "button" ? frame.update.messageId : undefined
      }
      const exit = await run(turn.handle(update, () => target))
      if (exit._tag === "Failure") {
        await run(Effect.logError("web chat: the router failed", Cause.pretty(exit.cause)))
        sendError(connection, "internal", "something went wrong; please try again", frame.id)
      }
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
      capabilities: webCapabilities,
      handleUpgrade: (request, socket, head) => {
        if (!originAllowed(options.allowedOrigins, options.allowMissingOrigin ?? false, request.headers.origin)) {
          refuse(socket, 403, "Forbidden origin")
          return
        }
        server.handleUpgrade(request, socket, head, (ws) => server.emit("connection", ws, request))
      },
      push: (userId, replies) =>
        turn.deliver(new ChatRef({ bot: options.id, platform: "web", chatId: userId, userId }), {}, replies),
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
