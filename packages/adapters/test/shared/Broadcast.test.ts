import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { broadcastTelegram, broadcastVk } from "./Broadcast.js"

// Windows are a quarter of the real ones so that 1,000 messages do not take a minute and a half; `npm run bench`
// runs the real limits and prints the time against the ceiling. The fake enforces the same limits, measured on
// arrival. Timings are not asserted (the machine is shared); the floor is: never faster than the limit allows.
describe("a broadcast of 1,000 messages to distinct chats", () => {
  it.live(
    "Telegram: all delivered, zero 429 responses",
    () =>
      Effect.gen(function* () {
        const result = yield* broadcastTelegram(1000, {
          global: { limit: 30, windowMs: 250 },
          perChat: { limit: 1, windowMs: 250 },
          perGroup: { limit: 20, windowMs: 15_000 }
        })
        assert.strictEqual(result.refused, 0)
        assert.strictEqual(result.delivered, 1000)
        assert.deepStrictEqual(result.stats, { sent: 1000, retried: 0, failed: 0, pending: 0, rateLimited: 0 })
        // It cannot be faster than the limit allows: the fake would have refused.
        assert.isAtLeast(result.elapsedMs, result.ceilingMs)
      }),
    150_000
  )

  it.live(
    "VK: all delivered, zero error-6 responses",
    () =>
      Effect.gen(function* () {
        const result = yield* broadcastVk(1000, { limit: 20, windowMs: 250 })
        assert.strictEqual(result.refused, 0)
        assert.strictEqual(result.delivered, 1000)
        assert.deepStrictEqual(result.stats, { sent: 1000, retried: 0, failed: 0, pending: 0, rateLimited: 0 })
        assert.isAtLeast(result.elapsedMs, result.ceilingMs)
      }),
    150_000
  )
})
