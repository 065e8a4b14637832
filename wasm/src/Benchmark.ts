import { generateProcurements, SAMPLE_NOW } from "./Generate.js"
import type { Backend, KernelFunctions, ProcessedProcurements } from "./Types.js"

export interface BenchmarkOptions {
  /** Procurements in the generated batch (default 10 000, at most 1 000 000). */
  readonly count?: number
  /** Timed runs per backend; the median is reported (default 5). */
  readonly rounds?: number
  readonly seed?: number
  readonly now?: number
}

export interface BenchmarkResult {
  readonly count: number
  readonly rounds: number
  /** Median milliseconds of batchProcessProcurements over the batch, packing and unpacking included. */
  readonly jsMs: number
  /** null when WebAssembly is not available. */
  readonly wasmMs: number | null
  /** jsMs / wasmMs. */
  readonly speedup: number | null
  /** Whether both backends returned identical results for the batch (null without wasm). */
  readonly identical: boolean | null
  /** The faster backend on this machine. */
  readonly faster: Backend
}

const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now())

const median = (values: Array<number>): number => {
  const s = [...values].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

const same = (a: ProcessedProcurements, b: ProcessedProcurements): boolean => {
  const n = a.daysLeft.length
  if (b.daysLeft.length !== n) return false
  for (let i = 0; i < n; i++) {
    if (
      !Object.is(a.progressPercent[i], b.progressPercent[i]) ||
      a.remainingAmount[i] !== b.remainingAmount[i] ||
      a.daysLeft[i] !== b.daysLeft[i] ||
      a.formattedTarget[i] !== b.formattedTarget[i] ||
      a.formattedCollected[i] !== b.formattedCollected[i] ||
      a.formattedRemaining[i] !== b.formattedRemaining[i]
    ) {
      return false
    }
  }
  return true
}

/**
 * Times batchProcessProcurements on both backends over the same generated batch (deterministic for a seed) so
 * the web UI can see what this machine gains from WebAssembly. Only the timings vary between runs.
 */
export const benchmarkBatchProcessing = (
  js: KernelFunctions,
  wasm: KernelFunctions | undefined,
  options: BenchmarkOptions = {}
): BenchmarkResult => {
  const count = options.count ?? 10_000
  const rounds = options.rounds ?? 5
  if (!Number.isInteger(count) || count < 1 || count > 1_000_000) {
    throw new RangeError(`benchmarkBatchProcessing: count must be an integer in [1, 1000000], got ${count}`)
  }
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) {
    throw new RangeError(`benchmarkBatchProcessing: rounds must be an integer in [1, 100], got ${rounds}`)
  }
  const at = options.now ?? SAMPLE_NOW
  const items = generateProcurements(count, options.seed ?? 1, at)
  const time = (k: KernelFunctions): [number, ProcessedProcurements] => {
    let last = k.batchProcessProcurements(items, at)
    const runs: Array<number> = []
    for (let r = 0; r < rounds; r++) {
      const t0 = now()
      last = k.batchProcessProcurements(items, at)
      runs.push(now() - t0)
    }
    return [median(runs), last]
  }
  const [jsMs, jsResult] = time(js)
  if (wasm === undefined) return { count, rounds, jsMs, wasmMs: null, speedup: null, identical: null, faster: "js" }
  const [wasmMs, wasmResult] = time(wasm)
  return {
    count,
    rounds,
    jsMs,
    wasmMs,
    speedup: wasmMs > 0 ? jsMs / wasmMs : null,
    identical: same(jsResult, wasmResult),
    faster: wasmMs < jsMs ? "wasm" : "js"
  }
}
