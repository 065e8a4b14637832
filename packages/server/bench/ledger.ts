/**
 * Ledger benchmark (issue 17): joins and payments through REST with 200 requests in flight against the real server
 * (`src/main.ts`, in a child process) on a fresh PostgreSQL database, next to pgbench's TPC-B on the same PostgreSQL
 * server, in alternating blocks (`LEDGER_BLOCKS`, default 5). Prints min / median / max of joins/s, payments/s and
 * pgbench TPS, and the ratios. Goal: ≥ 0.3× pgbench TPS. Without pgbench it prints the figure to compare with.
 *
 * A block of joins: `LEDGER_OPS` (2,000) distinct users each join one of 20 ACTIVE procurements (POST
 * /api/procurements/:id/join, the user's own JWT). A block of payments: as many CONFIRMED participants of 20
 * procurements in PAYMENT, each with a balance, pay (POST /api/procurements/:id/pay): a ledger entry, the balance,
 * the procurement's held amount and the participant's status in one transaction. Every answer must be 2xx.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { freshDatabase, hubTokens, inBatches, sqlOn, startServer } from "./Harness.js"

const blocks = Number(process.env["LEDGER_BLOCKS"] ?? "5")
const ops = Number(process.env["LEDGER_OPS"] ?? "2000")
const inFlight = 200
const procurementCount = 20
const pgbenchClients = Number(process.env["PGBENCH_CLIENTS"] ?? "32")
const pgbenchSeconds = Number(process.env["PGBENCH_SECONDS"] ?? "10")

const hasPgbench = spawnSync("pgbench", ["--version"]).status === 0

const database = await freshDatabase()
// e.g. LEDGER_SERVER_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" for a CPU profile of the server (written at its exit)
const serverArgs = (process.env["LEDGER_SERVER_ARGS"] ?? "").split(" ").filter((arg) => arg !== "")
const server = await startServer(database.url, { nodeArgs: serverArgs })
const db = sqlOn(database.url)
const base = `http://127.0.0.1:${server.port}/api`

/** `count` users (balance in kopecks) and `procurementCount` procurements in `status`, organized by one more user. */
const seedUsers = async (count: number, balance: number) =>
  (
    await db.query<{ id: string }>(
      `INSERT INTO users (first_name, role, balance) SELECT 'Покупатель ' || g, 'buyer', $2::bigint
       FROM generate_series(1, $1::int) g RETURNING id`,
      [count, balance]
    )
  ).map((r) => r.id)

const seedProcurements = async (status: string) => {
  const [organizer] = await db.query<{ id: string }>(
    `INSERT INTO users (first_name, role) VALUES ('Организатор', 'organizer') RETURNING id`
  )
  return (
    await db.query<{ id: string }>(
      `INSERT INTO procurements (title, organizer_id, target_amount, price_per_unit, unit, deadline, city, status)
       SELECT 'Закупка ' || g, $1, 100000000, 10000, 'шт', now() + interval '7 days', 'Москва', $2
       FROM generate_series(1, $3::int) g RETURNING id`,
      [organizer!.id, status, procurementCount]
    )
  ).map((r) => r.id)
}

/** The database's transaction and row counters (pg_stat_database; flushed by the server within about a second). */
const counters = async () => {
  await new Promise((resolve) => setTimeout(resolve, 1200))
  const [row] = await db.query<{ xactCommit: string; xactRollback: string; tupReturned: string; tupFetched: string }>(
    `SELECT xact_commit, xact_rollback, tup_returned, tup_fetched FROM pg_stat_database WHERE datname = current_database()`
  )
  return row!
}

/** Per request of the last block: transactions committed and rolled back, rows read (seq + index). */
const perRequest: Array<string> = []

/** Runs the requests 200 at a time; the rate in requests per second. Any answer but 2xx aborts the benchmark. */
const run = async (requests: ReadonlyArray<{ url: string; token: string; body: unknown }>) => {
  const before = await counters()
  const started = performance.now()
  await inBatches(requests, inFlight, async (r) => {
    const response = await fetch(r.url, {
      method: "POST",
      headers: { authorization: `Bearer ${r.token}`, "content-type": "application/json" },
      body: JSON.stringify(r.body)
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`${r.url}: ${response.status} ${text}`)
  })
  const rate = requests.length / ((performance.now() - started) / 1000)
  const after = await counters()
  const per = (k: keyof typeof after) => ((Number(after[k]) - Number(before[k])) / requests.length).toFixed(1)
  perRequest.push(
    `${per("xactCommit")} commits, ${per("xactRollback")} rollbacks, ${per("tupReturned")} rows scanned, ` +
      `${per("tupFetched")} rows fetched per request (with the bench's own few statements)`
  )
  return rate
}

const joinBlock = async () => {
  const users = await seedUsers(ops, 0)
  const procurements = await seedProcurements("ACTIVE")
  const tokens = await hubTokens(users)
  return run(
    users.map((_, i) => ({
      url: `${base}/procurements/${procurements[i % procurementCount]}/join`,
      token: tokens[i]!,
      body: { quantity: 1 }
    }))
  )
}

const payBlock = async () => {
  const users = await seedUsers(ops, 1_000_000)
  const procurements = await seedProcurements("PAYMENT")
  await db.query(
    `INSERT INTO participants (procurement_id, user_id, quantity, amount, status)
     SELECT ($2::uuid[])[1 + (ord - 1) % $3], u, 1, 10000, 'CONFIRMED' FROM unnest($1::uuid[]) WITH ORDINALITY AS t(u, ord)`,
    [users, procurements, procurementCount]
  )
  const tokens = await hubTokens(users)
  return run(
    users.map((_, i) => ({
      url: `${base}/procurements/${procurements[i % procurementCount]}/pay`,
      token: tokens[i]!,
      body: {}
    }))
  )
}

/** pgbench TPC-B (scale 10) on its own database of the same server. */
const pgbenchDatabase = hasPgbench ? await freshDatabase() : undefined
const pgbenchArgs = (url: string) => {
  const u = new URL(url)
  return ["-h", u.hostname, "-p", u.port || "5432", "-U", decodeURIComponent(u.username || "postgres")]
}
if (pgbenchDatabase !== undefined) {
  const name = new URL(pgbenchDatabase.url).pathname.slice(1)
  execFileSync("pgbench", [...pgbenchArgs(pgbenchDatabase.url), "-i", "-q", "-s", "10", name], { stdio: "ignore" })
}
const pgbenchBlock = () => {
  const name = new URL(pgbenchDatabase!.url).pathname.slice(1)
  const out = execFileSync(
    "pgbench",
    [...pgbenchArgs(pgbenchDatabase!.url), "-c", String(pgbenchClients), "-j", "2", "-T", String(pgbenchSeconds), name],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }
  )
  return Number(/tps = ([\d.]+)/.exec(out)![1])
}

const summary = (xs: ReadonlyArray<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  return { min: s[0]!, median: s[s.length >> 1]!, max: s[s.length - 1]! }
}
const fmt = (xs: ReadonlyArray<number>, digits = 0) => {
  const { max, median, min } = summary(xs)
  return `min ${min.toFixed(digits)}  median ${median.toFixed(digits)}  max ${max.toFixed(digits)}`
}

try {
  await joinBlock() // warm-up: JIT, pool, plans
  const joins: Array<number> = []
  const pays: Array<number> = []
  const tps: Array<number> = []
  for (let b = 0; b < blocks; b++) {
    joins.push(await joinBlock())
    pays.push(await payBlock())
    if (hasPgbench) tps.push(pgbenchBlock())
    console.log(
      `block ${b + 1}: join ${joins[b]!.toFixed(0)}/s, pay ${pays[b]!.toFixed(0)}/s` +
        (hasPgbench ? `, pgbench ${tps[b]!.toFixed(0)} TPS` : "")
    )
    console.log(`  join: ${perRequest.at(-2)}\n  pay:  ${perRequest.at(-1)}`)
  }
  console.log(`\n# ledger: ${ops} requests per block, ${inFlight} in flight, ${blocks} blocks`)
  console.log(`joins/s     ${fmt(joins)}`)
  console.log(`payments/s  ${fmt(pays)}`)
  if (hasPgbench) {
    console.log(`pgbench TPC-B (scale 10, ${pgbenchClients} clients, ${pgbenchSeconds} s) TPS  ${fmt(tps)}`)
    console.log(
      `ratio join / pgbench  ${fmt(
        joins.map((j, i) => j / tps[i]!),
        2
      )}`
    )
    console.log(
      `ratio pay / pgbench   ${fmt(
        pays.map((p, i) => p / tps[i]!),
        2
      )}`
    )
    console.log(`goal ≥ 0.3×`)
  } else {
    console.log("pgbench is not installed: compare with `pgbench -c 32 -j 2 -T 10` TPC-B TPS on this server")
  }
} finally {
  await server.stop()
  await db.close()
  await database.drop()
  await pgbenchDatabase?.drop()
}
