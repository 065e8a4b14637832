/**
 * `ChatLockRedis` across instances: two locks on separate Redis connections (two "instances") never run turns of one
 * chat at the same time, other chats run concurrently, a long turn keeps its lease, and a lease left by a dead
 * instance lapses. The same exclusion is checked for the in-process lock.
 */
import { testRedisUrl } from "@groupbuy/core/testing"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Exit, Layer } from "effect"
import { Redis } from "ioredis"
import { randomBytes } from "node:crypto"
import { ChatLock, ChatLockLocal, ChatLockRedis, type ChatLockService } from "../src/index.js"

/**
 * `turns` read-yield-write increments of one counter per chat, spread over the given locks; a lost update (two turns
 * inside at once) leaves the counter short, and `inside` records the most turns of one chat ever inside together.
 */
const race = (locks: ReadonlyArray<ChatLockService>, chats: ReadonlyArray<string>, turns: number) =>
  Effect.gen(function* () {
    const counters = new Map(chats.map((c) => [c, 0]))
    const inside = new Map(chats.map((c) => [c, 0]))
    let most = 0
    let overlapAcrossChats = false
    let active = 0
    yield* Effect.forEach(
      Array.from({ length: turns }, (_, i) => i),
      (i) => {
        const chat = chats[i % chats.length]!
        const lock = locks[i % locks.length]!
        return lock.withLock(
          chat,
          Effect.gen(function* () {
            inside.set(chat, inside.get(chat)! + 1)
            active += 1
            if (active > 1) overlapAcrossChats = true
            most = Math.max(most, inside.get(chat)!)
            const read = counters.get(chat)!
            yield* Effect.sleep(Duration.millis(2))
            counters.set(chat, read + 1)
            inside.set(chat, inside.get(chat)! - 1)
            active -= 1
          })
        )
      },
      { concurrency: "unbounded" }
    )
    return { counters, most, overlapAcrossChats }
  })

describe("ChatLock: in-process", () => {
  it.live("turns of one chat never overlap; other chats run concurrently", () =>
    Effect.gen(function* () {
      const lock = yield* Effect.provide(ChatLock, ChatLockLocal)
      const result = yield* race([lock], ["a", "b", "c"], 60)
      assert.deepStrictEqual([...result.counters.values()], [20, 20, 20])
      assert.strictEqual(result.most, 1)
      assert.isTrue(result.overlapAcrossChats)
    })
  )
})

const redisUrl = testRedisUrl()
if (redisUrl === undefined) {
  describe("ChatLock: Redis", () => {
    it.skipIf(true)("skipped locally: TEST_REDIS_URL is not set (CI fails instead of skipping)", () => {})
  })
} else {
  const url = redisUrl
  describe("ChatLock: Redis, two instances", () => {
    const prefix = `groupbuy-test:chatlock:${randomBytes(6).toString("hex")}:`
    const instance = (options: { lease?: Duration.DurationInput; maxWait?: Duration.DurationInput } = {}) =>
      Layer.build(ChatLockRedis(url, { prefix, ...options })).pipe(
        Effect.map((context) => Layer.succeedContext(context)),
        Effect.flatMap((layer) => Effect.provide(ChatLock, layer))
      )

    it.live(
      "turns of one chat never overlap across instances; nothing is lost; other chats run concurrently",
      () =>
        Effect.gen(function* () {
          const a = yield* instance()
          const b = yield* instance()
          const result = yield* race([a, b], ["chat-1", "chat-2", "chat-3"], 90)
          assert.deepStrictEqual([...result.counters.values()], [30, 30, 30])
          assert.strictEqual(result.most, 1)
          assert.isTrue(result.overlapAcrossChats)
        }).pipe(Effect.scoped),
      { timeout: 120_000 }
    )

    it.live(
      "a turn longer than the lease keeps it (renewal); the other instance waits",
      () =>
        Effect.gen(function* () {
          const a = yield* instance({ lease: "300 millis" })
          const b = yield* instance({ lease: "300 millis" })
          const order: Array<string> = []
          const long = a.withLock(
            "slow",
            Effect.gen(function* () {
              order.push("a in")
              yield* Effect.sleep("1200 millis")
              order.push("a out")
            })
          )
          const second = Effect.sleep("100 millis").pipe(
            Effect.zipRight(
              b.withLock(
                "slow",
                Effect.sync(() => order.push("b in"))
              )
            )
          )
          yield* Effect.all([long, second], { concurrency: "unbounded" })
          assert.deepStrictEqual(order, ["a in", "a out", "b in"])
        }).pipe(Effect.scoped),
      { timeout: 60_000 }
    )

    it.live(
      "a lease left by an instance that died lapses; one held past maxWait fails the turn instead of running it",
      () =>
        Effect.gen(function* () {
          const redis = new Redis(url)
          yield* Effect.addFinalizer(() => Effect.promise(() => redis.quit()))
          // a dead instance's lease: nobody renews it
          yield* Effect.promise(() => redis.set(`${prefix}orphan`, "dead-instance", "PX", 800))
          const a = yield* instance({ lease: "300 millis" })
          let ran = false
          yield* a.withLock(
            "orphan",
            Effect.sync(() => (ran = true))
          )
          assert.isTrue(ran)
          assert.isNull(yield* Effect.promise(() => redis.get(`${prefix}orphan`)), "released after the turn")

          yield* Effect.promise(() => redis.set(`${prefix}stuck`, "another-instance", "PX", 60_000))
          const impatient = yield* instance({ maxWait: "300 millis" })
          let entered = false
          const exit = yield* Effect.exit(
            impatient.withLock(
              "stuck",
              Effect.sync(() => (entered = true))
            )
          )
          assert.isTrue(Exit.isFailure(exit))
          assert.isFalse(entered)
          assert.strictEqual(yield* Effect.promise(() => redis.get(`${prefix}stuck`)), "another-instance")
        }).pipe(Effect.scoped),
      { timeout: 60_000 }
    )
  })
}
