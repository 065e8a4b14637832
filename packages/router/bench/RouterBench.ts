/**
 * `npm run bench -w @groupbuy/router`: many simulated users run registration and then join a procurement,
 * concurrently, through `Router.handle` with a real session store (PostgreSQL over core's KeyValue, or Redis when
 * REDIS_URL is set). Prints updates/s and p50/p99 latency. Core runs on embedded PGlite, or on PostgreSQL when
 * DATABASE_URL is set. A benchmark, not a test: it prints figures and asserts nothing about speed.
 *
 * BENCH_USERS (default 100) simulated users, BENCH_CONCURRENCY (default 25) of them at a time.
 */
import { CoreLive, CreateProcurement, IdentityRef, kopecks, Procurements, RegisterUser, Users } from "@groupbuy/core"
import { DateTime, Effect, Layer } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { ChatRef, makeRouter, type Reply, SessionStorePostgres, SessionStoreRedis, type Update } from "../src/index.js"
import { BroadcastChannelsStatic } from "../src/BroadcastChannels.js"
import { PaymentGatewayTest } from "../src/PaymentGateway.js"
import { telegramLike } from "../src/testing/profiles.js"
import { TestOutboxLive } from "../src/testing/TestOutbox.js"

// embedded PGlite in a throw-away directory unless told otherwise
if (process.env.DATABASE_URL === undefined && process.env.DATA_DIR === undefined) {
  process.env.DATA_DIR = mkdtempSync(join(tmpdir(), "groupbuy-bench-"))
}

const USERS = Number(process.env.BENCH_USERS ?? 100)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 25)

const sessions =
  process.env.REDIS_URL === undefined
    ? SessionStorePostgres
    : SessionStoreRedis(process.env.REDIS_URL, { prefix: `groupbuy-bench:${Date.now()}:` })

const tokenFor = (replies: ReadonlyArray<Reply>, label: string): string => {
  for (const reply of [...replies].reverse()) {
    if (reply._tag === "Toast") continue
    for (const b of reply.keyboard?.rows.flat() ?? []) if (b._tag === "Action" && b.label.includes(label)) return b.data
  }
  throw new Error(`no button “${label}” in ${JSON.stringify(replies)}`)
}

/** Names may not contain digits: 12 → "Бв". */
const lettered = (i: number) => {
  const word = [...String(i)].map((d) => "абвгдежзик"[Number(d)]).join("")
  return word.charAt(0).toUpperCase() + word.slice(1)
}

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0

const program = Effect.gen(function* () {
  const router = yield* makeRouter()
  const users = yield* Users
  const procurements = yield* Procurements
  const runId = Date.now().toString(36)
  const organizer = yield* users.register(
    new RegisterUser({
      identity: new IdentityRef({ platform: "telegram", externalId: `bench-org-${runId}` }),
      firstName: "Организатор",
      role: "organizer"
    })
  )
  const now = yield* DateTime.now
  const view = yield* procurements.create(
    new CreateProcurement({
      organizerId: organizer.id,
      title: `Бенчмарк ${runId}`,
      description: "Закупка для бенчмарка",
      targetAmount: kopecks(100_000_000),
      pricePerUnit: kopecks(10_000),
      unit: "шт",
      deadline: DateTime.add(now, { days: 30 }),
      city: "Москва",
      publish: true
    })
  )
  const latencies: Array<number> = []
  let counter = 0
  /** An update without its envelope (distributes over the union, unlike Omit). */
  type Body = Update extends infer U ? (U extends Update ? Omit<U, "ref" | "updateId"> : never) : never
  const handle = (ref: ChatRef, body: Body) =>
    Effect.gen(function* () {
      counter += 1
      const update = { ...body, ref, updateId: `${runId}-${counter}` } as Update
      const started = performance.now()
      const replies = yield* router.handle(update, telegramLike)
      latencies.push(performance.now() - started)
      return replies
    })
  const simulate = (i: number) =>
    Effect.gen(function* () {
      const ref = new ChatRef({ bot: "bench", platform: "telegram", chatId: `c${runId}${i}`, userId: `u${runId}${i}` })
      const text = (text: string) => handle(ref, { _tag: "Text", text })
      const press = (replies: ReadonlyArray<Reply>, label: string) =>
        handle(ref, { _tag: "Button", data: tokenFor(replies, label) })
      // registration
      let r = yield* handle(ref, { _tag: "Command", command: "start", args: `proc_${view.procurement.id}` })
      r = yield* press(r, "Покупатель")
      r = yield* text(`Участник ${lettered(i)}`)
      r = yield* handle(ref, {
        _tag: "Contact",
        phone: `+7901${String(Date.now() % 1000).padStart(3, "0")}${String(i).padStart(4, "0")}`,
        own: true
      })
      r = yield* press(r, "Пропустить")
      r = yield* press(r, "Всё верно")
      // the deep link opened the procurement right after registration
      r = yield* press(r, "Участвовать")
      r = yield* text("2")
      r = yield* press(r, "Участвую")
      if (!r.some((reply) => reply._tag === "Text" && reply.text.some((s) => s.text.includes("Вы участвуете")))) {
        return yield* Effect.dieMessage(`user ${i} did not join: ${JSON.stringify(r)}`)
      }
    })
  const started = performance.now()
  yield* Effect.forEach(
    Array.from({ length: USERS }, (_, i) => i),
    simulate,
    { concurrency: CONCURRENCY, discard: true }
  )
  const seconds = (performance.now() - started) / 1000
  const sorted = [...latencies].sort((a, b) => a - b)
  const store = process.env.REDIS_URL === undefined ? "PostgreSQL (KeyValue)" : "Redis"
  const database = process.env.DATABASE_URL === undefined ? "embedded PGlite" : "PostgreSQL"
  console.log(`Router.handle: ${USERS} users × registration + join, ${CONCURRENCY} concurrent`)
  console.log(`  core on ${database}, sessions in ${store}`)
  console.log(`  updates:     ${latencies.length} in ${seconds.toFixed(2)} s`)
  console.log(`  throughput:  ${(latencies.length / seconds).toFixed(1)} updates/s`)
  console.log(`  latency p50: ${percentile(sorted, 50).toFixed(1)} ms`)
  console.log(`  latency p99: ${percentile(sorted, 99).toFixed(1)} ms`)
  console.log(`  latency max: ${(sorted[sorted.length - 1] ?? 0).toFixed(1)} ms`)
})

const layer = Layer.mergeAll(sessions, TestOutboxLive, BroadcastChannelsStatic([]), PaymentGatewayTest).pipe(
  Layer.provideMerge(CoreLive)
)

Effect.runPromise(program.pipe(Effect.provide(layer), Effect.scoped) as Effect.Effect<void, unknown, never>).catch(
  (error: unknown) => {
    console.error(error)
    process.exitCode = 1
  }
)
