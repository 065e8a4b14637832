/** A SessionStore wrapper for engine tests: records operations, and can delay or fail chosen keys on demand. */
import { Effect, Layer } from "effect"
import { SessionStore } from "../../src/index.js"
import { makeSessionStoreMemory } from "../../src/SessionStoreMemory.js"

export const chaos = {
  log: [] as Array<string>,
  /** keys whose `get` dies */
  failing: new Set<string>(),
  /** keys whose `get` waits this many ms first */
  slow: new Map<string, number>()
}

export const ChaosStore = Layer.effect(
  SessionStore,
  Effect.map(makeSessionStoreMemory, (inner) =>
    SessionStore.of({
      get: (key) =>
        Effect.gen(function* () {
          chaos.log.push(`get ${key}`)
          if (chaos.failing.has(key)) return yield* Effect.dieMessage(`chaos: ${key} is broken`)
          const delay = chaos.slow.get(key)
          if (delay !== undefined) yield* Effect.sleep(delay)
          return yield* inner.get(key)
        }),
      getMany: (keys) =>
        Effect.gen(function* () {
          chaos.log.push(`getMany ${keys.join(" ")}`)
          for (const key of keys) {
            if (chaos.failing.has(key)) return yield* Effect.dieMessage(`chaos: ${key} is broken`)
          }
          return yield* inner.getMany(keys)
        }),
      set: (key, value, ttl) => Effect.tap(inner.set(key, value, ttl), () => chaos.log.push(`set ${key}`)),
      setIfAbsent: (key, value, ttl) =>
        Effect.tap(inner.setIfAbsent(key, value, ttl), (stored) => chaos.log.push(`setIfAbsent ${key} ${stored}`)),
      remove: (key) => inner.remove(key)
    })
  )
)
