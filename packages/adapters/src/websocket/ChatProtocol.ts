/**
 * The web chat's wire protocol, version `groupbuy.chat.v1` (documented in docs/ws-protocol.md): JSON text frames,
 * one object per frame, discriminated by `type`. Replies carry the router's `Reply` (a Mini App button as the link
 * to its fallback: `WebSocketEncode`), so keyboards stay keyboards.
 */
import { Either, ParseResult, Schema } from "effect"
import { Reply } from "@groupbuy/router"

/** The protocol version; also accepted as the WebSocket subprotocol. */
export const VERSION = "groupbuy.chat.v1"

/** Close codes the server uses besides the standard ones (1000 normal, 1001 going away, 1009 too big). */
export const CloseCode = {
  /** the first frame was not a valid `hello` */
  badHello: 4400,
  /** missing, invalid or expired token in `hello` */
  unauthenticated: 4401,
  /** no `hello` within the hello timeout */
  helloTimeout: 4408,
  /** the client kept sending after it was rate limited */
  rateLimited: 4429,
  /** the server is shutting down */
  shutdown: 1001
} as const

const Id = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64))
const Seq = Schema.Int.pipe(Schema.nonNegative())
const Token = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(4096))

export const TextInput = Schema.TaggedStruct("text", {
  text: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(4096))
})
export const ButtonInput = Schema.TaggedStruct("button", {
  data: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(256)),
  /** the `seq` (as a string) of the reply that carried the button */
  messageId: Schema.optional(Id)
})
/** What the user did. `_tag` is spelled `kind` on the wire. */
export const Input = Schema.Union(TextInput, ButtonInput)

/** Client → server frames. */
export const Hello = Schema.Struct({
  type: Schema.Literal("hello"),
  v: Schema.String,
  token: Token,
  locale: Schema.optional(Schema.String.pipe(Schema.maxLength(35))),
  /** the `stream` from the last `welcome` and the highest `seq` the client acknowledged */
  resume: Schema.optional(Schema.Struct({ stream: Schema.String.pipe(Schema.maxLength(64)), lastSeq: Seq }))
})
export const Auth = Schema.Struct({ type: Schema.Literal("auth"), token: Token })
export const UpdateFrame = Schema.Struct({
  type: Schema.Literal("update"),
  id: Id,
  update: Schema.Union(
    Schema.Struct({ kind: Schema.Literal("text"), text: TextInput.fields.text }),
    Schema.Struct({ kind: Schema.Literal("button"), data: ButtonInput.fields.data, messageId: Schema.optional(Id) })
  )
})
export const AckFrame = Schema.Struct({ type: Schema.Literal("ack"), seq: Seq })

export const ClientFrame = Schema.Union(Hello, Auth, UpdateFrame, AckFrame)
export type ClientFrame = typeof ClientFrame.Type

/** Server → client frames. */
export const Welcome = Schema.Struct({
  type: Schema.Literal("welcome"),
  v: Schema.Literal(VERSION),
  /** identifies this identity's sequence numbering; resume only within the same stream */
  stream: Schema.String,
  /** the highest `seq` sent so far on this stream */
  lastSeq: Seq,
  /** true when the missed replies after `resume.lastSeq` follow this frame */
  resumed: Schema.Boolean,
  identity: Schema.Struct({ userId: Schema.String, guest: Schema.Boolean, expiresAt: Schema.Number }),
  heartbeatMs: Schema.Number,
  limits: Schema.Struct({ maxPayload: Schema.Number, ratePerSecond: Schema.Number, burst: Schema.Number })
})
export const ReplyFrame = Schema.Struct({
  type: Schema.Literal("reply"),
  seq: Seq,
  /** the `id` of the update frame this answers; absent for proactive messages */
  inReplyTo: Schema.optional(Id),
  /** for `Edit` replies: the `seq` (as a string) of the message to replace */
  edits: Schema.optional(Id),
  reply: Reply
})
export const ServerAck = Schema.Struct({ type: Schema.Literal("ack"), id: Id })
export const ErrorCode = Schema.Literal(
  "bad_frame",
  "unsupported_version",
  "unauthenticated",
  "token_expired",
  "identity_mismatch",
  "rate_limited",
  "replay_gap",
  "internal"
)
export type ErrorCode = typeof ErrorCode.Type
export const ErrorFrame = Schema.Struct({
  type: Schema.Literal("error"),
  code: ErrorCode,
  message: Schema.String,
  id: Schema.optional(Id)
})

export const ServerFrame = Schema.Union(Welcome, ReplyFrame, ServerAck, ErrorFrame)
export type ServerFrame = typeof ServerFrame.Type

const decodeClient = Schema.decodeUnknownEither(Schema.parseJson(ClientFrame), { onExcessProperty: "ignore" })
const encodeServer = Schema.encodeSync(Schema.parseJson(ServerFrame))

/** Parses one text frame; the error is a short human-readable explanation. */
export const decodeClientFrame = (raw: string): Either.Either<ClientFrame, string> =>
  Either.mapLeft(decodeClient(raw), (error) =>
    ParseResult.TreeFormatter.formatErrorSync(error).split("\n").slice(0, 6).join("\n")
  )

export const encodeServerFrame = (frame: ServerFrame): string => encodeServer(frame)
