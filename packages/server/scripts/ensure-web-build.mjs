/**
 * `npm start` on a fresh clone serves the built cabinet: builds the wasm kernels and packages/web once when their
 * outputs are missing (a later `npm run build` rebuilds them).
 */
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const npm = process.platform === "win32" ? "npm.cmd" : "npm"
const build = (workspace) => execFileSync(npm, ["run", "build", "-w", workspace], { cwd: root, stdio: "inherit" })

if (!existsSync(new URL("../../web/dist/index.html", import.meta.url))) {
  if (!existsSync(new URL("../../../wasm/build/kernels.wasm", import.meta.url))) build("@groupbuy/wasm")
  build("@groupbuy/web")
}
