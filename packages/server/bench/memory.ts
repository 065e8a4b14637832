/**
 * Memory: 10,000 idle connections, authenticated, to the hub (`/ws/procurement/{id}`: 10 procurements of 1,000
 * members, one socket per member), to the web chat (`/ws/chat`, a guest each) and to a raw `ws` server, each in a
 * server process of its own (the real server on PostgreSQL for the first two). Prints the growth of the process's RSS
 * (after a full GC, before and after) per connection. `BENCH_CONNECTIONS` (default 10,000) changes the count.
 */
import type { WebSocket } from "ws"
import {
  type Child,
  fmt,
  freshDatabase,
  guestToken,
  hubTokens,
  inBatches,
  openSocket,
  seed,
  sleep,
  startRawServer,
  startServer
} from "./Harness.js"

const CONNECTIONS = Number(process.env["BENCH_CONNECTIONS"] ?? 10_000)
const PROCUREMENTS = 10

const measure = async (
  name: string,
  child: Child,
  targets: ReadonlyArray<{ readonly url: string; readonly first: unknown }>,
  readyType: string
) => {
  await sleep(1000)
  const heapBefore = (await child.gc()).heapUsed
  const before = child.rssBytes()
  const origin = `http://127.0.0.1:${child.port}`
  const started = Date.now()
  const sockets: Array<WebSocket> = await inBatches(targets, 100, (t) =>
    openSocket(t.url, origin, t.first, (f) => f.type === readyType)
  )
  const opening = Date.now() - started
  await sleep(2000)
  const heapAfter = (await child.gc()).heapUsed
  const after = child.rssBytes()
  const open = sockets.filter((ws) => ws.readyState === ws.OPEN).length
  const per = (after - before) / sockets.length
  console.log(
    `  ${name}: ${fmt(open)} open; RSS ${fmt(before / 2 ** 20, 1)} → ${fmt(after / 2 ** 20, 1)} MiB: ` +
      `${fmt(per / 1024, 1)} KB per connection, of which JS heap ${fmt((heapAfter - heapBefore) / sockets.length / 1024, 1)} KB ` +
      `(opened in ${fmt(opening / 1000, 1)} s)`
  )
  for (const ws of sockets) ws.terminate()
  await sleep(500)
  return per
}

const main = async () => {
  const { execSync } = await import("node:child_process")
  const limit = Number(execSync("ulimit -n", { shell: "/bin/bash" }).toString().trim())
  if (limit < CONNECTIONS + 1000) {
    console.error(`ulimit -n is ${limit}: ${CONNECTIONS} connections need at least ${CONNECTIONS + 1000} descriptors`)
    process.exit(2)
  }
  const db = await freshDatabase()
  const children: Array<Child> = []
  try {
    const raw = await startRawServer()
    children.push(raw)
    const hubServer = await startServer(db.url)
    children.push(hubServer)
    const chats = await seed(db.url, PROCUREMENTS, Math.ceil(CONNECTIONS / PROCUREMENTS))
    const pairs = chats.flatMap((c) => c.members.map((m) => ({ procurement: c.id, member: m }))).slice(0, CONNECTIONS)
    const tokens = await hubTokens(pairs.map((p) => p.member))
    console.log(
      `memory: ${fmt(CONNECTIONS)} idle connections per server process, PostgreSQL (${new URL(db.url).host}); ` +
        `ulimit -n ${limit}`
    )
    const rawPer = await measure(
      "raw ws     ",
      raw,
      pairs.map(() => ({ url: `ws://127.0.0.1:${raw.port}/`, first: { type: "hello" } })),
      "ready"
    )
    const hubPer = await measure(
      "hub        ",
      hubServer,
      pairs.map((p, i) => ({
        url: `ws://127.0.0.1:${hubServer.port}/ws/procurement/${p.procurement}`,
        first: { type: "auth", token: tokens[i], v: 2 }
      })),
      "ready"
    )
    await hubServer.stop()
    const chatServer = await startServer(db.url)
    children.push(chatServer)
    const guests = await Promise.all(pairs.map(() => guestToken()))
    const chatPer = await measure(
      "web chat   ",
      chatServer,
      guests.map((token) => ({
        url: `ws://127.0.0.1:${chatServer.port}/ws/chat`,
        first: { type: "hello", v: "groupbuy.chat.v1", token, locale: "ru" }
      })),
      "welcome"
    )
    console.log(
      `  per connection vs raw ws: hub ${fmt(hubPer / rawPer, 2)}×, web chat ${fmt(chatPer / rawPer, 2)}× ` +
        `(goal: under 15 KB each)`
    )
  } finally {
    for (const child of children) await child.stop()
    await db.drop()
  }
  process.exit(0)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
