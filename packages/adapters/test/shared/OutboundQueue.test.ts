import { assert, describe, it } from "@effect/vitest"
import { Clock, Data, Deferred, Effect, Fiber, TestClock } from "effect"
import * as OutboundQueue from "../../src/shared/OutboundQueue.js"

class SendError extends Data.TaggedError("SendError")<{ readonly kind: "flood" | "network" | "blocked" }> {}

const classify = (e: SendError): OutboundQueue.RetryDecision =>
  e.kind === "flood"
    ? { _tag: "RetryAfter", millis: 2000 }
    : e.kind === "network"
      ? { _tag: "Backoff" }
      : { _tag: "Fail" }

/** Records (time, chat, label) of every job run. */
const recorder = () => {
  const log: Array<{ at: number; chat: string; label: string }> = []
  const job = (chat: string, label: string) =>
    Effect.flatMap(Clock.currentTimeMillis, (at) => Effect.sync(() => log.push({ at, chat, label })))
  return { log, job }
}

/** At most `limit` entries inside any window of `windowMs`. */
const maxInWindow = (times: ReadonlyArray<number>, windowMs: number) => {
  const sorted = [...times].sort((a, b) => a - b)
  let best = 0
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++
    best = Math.max(best, i - j + 1)
  }
  return best
}

describe("OutboundQueue", () => {
  it.scoped("keeps the global rate, evenly paced: 90 sends to distinct chats take three windows", () =>
    Effect.gen(function* () {
      const q = yield* OutboundQueue.make<SendError>({
        limits: { global: { limit: 30, windowMs: 1000 }, perChat: { limit: 1, windowMs: 1000 }, marginMs: 0 },
        classify
      })
      const { job, log } = recorder()
      const waits = yield* Effect.forEach(
        Array.from({ length: 90 }, (_, i) => i),
        (i) => q.enqueue({ chat: `c${i}` }, job(`c${i}`, "m"))
      )
      const all = yield* Effect.fork(Effect.all(waits))
      yield* TestClock.adjust("5 seconds")
      yield* Fiber.join(all)
      assert.strictEqual(log.length, 90)
      assert.strictEqual(
        maxInWindow(
          log.map((l) => l.at),
          1000
        ),
        30
      )
      // evenly paced: one send every ⌈1000 / 30⌉ = 34 ms, and the 31st a full window after the 1st finished
      assert.deepStrictEqual([log[1]!.at, log[29]!.at, log[30]!.at, log[31]!.at], [34, 986, 1020, 1054])
      const stats = yield* q.stats
      assert.deepStrictEqual(stats, { sent: 90, retried: 0, failed: 0, pending: 0, rateLimited: 0 })
    })
  )

  it.scoped("keeps per-chat order and the per-chat and per-group rates", () =>
    Effect.gen(function* () {
      const q = yield* OutboundQueue.make<SendError>({
        limits: {
          perChat: { limit: 1, windowMs: 1000 },
          perGroup: { limit: 2, windowMs: 60_000 },
          marginMs: 0
        },
        classify
      })
      const { job, log } = recorder()
      const waits = []
      for (let i = 0; i < 4; i++) {
        waits.push(yield* q.enqueue({ chat: "a" }, job("a", `a${i}`)))
        waits.push(yield* q.enqueue({ chat: "g", group: true }, job("g", `g${i}`)))
      }
      const all = yield* Effect.fork(Effect.all(waits))
      yield* TestClock.adjust("3 minutes")
      yield* Fiber.join(all)
      const a = log.filter((l) => l.chat === "a")
      const g = log.filter((l) => l.chat === "g")
      assert.deepStrictEqual(
        a.map((l) => l.label),
        ["a0", "a1", "a2", "a3"]
      )
      assert.deepStrictEqual(
        a.map((l) => l.at),
        [0, 1000, 2000, 3000]
      )
      assert.deepStrictEqual(
        g.map((l) => [l.label, l.at]),
        [
          ["g0", 0],
          ["g1", 0],
          ["g2", 60_000],
          ["g3", 60_000]
        ]
      )
    })
  )

  it.scoped("retries a flood error after the server's delay and keeps the chat's order behind it", () =>
    Effect.gen(function* () {
      const q = yield* OutboundQueue.make<SendError>({
        limits: { marginMs: 0 },
        classify
      })
      const { job, log } = recorder()
      let floods = 1
      const flaky = Effect.suspend(() =>
        floods-- > 0 ? Effect.fail(new SendError({ kind: "flood" })) : job("a", "first")
      )
      const first = yield* q.enqueue({ chat: "a" }, flaky)
      const second = yield* q.enqueue({ chat: "a" }, job("a", "second"))
      const other = yield* q.enqueue({ chat: "b" }, job("b", "other"))
      const all = yield* Effect.fork(Effect.all([first, second, other]))
      yield* TestClock.adjust("3 seconds")
      yield* Fiber.join(all)
      assert.deepStrictEqual(
        log.map((l) => [l.label, l.at]),
        [
          ["other", 0],
          ["first", 2000],
          ["second", 2000]
        ]
      )
      const stats = yield* q.stats
      assert.strictEqual(stats.retried, 1)
      assert.strictEqual(stats.rateLimited, 1)
      assert.strictEqual(stats.sent, 3)
    })
  )

  it.scoped("backs off on network errors, then fails and counts; permanent errors fail at once", () =>
    Effect.gen(function* () {
      const q = yield* OutboundQueue.make<SendError>({
        limits: { global: { limit: 100, windowMs: 1000 }, marginMs: 0 },
        classify,
        maxAttempts: 3,
        backoffMs: 100
      })
      let tries = 0
      const down = Effect.suspend(() => {
        tries += 1
        return Effect.fail(new SendError({ kind: "network" }))
      })
      const a = yield* q.enqueue({ chat: "a" }, down)
      const b = yield* q.enqueue({ chat: "b" }, Effect.fail(new SendError({ kind: "blocked" })))
      const fa = yield* Effect.fork(Effect.flip(a))
      const fb = yield* Effect.fork(Effect.flip(b))
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* Fiber.join(fa)).kind, "network")
      assert.strictEqual((yield* Fiber.join(fb)).kind, "blocked")
      assert.strictEqual(tries, 3)
      const stats = yield* q.stats
      assert.deepStrictEqual(stats, { sent: 0, retried: 2, failed: 2, pending: 0, rateLimited: 0 })
    })
  )

  it.scoped("holds at most `capacity` jobs: the next enqueue waits for room", () =>
    Effect.gen(function* () {
      const q = yield* OutboundQueue.make<SendError>({
        limits: { global: { limit: 100, windowMs: 1000 }, marginMs: 0 },
        classify,
        capacity: 2
      })
      const gate = yield* Deferred.make<void>()
      const { job, log } = recorder()
      yield* q.enqueue({ chat: "a" }, Effect.zipRight(Deferred.await(gate), job("a", "1")))
      yield* q.enqueue({ chat: "b" }, Effect.zipRight(Deferred.await(gate), job("b", "2")))
      const third = yield* Effect.fork(q.enqueue({ chat: "c" }, job("c", "3")))
      yield* TestClock.adjust("1 second")
      assert.isNull(third.unsafePoll(), "the third enqueue is blocked while two jobs are held")
      assert.strictEqual((yield* q.stats).pending, 2)
      yield* Deferred.succeed(gate, undefined)
      const wait = yield* Fiber.join(third)
      yield* wait
      assert.deepStrictEqual(
        log.map((l) => l.label),
        ["1", "2", "3"]
      )
    })
  )
})
