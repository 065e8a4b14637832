/**
 * What the hub benchmarks share: a fresh PostgreSQL database, the real server (`src/main.ts`) or the raw `ws`
 * baseline (`RawServer.ts`) in a child process, its RSS and CPU time from /proc, seeded members and their tokens,
 * and WebSocket clients. Plain Node (no Effect): the benchmark must not measure its own framework.
 */
import { ChatToken } from "@groupbuy/adapters"
import { SqlClient } from "@effect/sql"
import { pgClient } from "@groupbuy/core"
import { Effect, ManagedRuntime, Redacted } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { randomUUID } from "node:crypto"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { WebSocket } from "ws"
import { CHAT_AUDIENCE } from "../src/auth/ChatTokens.js"
import { ISSUER, makeUserTokens } from "../src/auth/UserTokens.js"
import { freePort } from "../test/utils/Browser.js"

export const JWT_SECRET = "a-bench-jwt-secret-that-is-long-enough-0123456789"
export const SERVICE_TOKEN = "bench-service-token-0123456789abcdef"
const here = dirname(fileURLToPath(import.meta.url))
const serverRoot = dirname(here)

/** The PostgreSQL server the benchmarks run on (`TEST_DATABASE_URL`, else `DATABASE_URL`). */
export const postgresUrl = () => {
  const url = process.env["TEST_DATABASE_URL"] ?? process.env["DATABASE_URL"]
  if (url === undefined || url === "") {
    console.error(
      "set TEST_DATABASE_URL (or DATABASE_URL) to a PostgreSQL server the benchmark may create databases on"
    )
    process.exit(2)
  }
  return url
}

/** Plain SQL on a database (seeding and statistics; the rows' column names come back in camelCase). */
export const sqlOn = (url: string) => {
  const runtime = ManagedRuntime.make(pgClient(Redacted.make(url), { maxConnections: 1 }))
  return {
    query: <A extends object = Record<string, unknown>>(statement: string, params: ReadonlyArray<unknown> = []) =>
      runtime.runPromise(
        Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(statement, params as Array<unknown>))
      ) as Promise<ReadonlyArray<A>>,
    close: () => runtime.dispose()
  }
}

/** A new, empty database on that server; `drop` removes it. */
export const freshDatabase = async () => {
  const adminUrl = postgresUrl()
  const name = `groupbuy_bench_${randomUUID().replaceAll("-", "").slice(0, 12)}`
  const admin = sqlOn(adminUrl)
  await admin.query(`CREATE DATABASE ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.href,
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.close()
    }
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A child process: its pid, RSS (after a full GC when asked) and CPU time so far. */
export interface Child {
  readonly process: ChildProcess
  readonly port: number
  readonly rssBytes: () => number
  readonly cpuMillis: () => number
  /** a full GC in the child (it runs with --expose-gc and the Gc.ts preload); its memory usage after it */
  readonly gc: () => Promise<NodeJS.MemoryUsage>
  readonly stop: () => Promise<void>
}

const ticks = 100 // USER_HZ on Linux

const childOf = async (process_: ChildProcess, port: number): Promise<Child> => {
  const pid = process_.pid!
  const started = Date.now()
  for (;;) {
    if (process_.exitCode !== null) throw new Error(`the server exited with ${process_.exitCode}`)
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false
    )
    if (ok) break
    if (Date.now() - started > 60_000) throw new Error("the server did not become healthy in 60 s")
    await sleep(100)
  }
  return {
    process: process_,
    port,
    rssBytes: () => {
      const status = readFileSync(`/proc/${pid}/status`, "utf8")
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024
    },
    cpuMillis: () => {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks
    },
    gc: async () => {
      process_.kill("SIGUSR2")
      await sleep(1500)
      return JSON.parse(readFileSync(join(tmpdir(), `groupbuy-bench-memory-${pid}.json`), "utf8")) as NodeJS.MemoryUsage
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (process_.exitCode !== null) return resolve()
        process_.once("exit", () => resolve())
        process_.kill("SIGTERM")
        setTimeout(() => process_.kill("SIGKILL"), 10_000).unref()
      })
  }
}

const nodeArgs = (extra: ReadonlyArray<string>) => [
  "--expose-gc",
  "--import",
  "tsx",
  "--import",
  join(here, "Gc.ts"),
  ...extra
]

/** The real server (`src/main.ts`, every route and background service) on `databaseUrl`. */
export const startServer = async (
  databaseUrl: string,
  options: { readonly env?: Record<string, string>; readonly nodeArgs?: ReadonlyArray<string> } = {}
) => {
  const port = await freePort()
  const env: Record<string, string | undefined> = { ...process.env }
  // in-process bus and sessions: the benchmark measures one instance
  delete env["REDIS_URL"]
  const child = spawn(process.execPath, [...nodeArgs(options.nodeArgs ?? []), join(serverRoot, "src", "main.ts")], {
    cwd: serverRoot,
    env: {
      ...env,
      DATABASE_URL: databaseUrl,
      DATA_DIR: mkdtempSync(join(tmpdir(), "groupbuy-bench-")),
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      JWT_SECRET,
      SERVICE_TOKEN,
      ...options.env
    },
    stdio: ["ignore", "pipe", "inherit"]
  })
  // the server logs every request at INFO; only warnings and errors are shown
  child.stdout!.setEncoding("utf8")
  let pending = ""
  child.stdout!.on("data", (chunk: string) => {
    const lines = (pending + chunk).split("\n")
    pending = lines.pop()!
    for (const line of lines) if (/"logLevel":"(ERROR|FATAL)"/.test(line)) console.error(line)
  })
  return childOf(child, port)
}

/** The baseline: a bare `ws` server that broadcasts what it is given (`RawServer.ts`). */
export const startRawServer = async () => {
  const port = await freePort()
  const child = spawn(process.execPath, [...nodeArgs([]), join(here, "RawServer.ts")], {
    cwd: serverRoot,
    env: { ...process.env, PORT: String(port) },
    stdio: ["ignore", "inherit", "inherit"]
  })
  return childOf(child, port)
}

/**
 * `procurements` procurements with `membersEach` members each (the organizer and participants), every user distinct;
 * returns the procurement ids and their members (organizer first).
 */
export const seed = async (databaseUrl: string, procurements: number, membersEach: number) => {
  const db = sqlOn(databaseUrl)
  const result: Array<{ readonly id: string; readonly members: Array<string> }> = []
  for (let p = 0; p < procurements; p++) {
    const users = await db.query<{ id: string }>(
      `INSERT INTO users (first_name, role) SELECT 'Участник ' || g, 'buyer' FROM generate_series(1, $1::int) g
       RETURNING id`,
      [membersEach]
    )
    const members = users.map((r) => r.id)
    const [organizer, ...participants] = members
    await db.query(`UPDATE users SET role = 'organizer' WHERE id = $1`, [organizer])
    const [procurement] = await db.query<{ id: string }>(
      `INSERT INTO procurements (title, organizer_id, target_amount, price_per_unit, unit, deadline, city, status)
       VALUES ($1, $2, 100000, 10000, 'шт', now() + interval '7 days', 'Москва', 'ACTIVE') RETURNING id`,
      [`Закупка ${p + 1}`, organizer]
    )
    await db.query(
      `INSERT INTO participants (procurement_id, user_id, quantity, amount, status)
       SELECT $1, u, 1, 10000, 'CONFIRMED' FROM unnest($2::uuid[]) u`,
      [procurement!.id, participants]
    )
    result.push({ id: procurement!.id, members })
  }
  await db.close()
  return result
}

const userTokens = makeUserTokens(Redacted.make(JWT_SECRET))

/** A hub token (the user JWT of the cabinet) for each user. */
export const hubTokens = (userIds: ReadonlyArray<string>) =>
  Effect.runPromise(
    Effect.forEach(userIds, (id) => Effect.map(userTokens.issue(id as never), (t) => t.token), { concurrency: 64 })
  )

/** A guest token of the web chat widget. */
export const guestToken = () =>
  Effect.runPromise(
    Effect.map(
      ChatToken.issueGuestToken({ secret: JWT_SECRET, issuer: ISSUER, audience: CHAT_AUDIENCE }),
      (t) => t.token
    )
  )

/** Opens a socket and resolves once `ready(frame)` holds for a frame it received after sending `first`. */
export const openSocket = (
  url: string,
  origin: string,
  first: unknown,
  ready: (frame: { readonly type?: string }) => boolean,
  onFrame?: (ws: WebSocket, data: string) => void
) =>
  new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(url, { origin, perMessageDeflate: false })
    let done = false
    const timer = setTimeout(() => {
      if (!done) reject(new Error(`no ready frame from ${url} in 60 s`))
    }, 60_000)
    ws.once("open", () => ws.send(JSON.stringify(first)))
    ws.once("error", (e) => (done ? undefined : reject(e)))
    ws.once("close", (code) => (done ? undefined : reject(new Error(`closed with ${code} before ready`))))
    ws.on("message", (data) => {
      const text = data.toString()
      if (!done) {
        if (ready(JSON.parse(text))) {
          done = true
          clearTimeout(timer)
          resolve(ws)
        }
        return
      }
      onFrame?.(ws, text)
    })
  })

/** Runs `open` for every item, `concurrency` at a time. */
export const inBatches = async <A, B>(items: ReadonlyArray<A>, concurrency: number, open: (a: A) => Promise<B>) => {
  const out: Array<B> = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await open(items[i]!)
      }
    })
  )
  return out
}

export const stats = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
  return { min: sorted[0]!, median: at(0.5), max: sorted.at(-1)!, p99: at(0.99) }
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })

/** Waits until the child has used less than `quietMs` of CPU in each of 3 windows of `windowMs`; returns when. */
export const waitIdle = async (child: Child, since: number, windowMs = 100, quietMs = 5, limitMs = 60_000) => {
  let quiet = 0
  let last = child.cpuMillis()
  let idleFrom = Date.now()
  for (;;) {
    await sleep(windowMs)
    const now = child.cpuMillis()
    if (now - last <= quietMs) {
      if (quiet === 0) idleFrom = Date.now() - windowMs
      quiet += 1
    } else quiet = 0
    last = now
    if (quiet >= 3) return Math.max(0, idleFrom - since)
    if (Date.now() - since > limitMs) return Number.POSITIVE_INFINITY
  }
}
