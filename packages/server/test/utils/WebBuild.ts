/**
 * The built web cabinet for browser tests: built when missing or when a source under packages/web/src is newer. Test
 * files run in parallel workers, so the check and the build hold a lock (a directory, created atomically): a second
 * worker waits for the first one's build instead of building over it while a page is being served from it.
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs"
import { join } from "node:path"
import { WEB_DIST } from "../../src/http/WebRoutes.js"

const newest = (dir: string): number =>
  Math.max(
    0,
    ...readdirSync(dir).map((name) => {
      const path = join(dir, name)
      const stat = statSync(path)
      return stat.isDirectory() ? newest(path) : stat.mtimeMs
    })
  )

/** A lock older than this was left by a killed worker. */
const STALE_LOCK_MS = 10 * 60_000

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

const withLock = (lock: string, body: () => void) => {
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
      const age = Date.now() - (existsSync(lock) ? statSync(lock).mtimeMs : Date.now())
      if (age > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true })
      else sleepSync(200)
    }
  }
  try {
    body()
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

export const ensureWebBuild = () => {
  const index = join(WEB_DIST, "index.html")
  const web = join(WEB_DIST, "..")
  withLock(join(web, ".build-lock"), () => {
    if (!existsSync(index) || newest(join(web, "src")) > statSync(index).mtimeMs) {
      execFileSync("npx", ["vite", "build"], { cwd: web, stdio: "inherit" })
    }
  })
}
