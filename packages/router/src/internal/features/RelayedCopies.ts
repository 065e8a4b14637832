/**
 * The platform ids of relayed chat copies: when a chat message is relayed to a member's messenger and the adapter
 * reports the id of the message it sent (Telegram does), the copy is remembered for 48 hours in core's `KeyValue`, so
 * that an edit or a deletion of the original replaces the copy in place where the platform can edit. Where the host
 * has no `KeyValue`, nothing is kept and members get the short update instead.
 */
import { KeyValue, UserId } from "@groupbuy/core"
import { Effect, Option, Schema } from "effect"
import { ChatRef } from "../../Model.js"

const NAMESPACE = "chat-relay"
/** Telegram lets a bot delete its messages for 48 hours; an older copy is left as it is. */
const TTL = "48 hours"

export const RelayedCopy = Schema.Struct({
  ref: ChatRef,
  /** the member's account (their language for the replacement) */
  userId: UserId,
  messageIds: Schema.Array(Schema.String),
  /** what was sent: only a text copy is replaced (a photo's caption is not edited) */
  kind: Schema.Literal("Text", "Image", "Document")
})
export type RelayedCopy = typeof RelayedCopy.Type

const encode = Schema.encode(RelayedCopy)
const decode = Schema.decodeUnknownOption(RelayedCopy)

const keyOf = (messageId: string, ref: ChatRef) => `${messageId}:${ref.bot}:${ref.chatId}`

/** Remembers the copy of chat message `messageId` sent to `copy.ref` (nothing without ids or a `KeyValue`). */
export const keepCopy = (messageId: string, copy: RelayedCopy) =>
  Effect.gen(function* () {
    const kv = yield* Effect.serviceOption(KeyValue)
    if (Option.isNone(kv) || copy.messageIds.length === 0) return
    const value = yield* encode(copy)
    yield* kv.value.set(NAMESPACE, keyOf(messageId, copy.ref), value, TTL)
  }).pipe(Effect.catchAllCause((cause) => Effect.logWarning("relayed copy not remembered", cause)))

/** The remembered copies of chat message `messageId`. */
export const copiesOf = (messageId: string) =>
  Effect.gen(function* () {
    const kv = yield* Effect.serviceOption(KeyValue)
    if (Option.isNone(kv)) return [] as ReadonlyArray<RelayedCopy>
    const keys = yield* kv.value.keys(NAMESPACE, `${messageId}:`)
    if (keys.length === 0) return []
    const values = yield* kv.value.getMany(NAMESPACE, keys)
    return values.flatMap((value) => Option.toArray(decode(value)))
  })

/** The key a chat is known by among the copies (a delivery target). */
export const chatKey = (ref: ChatRef) => `${ref.bot}:${ref.chatId}`
