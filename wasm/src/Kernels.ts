/**
 * The loader: instantiates build/kernels.wasm when WebAssembly is available (Node: read from disk next to the
 * package; browsers: fetch + instantiateStreaming; or bytes/URL/Module injected by the caller) and otherwise
 * serves everything from the JS backend. Each function is routed to wasm or JS by ROUTING.
 */
import { benchmarkBatchProcessing } from "./Benchmark.js"
import type { BenchmarkOptions, BenchmarkResult } from "./Benchmark.js"
import { JsBackend } from "./JsBackend.js"
import { ROUTING } from "./Routing.js"
import type { Backend, KernelFunctions, KernelName } from "./Types.js"
import { KERNEL_NAMES } from "./Types.js"
import { checkExports, makeWasmBackend } from "./WasmBackend.js"
import type { KernelExports } from "./WasmBackend.js"

/** Where the wasm comes from: a URL (string or URL), its bytes, a fetch Response, or a compiled WebAssembly.Module. */
export type WasmSource = URL | string | ArrayBuffer | ArrayBufferView | Response | PromiseLike<Response> | object

/** The part of the WebAssembly namespace the loader uses (injectable for tests). */
export interface WebAssemblyApi {
  readonly Module: abstract new (...args: never) => object
  instantiate(source: unknown, imports?: object): Promise<unknown>
  instantiateStreaming?: (source: Response | PromiseLike<Response>, imports?: object) => Promise<unknown>
}

export interface LoadOptions {
  /** The kernels.wasm to load; default: ../build/kernels.wasm next to this module. */
  readonly wasm?: WasmSource
  /** Use the JS backend for everything. */
  readonly disableWasm?: boolean
  /** Override the routing of some functions (only effective when wasm loaded). */
  readonly routing?: Partial<Record<KernelName, Backend>>
  /** The WebAssembly implementation to use; default globalThis.WebAssembly. */
  readonly webAssembly?: WebAssemblyApi
}

export interface Kernels extends KernelFunctions {
  /** The backend that serves `name`. */
  backendOf(name: KernelName): Backend
  /** Whether kernels.wasm was instantiated. */
  readonly wasmLoaded: boolean
  /** Why WebAssembly is not used, when it is not. */
  readonly wasmError: string | undefined
  /** Times batchProcessProcurements on both backends over a generated batch (see Benchmark.ts). */
  benchmarkBatchProcessing(options?: BenchmarkOptions): BenchmarkResult
}

export const DEFAULT_WASM_URL = new URL("../build/kernels.wasm", import.meta.url)

const isNode = (): boolean => typeof process !== "undefined" && typeof process.versions?.node === "string"

const instanceExports = (result: unknown): Record<string, unknown> => {
  const r = result as { instance?: { exports?: unknown }; exports?: unknown }
  const exports = r.instance?.exports ?? r.exports
  if (typeof exports !== "object" || exports === null) throw new Error("instantiation returned no exports")
  return exports as Record<string, unknown>
}

const fromResponse = async (api: WebAssemblyApi, response: Response): Promise<Record<string, unknown>> => {
  if (!response.ok) throw new Error(`fetching kernels.wasm failed: HTTP ${response.status}`)
  if (api.instantiateStreaming !== undefined) {
    try {
      return instanceExports(await api.instantiateStreaming(response.clone(), {}))
    } catch {
      // Served with a MIME type other than application/wasm: fall through to the buffered path.
    }
  }
  return instanceExports(await api.instantiate(await response.arrayBuffer(), {}))
}

const instantiate = async (api: WebAssemblyApi, source: WasmSource): Promise<Record<string, unknown>> => {
  if (source instanceof api.Module) return instanceExports(await api.instantiate(source, {}))
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source))
    return instanceExports(await api.instantiate(source, {}))
  if (typeof Response !== "undefined" && source instanceof Response) return fromResponse(api, source)
  if (typeof (source as PromiseLike<unknown>).then === "function") {
    return instantiate(api, (await (source as PromiseLike<Response>)) as WasmSource)
  }
  if (typeof source === "string" || source instanceof URL) {
    const url =
      typeof source === "string"
        ? new URL(source, (globalThis as { location?: { href: string } }).location?.href ?? DEFAULT_WASM_URL)
        : source
    if (url.protocol === "file:" && isNode()) {
      // A computed specifier keeps browser bundlers from trying to resolve a Node built-in.
      const fsModule = "node:fs/promises"
      const fs = (await import(/* @vite-ignore */ fsModule)) as typeof import("node:fs/promises")
      return instanceExports(await api.instantiate(await fs.readFile(url), {}))
    }
    return fromResponse(api, await fetch(url))
  }
  throw new TypeError("loadKernels: `wasm` must be a URL, bytes, a Response or a WebAssembly.Module")
}

/** Builds the routed kernels from a JS backend and an optional wasm backend. */
export const routeKernels = (
  wasm: KernelFunctions | undefined,
  wasmError: string | undefined,
  routing: Readonly<Record<KernelName, Backend>> = ROUTING
): Kernels => {
  const use = (name: KernelName): Backend => (wasm !== undefined && routing[name] === "wasm" ? "wasm" : "js")
  const pick = <K extends KernelName>(name: K): KernelFunctions[K] =>
    use(name) === "wasm" ? wasm![name] : JsBackend[name]
  return {
    batchProcessProcurements: pick("batchProcessProcurements"),
    searchProcurements: pick("searchProcurements"),
    sortProcurements: pick("sortProcurements"),
    aggregateProcurementStats: pick("aggregateProcurementStats"),
    batchProcessProcurementsColumns: pick("batchProcessProcurementsColumns"),
    sortProcurementsColumns: pick("sortProcurementsColumns"),
    aggregateProcurementStatsColumns: pick("aggregateProcurementStatsColumns"),
    batchProcessMessages: pick("batchProcessMessages"),
    searchMessages: pick("searchMessages"),
    formatMessageText: pick("formatMessageText"),
    validateProcurementForm: pick("validateProcurementForm"),
    validatePhone: pick("validatePhone"),
    validateEmail: pick("validateEmail"),
    formatCurrency: pick("formatCurrency"),
    getAvatarColor: pick("getAvatarColor"),
    getInitials: pick("getInitials"),
    backendOf: (name) => {
      if (!KERNEL_NAMES.includes(name)) throw new RangeError(`backendOf: unknown function ${String(name)}`)
      return use(name)
    },
    wasmLoaded: wasm !== undefined,
    wasmError,
    benchmarkBatchProcessing: (options) => benchmarkBatchProcessing(JsBackend, wasm, options)
  }
}

/** A quick end-to-end check that the instance computes what the JS backend computes. */
const selfCheck = (wasm: KernelFunctions): string | undefined => {
  const probes: Array<[string, string]> = [
    [wasm.formatCurrency(-123456789), JsBackend.formatCurrency(-123456789)],
    [wasm.formatMessageText("<b> https://пример.рф ёЁ 👍"), JsBackend.formatMessageText("<b> https://пример.рф ёЁ 👍")]
  ]
  const bad = probes.find(([a, b]) => a !== b)
  return bad === undefined ? undefined : `self-check failed: wasm returned ${JSON.stringify(bad[0])}`
}

/**
 * Loads the kernels. Never rejects because of WebAssembly: any failure (no WebAssembly, missing or stale
 * kernels.wasm, failed instantiation) yields the JS backend for every function, with the reason in wasmError.
 */
export const loadKernels = async (options: LoadOptions = {}): Promise<Kernels> => {
  const routing = { ...ROUTING, ...options.routing }
  if (options.disableWasm === true)
    return routeKernels(undefined, "disabled by loadKernels({ disableWasm: true })", routing)
  const api = options.webAssembly ?? (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly
  if (api === undefined || typeof api.instantiate !== "function") {
    return routeKernels(undefined, "WebAssembly is not available in this environment", routing)
  }
  try {
    const exports = await instantiate(api, options.wasm ?? DEFAULT_WASM_URL)
    const problem = checkExports(exports)
    if (problem !== undefined) return routeKernels(undefined, problem, routing)
    const wasm = makeWasmBackend(exports as unknown as KernelExports)
    const failed = selfCheck(wasm)
    if (failed !== undefined) return routeKernels(undefined, failed, routing)
    return routeKernels(wasm, undefined, routing)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return routeKernels(undefined, `loading kernels.wasm failed: ${reason}`, routing)
  }
}

let shared: Promise<Kernels> | undefined

/** The default instance: loadKernels() once per process or page. */
export const defaultKernels = (): Promise<Kernels> => (shared ??= loadKernels())

/** The JS backend alone, available synchronously (e.g. for server-side rendering). */
export const jsKernels: Kernels = routeKernels(undefined, "JS backend requested")
