/**
 * In-process per-key mutual exclusion: effects under the same key run one at a time, in arrival order; different
 * keys run concurrently. Entries are dropped when no fiber holds or waits for them. Across instances `ChatLockRedis`
 * adds a Redis lease behind it.
 */
import { Effect } from "effect"

export interface KeyedLock {
  readonly withLock: <A, E, R>(key: string, effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

export const makeKeyedLock = Effect.sync((): KeyedLock => {
  const entries = new Map<string, { readonly semaphore: Effect.Semaphore; users: number }>()
  const acquire = (key: string) =>
    Effect.sync(() => {
      let entry = entries.get(key)
      if (entry === undefined) {
        entry = { semaphore: Effect.unsafeMakeSemaphore(1), users: 0 }
        entries.set(key, entry)
      }
      entry.users += 1
      return entry
    })
  const release = (key: string, entry: { users: number }) =>
    Effect.sync(() => {
      entry.users -= 1
      if (entry.users === 0) entries.delete(key)
    })
  return {
    withLock: (key, effect) =>
      Effect.acquireUseRelease(
        acquire(key),
        (entry) => entry.semaphore.withPermits(1)(effect),
        (entry) => release(key, entry)
      )
  }
})
