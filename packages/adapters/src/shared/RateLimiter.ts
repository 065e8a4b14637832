/**
 * "At most `limit` calls in any `windowMs`", as a fair FIFO gate. A call's slot counts from the moment the call
 * *finished* (its response arrived), not from when it was started: the server has surely seen a request by the
 * time it answered, so however the network delays or bunches requests, no `limit + 1` of them can reach the server
 * within one window. Starts are also spaced `windowMs / limit` apart: a burst of `limit` requests at once would
 * queue up on the way (and count from their late answers), an even pace keeps each answer quick and the rate close
 * to the ceiling. Callers wait their turn; only the one at the head sleeps. Time is Effect's `Clock`.
 */
import { Clock, Deferred, Duration, Effect } from "effect"

/** "At most `limit` calls in any `windowMs`." */
export interface RateWindow {
  readonly limit: number
  readonly windowMs: number
}

/** The finish times of the last `limit` calls of one chat (its calls run one at a time). */
export class WindowLog {
  private readonly times: Array<number> = []
  constructor(private readonly window: RateWindow) {}

  /** ms to wait before one more call fits the window, with `margin` ms of slack per window */
  waitMs(now: number, margin: number): number {
    if (this.times.length < this.window.limit) return 0
    return Math.max(0, this.times[this.times.length - this.window.limit]! + this.window.windowMs + margin - now)
  }

  record(now: number): void {
    this.times.push(now)
    if (this.times.length > this.window.limit) this.times.splice(0, this.times.length - this.window.limit)
  }

  idleSince(now: number): boolean {
    const last = this.times[this.times.length - 1]
    return last === undefined || last + this.window.windowMs < now
  }
}

export interface RateLimiter {
  /** waits for room in the window; the returned effect marks the call finished (call it exactly once) */
  readonly acquire: Effect.Effect<Effect.Effect<void>>
  /** runs `effect` in a slot */
  readonly withSlot: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

export const makeRateLimiter = (window: RateWindow, marginMs = 0): Effect.Effect<RateLimiter> =>
  Effect.gen(function* () {
    const turn = yield* Effect.makeSemaphore(1)
    const spacing = Math.ceil(window.windowMs / window.limit)
    let lastStart = Number.NEGATIVE_INFINITY
    /** the last `limit` slots, oldest first; each completes with its call's finish time */
    const slots: Array<Deferred.Deferred<number>> = []
    const acquire = turn.withPermits(1)(
      Effect.gen(function* () {
        if (slots.length >= window.limit) {
          const finishedAt = yield* Deferred.await(slots[slots.length - window.limit]!)
          const wait = finishedAt + window.windowMs + marginMs - (yield* Clock.currentTimeMillis)
          if (wait > 0) yield* Effect.sleep(Duration.millis(wait))
        }
        const paced = lastStart + spacing - (yield* Clock.currentTimeMillis)
        if (paced > 0) yield* Effect.sleep(Duration.millis(paced))
        lastStart = yield* Clock.currentTimeMillis
        const slot = yield* Deferred.make<number>()
        slots.push(slot)
        if (slots.length > window.limit) slots.splice(0, slots.length - window.limit)
        return Effect.flatMap(Clock.currentTimeMillis, (now) => Deferred.succeed(slot, now)).pipe(Effect.asVoid)
      })
    )
    return {
      acquire,
      withSlot: (effect) =>
        Effect.acquireUseRelease(
          acquire,
          () => effect,
          (release) => release
        )
    }
  })
