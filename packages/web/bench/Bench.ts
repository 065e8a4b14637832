/**
 * The cabinet's figures: the initial JavaScript of the built bundle (what index.html loads before any screen, gzip),
 * and the time to first render of the Browse list of 1,000 procurements in Chromium with WebAssembly and without it
 * (the JS fallback). The API is answered by a fixture server on loopback (generated procurements in the contract's
 * JSON shape), so the figure is the client's work: fetch + decode 10 pages, pack, process, sort, render.
 * Run: npm run bench -w @groupbuy/web  (RUNS=5 by default; CHROMIUM_PATH overrides /usr/bin/chromium)
 */
import { generateProcurements, SAMPLE_NOW } from "@groupbuy/wasm"
import { randomUUID } from "node:crypto"
import { readFileSync, existsSync } from "node:fs"
import { createServer } from "node:http"
import { extname, join, normalize } from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import { chromium } from "playwright-core"

const DIST = fileURLToPath(new URL("../dist/", import.meta.url))
const RUNS = Number(process.env["RUNS"] ?? 5)
const COUNT = 1000

// 1. initial JavaScript: the entry script and the modules index.html preloads
const html = readFileSync(join(DIST, "index.html"), "utf8")
const scripts = [
  ...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/([^"]+\.js)"/g)
].map((m) => m[1]!)
const css = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="\/([^"]+\.css)"/g)].map((m) => m[1]!)
const sizes = (files: ReadonlyArray<string>) =>
  files.reduce(
    (acc, f) => {
      const bytes = readFileSync(join(DIST, f))
      return { raw: acc.raw + bytes.length, gzip: acc.gzip + gzipSync(bytes, { level: 9 }).length }
    },
    { raw: 0, gzip: 0 }
  )
const js = sizes(scripts)
const styles = sizes(css)
const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`
console.log(`initial JS  ${scripts.join(", ")}: ${kb(js.raw)} raw, ${kb(js.gzip)} gzip`)
console.log(`initial CSS ${css.join(", ")}: ${kb(styles.raw)} raw, ${kb(styles.gzip)} gzip`)

// 2. first render of 1,000 procurements
const now = Date.now()
const organizer = randomUUID()
const views = generateProcurements(COUNT, 7, SAMPLE_NOW).map((p, i) => {
  const iso = (ms: number) => new Date(ms).toISOString()
  const shift = now - SAMPLE_NOW
  const deadline = Number.isFinite(p.deadline) ? p.deadline + shift : now + 86_400_000
  const collected = Math.max(0, Math.floor(p.collectedAmount))
  const target = Math.max(1, Math.floor(p.targetAmount))
  return {
    procurement: {
      id: randomUUID(),
      title: p.title,
      description: p.description,
      categoryId: null,
      organizerId: organizer,
      supplierId: null,
      targetAmount: String(target),
      pricePerUnit: "10000",
      unit: "шт",
      minQuantity: 1,
      deadline: iso(Math.max(deadline, now + 3_600_000)),
      paymentDeadline: null,
      city: p.city,
      deliveryAddress: null,
      stopAtAmount: null,
      imageUrl: null,
      isFeatured: i % 100 === 0,
      organizerFeePercent: 0,
      status: "ACTIVE",
      heldAmount: "0",
      createdAt: iso(Number.isFinite(p.createdAt) ? p.createdAt + shift : now),
      updatedAt: iso(now)
    },
    progress: {
      collectedAmount: String(collected),
      percent: Math.floor((collected * 100) / target),
      participantCount: Math.max(0, Math.floor(p.participantCount)),
      daysLeft: Math.max(0, Math.ceil((Math.max(deadline, now + 3_600_000) - now) / 86_400_000))
    },
    organizer: { id: organizer, name: "Bench" },
    supplier: null
  }
})
const user = {
  id: organizer,
  firstName: "Bench",
  lastName: null,
  username: null,
  phone: null,
  email: null,
  language: "ru",
  role: "organizer",
  isAdmin: false,
  balance: "0",
  isVerified: true,
  isActive: true,
  lastPlatform: null,
  createdAt: new Date(now).toISOString(),
  updatedAt: new Date(now).toISOString()
}
const session = { token: "bench", expiresAt: new Date(now + 86_400_000).toISOString(), user }
const TYPES: Record<string, string> = {
  ".js": "text/javascript",
  ".css": "text/css",
  ".wasm": "application/wasm",
  ".html": "text/html; charset=utf-8"
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://x")
  const json = (body: unknown) => {
    response.writeHead(200, { "content-type": "application/json" })
    response.end(JSON.stringify(body))
  }
  if (url.pathname === "/api/categories") return json([])
  if (url.pathname === "/api/procurements") {
    const offset = Number(url.searchParams.get("offset") ?? 0)
    const limit = Number(url.searchParams.get("limit") ?? 20)
    return json({ items: views.slice(offset, offset + limit), total: views.length, offset, limit })
  }
  if (url.pathname.startsWith("/api/")) {
    response.writeHead(404, { "content-type": "application/json" })
    return response.end("{}")
  }
  const file = normalize(join(DIST, url.pathname))
  const asset = file.startsWith(DIST) && extname(file) !== "" && existsSync(file) ? file : join(DIST, "index.html")
  response.writeHead(200, { "content-type": TYPES[extname(asset)] ?? "application/octet-stream" })
  response.end(readFileSync(asset))
})
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
const address = server.address()
const origin = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`

const browser = await chromium.launch({
  executablePath: process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
})

const firstRender = async (wasm: boolean) => {
  const context = await browser.newContext()
  await context.addInitScript(
    ([key, value, keepWasm]) => {
      window.sessionStorage.setItem(key, value)
      if (!keepWasm) delete (globalThis as { WebAssembly?: unknown }).WebAssembly
    },
    ["groupbuy.web.session", JSON.stringify(session), wasm] as const
  )
  const page = await context.newPage()
  await page.goto(`${origin}/`)
  await page.waitForFunction(
    (count) => document.querySelectorAll('[data-testid="procurement-list"] li').length === count,
    COUNT,
    { timeout: 60_000 }
  )
  const result = await page.evaluate(() => {
    const list = document.querySelector('[data-testid="procurement-list"]')
    const api = performance
      .getEntriesByType("resource")
      .filter((e) => e.name.includes("/api/procurements"))
      .map((e) => (e as PerformanceResourceTiming).responseEnd)
    return {
      ms: performance.now(),
      apiDoneMs: Math.max(...api),
      kernelMs: Number(list?.getAttribute("data-kernel-ms") ?? Number.NaN),
      backend: list?.getAttribute("data-backend")
    }
  })
  await context.close()
  return result
}

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
for (const wasm of [true, false]) {
  await firstRender(wasm) // warm the disk cache and the browser
  const runs: Array<number> = []
  const kernels: Array<number> = []
  const apiDone: Array<number> = []
  let backend: string | null | undefined
  for (let i = 0; i < RUNS; i++) {
    const r = await firstRender(wasm)
    runs.push(r.ms)
    kernels.push(r.kernelMs)
    apiDone.push(r.apiDoneMs)
    backend = r.backend
  }
  console.log(
    `first render of ${COUNT} procurements, ${wasm ? "WebAssembly" : "no WebAssembly"} (backend ${backend}): ` +
      `median ${median(runs).toFixed(0)} ms, min ${Math.min(...runs).toFixed(0)} ms over ${RUNS} runs; ` +
      `the last page answered at ${median(apiDone).toFixed(0)} ms; ` +
      `the list kernels (pack, process, aggregate, sort) took ${median(kernels).toFixed(1)} ms`
  )
}
await browser.close()
server.close()
