/**
 * `npm run bench -w @groupbuy/wasm`: times every function on both backends for 1k / 10k / 100k items and prints
 * a Markdown table. Times are medians of the process CPU time of whole API calls, so packing inputs into wasm
 * memory and unpacking the results are included: object rows include packing the objects' fields, *Columns rows
 * start from columns prepared once by toProcurementColumns (whose own cost is the last rows). Per-item functions
 * (formatCurrency, validatePhone, ...) are timed as N separate calls.
 */
import { readFile } from "node:fs/promises"
import { cpus, loadavg } from "node:os"
import { DEFAULT_WASM_URL } from "../src/Kernels.js"
import {
  checkExports,
  generateMessages,
  generateProcurements,
  JsBackend,
  makeWasmBackend,
  ROUTING,
  toProcurementColumns
} from "../src/index.js"
import type {
  KernelExports,
  KernelFunctions,
  KernelName,
  Procurement,
  ProcurementForm,
  WebAssemblyApi
} from "../src/index.js"
import { SAMPLE_NOW } from "../src/index.js"

// Optional arguments: function names to run (prefix match), e.g. `npm run bench -w @groupbuy/wasm -- sort aggregate`.
const only = process.argv.slice(2).filter((a) => !a.startsWith("-"))
const SIZES = [1_000, 10_000, 100_000]
const DAY = 86_400_000

const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly
const { instance } = (await WebAssemblyApi.instantiate(await readFile(DEFAULT_WASM_URL), {})) as {
  instance: { exports: Record<string, unknown> }
}
const problem = checkExports(instance.exports)
if (problem !== undefined) throw new Error(problem)
const wasm = makeWasmBackend(instance.exports as unknown as KernelExports)
const js = JsBackend

const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!

const cpuMs = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/**
 * Median process CPU time of one call of each of `runs` (process.cpuUsage, microsecond resolution). CPU time
 * rather than wall time because the machine may be shared: wall time then mostly measures waiting for a core.
 * Warm-up runs until ~150 ms of CPU were spent (so the optimising compiler, whose threads count in process CPU
 * time, has finished). Then each run is timed in two blocks of consecutive calls, the blocks of the runs
 * alternating, so that load changes hit every run alike while each run mostly pays for the garbage collection of
 * its own allocations (two untimed calls start each block and absorb the previous block's leftovers).
 */
const time = (runs: ReadonlyArray<() => unknown>, rounds: number): Array<number> => {
  for (const run of runs) {
    const start = cpuMs()
    for (let i = 0; i < 200 && (i < 3 || cpuMs() - start < 150); i++) run()
  }
  const t = runs.map((): Array<number> => [])
  for (let pass = 0; pass < 2; pass++) {
    runs.forEach((run, k) => {
      run()
      run()
      for (let r = 0; r < Math.ceil(rounds / 2); r++) {
        const c = cpuMs()
        run()
        t[k]!.push(cpuMs() - c)
      }
    })
  }
  return t.map(median)
}

type Case = (k: KernelFunctions, n: number) => () => unknown

const cases = (): Array<[KernelName, Case]> => {
  const procurements = new Map(SIZES.map((n) => [n, generateProcurements(n, 42)]))
  const messages = new Map(SIZES.map((n) => [n, generateMessages(n, 42)]))
  const texts = new Map(SIZES.map((n) => [n, messages.get(n)!.map((m) => m.text)]))
  const names = new Map(SIZES.map((n) => [n, messages.get(n)!.map((m) => m.author)]))
  const phones = new Map(
    SIZES.map((n) => [n, Array.from({ length: n }, (_, i) => `+7 (9${String(i % 100).padStart(2, "0")}) 123-45-67`)])
  )
  const emails = new Map(SIZES.map((n) => [n, Array.from({ length: n }, (_, i) => `user.${i}@Example.RU`)]))
  const forms = new Map(
    SIZES.map((n) => [
      n,
      procurements.get(n)!.map((p): ProcurementForm => ({
        title: p.title,
        description: p.description,
        city: p.city,
        category: p.category,
        targetAmount: p.targetAmount,
        deadline: SAMPLE_NOW + 10 * DAY,
        contactPhone: "+7 999 123-45-67",
        contactEmail: "org@example.ru"
      }))
    ])
  )
  const each =
    <T>(data: Map<number, Array<T>>, f: (k: KernelFunctions, x: T) => unknown): Case =>
    (k, n) =>
    () => {
      for (const x of data.get(n)!) f(k, x)
    }
  const columns = new Map(SIZES.map((n) => [n, toProcurementColumns(procurements.get(n)!)]))
  const sortKeys = [{ field: "deadline" }, { field: "targetAmount", direction: "desc" }] as const
  return [
    ["batchProcessProcurements", (k, n) => () => k.batchProcessProcurements(procurements.get(n)!, SAMPLE_NOW)],
    ["batchProcessProcurementsColumns", (k, n) => () => k.batchProcessProcurementsColumns(columns.get(n)!, SAMPLE_NOW)],
    ["searchProcurements", (k, n) => () => k.searchProcurements(procurements.get(n)!, "мёд Москва")],
    ["sortProcurements", (k, n) => () => k.sortProcurements(procurements.get(n)!, sortKeys)],
    ["sortProcurementsColumns", (k, n) => () => k.sortProcurementsColumns(columns.get(n)!, sortKeys)],
    ["aggregateProcurementStats", (k, n) => () => k.aggregateProcurementStats(procurements.get(n)!, SAMPLE_NOW)],
    [
      "aggregateProcurementStatsColumns",
      (k, n) => () => k.aggregateProcurementStatsColumns(columns.get(n)!, SAMPLE_NOW)
    ],
    ["batchProcessMessages", (k, n) => () => k.batchProcessMessages(messages.get(n)!, { tzOffsetMinutes: 180 })],
    ["searchMessages", (k, n) => () => k.searchMessages(messages.get(n)!, "ссылка каталог")],
    ["formatMessageText", each(texts, (k, t) => k.formatMessageText(t))],
    ["validateProcurementForm", each(forms, (k, f) => k.validateProcurementForm(f, { now: SAMPLE_NOW }))],
    ["validatePhone", each(phones, (k, p) => k.validatePhone(p))],
    ["validateEmail", each(emails, (k, e) => k.validateEmail(e))],
    [
      "formatCurrency",
      (k, n) => () => {
        for (let i = 0; i < n; i++) k.formatCurrency(i * 7919)
      }
    ],
    ["getAvatarColor", each(names, (k, s) => k.getAvatarColor(s))],
    ["getInitials", each(names, (k, s) => k.getInitials(s))]
  ]
}

/** Extra rows: sorts by text keys and a search that falls through to the fuzzy pass. */
const extra = (): Array<[string, Case]> => {
  const procurements = new Map(SIZES.map((n) => [n, generateProcurements(n, 42)]))
  const columns = new Map(SIZES.map((n) => [n, toProcurementColumns(procurements.get(n)!)]))
  const byCity = [{ field: "city" }, { field: "deadline", direction: "desc" }] as const
  // Objects as a web UI has them, from JSON.parse of an API response: their fields are slower to read than
  // those of objects built in code (the generated data has a few NaN deadlines, which JSON turns into null).
  const parsed = new Map(SIZES.map((n) => [n, JSON.parse(JSON.stringify(procurements.get(n)!)) as Array<Procurement>]))
  return [
    [
      "aggregateProcurementStats (JSON-parsed items)",
      (k, n) => () => k.aggregateProcurementStats(parsed.get(n)!, SAMPLE_NOW)
    ],
    ["sortProcurements (city)", (k, n) => () => k.sortProcurements(procurements.get(n)!, byCity)],
    ["sortProcurementsColumns (city)", (k, n) => () => k.sortProcurementsColumns(columns.get(n)!, byCity)],
    ["sortProcurements (title)", (k, n) => () => k.sortProcurements(procurements.get(n)!, [{ field: "title" }])],
    ["searchProcurements (typo)", (k, n) => () => k.searchProcurements(procurements.get(n)!, "комбинизоны")]
  ]
}

const rounds = (n: number) => (n <= 1_000 ? 40 : n <= 10_000 ? 16 : 20)
const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0))
const wanted = (name: string) => only.length === 0 || only.some((o) => name.startsWith(o))

console.log(`# @groupbuy/wasm benchmark`)
console.log(`node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores`)
console.log(
  `median process CPU ms per call; object rows include packing the objects, *Columns rows start from prepared ` +
    `columns (wasm: copied into linear memory, included); speedup = js / wasm; load ${loadavg()[0]!.toFixed(1)}\n`
)
console.log(`| function | items | wasm ms | js ms | speedup | routed to |`)
console.log(`|---|---:|---:|---:|---:|---|`)
const rows: Array<[string, Case, string]> = [
  ...cases().map(([name, c]): [string, Case, string] => [name, c, ROUTING[name]]),
  ...extra().map(([name, c]): [string, Case, string] => [name, c, ROUTING[name.split(" ")[0] as KernelName]])
]
for (const [name, c, route] of rows.filter(([name]) => wanted(name))) {
  for (const n of SIZES) {
    const [w, j] = time([c(wasm, n), c(js, n)], rounds(n)) as [number, number]
    console.log(`| ${name} | ${n.toLocaleString("en")} | ${fmt(w)} | ${fmt(j)} | ${(j / w).toFixed(2)}× | ${route} |`)
  }
}
if (wanted("toProcurementColumns")) {
  // The packing the *Columns rows leave out: plain JS, the same whichever backend then runs the kernels.
  const procurements = new Map(SIZES.map((n) => [n, generateProcurements(n, 42)]))
  for (const n of SIZES) {
    const [p] = time([() => toProcurementColumns(procurements.get(n)!)], rounds(n)) as [number]
    console.log(`| toProcurementColumns (packing, JS) | ${n.toLocaleString("en")} | — | ${fmt(p)} | — | — |`)
  }
}
