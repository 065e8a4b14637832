/** Runs the server's entry points as `npm start` does (a child process under tsx) and waits on what they print. */
import { type ChildProcess, spawn } from "node:child_process"
import { resolve } from "node:path"

const serverDir = resolve(import.meta.dirname, "../..")

export interface Spawned {
  readonly child: ChildProcess
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
  /** everything written to stdout and stderr so far */
  readonly output: () => string
}

const running = new Set<ChildProcess>()

/** Runs `src/<script>` like `npm start` does (tsx), in a clean environment: only PATH, HOME and `env`. */
export const run = (script: string, args: ReadonlyArray<string>, env: Record<string, string>): Spawned => {
  const child = spawn(process.execPath, ["--import", "tsx", `src/${script}`, ...args], {
    cwd: serverDir,
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  child.stdout.on("data", (d) => (output += String(d)))
  child.stderr.on("data", (d) => (output += String(d)))
  running.add(child)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on("exit", (code, signal) => {
      running.delete(child)
      done({ code, signal })
    })
  )
  return { child, exited, output: () => output }
}

/** Kills what `run` started and is still running (for `afterEach`: a test that timed out leaves no server behind). */
export const killRunning = (): void => {
  for (const child of running) child.kill("SIGKILL")
}

/** Polls `get` until it gives a value; past `ms` fails with what the process printed. */
export const waitFor = async <A>(what: string, get: () => A | undefined, output: () => string, ms = 150_000) => {
  const started = Date.now()
  for (;;) {
    const value = get()
    if (value !== undefined) return value
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}:\n${output()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
