/** Preloaded into the benchmarks' child processes (run with --expose-gc): SIGUSR2 runs a full garbage collection. */
const gc = (globalThis as { gc?: () => void }).gc
process.on("SIGUSR2", () => {
  gc?.()
  gc?.()
})
