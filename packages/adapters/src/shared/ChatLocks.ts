/**
 * Per-chat mutual exclusion inside one adapter: a chat's turn (route, then queue its replies) finishes before the
 * chat's next turn starts, so replies leave in the order the updates came; different chats run concurrently.
 */
import { Effect } from "effect"

export interface ChatLocks {
  readonly withLock: <A, E, R>(key: string, effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

export const makeChatLocks = Effect.sync((): ChatLocks => {
  const entries = new Map<string, { readonly semaphore: Effect.Semaphore; users: number }>()
  return {
    withLock: (key, effect) =>
      Effect.acquireUseRelease(
        Effect.sync(() => {
          let entry = entries.get(key)
          if (entry === undefined) {
            entry = { semaphore: Effect.unsafeMakeSemaphore(1), users: 0 }
            entries.set(key, entry)
          }
          entry.users += 1
          return entry
        }),
        (entry) => entry.semaphore.withPermits(1)(effect),
        (entry) =>
          Effect.sync(() => {
            entry.users -= 1
            if (entry.users === 0) entries.delete(key)
          })
      )
  }
})
