/**
 * Prints one plain closing line (`tests: N passed, N failed, N skipped`) that any CI can read,
 * and lists every skipped suite with its reason so a local run says clearly what it did not cover.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import type { Reporter, TestModule } from "vitest/node"

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    let passed = 0
    let failed = 0
    let skipped = 0
    const skippedNames: Array<string> = []
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state
        if (state === "passed") passed++
        else if (state === "failed") failed++
        else {
          skipped++
          skippedNames.push(`${test.fullName}${test.options.mode === "skip" ? "" : ` (${state})`}`)
        }
      }
      if (mod.state() === "failed" && mod.errors().length > 0) failed++
    }
    if (skippedNames.length > 0) {
      console.log(`\nSkipped (set TEST_DATABASE_URL / TEST_REDIS_URL to run the server suites):`)
      for (const name of skippedNames) console.log(`  - ${name}`)
    }
    const line = `tests: ${passed} passed, ${failed} failed, ${skipped} skipped`
    console.log(`\n${line}`)
    mkdirSync("test-artifacts", { recursive: true })
    writeFileSync("test-artifacts/summary.txt", line + "\n")
  }
}
