import { assert, describe, it } from "@effect/vitest"
import { ChatRef, type Reply, type Update } from "@groupbuy/router"
import { Deferred, Effect, Exit, Fiber, Layer } from "effect"
import * as AdapterTurn from "../../src/shared/AdapterTurn.js"
import { TurnHandler } from "../../src/shared/TurnHandler.js"
import { webCapabilities } from "../../src/websocket/WebCapabilities.js"

const ref = (chatId: string) => new ChatRef({ bot: "b", platform: "web", chatId, userId: chatId })
const text = (chatId: string, updateId: string, body: string): Update => ({
  _tag: "Text",
  ref: ref(chatId),
  updateId,
  text: body
})
const say = (body: string): Reply => ({ _tag: "Text", text: [{ text: body }] })

/**
 * A pipeline over an in-memory outbox (what was enqueued, in order, per chat) and a turn handler given by the test.
 */
const pipeline = (handle: (update: Update) => Effect.Effect<ReadonlyArray<Reply>>) =>
  Effect.gen(function* () {
    const outbox: Array<string> = []
    const answered: Array<string> = []
    const turn = yield* AdapterTurn.make({
      bot: "b",
      platform: "web",
      capabilities: webCapabilities,
      encode: (replies, target: string) => ({
        ops: replies.map((reply) => (reply._tag === "Text" ? reply.text.map((s) => s.text).join("") : reply._tag)),
        answer: Effect.sync(() => void answered.push(target))
      }),
      enqueue: (to, op: string) => Effect.sync(() => (outbox.push(`${to.chat}:${op}`), Effect.void)),
      failure: (e: never) => e,
      repeated: (target) => Effect.sync(() => void answered.push(`again ${target}`))
    }).pipe(
      Effect.provideService(
        TurnHandler,
        TurnHandler.of({ handle: (update) => handle(update), register: () => Effect.void })
      )
    )
    return { turn, outbox, answered }
  })

describe("AdapterTurn", () => {
  it.scoped("a chat's replies are queued in arrival order even when a later turn finishes first", () =>
    Effect.gen(function* () {
      const secondRouted = yield* Deferred.make<void>()
      const { outbox, turn } = yield* pipeline((update) =>
        update.updateId === "1"
          ? // the first turn is slow: it finishes only after the second one was routed (no lock around routing)
            Effect.as(Deferred.await(secondRouted), [say("first")])
          : Effect.as(Deferred.succeed(secondRouted, undefined), [say(update.updateId === "2" ? "second" : "other")])
      )
      const first = yield* Effect.fork(turn.handle(text("c", "1", "a"), () => "1"))
      const second = yield* Effect.fork(turn.handle(text("c", "2", "b"), () => "2"))
      yield* Fiber.join(second).pipe(Effect.timeout("5 seconds"))
      yield* Fiber.join(first)
      assert.deepStrictEqual(outbox, ["c:first", "c:second"])
    })
  )

  it.scoped("other chats do not wait for a slow chat", () =>
    Effect.gen(function* () {
      const release = yield* Deferred.make<void>()
      const { outbox, turn } = yield* pipeline((update) =>
        update.ref.chatId === "slow" ? Effect.as(Deferred.await(release), [say("slow")]) : Effect.succeed([say("fast")])
      )
      const slow = yield* Effect.fork(turn.handle(text("slow", "1", "a"), () => "1"))
      yield* turn.handle(text("fast", "2", "b"), () => "2")
      assert.deepStrictEqual(outbox, ["fast:fast"])
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(slow)
      assert.deepStrictEqual(outbox, ["fast:fast", "slow:slow"])
    })
  )

  it.scoped("a repeated update id is routed once and answered again; a failed turn frees the chat's place", () =>
    Effect.gen(function* () {
      const routed: Array<string> = []
      const { answered, outbox, turn } = yield* pipeline((update) =>
        Effect.suspend(() => {
          routed.push(update.updateId)
          return update.updateId === "boom" ? Effect.die("router exploded") : Effect.succeed([say(update.updateId)])
        })
      )
      assert.isTrue(yield* turn.handle(text("c", "1", "a"), () => "1"))
      assert.isTrue(yield* turn.handle(text("c", "1", "a"), () => "1"))
      assert.isFalse(yield* turn.handle(undefined, () => "none"))
      const failed = yield* Effect.exit(turn.handle(text("c", "boom", "b"), () => "boom"))
      assert.isTrue(Exit.isFailure(failed))
      yield* turn.handle(text("c", "3", "c"), () => "3").pipe(Effect.timeout("5 seconds"))
      assert.deepStrictEqual(routed, ["1", "boom", "3"])
      assert.deepStrictEqual(outbox, ["c:1", "c:3"])
      assert.deepStrictEqual(answered, ["1", "again 1", "3"])
    })
  )

  it.scoped("accepts decides which updates are GroupBuy's", () =>
    Effect.gen(function* () {
      const turn = yield* AdapterTurn.make({
        bot: "b",
        platform: "web",
        capabilities: webCapabilities,
        accepts: (update) => update._tag !== "Text",
        encode: () => ({ ops: [] }),
        enqueue: () => Effect.succeed(Effect.void),
        failure: (e: never) => e
      }).pipe(
        Effect.provide(Layer.succeed(TurnHandler, { handle: () => Effect.succeed([]), register: () => Effect.void }))
      )
      assert.isFalse(yield* turn.handle(text("c", "1", "a"), () => undefined))
    })
  )
})
