/** The in-memory `SessionStore`: one process, lost on restart. Expiry follows Effect's `Clock` (TestClock works). */
import { Clock, Duration, Effect, Layer } from "effect"
import { SessionStore } from "./SessionStore.js"

interface Entry {
  readonly json: string
  readonly expiresAt: number | null
}

/** A fresh, empty in-memory store (values are stored as JSON, exactly like the other implementations). */
export const makeSessionStoreMemory = Effect.sync(() => {
  const entries = new Map<string, Entry>()
  const live = (key: string, now: number) => {
    const entry = entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt !== null && entry.expiresAt <= now) {
      entries.delete(key)
      return undefined
    }
    return entry
  }
  const expiry = (now: number, ttl: Duration.DurationInput | undefined) =>
    ttl === undefined ? null : now + Duration.toMillis(Duration.decode(ttl))
  const read = (key: string, now: number) => {
    const entry = live(key, now)
    return entry === undefined ? undefined : (JSON.parse(entry.json) as unknown)
  }
  return SessionStore.of({
    get: (key) => Effect.map(Clock.currentTimeMillis, (now) => read(key, now)),
    getMany: (keys) => Effect.map(Clock.currentTimeMillis, (now) => keys.map((key) => read(key, now))),
    set: (key, value, ttl) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        entries.set(key, { json: JSON.stringify(value), expiresAt: expiry(now, ttl) })
      }),
    setIfAbsent: (key, value, ttl) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        if (live(key, now) !== undefined) return false
        entries.set(key, { json: JSON.stringify(value), expiresAt: expiry(now, ttl) })
        return true
      }),
    remove: (key) =>
      Effect.sync(() => {
        entries.delete(key)
      })
  })
})

/** A layer with a fresh in-memory store per build. */
export const SessionStoreMemory: Layer.Layer<SessionStore> = Layer.effect(SessionStore, makeSessionStoreMemory)
