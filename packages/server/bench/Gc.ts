/**
 * Preloaded into the benchmarks' child processes (run with --expose-gc): SIGUSR2 runs a full garbage collection and
 * writes the process's memory usage to `$TMPDIR/groupbuy-bench-memory-<pid>.json`.
 */
import { writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const gc = (globalThis as { gc?: () => void }).gc
process.on("SIGUSR2", () => {
  gc?.()
  gc?.()
  writeFileSync(join(tmpdir(), `groupbuy-bench-memory-${process.pid}.json`), JSON.stringify(process.memoryUsage()))
})
