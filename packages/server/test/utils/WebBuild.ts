/** The built web cabinet for browser tests: built when missing or when a source under packages/web/src is newer. */
import { execFileSync } from "node:child_process"
import { existsSync, readdirSync, statSync } from "node:fs"
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

export const ensureWebBuild = () => {
  const index = join(WEB_DIST, "index.html")
  const web = join(WEB_DIST, "..")
  if (!existsSync(index) || newest(join(web, "src")) > statSync(index).mtimeMs) {
    execFileSync("npx", ["vite", "build"], { cwd: web, stdio: "inherit" })
  }
}
