import { afterEach, assert, describe, it } from "@effect/vitest"
import { lstatSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { killRunning, run, waitFor } from "./utils/Spawn.js"

afterEach(killRunning)

/** Every path below `root` whose permissions give anything to group or others. */
const openToOthers = (root: string): Array<string> => {
  const stat = lstatSync(root)
  const here = (stat.mode & 0o077) !== 0 && !stat.isSymbolicLink() ? [`${root} ${(stat.mode & 0o777).toString(8)}`] : []
  return stat.isDirectory() ? [...here, ...readdirSync(root).flatMap((name) => openToOthers(join(root, name)))] : here
}

describe("the embedded database's data directory", () => {
  it(
    "the admin CLI refuses while a server runs on it (and says so); run after the server stops, the admin survives a restart; everything is owner-only",
    { timeout: 600_000 },
    async () => {
      const dataDir = join(mkdtempSync(join(tmpdir(), "gb-data-")), "data")
      mkdirSync(dataDir, { mode: 0o755 })
      const env = { DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", LOG_FORMAT: "json" }
      const start = async () => {
        const server = run("main.ts", [], env)
        const port = await waitFor(
          "the listening log line",
          () => /Listening on http:\/\/[^:]+:(\d+)/.exec(server.output())?.[1],
          server.output
        )
        return { server, port }
      }
      const stop = async (server: ReturnType<typeof run>) => {
        server.child.kill("SIGTERM")
        assert.deepStrictEqual(await server.exited, { code: 0, signal: null }, server.output())
      }
      const createAdmin = () =>
        run("cli/admin.ts", ["create", "owner@example.com"], { ...env, ADMIN_PASSWORD: "a long enough password" })
      const login = (port: string) =>
        fetch(`http://127.0.0.1:${port}/api/admin/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: "owner@example.com", password: "a long enough password" })
        })

      const first = await start()
      const refused = createAdmin()
      assert.strictEqual((await refused.exited).code, 1, refused.output())
      assert.notInclude(refused.output(), "created")
      assert.include(refused.output(), "is in use by another process (a running server?): stop it first")
      assert.deepStrictEqual(openToOthers(dataDir), [])
      await stop(first.server)

      const created = createAdmin()
      assert.strictEqual((await created.exited).code, 0, created.output())
      assert.include(created.output(), "admin owner@example.com created")

      const second = await start()
      assert.strictEqual((await login(second.port)).status, 200)
      await stop(second.server)
      assert.deepStrictEqual(openToOthers(dataDir), [])
    }
  )
})
