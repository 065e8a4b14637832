/**
 * What the failover monitor decides, as a pure function of what it has seen: the health signals of each bot over
 * time and the bots' roles. The monitor (`FailoverMonitor.ts`) feeds it observations and acts on its decisions; this
 * module does no I/O, so every rule below is tested on its own, including with random signal histories.
 *
 * The rules:
 * - A bot's signal is `ok`, `failing` (network errors, its updates not consumed) or `revoked` (the platform answered
 *   401 / 403: the token is dead or the bot is banned). The state keeps since when the current signal holds.
 * - The serving (main) bot of a platform is broken when it is revoked, or has been failing for `failAfterMs` without a
 *   single `ok` in between: one good answer restarts the count, so a bot that flaps faster than that is never replaced.
 * - A broken main is replaced by the fallback of the same platform that has been `ok` the longest, provided it has
 *   been `ok` for at least `healthyForMs` (a fallback that just came back is not trusted yet).
 * - Hysteresis: after a switch on a platform, the next one waits `cooldownMs`, unless the serving bot is revoked (a
 *   dead token cannot serve, waiting helps nobody). A demoted main is an ordinary fallback from then on: it must be
 *   healthy for `healthyForMs` and wait out the cooldown like any other, so two flapping bots cannot swap in a loop.
 * - With no fallback to promote, the platform is reported degraded once per episode, and recovered once when its main
 *   serves again (or a promotion happens).
 */
import type { Platform } from "@groupbuy/core"

export type Signal = "ok" | "failing" | "revoked"

export interface PolicySettings {
  /** how long a main bot must fail without an `ok` before it is replaced (revoked replaces at once) */
  readonly failAfterMs: number
  /** how long a fallback must have been `ok` to be promoted */
  readonly healthyForMs: number
  /** the quiet time after a switch on a platform (skipped when the serving bot is revoked) */
  readonly cooldownMs: number
}

export const defaultPolicy: PolicySettings = { failAfterMs: 60_000, healthyForMs: 60_000, cooldownMs: 10 * 60_000 }

/** A bot as the policy sees it: only bots that may serve (active main and fallback bots of the fleet). */
export interface FleetBot {
  readonly id: string
  readonly platform: Platform
  readonly role: "main" | "fallback"
}

export interface Health {
  readonly signal: Signal
  /** since when `signal` holds (epoch ms) */
  readonly since: number
}

export interface PolicyState {
  readonly health: ReadonlyMap<string, Health>
  /** when the last switch on each platform happened */
  readonly lastSwitch: ReadonlyMap<Platform, number>
  /** platforms reported degraded and not recovered since */
  readonly degraded: ReadonlySet<Platform>
}

export type Decision =
  | {
      readonly _tag: "Promote"
      readonly platform: Platform
      readonly from: string
      readonly to: string
      readonly reason: "revoked" | "failing"
    }
  | {
      readonly _tag: "Degraded"
      readonly platform: Platform
      readonly main: string
      readonly reason: "revoked" | "failing"
    }
  | { readonly _tag: "Recovered"; readonly platform: Platform; readonly main: string }

export const initialState: PolicyState = { health: new Map(), lastSwitch: new Map(), degraded: new Set() }

/** Records one health signal of a bot; the same signal again keeps its `since`. */
export const observe = (state: PolicyState, botId: string, signal: Signal, at: number): PolicyState => {
  const current = state.health.get(botId)
  if (current !== undefined && current.signal === signal) return state
  return { ...state, health: new Map(state.health).set(botId, { signal, since: at }) }
}

/** Why the main bot is broken at `now`, or null while it may keep serving (unknown health counts as serving). */
export const brokenBecause = (
  health: Health | undefined,
  now: number,
  settings: PolicySettings
): "revoked" | "failing" | null => {
  if (health === undefined) return null
  if (health.signal === "revoked") return "revoked"
  if (health.signal === "failing" && now - health.since >= settings.failAfterMs) return "failing"
  return null
}

/** The fallback to promote on a platform: `ok` for at least `healthyForMs`, the longest first, then by id. */
const candidate = (
  state: PolicyState,
  fallbacks: ReadonlyArray<FleetBot>,
  now: number,
  settings: PolicySettings
): FleetBot | undefined =>
  fallbacks
    .flatMap((bot) => {
      const health = state.health.get(bot.id)
      return health !== undefined && health.signal === "ok" && now - health.since >= settings.healthyForMs
        ? [{ bot, since: health.since }]
        : []
    })
    .sort((a, b) => a.since - b.since || (a.bot.id < b.bot.id ? -1 : a.bot.id > b.bot.id ? 1 : 0))[0]?.bot

const without = <A>(set: ReadonlySet<A>, value: A): ReadonlySet<A> =>
  set.has(value) ? new Set([...set].filter((v) => v !== value)) : set

/**
 * The decisions at `now` for the fleet as it is. A `Promote` is the caller's to carry out (swap the two bots' roles);
 * the returned state already counts it, so the caller passes the fleet with the new roles next time.
 */
export const decide = (
  state: PolicyState,
  fleet: ReadonlyArray<FleetBot>,
  now: number,
  settings: PolicySettings = defaultPolicy
): { readonly state: PolicyState; readonly decisions: ReadonlyArray<Decision> } => {
  const decisions: Array<Decision> = []
  let lastSwitch = state.lastSwitch
  let degraded = state.degraded
  const platforms = [...new Set(fleet.map((bot) => bot.platform))].sort()
  for (const platform of platforms) {
    const mains = fleet.filter((bot) => bot.platform === platform && bot.role === "main")
    const fallbacks = fleet.filter((bot) => bot.platform === platform && bot.role === "fallback")
    // no main (a fresh fleet, or an admin removed it): the best fallback serves, nothing is demoted
    const main = mains.sort((a, b) => (a.id < b.id ? -1 : 1))[0]
    if (main === undefined) continue
    const reason = brokenBecause(state.health.get(main.id), now, settings)
    if (reason === null) {
      if (degraded.has(platform)) {
        degraded = without(degraded, platform)
        decisions.push({ _tag: "Recovered", platform, main: main.id })
      }
      continue
    }
    const switched = lastSwitch.get(platform)
    if (reason !== "revoked" && switched !== undefined && now - switched < settings.cooldownMs) continue
    const next = candidate(state, fallbacks, now, settings)
    if (next !== undefined) {
      decisions.push({ _tag: "Promote", platform, from: main.id, to: next.id, reason })
      lastSwitch = new Map(lastSwitch).set(platform, now)
      degraded = without(degraded, platform)
    } else if (!degraded.has(platform)) {
      decisions.push({ _tag: "Degraded", platform, main: main.id, reason })
      degraded = new Set(degraded).add(platform)
    }
  }
  return { state: { ...state, lastSwitch, degraded }, decisions }
}

/** The fleet after a promotion: the promoted bot serves, the one it replaced becomes a fallback. */
export const applyPromotion = (
  fleet: ReadonlyArray<FleetBot>,
  decision: Extract<Decision, { _tag: "Promote" }>
): ReadonlyArray<FleetBot> =>
  fleet.map((bot) =>
    bot.id === decision.to
      ? { ...bot, role: "main" as const }
      : bot.id === decision.from
        ? { ...bot, role: "fallback" as const }
        : bot
  )
