/**
 * Prints one plain closing line (`tests: N passed, N failed, N skipped`) that any CI can read,
 * and lists every skipped suite with its reason so a local run says clearly what it did not cover.
 * It also writes every test file's own duration (tests and hooks) to `test-artifacts/durations.txt`, slowest first,
 * and prints the ten slowest: what to look at when the suite gets slower.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { relative } from "node:path"
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
    const durations = testModules
      .map((mod) => ({ file: relative(process.cwd(), mod.moduleId), ms: Math.round(mod.diagnostic().duration) }))
      .sort((a, b) => b.ms - a.ms)
    mkdirSync("test-artifacts", { recursive: true })
    writeFileSync("test-artifacts/durations.txt", durations.map((d) => `${d.ms}\t${d.file}`).join("\n") + "\n")
    if (durations.length > 1) {
      console.log(
        `\nThe slowest test files (seconds of their own tests and hooks; all in test-artifacts/durations.txt):`
      )
      for (const d of durations.slice(0, 10)) console.log(`  ${(d.ms / 1000).toFixed(1).padStart(6)}  ${d.file}`)
    }
    const line = `tests: ${passed} passed, ${failed} failed, ${skipped} skipped`
    console.log(`\n${line}`)
    writeFileSync("test-artifacts/summary.txt", line + "\n")
  }
}
