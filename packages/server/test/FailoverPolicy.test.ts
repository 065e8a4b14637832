/**
 * The failover rules on their own: when a main bot is replaced and by which fallback, the cooldown that keeps flapping
 * bots from swapping in a loop, and the degraded / recovered reports. The property runs random signal histories of
 * three bots with a random seed each run (fast-check prints the seed of a failure: add it below as a fixed case).
 */
import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import {
  applyPromotion,
  type Decision,
  decide,
  type FleetBot,
  initialState,
  observe,
  type PolicySettings,
  type PolicyState,
  type Signal
} from "../src/bots/FailoverPolicy.js"

const settings: PolicySettings = { failAfterMs: 60_000, healthyForMs: 30_000, cooldownMs: 300_000 }
const fleet: ReadonlyArray<FleetBot> = [
  { id: "main", platform: "telegram", role: "main" },
  { id: "spare-a", platform: "telegram", role: "fallback" },
  { id: "spare-b", platform: "telegram", role: "fallback" },
  { id: "vk-main", platform: "vk", role: "main" }
]

const seen = (signals: ReadonlyArray<readonly [string, Signal, number]>, from: PolicyState = initialState) =>
  signals.reduce((state, [id, signal, at]) => observe(state, id, signal, at), from)

describe("failover policy", () => {
  it("a main failing past the threshold is replaced by the fallback healthy the longest; not before", () => {
    const state = seen([
      ["spare-b", "ok", 0],
      ["spare-a", "ok", 5_000],
      ["main", "ok", 0],
      ["main", "failing", 100_000]
    ])
    assert.deepStrictEqual(decide(state, fleet, 159_999, settings).decisions, [])
    const { decisions } = decide(state, fleet, 160_000, settings)
    assert.deepStrictEqual(decisions, [
      { _tag: "Promote", platform: "telegram", from: "main", to: "spare-b", reason: "failing" }
    ])
  })

  it("one good answer restarts the count: a main flapping faster than the threshold keeps serving", () => {
    let state = seen([
      ["spare-a", "ok", 0],
      ["main", "ok", 0]
    ])
    for (let t = 0; t < 3_600_000; t += 50_000) {
      state = observe(state, "main", "failing", t)
      state = observe(state, "main", "ok", t + 45_000)
      const step = decide(state, fleet, t + 49_000, settings)
      assert.deepStrictEqual(step.decisions, [], `at ${t}`)
      state = step.state
    }
  })

  it("a revoked main is replaced at once, even inside the cooldown; a failing one waits for it", () => {
    let state = seen([
      ["spare-a", "ok", 0],
      ["spare-b", "ok", 0],
      ["main", "revoked", 100_000]
    ])
    const first = decide(state, fleet, 100_000, settings)
    assert.deepStrictEqual(first.decisions, [
      { _tag: "Promote", platform: "telegram", from: "main", to: "spare-a", reason: "revoked" }
    ])
    let now = applyPromotion(fleet, first.decisions[0] as Extract<Decision, { _tag: "Promote" }>)
    // the new main fails for good 2 minutes later: the cooldown (5 min) holds it
    state = observe(first.state, "spare-a", "failing", 120_000)
    assert.deepStrictEqual(decide(state, now, 200_000, settings).decisions, [])
    assert.deepStrictEqual(decide(state, now, 399_999, settings).decisions, [])
    const after = decide(state, now, 400_000, settings)
    assert.deepStrictEqual(after.decisions, [
      { _tag: "Promote", platform: "telegram", from: "spare-a", to: "spare-b", reason: "failing" }
    ])
    // revoked inside the cooldown: at once
    now = applyPromotion(now, after.decisions[0] as Extract<Decision, { _tag: "Promote" }>)
    state = observe(after.state, "main", "ok", 400_000)
    state = observe(state, "spare-b", "revoked", 410_000)
    assert.deepStrictEqual(decide(state, now, 440_000, settings).decisions, [
      { _tag: "Promote", platform: "telegram", from: "spare-b", to: "main", reason: "revoked" }
    ])
  })

  it("no fallback ready: degraded once, recovered once when the main serves again", () => {
    let state = seen([
      ["spare-a", "ok", 190_000], // too recent to be trusted
      ["spare-b", "revoked", 0],
      ["main", "failing", 100_000]
    ])
    const first = decide(state, fleet, 200_000, settings)
    assert.deepStrictEqual(first.decisions, [
      { _tag: "Degraded", platform: "telegram", main: "main", reason: "failing" }
    ])
    assert.deepStrictEqual(decide(first.state, fleet, 205_000, settings).decisions, [], "said once")
    state = observe(first.state, "main", "ok", 210_000)
    const back = decide(state, fleet, 210_000, settings)
    assert.deepStrictEqual(back.decisions, [{ _tag: "Recovered", platform: "telegram", main: "main" }])
    assert.deepStrictEqual(decide(back.state, fleet, 211_000, settings).decisions, [])
  })

  it("unknown health is not a failure, and a platform without a main is left alone", () => {
    assert.deepStrictEqual(decide(initialState, fleet, 10_000_000, settings).decisions, [])
    const noMain = fleet.filter((bot) => bot.id !== "main")
    const state = seen([["spare-a", "revoked", 0]])
    assert.deepStrictEqual(decide(state, noMain, 10_000_000, settings).decisions, [])
  })

  it("random histories: never a young or unhealthy fallback, never a healthy main replaced, a cooldown between switches unless revoked, degraded once per episode", () => {
    const ids = ["main", "spare-a", "spare-b"] as const
    const step = fc.record({
      dt: fc.integer({ min: 0, max: 90_000 }),
      bot: fc.constantFrom(...ids),
      signal: fc.constantFrom<Signal>("ok", "ok", "failing", "failing", "revoked")
    })
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 120 }), (steps) => {
        let state = initialState
        let bots: ReadonlyArray<FleetBot> = fleet.filter((bot) => bot.platform === "telegram")
        let now = 0
        let lastSwitch: number | undefined
        let degraded = false
        for (const { bot, dt, signal } of steps) {
          now += dt
          state = observe(state, bot, signal, now)
          const before = state
          const out = decide(state, bots, now, settings)
          for (const decision of out.decisions) {
            const main = bots.find((b) => b.role === "main")!
            const mainHealth = before.health.get(main.id)
            if (decision._tag === "Promote") {
              const target = before.health.get(decision.to)
              assert.strictEqual(target?.signal, "ok", "the promoted bot is healthy")
              assert.isAtLeast(now - target!.since, settings.healthyForMs, "and has been for long enough")
              assert.strictEqual(decision.from, main.id)
              assert.notStrictEqual(mainHealth?.signal ?? "ok", "ok", "a healthy main is never replaced")
              if (mainHealth!.signal === "failing")
                assert.isAtLeast(now - mainHealth!.since, settings.failAfterMs, "failing long enough")
              if (lastSwitch !== undefined && decision.reason !== "revoked")
                assert.isAtLeast(now - lastSwitch, settings.cooldownMs, "the cooldown holds")
              lastSwitch = now
              degraded = false
              bots = applyPromotion(bots, decision)
            } else if (decision._tag === "Degraded") {
              assert.isFalse(degraded, "degraded is said once per episode")
              degraded = true
            } else {
              assert.isTrue(degraded, "recovered only after degraded")
              degraded = false
            }
          }
          state = out.state
          assert.strictEqual(bots.filter((b) => b.role === "main").length, 1, "one main at a time")
        }
      }),
      { numRuns: 400 }
    )
  })
})
