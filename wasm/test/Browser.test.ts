/// <reference lib="dom" />
// Loads the kernels in headless Chromium from a loopback HTTP server and checks the results equal Node's, that
// WebAssembly is used there, and that formatMessageText output parsed by a real DOM contains only safe links.
import { assert, describe, it } from "@effect/vitest"
import { build } from "esbuild"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"
import { chromium } from "playwright-core"
import { formatMessageText } from "./browser/Hostile.js"
import { HOSTILE_TEXTS, runScenario } from "./browser/Scenario.js"
import { wasmBytes } from "./Fixtures.js"

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium"

const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import * as app from "/app.js"
window.__app = app
window.__ready = true
</script>`

const serve = async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL("./browser/Entry.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent"
  })
  const js = bundle.outputFiles[0]!.text
  const wasm = await wasmBytes()
  const server = createServer((req, res) => {
    const routes: Record<string, [string, string | Uint8Array]> = {
      "/": ["text/html; charset=utf-8", PAGE],
      "/app.js": ["text/javascript; charset=utf-8", js],
      // The bundle resolves new URL("../build/kernels.wasm", import.meta.url) against /app.js.
      "/build/kernels.wasm": ["application/wasm", wasm]
    }
    const route = routes[req.url ?? ""]
    if (route === undefined) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { "content-type": route[0] }).end(route[1])
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }
}

describe("in headless Chromium", () => {
  it("kernels load as WebAssembly, match Node's results and render only safe links", async () => {
    const { server, url } = await serve()
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    })
    try {
      const page = await browser.newPage()
      const errors: Array<string> = []
      page.on("pageerror", (e) => errors.push(e.message))
      await page.goto(url)
      await page.waitForFunction(() => (window as unknown as { __ready?: boolean }).__ready === true)
      type App = { runScenario(o?: object): Promise<string>; formatMessageText(t: string): Promise<string> }
      const inBrowser = await page.evaluate(() => (window as unknown as { __app: App }).__app.runScenario())
      const inNode = await runScenario()
      assert.deepStrictEqual(errors, [])
      assert.include(inBrowser, `"wasmLoaded":true`)
      assert.strictEqual(inBrowser, inNode)
      const jsOnly = await page.evaluate(() =>
        (window as unknown as { __app: App }).__app.runScenario({ disableWasm: true })
      )
      assert.strictEqual(jsOnly, await runScenario({ disableWasm: true }))

      for (const text of HOSTILE_TEXTS) {
        const html = await formatMessageText(text)
        const elements = await page.evaluate((h) => {
          const div = document.createElement("div")
          div.innerHTML = h
          return Array.from(div.querySelectorAll("*")).map((e) => ({
            tag: e.tagName,
            attributes: Array.from(e.attributes).map((a) => [a.name, a.value])
          }))
        }, html)
        for (const e of elements) {
          assert.strictEqual(e.tag, "A", html)
          assert.deepStrictEqual(
            e.attributes.map(([name]) => name),
            ["href", "rel", "target"]
          )
          assert.match(e.attributes[0]![1]!, /^https?:\/\//i)
        }
      }
    } finally {
      await browser.close()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
