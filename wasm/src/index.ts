/**
 * @groupbuy/wasm: list kernels of the web UI (procurements and chat messages) in AssemblyScript-compiled
 * WebAssembly with identical plain TypeScript fallbacks behind one loader.
 */
export * from "./Types.js"
export { loadKernels, defaultKernels, jsKernels, routeKernels, DEFAULT_WASM_URL } from "./Kernels.js"
export type { Kernels, LoadOptions, WasmSource, WebAssemblyApi } from "./Kernels.js"
export { ROUTING } from "./Routing.js"
export { toProcurementColumns } from "./Columns.js"
export { JsBackend } from "./JsBackend.js"
export { makeWasmBackend, checkExports, ABI_VERSION } from "./WasmBackend.js"
export type { KernelExports } from "./WasmBackend.js"
export { benchmarkBatchProcessing } from "./Benchmark.js"
export type { BenchmarkOptions, BenchmarkResult } from "./Benchmark.js"
export { generateProcurements, generateMessages, prng, SAMPLE_NOW } from "./Generate.js"
export { VALIDATION_MESSAGES, FORM_LIMITS } from "./ValidationMessages.js"
export { AVATAR_PALETTE } from "./internal/Shared.js"
