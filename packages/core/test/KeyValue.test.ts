import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, TestClock } from "effect"
import { randomUUID } from "node:crypto"
import { KeyValue } from "../src/KeyValue.js"
import { KeyValueLive } from "../src/KeyValueLive.js"
import { databaseProfiles } from "../src/testing/index.js"

for (const profile of databaseProfiles()) {
  describe(`KeyValue (${profile.name})`, () => {
    it.layer(Layer.fresh(KeyValueLive).pipe(Layer.provideMerge(profile.layer)), { timeout: "120 seconds" })((it) => {
      it.effect("stores JSON documents as they are (snake_case keys untouched), upserts and removes", () =>
        Effect.gen(function* () {
          const kv = yield* KeyValue
          const ns = randomUUID()
          assert.isUndefined(yield* kv.get(ns, "missing"))
          const doc = { user_id: 1, nested: { snake_case: [1, { deep_key: "значение" }] }, list: ["a", "b"] }
          yield* kv.set(ns, "doc", doc)
          assert.deepStrictEqual(yield* kv.get(ns, "doc"), doc)
          for (const value of ["plain text", 42, true, null, [1, 2, 3], []]) {
            yield* kv.set(ns, "scalar", value)
            assert.deepStrictEqual(yield* kv.get(ns, "scalar"), value)
          }
          yield* kv.set(ns, "doc", { replaced: true })
          assert.deepStrictEqual(yield* kv.get(ns, "doc"), { replaced: true })
          assert.isUndefined(yield* kv.get(randomUUID(), "doc"), "namespaces are separate")
          yield* kv.remove(ns, "doc")
          assert.isUndefined(yield* kv.get(ns, "doc"))
        })
      )

      it.effect("getMany reads many keys in one statement, in the asked order, expired and absent as undefined", () =>
        Effect.gen(function* () {
          const kv = yield* KeyValue
          const ns = randomUUID()
          assert.deepStrictEqual(yield* kv.getMany(ns, []), [])
          yield* kv.set(ns, "a", { snake_key: 1 })
          yield* kv.set(ns, "b", null)
          yield* kv.set(ns, "short", "gone soon", "1 minute")
          yield* kv.set(randomUUID(), "c", "another namespace")
          yield* TestClock.adjust("2 minutes")
          assert.deepStrictEqual(yield* kv.getMany(ns, ["c", "b", "short", "a", "a"]), [
            undefined,
            null,
            undefined,
            { snake_key: 1 },
            { snake_key: 1 }
          ])
        })
      )

      it.effect("entries expire by the clock; keys lists live keys by prefix; sweep deletes expired rows", () =>
        Effect.gen(function* () {
          const kv = yield* KeyValue
          const ns = randomUUID()
          yield* kv.set(ns, "session:1", { step: 1 }, "1 minute")
          yield* kv.set(ns, "session:2", { step: 2 }, "1 hour")
          yield* kv.set(ns, "session:3", { step: 3 })
          yield* kv.set(ns, "other", 1, "1 minute")
          assert.deepStrictEqual(yield* kv.keys(ns, "session:"), ["session:1", "session:2", "session:3"])
          assert.deepStrictEqual(yield* kv.keys(ns, "session_"), [], "the prefix is literal, not a LIKE pattern")
          yield* TestClock.adjust("2 minutes")
          assert.isUndefined(yield* kv.get(ns, "session:1"))
          assert.deepStrictEqual(yield* kv.get(ns, "session:2"), { step: 2 })
          assert.deepStrictEqual(yield* kv.keys(ns), ["session:2", "session:3"])
          const swept = yield* kv.sweep()
          assert.isAtLeast(swept, 2)
          assert.strictEqual(yield* kv.sweep(), 0)
          // set without a ttl makes an entry permanent again
          yield* kv.set(ns, "session:2", { step: 22 })
          yield* TestClock.adjust("2 hours")
          assert.deepStrictEqual(yield* kv.get(ns, "session:2"), { step: 22 })
        })
      )

      it.effect("setIfAbsent stores only when absent or expired", () =>
        Effect.gen(function* () {
          const kv = yield* KeyValue
          const ns = randomUUID()
          assert.isTrue(yield* kv.setIfAbsent(ns, "update:1", { first: true }, "10 minutes"))
          assert.isFalse(yield* kv.setIfAbsent(ns, "update:1", { first: false }, "10 minutes"))
          assert.deepStrictEqual(yield* kv.get(ns, "update:1"), { first: true })
          yield* TestClock.adjust("11 minutes")
          assert.isTrue(yield* kv.setIfAbsent(ns, "update:1", { second: true }))
          assert.isFalse(yield* kv.setIfAbsent(ns, "update:1", { third: true }))
          assert.deepStrictEqual(yield* kv.get(ns, "update:1"), { second: true })
        })
      )

      it.effect("concurrent setIfAbsent of one key: exactly one caller stores", () =>
        Effect.gen(function* () {
          const kv = yield* KeyValue
          const ns = randomUUID()
          for (let round = 0; round < 5; round++) {
            const key = `dedup:${round}`
            const results = yield* Effect.all(
              Array.from({ length: 8 }, (_, i) => kv.setIfAbsent(ns, key, { winner: i }, "1 minute")),
              { concurrency: "unbounded" }
            )
            assert.strictEqual(results.filter((stored) => stored).length, 1)
            const winner = results.indexOf(true)
            assert.deepStrictEqual(yield* kv.get(ns, key), { winner })
          }
        })
      )

      it.effect("a value without a JSON form is a defect, not a silent write", () =>
        Effect.gen(function* () {
          const kv = yield* KeyValue
          const ns = randomUUID()
          const exit = yield* kv.set(ns, "bad", { amount: 1n }).pipe(Effect.exit)
          assert.isTrue(exit._tag === "Failure")
          assert.isUndefined(yield* kv.get(ns, "bad"))
        })
      )
    })
  })
}
