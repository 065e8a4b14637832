import { defineConfig } from "vitest/config"

/**
 * Test files run in parallel forks. Vitest's default is one fork fewer than the CPUs, which is ONE on the 2-core
 * machines this project is tested on: the suite then ran file after file (about 34 minutes), although most files spend
 * their time waiting on a server, a browser or a fake platform's rate limits rather than on the CPU. Every suite has
 * its own database (`TestDatabase.ts`), Redis prefix and loopback ports, so files may overlap; `TEST_WORKERS` sets the
 * number (e.g. 1 to debug one failure in isolation).
 */
const workers = Number(process.env.TEST_WORKERS ?? "") || 3

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "wasm/test/**/*.test.ts", "examples/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: "forks",
    maxWorkers: workers,
    minWorkers: 1,
    reporters: ["default", "./scripts/SummaryReporter.ts"],
    sequence: { hooks: "stack" }
  }
})
