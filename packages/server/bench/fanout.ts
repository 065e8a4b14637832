/**
 * Fan-out: one procurement chat with 500 hub sockets (`/ws/procurement/{id}`, the real server on PostgreSQL) against
 * a raw `ws` broadcast of the same frame to 500 sockets, in alternating blocks. Each block and side:
 *
 * Messages are posted the way the web posts them: a member's socket sends them (the hub's `send` frame: stored in
 * PostgreSQL, then fanned out; the raw server broadcasts the frame it gets), 40 members taking turns.
 *
 * - burst: 40 messages sent at once; deliveries/s = 40 × 500 / (first post → last delivery);
 * - paced: 40 messages at 20 per second; per message the time from its post to the last socket that got it (p99),
 *   and how long after the last post the server process stops using CPU (idle: < 5 ms CPU in three 100 ms windows).
 *
 * Also per hub message (paced phase): PostgreSQL transactions and rows read in the bench database (pg_stat_database).
 * `BENCH_BLOCKS` (default 5), `BENCH_MEMBERS` (default 500); `BENCH_CPU_PROF=<dir>` writes the server's CPU profile.
 * `SERVER_ROLE=chat` runs the server as the hub node of the two-server layout (the relay to the bots runs elsewhere).
 */
import type { WebSocket } from "ws"
import {
  type Child,
  fmt,
  freshDatabase,
  hubTokens,
  inBatches,
  openSocket,
  seed,
  sqlOn,
  sleep,
  startRawServer,
  startServer,
  stats,
  waitIdle
} from "./Harness.js"

const BLOCKS = Number(process.env["BENCH_BLOCKS"] ?? 5)
const MEMBERS = Number(process.env["BENCH_MEMBERS"] ?? 500)
const PER_PHASE = 40
const POSTERS = 40
const RATE = 20
const cpuProf = process.env["BENCH_CPU_PROF"]

/** Arrivals per message text: how many sockets got it and when the last one did. */
class Tracker {
  readonly arrivals = new Map<string, { count: number; last: number }>()
  readonly onFrame = (_ws: WebSocket, data: string) => {
    const frame = JSON.parse(data) as { type?: string; message?: { text?: string } }
    if (frame.type !== "message.new") return
    const text = frame.message?.text ?? ""
    const entry = this.arrivals.get(text)
    if (entry === undefined) this.arrivals.set(text, { count: 1, last: performance.now() })
    else {
      entry.count += 1
      entry.last = performance.now()
    }
  }
  /** resolves when every text was delivered `sockets` times (or after 120 s) */
  async all(texts: ReadonlyArray<string>, sockets: number) {
    const started = Date.now()
    while (texts.some((t) => (this.arrivals.get(t)?.count ?? 0) < sockets)) {
      if (Date.now() - started > 120_000) {
        const missing = texts.reduce((n, t) => n + sockets - (this.arrivals.get(t)?.count ?? 0), 0)
        throw new Error(`${missing} deliveries missing after 120 s`)
      }
      await sleep(5)
    }
    return texts.map((t) => this.arrivals.get(t)!.last)
  }
}

interface Side {
  readonly name: string
  readonly child: Child
  readonly tracker: Tracker
  readonly post: (text: string) => void
}

let serial = 0

const burst = async (side: Side) => {
  const texts = Array.from({ length: PER_PHASE }, () => `burst ${side.name} ${++serial}`)
  const started = performance.now()
  for (const text of texts) side.post(text)
  const last = Math.max(...(await side.tracker.all(texts, MEMBERS)))
  return (PER_PHASE * MEMBERS * 1000) / (last - started)
}

const paced = async (side: Side) => {
  const texts = Array.from({ length: PER_PHASE }, () => `paced ${side.name} ${++serial}`)
  const posted: Array<number> = []
  const start = performance.now()
  for (const [i, text] of texts.entries()) {
    const due = start + (i * 1000) / RATE
    const wait = due - performance.now()
    if (wait > 0) await sleep(wait)
    posted.push(performance.now())
    side.post(text)
  }
  const lastPost = Date.now()
  const idle = await waitIdle(side.child, lastPost)
  const arrived = await side.tracker.all(texts, MEMBERS)
  return { latencies: arrived.map((t, i) => t - posted[i]!), idle }
}

const main = async () => {
  const db = await freshDatabase()
  const server = await startServer(
    db.url,
    cpuProf === undefined ? {} : { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${cpuProf}`] }
  )
  const raw = await startRawServer()
  try {
    const [chat] = await seed(db.url, 1, MEMBERS)
    const { id, members } = chat!
    const tokens = await hubTokens(members)
    const origin = `http://127.0.0.1:${server.port}`
    const hubTracker = new Tracker()
    const rawTracker = new Tracker()
    const hubSockets = await inBatches(tokens, 50, (token) =>
      openSocket(
        `ws://127.0.0.1:${server.port}/ws/procurement/${id}`,
        origin,
        { type: "auth", token, v: 2 },
        (f) => f.type === "ready",
        hubTracker.onFrame
      )
    )
    const rawSockets = await inBatches(tokens, 50, () =>
      openSocket(
        `ws://127.0.0.1:${raw.port}/`,
        origin,
        { type: "hello" },
        (f) => f.type === "ready",
        rawTracker.onFrame
      )
    )
    // 40 members take turns (each socket may send 5 frames a second)
    let turn = 0
    const poster = <A>(sockets: ReadonlyArray<A>) => sockets[turn++ % POSTERS]!
    const hubPost = (text: string) => poster(hubSockets).send(JSON.stringify({ type: "send", text }))
    // the raw side broadcasts the frame a hub socket received, with the text replaced
    let template = ""
    const capture = (_ws: WebSocket, data: string) => {
      if (template === "" && data.includes('"message.new"')) template = data
    }
    const probe = await openSocket(
      `ws://127.0.0.1:${server.port}/ws/procurement/${id}`,
      origin,
      { type: "auth", token: tokens[1], v: 2 },
      (f) => f.type === "ready",
      capture
    )
    hubPost("warm-up")
    await hubTracker.all(["warm-up"], MEMBERS)
    while (template === "") await sleep(10)
    probe.close()
    const frame = JSON.parse(template) as { message: { text: string } }
    const rawPost = (text: string) => {
      frame.message.text = text
      poster(rawSockets).send(JSON.stringify(frame))
    }
    console.log(
      `fan-out: ${MEMBERS} sockets in one procurement chat, server role ${process.env["SERVER_ROLE"] ?? "all"}, ` +
        `PostgreSQL (${new URL(db.url).host}), ` +
        `${BLOCKS} alternating blocks of ${PER_PHASE} messages burst + ${PER_PHASE} at ${RATE}/s; frame ${template.length} bytes`
    )
    const hub: Side = { name: "hub", child: server, tracker: hubTracker, post: hubPost }
    const baseline: Side = { name: "raw", child: raw, tracker: rawTracker, post: rawPost }
    const stat = sqlOn(db.url)
    const dbCounters = async () => {
      await sleep(1200) // statistics are flushed about once a second
      const [row] = await stat.query<{ xact: string; rows: string }>(
        `SELECT xact_commit + xact_rollback AS xact, tup_returned + tup_fetched AS rows
         FROM pg_stat_database WHERE datname = current_database()`
      )
      return { xact: Number(row!.xact), rows: Number(row!.rows) }
    }
    const results = { hub: [] as Array<number>, raw: [] as Array<number>, ratio: [] as Array<number> }
    const latencies = { hub: [] as Array<number>, raw: [] as Array<number> }
    const idles = { hub: [] as Array<number>, raw: [] as Array<number> }
    const perMessage = { xact: [] as Array<number>, rows: [] as Array<number> }
    for (let b = 0; b < BLOCKS; b++) {
      const order = b % 2 === 0 ? [hub, baseline] : [baseline, hub]
      const rates: Record<string, number> = {}
      for (const side of order) {
        const before = side === hub ? await dbCounters() : undefined
        rates[side.name] = await burst(side)
        const { latencies: l, idle } = await paced(side)
        if (before !== undefined) {
          const after = await dbCounters()
          // the stat queries themselves are a handful of statements; 2 × PER_PHASE messages were posted
          perMessage.xact.push((after.xact - before.xact) / (2 * PER_PHASE))
          perMessage.rows.push((after.rows - before.rows) / (2 * PER_PHASE))
        }
        latencies[side.name as "hub" | "raw"].push(...l)
        idles[side.name as "hub" | "raw"].push(idle)
        results[side.name as "hub" | "raw"].push(rates[side.name]!)
      }
      results.ratio.push(rates["hub"]! / rates["raw"]!)
      console.log(
        `  block ${b + 1}: hub ${fmt(rates["hub"]!)} deliveries/s, raw ${fmt(rates["raw"]!)}, ratio ${fmt(results.ratio.at(-1)!, 3)}`
      )
    }
    await stat.close()
    const line = (name: string, values: ReadonlyArray<number>, digits = 0, unit = "") => {
      const s = stats(values)
      console.log(
        `  ${name}: min ${fmt(s.min, digits)}${unit}, median ${fmt(s.median, digits)}${unit}, max ${fmt(s.max, digits)}${unit}`
      )
    }
    console.log("deliveries/s (burst):")
    line("hub  ", results.hub)
    line("raw  ", results.raw)
    line("ratio", results.ratio, 3, "×")
    for (const side of ["hub", "raw"] as const) {
      const s = stats(latencies[side])
      const i = stats(idles[side])
      console.log(
        `${side}: post → last socket at ${RATE}/s: p50 ${fmt(s.median, 1)} ms, p99 ${fmt(s.p99, 1)} ms, max ${fmt(s.max, 1)} ms; ` +
          `idle after the last post: median ${fmt(i.median)} ms, max ${fmt(i.max)} ms`
      )
    }
    const x = stats(perMessage.xact)
    const r = stats(perMessage.rows)
    console.log(
      `hub per message (PostgreSQL): ${fmt(x.median, 1)} transactions (min ${fmt(x.min, 1)}, max ${fmt(x.max, 1)}), ` +
        `${fmt(r.median)} rows read (min ${fmt(r.min)}, max ${fmt(r.max)})`
    )
  } finally {
    await server.stop()
    await raw.stop()
    await db.drop()
  }
  process.exit(0)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
