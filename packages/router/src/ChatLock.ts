/**
 * Per-chat mutual exclusion for `Router.handle` and proactive deliveries: one turn of a chat at a time, so a flow's
 * snapshot is never read by two turns at once. Without a `ChatLock` in the context the router uses an in-process
 * lock (updates of one chat run in arrival order, other chats concurrently). Several router instances over one
 * session store need `ChatLockRedis`: it adds a Redis lease per chat, so a turn on one instance waits for a turn of
 * the same chat on another.
 */
import { Context, Data, type Effect, Layer } from "effect"
import { makeKeyedLock } from "./internal/KeyedLock.js"

/** The lock could not be taken (Redis unreachable, or held past the wait limit): the turn is not run. */
export class ChatLockTimeout extends Data.TaggedError("ChatLockTimeout")<{ readonly message: string }> {}

export interface ChatLockService {
  /** runs `effect` while holding the lock of `key` (a defect when the lock cannot be had) */
  readonly withLock: <A, E, R>(key: string, effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

export class ChatLock extends Context.Tag("@groupbuy/router/ChatLock")<ChatLock, ChatLockService>() {}

/** The in-process lock, as a layer (what the router uses when none is provided). */
export const ChatLockLocal: Layer.Layer<ChatLock> = Layer.effect(ChatLock, makeKeyedLock)
