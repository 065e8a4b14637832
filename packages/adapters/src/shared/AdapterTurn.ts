/**
 * The one turn of every adapter: decoded update → accept → drop a transport repeat → `TurnHandler.handle` (the
 * router) → encode → enqueue → answer → report failed sends. Telegram, VK, WhatsApp and the web chat keep only their
 * decode/encode/capabilities and their transport; proactive sends (`deliver`) use the same encode and queue.
 *
 * Where each guarantee lives (decided with the router):
 * - Exclusion of a chat's turns and de-duplication by update id are the router's (`Router.handle`: `ChatLock`, Redis
 *   across instances; update ids remembered in the session store, persistent and shared). The adapters take no lock.
 * - `RecentIds` here is the one place transport retries are dropped (a webhook re-sent after a slow answer, a long
 *   poll replayed, a frame re-sent on reconnect): in-memory and per bot, so a repeat costs no router lock and no store
 *   round-trip, and a `TurnHandler` that is not the router (tests, the console) sees an update once too.
 * - Order of a chat's replies: the router runs one chat's turns one at a time in arrival order, but it releases the
 *   chat before the adapter encodes and queues; a later turn could reach the queue first. `ChatOrder` gives each
 *   accepted update a place in its chat's line when it arrives and lets its replies into the outbound queue only
 *   after the previous update's replies are in; the queue then sends each chat's jobs FIFO. It holds no lock around
 *   the router call — only the enqueue step waits — and frees its place on failure or interruption.
 */
import type { Capabilities, ChatRef, DeliveryReceipt, Platform, Reply, Update } from "@groupbuy/router"
import { Deferred, Effect, FiberSet, type Scope } from "effect"
import type { HealthTracker } from "./HealthTracker.js"
import type { Destination } from "./OutboundQueue.js"
import { RecentIds } from "./RecentIds.js"
import { TurnHandler } from "./TurnHandler.js"

/** A turn's replies as platform operations, and what answers the update itself (a button press, a frame). */
export interface Encoded<Op> {
  readonly ops: ReadonlyArray<Op>
  readonly answer?: Effect.Effect<void> | undefined
}

/** What a failed operation says, for the log and the unreachable report. */
export interface SendFailure {
  /** the user blocked the bot or forbade its messages */
  readonly unreachable: boolean
  readonly detail: string
  readonly code: string | number
}

export interface AdapterTurnOptions<Target, Op, E> {
  /** the fleet id (`ChatRef.bot`) */
  readonly bot: string
  readonly platform: Platform
  readonly capabilities: Capabilities
  /** which decoded updates GroupBuy takes (embedding: the rest goes to the host's handlers); default all */
  readonly accepts?: ((update: Update) => boolean) | undefined
  readonly encode: (replies: ReadonlyArray<Reply>, target: Target) => Encoded<Op>
  /** queues one operation; the effect returned awaits its outcome (the sent message's platform id, where known) */
  readonly enqueue: (to: Destination, op: Op) => Effect.Effect<Effect.Effect<unknown, E>>
  readonly failure: (error: E) => SendFailure
  /** where unreachable chats are reported; none for transports without such a notion */
  readonly health?: HealthTracker | undefined
  /** answers a repeated update (the web chat acknowledges its frame again); nothing by default */
  readonly repeated?: ((target: Target) => Effect.Effect<void>) | undefined
}

export interface AdapterTurn<Target, E> {
  /** one update, replies queued and the update answered; false when not GroupBuy's (undefined or not accepted) */
  readonly handle: (update: Update | undefined, target: (update: Update) => Target) => Effect.Effect<boolean>
  /**
   * proactive replies (notifications, relays, broadcasts): queued, awaited; unreachable chats reported. The receipt
   * lists the platform ids of the messages sent, where the transport reports them.
   */
  readonly deliver: (ref: ChatRef, target: Target, replies: ReadonlyArray<Reply>) => Effect.Effect<DeliveryReceipt, E>
}

/** Per-chat order of the enqueue step, in arrival order (see the module comment). */
export interface ChatOrder {
  readonly inOrder: <A, B, E, R, R2>(
    key: string,
    work: Effect.Effect<A, never, R>,
    commit: (a: A) => Effect.Effect<B, E, R2>
  ) => Effect.Effect<B, E, R | R2>
}

export const makeChatOrder = (): ChatOrder => {
  const tails = new Map<string, Deferred.Deferred<void>>()
  return {
    inOrder: (key, work, commit) =>
      Effect.acquireUseRelease(
        Effect.map(Deferred.make<void>(), (mine) => {
          const previous = tails.get(key)
          tails.set(key, mine)
          return { previous, mine }
        }),
        ({ previous }) =>
          Effect.flatMap(work, (a) =>
            Effect.zipRight(previous === undefined ? Effect.void : Deferred.await(previous), commit(a))
          ),
        ({ mine }) =>
          Effect.suspend(() => {
            if (tails.get(key) === mine) tails.delete(key)
            return Deferred.succeed(mine, undefined)
          })
      )
  }
}

/** Builds the pipeline for one bot; its background send-outcome fibers live as long as the scope. */
export const make = <Target, Op, E>(
  options: AdapterTurnOptions<Target, Op, E>
): Effect.Effect<AdapterTurn<Target, E>, never, TurnHandler | Scope.Scope> =>
  Effect.gen(function* () {
    const turns = yield* TurnHandler
    yield* turns.register(options.bot, options.capabilities)
    const recent = new RecentIds()
    const order = makeChatOrder()
    const background = yield* FiberSet.make()

    const report = (chatId: string, error: E) => {
      const failure = options.failure(error)
      return Effect.zipRight(
        failure.unreachable && options.health !== undefined
          ? options.health.unreachable(chatId, failure.detail)
          : Effect.void,
        Effect.logWarning(`${options.platform} send failed`).pipe(
          Effect.annotateLogs({ bot: options.bot, chatId, detail: failure.detail, code: failure.code })
        )
      )
    }

    const enqueueAll = (ref: ChatRef, ops: ReadonlyArray<Op>) =>
      Effect.forEach(ops, (op) => options.enqueue({ chat: ref.chatId, group: ref.isGroup === true }, op))

    const handle = (update: Update | undefined, targetOf: (update: Update) => Target): Effect.Effect<boolean> =>
      Effect.gen(function* () {
        if (update === undefined || (options.accepts !== undefined && !options.accepts(update))) return false
        const target = targetOf(update)
        if (!recent.firstTime(update.updateId)) {
          if (options.repeated !== undefined) yield* options.repeated(target)
          return true
        }
        const waits = yield* order.inOrder(update.ref.chatId, turns.handle(update, options.capabilities), (replies) =>
          Effect.gen(function* () {
            const encoded = options.encode(replies, target)
            const waits = yield* enqueueAll(update.ref, encoded.ops)
            if (encoded.answer !== undefined) yield* encoded.answer
            return waits
          })
        )
        if (waits.length > 0) {
          yield* FiberSet.run(
            background,
            Effect.forEach(waits, (wait) => Effect.catchAll(wait, (e) => report(update.ref.chatId, e)), {
              discard: true
            })
          )
        }
        return true
      }).pipe(Effect.withSpan(`${options.platform}.update`, { attributes: { bot: options.bot } }))

    const deliver = (ref: ChatRef, target: Target, replies: ReadonlyArray<Reply>) =>
      Effect.gen(function* () {
        const waits = yield* enqueueAll(ref, options.encode(replies, target).ops)
        const messageIds: Array<string> = []
        for (const wait of waits) {
          const sent = yield* wait.pipe(
            Effect.tapError((e) => (options.failure(e).unreachable ? report(ref.chatId, e) : Effect.void))
          )
          if (typeof sent === "string") messageIds.push(sent)
        }
        return { messageIds } satisfies DeliveryReceipt
      })

    return { handle, deliver }
  })
