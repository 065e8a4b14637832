/**
 * The per-bot outbound queue: every platform call that sends or edits a message goes through it. It keeps the
 * platform's flood limits (a global rate per bot, a per-chat rate, a slower per-group-chat rate), keeps the order of
 * each chat's messages (one FIFO lane per chat, lanes run concurrently), retries rate-limit errors after the delay
 * the server asked for and transient failures with backoff, holds at most `capacity` jobs (callers wait for room:
 * backpressure), and counts what was sent, retried and failed. Windows count from when a send finished (see
 * `RateLimiter`). Time is Effect's `Clock`, so tests use `TestClock`.
 */
import { Clock, Deferred, Duration, Effect, Exit, FiberSet, type Scope } from "effect"
import { makeRateLimiter, type RateWindow, WindowLog } from "./RateLimiter.js"

export type { RateWindow } from "./RateLimiter.js"

export interface OutboundLimits {
  /** all sends of the bot; leave out when the limit is kept below the queue (VK limits every API call) */
  readonly global?: RateWindow | undefined
  /** sends to one private chat */
  readonly perChat?: RateWindow | undefined
  /** sends to one group chat */
  readonly perGroup?: RateWindow | undefined
  /** extra spacing added to each window (default 0: windows already count from when a send finished) */
  readonly marginMs?: number | undefined
}

/** What to do with a failed send, decided by the adapter from its SDK's error. */
export type RetryDecision =
  /** the server asked to wait (Telegram 429 `retry_after`, VK error 6) */
  | { readonly _tag: "RetryAfter"; readonly millis: number }
  /** a transient failure (network): retry with exponential backoff up to `maxAttempts` */
  | { readonly _tag: "Backoff" }
  /** permanent: report to the caller */
  | { readonly _tag: "Fail" }

export interface OutboundQueueOptions<E> {
  readonly limits: OutboundLimits
  readonly classify: (error: E) => RetryDecision
  /** jobs held at once, queued and running (default 10 000) */
  readonly capacity?: number | undefined
  /** attempts for `Backoff` failures, the first included (default 4) */
  readonly maxAttempts?: number | undefined
  /** first backoff delay, doubled each time (default 500 ms) */
  readonly backoffMs?: number | undefined
  /** gives up retrying `RetryAfter` failures after this many attempts (default 10) */
  readonly maxRateLimitAttempts?: number | undefined
}

/** Where a job sends to: the lane key and which per-chat window applies. */
export interface Destination {
  readonly chat: string
  readonly group?: boolean | undefined
}

export interface OutboundStats {
  readonly sent: number
  readonly retried: number
  readonly failed: number
  /** jobs queued or running */
  readonly pending: number
  /** rate-limit answers seen (429 / flood errors); zero when the limits are right */
  readonly rateLimited: number
}

export interface OutboundQueue<E> {
  /**
   * Queues a job, waiting for room when the queue is full; returns an effect that awaits the job's outcome.
   * Jobs of one destination run one after another in queue order.
   */
  readonly enqueue: <A>(to: Destination, job: Effect.Effect<A, E>) => Effect.Effect<Effect.Effect<A, E>>
  /** `enqueue` and await the outcome */
  readonly submit: <A>(to: Destination, job: Effect.Effect<A, E>) => Effect.Effect<A, E>
  readonly stats: Effect.Effect<OutboundStats>
}

/** Telegram: ~30 messages/s per bot, about 1/s per chat (short bursts allowed), 20/min per group. */
export const telegramLimits: OutboundLimits = {
  global: { limit: 30, windowMs: 1000 },
  perChat: { limit: 3, windowMs: 3000 },
  perGroup: { limit: 20, windowMs: 60_000 }
}

/** VK: 20 requests/s per community token. */
export const vkLimits: OutboundLimits = { global: { limit: 20, windowMs: 1000 } }

/** WhatsApp publishes no limits for linked devices; these stay well under what a person could type. */
export const whatsappLimits: OutboundLimits = {
  global: { limit: 10, windowMs: 1000 },
  perChat: { limit: 3, windowMs: 3000 }
}

interface Job<E> {
  readonly run: Effect.Effect<unknown, E>
  readonly done: Deferred.Deferred<unknown, E>
}

interface Lane<E> {
  readonly destination: Destination
  readonly jobs: Array<Job<E>>
}

/** Builds a queue whose lanes live as long as the enclosing scope. */
export const make = <E>(options: OutboundQueueOptions<E>): Effect.Effect<OutboundQueue<E>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const margin = options.limits.marginMs ?? 0
    const capacity = options.capacity ?? 10_000
    const maxAttempts = options.maxAttempts ?? 4
    const backoffMs = options.backoffMs ?? 500
    const maxRateLimitAttempts = options.maxRateLimitAttempts ?? 10
    const room = yield* Effect.makeSemaphore(capacity)
    const fibers = yield* FiberSet.make()
    const global =
      options.limits.global === undefined ? undefined : yield* makeRateLimiter(options.limits.global, margin)
    const chatLogs = new Map<string, WindowLog>()
    const lanes = new Map<string, Lane<E>>()
    const counters = { sent: 0, retried: 0, failed: 0, pending: 0, rateLimited: 0 }

    const windowFor = (to: Destination) => (to.group === true ? options.limits.perGroup : options.limits.perChat)

    const chatLog = (to: Destination): WindowLog | undefined => {
      const window = windowFor(to)
      if (window === undefined) return undefined
      const key = `${to.group === true ? "g" : "c"}:${to.chat}`
      let log = chatLogs.get(key)
      if (log === undefined) {
        log = new WindowLog(window)
        chatLogs.set(key, log)
      }
      return log
    }

    const pruneChatLogs = (now: number) => {
      if (chatLogs.size < 1024) return
      for (const [key, log] of chatLogs) if (log.idleSince(now) && !lanes.has(key)) chatLogs.delete(key)
    }

    /**
     * Runs one send in a slot of the chat's window and of the bot's window; both count from when the send finished,
     * so network delays cannot bunch sends at the server.
     */
    const inSlot = <A>(to: Destination, run: Effect.Effect<A, E>): Effect.Effect<A, E> =>
      Effect.gen(function* () {
        const log = chatLog(to)
        if (log !== undefined) {
          const wait = log.waitMs(yield* Clock.currentTimeMillis, margin)
          if (wait > 0) yield* Effect.sleep(Duration.millis(wait))
        }
        const slotted = global === undefined ? run : global.withSlot(run)
        return yield* slotted.pipe(
          Effect.ensuring(
            Effect.flatMap(Clock.currentTimeMillis, (now) =>
              Effect.sync(() => {
                log?.record(now)
                pruneChatLogs(now)
              })
            )
          )
        )
      })

    const attempt = (to: Destination, job: Job<E>): Effect.Effect<unknown, E> => {
      const loop = (failures: number, rateLimited: number): Effect.Effect<unknown, E> =>
        inSlot(to, job.run).pipe(
          Effect.catchAll((error) => {
            const decision = options.classify(error)
            switch (decision._tag) {
              case "RetryAfter":
                counters.rateLimited += 1
                if (rateLimited + 1 >= maxRateLimitAttempts) return Effect.fail(error)
                counters.retried += 1
                return Effect.sleep(Duration.millis(Math.max(0, decision.millis))).pipe(
                  Effect.zipRight(loop(failures, rateLimited + 1))
                )
              case "Backoff":
                if (failures + 1 >= maxAttempts) return Effect.fail(error)
                counters.retried += 1
                return Effect.sleep(Duration.millis(backoffMs * 2 ** failures)).pipe(
                  Effect.zipRight(loop(failures + 1, rateLimited))
                )
              case "Fail":
                return Effect.fail(error)
            }
          })
        )
      return loop(0, 0)
    }

    const finish = (job: Job<E>, exit: Exit.Exit<unknown, E>) =>
      Effect.gen(function* () {
        if (Exit.isSuccess(exit)) counters.sent += 1
        else counters.failed += 1
        counters.pending -= 1
        yield* Deferred.done(job.done, exit)
        yield* room.release(1)
      })

    const drain = (key: string, lane: Lane<E>): Effect.Effect<void> =>
      Effect.gen(function* () {
        for (;;) {
          const job = lane.jobs[0]
          if (job === undefined) {
            lanes.delete(key)
            return
          }
          const exit = yield* Effect.exit(attempt(lane.destination, job))
          lane.jobs.shift()
          yield* finish(job, exit)
        }
      }).pipe(
        // Closing the queue interrupts the lanes: whoever awaits a queued job learns it was interrupted.
        Effect.onInterrupt(() =>
          Effect.forEach(lane.jobs.splice(0), (job) => Deferred.interrupt(job.done), { discard: true }).pipe(
            Effect.zipRight(Effect.sync(() => lanes.delete(key)))
          )
        )
      )

    const enqueue = <A>(to: Destination, run: Effect.Effect<A, E>): Effect.Effect<Effect.Effect<A, E>> =>
      Effect.gen(function* () {
        yield* room.take(1)
        const done = yield* Deferred.make<unknown, E>()
        const key = `${to.group === true ? "g" : "c"}:${to.chat}`
        counters.pending += 1
        const job: Job<E> = { run, done }
        const existing = lanes.get(key)
        if (existing !== undefined) existing.jobs.push(job)
        else {
          const lane: Lane<E> = { destination: to, jobs: [job] }
          lanes.set(key, lane)
          yield* FiberSet.run(fibers, drain(key, lane))
        }
        return Deferred.await(done) as Effect.Effect<A, E>
      })

    return {
      enqueue,
      submit: (to, job) => Effect.flatten(enqueue(to, job)),
      stats: Effect.sync(() => ({ ...counters }))
    }
  })
