import { afterEach, assert, describe, it } from "@effect/vitest"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { WebSocket } from "ws"
import { killRunning, run, waitFor } from "./utils/Spawn.js"

// a failed test must not leave its server running
afterEach(killRunning)

describe("start-up", () => {
  it("a configuration error names the variable and exits with status 1", { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gb-start-"))
    const server = run("main.ts", [], { DATA_DIR: dataDir, PORT: "not-a-port" })
    const { code } = await server.exited
    assert.strictEqual(code, 1)
    assert.match(server.output(), /bad configuration[\s\S]*PORT:/)
  })

  it(
    "npm start's main module serves health, the API document and the widget, and exits cleanly on SIGTERM",
    {
      timeout: 300_000
    },
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "gb-start-"))
      // PUBLIC_URL names how browsers reach the server: the widget page's WebSocket URL comes from it, never from Host
      const env = {
        DATA_DIR: dataDir,
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_FORMAT: "json",
        PUBLIC_URL: "https://chat.example.test"
      }

      const admin = run("cli/admin.ts", ["create", "owner@example.com"], {
        ...env,
        ADMIN_PASSWORD: "a long enough password"
      })
      assert.strictEqual((await admin.exited).code, 0, admin.output())
      assert.include(admin.output(), "admin owner@example.com created")

      const server = run("main.ts", [], env)
      const port = await waitFor(
        "the listening log line",
        () => /Listening on http:\/\/[^:]+:(\d+)/.exec(server.output())?.[1],
        server.output
      )
      const base = `http://127.0.0.1:${port}`
      const health = await fetch(`${base}/health`)
      assert.strictEqual(health.status, 200)
      const ready = await fetch(`${base}/ready`)
      assert.strictEqual(ready.status, 200)
      const spec = (await (await fetch(`${base}/api/openapi.json`)).json()) as { paths: Record<string, unknown> }
      assert.property(spec.paths, "/api/procurements/{id}/join")
      const widget = await fetch(`${base}/widget.js`)
      assert.strictEqual(widget.status, 200)
      assert.include(widget.headers.get("content-type") ?? "", "javascript")
      assert.isAbove((await widget.text()).length, 1000)
      const page = await (await fetch(`${base}/widget`)).text()
      assert.include(page, `data-server="wss://chat.example.test/ws/chat"`)
      const login = await fetch(`${base}/api/admin/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "owner@example.com", password: "a long enough password" })
      })
      assert.strictEqual(login.status, 200)
      // the web chat: a guest token from the HTTP endpoint, then /start over /ws/chat answered by the router
      const guest = (await (
        await fetch(`${base}/api/chat/token`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}"
        })
      ).json()) as { token: string }
      const frames: Array<Record<string, any>> = []
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/chat`, { origin: `http://127.0.0.1:${port}` })
      ws.on("message", (data) => frames.push(JSON.parse(String(data))))
      await new Promise((resolve, reject) => (ws.once("open", resolve), ws.once("error", reject)))
      ws.send(JSON.stringify({ type: "hello", v: "groupbuy.chat.v1", token: guest.token, locale: "ru" }))
      await waitFor("welcome", () => frames.find((f) => f.type === "welcome"), server.output, 30_000)
      ws.send(JSON.stringify({ type: "update", id: "start-1", update: { kind: "text", text: "/start" } }))
      const reply = await waitFor("a reply", () => frames.find((f) => f.type === "reply"), server.output, 30_000)
      assert.strictEqual(reply["inReplyTo"], "start-1")
      ws.close()

      // structured logs: one JSON object per line
      const lines = server
        .output()
        .split("\n")
        .filter((l) => l.startsWith("{"))
      assert.isAbove(lines.length, 0)
      assert.property(JSON.parse(lines[0]!), "logLevel")

      server.child.kill("SIGTERM")
      const exit = await server.exited
      assert.deepStrictEqual(exit, { code: 0, signal: null }, server.output())
    }
  )
})
