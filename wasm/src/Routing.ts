import type { Backend, KernelName } from "./Types.js"

/**
 * Which backend serves each function when WebAssembly loaded, decided from `npm run bench -w @groupbuy/wasm`
 * (figures in wasm/README.md): wasm wherever it measured faster at 1k, 10k and 100k items across runs. The per-item
 * string functions stay in JS: crossing into wasm for one short string costs more than the work itself. So does
 * validateProcurementForm, which measured a tie (0.93-1.17x) on the 2-core AMD EPYC of the last measurements.
 */
export const ROUTING: Readonly<Record<KernelName, Backend>> = {
  batchProcessProcurements: "wasm",
  searchProcurements: "wasm",
  sortProcurements: "wasm",
  aggregateProcurementStats: "wasm",
  batchProcessProcurementsColumns: "wasm",
  sortProcurementsColumns: "wasm",
  aggregateProcurementStatsColumns: "wasm",
  batchProcessMessages: "wasm",
  searchMessages: "wasm",
  formatMessageText: "js",
  validateProcurementForm: "js",
  validatePhone: "js",
  validateEmail: "js",
  formatCurrency: "js",
  getAvatarColor: "js",
  getInitials: "js"
}
