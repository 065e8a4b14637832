import { assert, describe, it } from "@effect/vitest"
import {
  checkExports,
  generateMessages,
  generateProcurements,
  KERNEL_NAMES,
  loadKernels,
  ROUTING,
  toProcurementColumns
} from "../src/index.js"
import type { Kernels, WebAssemblyApi } from "../src/index.js"
import { canonical, instantiateWasm, wasmBytes, WebAssemblyGlobal } from "./Fixtures.js"

const NOW = Date.UTC(2026, 0, 15, 9, 0, 0)

/** A few calls whose exact results are pinned, to prove a kernel set works whichever backend serves it. */
const exercise = (k: Kernels) => {
  assert.strictEqual(k.formatCurrency(123_456_789), "1\u00a0234\u00a0567,89\u00a0₽")
  assert.deepStrictEqual(k.validatePhone("8 (999) 123-45-67"), { valid: true, normalized: "+79991234567" })
  const items = generateProcurements(50, 3)
  assert.strictEqual(k.batchProcessProcurements(items, NOW).formattedTarget.length, 50)
  assert.strictEqual(k.sortProcurements(items, [{ field: "title" }]).length, 50)
  assert.strictEqual(k.aggregateProcurementStats(items, NOW).total, 50)
  const columns = toProcurementColumns(items)
  assert.strictEqual(k.batchProcessProcurementsColumns(columns, NOW).formattedTarget.length, 50)
  assert.strictEqual(k.sortProcurementsColumns(columns, [{ field: "city" }]).length, 50)
  assert.strictEqual(k.aggregateProcurementStatsColumns(columns, NOW).total, 50)
  assert.deepStrictEqual(k.searchMessages(generateMessages(5, 3), "zzz"), [])
  assert.strictEqual(k.formatMessageText("<i>"), "&lt;i&gt;")
}

describe("loadKernels", () => {
  it("loads kernels.wasm from next to the package and routes by ROUTING", async () => {
    const k = await loadKernels()
    assert.strictEqual(k.wasmError, undefined)
    assert.isTrue(k.wasmLoaded)
    for (const name of KERNEL_NAMES) assert.strictEqual(k.backendOf(name), ROUTING[name], name)
    assert.isTrue(KERNEL_NAMES.some((name) => k.backendOf(name) === "wasm"))
    exercise(k)
  })

  it("falls back to JS for everything when WebAssembly does not exist", async () => {
    const g = globalThis as { WebAssembly?: unknown }
    const saved = g.WebAssembly
    delete g.WebAssembly
    try {
      assert.strictEqual(typeof (globalThis as { WebAssembly?: unknown }).WebAssembly, "undefined")
      const k = await loadKernels()
      assert.isFalse(k.wasmLoaded)
      assert.match(k.wasmError ?? "", /WebAssembly is not available/)
      for (const name of KERNEL_NAMES) assert.strictEqual(k.backendOf(name), "js", name)
      exercise(k)
      const bench = k.benchmarkBatchProcessing({ count: 100, rounds: 1 })
      assert.strictEqual(bench.wasmMs, null)
      assert.strictEqual(bench.faster, "js")
    } finally {
      g.WebAssembly = saved
    }
  })

  it("falls back to JS when instantiation fails, the bytes are not wasm, or the file is missing", async () => {
    const failing: WebAssemblyApi = {
      Module: class {},
      instantiate: () => Promise.reject(new Error("instantiate refused"))
    }
    const cases: Array<[Parameters<typeof loadKernels>[0], RegExp]> = [
      [{ webAssembly: failing }, /instantiate refused/],
      [{ wasm: new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]) }, /loading kernels.wasm failed/],
      [{ wasm: new URL("file:///nonexistent/kernels.wasm") }, /ENOENT/],
      [{ disableWasm: true }, /disabled/]
    ]
    for (const [options, reason] of cases) {
      const k = await loadKernels(options)
      assert.isFalse(k.wasmLoaded)
      assert.match(k.wasmError ?? "", reason)
      for (const name of KERNEL_NAMES) assert.strictEqual(k.backendOf(name), "js")
      exercise(k)
    }
  })

  it("accepts bytes, a compiled Module and a fetch Response", async () => {
    const bytes = new Uint8Array(await wasmBytes())
    const api = WebAssemblyGlobal() as WebAssemblyApi & { compile(b: Uint8Array): Promise<object> }
    const sources = [
      bytes,
      await api.compile(bytes),
      new Response(bytes, { headers: { "content-type": "application/wasm" } })
    ]
    for (const wasm of sources) {
      const k = await loadKernels({ wasm })
      assert.strictEqual(k.wasmError, undefined)
      exercise(k)
    }
    const plain = await loadKernels({ wasm: new Response(bytes, { headers: { "content-type": "text/plain" } }) })
    assert.isTrue(plain.wasmLoaded, "served with the wrong MIME type it still loads, through the buffered path")
  })

  it("refuses a module with missing exports or another ABI version", async () => {
    const { exports } = await instantiateWasm()
    const all = exports as unknown as Record<string, unknown>
    assert.strictEqual(checkExports(all), undefined)
    assert.match(checkExports({ ...all, sortProcurements: undefined }) ?? "", /lacks exports: sortProcurements/)
    assert.match(checkExports({ ...all, abiVersion: () => 1 }) ?? "", /ABI 1/)
  })

  it("lets the caller override the routing of single functions", async () => {
    const k = await loadKernels({ routing: { sortProcurements: "js", formatCurrency: "wasm" } })
    assert.strictEqual(k.backendOf("sortProcurements"), "js")
    assert.strictEqual(k.backendOf("formatCurrency"), "wasm")
    assert.throws(() => k.backendOf("nope" as "formatCurrency"), /unknown function/)
    exercise(k)
  })

  it("benchmarkBatchProcessing measures both backends over a deterministic batch", async () => {
    const k = await loadKernels()
    const r = k.benchmarkBatchProcessing({ count: 2000, rounds: 3, seed: 9 })
    assert.strictEqual(r.count, 2000)
    assert.strictEqual(r.identical, true)
    assert.isTrue(r.jsMs >= 0 && r.wasmMs !== null && r.wasmMs >= 0)
    assert.throws(() => k.benchmarkBatchProcessing({ count: 0 }), /count/)
  })
})

describe("wasm memory", () => {
  it("does not grow across repeated calls with the same batch sizes", async () => {
    const { backend, exports } = await instantiateWasm()
    const items = generateProcurements(3000, 5)
    const messages = generateMessages(3000, 5)
    const columns = toProcurementColumns(items)
    const round = () => {
      backend.batchProcessProcurements(items, NOW)
      backend.searchProcurements(items, "мёд москва")
      backend.sortProcurements(items, [{ field: "city" }, { field: "deadline", direction: "desc" }])
      backend.aggregateProcurementStats(items, NOW)
      backend.batchProcessProcurementsColumns(columns, NOW)
      backend.sortProcurementsColumns(columns, [{ field: "city" }, { field: "progress", direction: "desc" }])
      backend.aggregateProcurementStatsColumns(columns, NOW)
      backend.batchProcessMessages(messages, { tzOffsetMinutes: 180 })
      backend.searchMessages(messages, "ссылка")
      backend.formatMessageText("https://a.ru <b>")
      backend.getInitials("Анна Петрова")
    }
    round()
    const size = exports.memory.buffer.byteLength
    const first = canonical(backend.aggregateProcurementStats(items, NOW))
    for (let i = 0; i < 60; i++) round()
    assert.strictEqual(exports.memory.buffer.byteLength, size)
    assert.strictEqual(canonical(backend.aggregateProcurementStats(items, NOW)), first)
  })
})
