/**
 * Start-up benchmark (issue 17): `npm start` (the real command, from the repository root) with no configuration
 * but PORT and DATA_DIR — embedded PGlite — until `GET /health` answers 200, on an existing data directory and on
 * an empty one, alternating, five runs each (`STARTUP_RUNS`). Prints min / median / max wall-clock seconds and the
 * CPU seconds the process tree used up to that moment. Goal: under 3 s on an existing data directory.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..")
const runs = Number(process.env["STARTUP_RUNS"] ?? "5")

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
    })
  })

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** CPU seconds of a process and its descendants, from /proc (USER_HZ = 100). */
const treeCpuSeconds = (pid: number): number => {
  const children = new Map<number, Array<number>>()
  const cpu = new Map<number, number>()
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]!.split(" ")
      const parent = Number(fields[1])
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)])
      cpu.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / 100)
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0
  const stack = [pid]
  while (stack.length > 0) {
    const p = stack.pop()!
    total += cpu.get(p) ?? 0
    stack.push(...(children.get(p) ?? []))
  }
  return total
}

const ended = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null

/** Whether any process of the child's group (npm, sh, node) is still there. */
const groupAlive = (child: ChildProcess) => {
  try {
    process.kill(-child.pid!, 0)
    return true
  } catch {
    return false
  }
}

/** SIGTERM to the whole process group, then waits until every one of them exited (SIGKILL after 20 s). */
const stop = async (child: ChildProcess) => {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name)
    } catch {
      // the group is gone already
    }
  }
  signal("SIGTERM")
  const since = performance.now()
  while (groupAlive(child)) {
    if (performance.now() - since > 20_000) signal("SIGKILL")
    await sleep(50)
  }
}

/**
 * How a start is launched: `npm start` from the repository root, or with STARTUP_COMPARE=1 also the former
 * `npm start` command (the web build check, then tsx compiling the TypeScript sources), run without its two npm
 * processes — so the comparison favours the former.
 */
const NPM_START = { command: "npm", args: ["start"], cwd: root }
const FORMER = {
  command: "sh",
  args: ["-c", "node scripts/ensure-web-build.mjs && exec ../../node_modules/.bin/tsx src/main.ts"],
  cwd: join(root, "packages", "server")
}
const compare = process.env["STARTUP_COMPARE"] === "1"

/** One start on dataDir: seconds to a healthy /health and the CPU seconds used by then. */
const startOnce = async (dataDir: string, how = NPM_START): Promise<{ seconds: number; cpu: number }> => {
  const port = await freePort()
  const env: Record<string, string | undefined> = { ...process.env }
  for (const name of ["DATABASE_URL", "REDIS_URL", "TELEGRAM_BOT_TOKEN", "VK_TOKEN", "WHATSAPP_ENABLED"])
    delete env[name]
  const started = performance.now()
  const child = spawn(how.command, how.args, {
    cwd: how.cwd,
    detached: true,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...env, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "warning" }
  })
  try {
    for (;;) {
      if (ended(child)) throw new Error(`npm start exited with ${child.exitCode ?? child.signalCode}`)
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false
      )
      if (ok) break
      if (performance.now() - started > 120_000) throw new Error("not healthy within 120 s")
      await sleep(20)
    }
    return { seconds: (performance.now() - started) / 1000, cpu: treeCpuSeconds(child.pid!) }
  } finally {
    await stop(child)
  }
}

const summary = (xs: Array<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  return `min ${s[0]!.toFixed(2)}  median ${s[s.length >> 1]!.toFixed(2)}  max ${s[s.length - 1]!.toFixed(2)}`
}

const existing = mkdtempSync(join(tmpdir(), "groupbuy-startup-existing-"))
const empties: Array<string> = []
try {
  await startOnce(existing) // creates and migrates it: from now on an existing data directory
  type Run = { seconds: number; cpu: number }
  const results: Record<"existing" | "empty" | "former", Array<Run>> = { existing: [], empty: [], former: [] }
  for (let r = 0; r < runs; r++) {
    if (compare) {
      results.former.push(await startOnce(existing, FORMER))
      console.log(`run ${r + 1}: former (tsx) on the existing directory ${results.former[r]!.seconds.toFixed(2)} s`)
    }
    results.existing.push(await startOnce(existing))
    const empty = mkdtempSync(join(tmpdir(), "groupbuy-startup-empty-"))
    empties.push(empty)
    results.empty.push(await startOnce(empty))
    console.log(
      `run ${r + 1}: existing ${results.existing[r]!.seconds.toFixed(2)} s (cpu ${results.existing[r]!.cpu.toFixed(2)} s), ` +
        `empty ${results.empty[r]!.seconds.toFixed(2)} s (cpu ${results.empty[r]!.cpu.toFixed(2)} s)`
    )
  }
  console.log(`\n# start-up: npm start → healthy /health (embedded PGlite), ${runs} runs`)
  for (const kind of compare ? (["existing", "empty", "former"] as const) : (["existing", "empty"] as const)) {
    console.log(
      `${kind === "former" ? "former npm start (tsx), existing" : kind.padEnd(8)} data directory: wall s ${summary(results[kind].map((x) => x.seconds))}; ` +
        `cpu s ${summary(results[kind].map((x) => x.cpu))}`
    )
  }
  const median = [...results.existing.map((x) => x.seconds)].sort((a, b) => a - b)[runs >> 1]!
  console.log(
    `goal: existing data directory under 3 s — ${median < 3 ? "met" : "NOT met"} (median ${median.toFixed(2)} s)`
  )
} finally {
  for (const dir of [existing, ...empties]) rmSync(dir, { recursive: true, force: true })
}
