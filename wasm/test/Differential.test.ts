// Differential property tests: for random inputs the WebAssembly and JS backends return identical results.
import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { JsBackend, toProcurementColumns } from "../src/index.js"
import type { ColumnSortKey, SortKey } from "../src/index.js"
import {
  anyDate,
  anyNumber,
  chatMessages,
  COLUMN_SORT_FIELDS,
  form,
  NOW,
  procurementColumns,
  procurements,
  SORT_FIELDS,
  text
} from "./Arbitraries.js"
import { canonical, instantiateWasm } from "./Fixtures.js"

const { backend: wasm } = await instantiateWasm()
const js = JsBackend
const RUNS = { numRuns: 300 }
const validNow = anyDate.filter((d) => d >= -8.64e15 && d <= 8.64e15)

const same = (a: unknown, b: unknown) => assert.strictEqual(canonical(a), canonical(b))

const sortKeys: fc.Arbitrary<Array<SortKey>> = fc.array(
  fc.record({ field: fc.constantFrom(...SORT_FIELDS), direction: fc.constantFrom("asc", "desc") } as const),
  { maxLength: 4 }
)

const columnSortKeys: fc.Arbitrary<Array<ColumnSortKey>> = fc.array(
  fc.record({ field: fc.constantFrom(...COLUMN_SORT_FIELDS), direction: fc.constantFrom("asc", "desc") } as const),
  { maxLength: 4 }
)

describe("wasm and JS backends agree", () => {
  it("batchProcessProcurements", () => {
    fc.assert(
      fc.property(procurements, validNow, (items, now) =>
        same(wasm.batchProcessProcurements(items, now), js.batchProcessProcurements(items, now))
      ),
      RUNS
    )
  })

  it("searchProcurements", () => {
    fc.assert(
      fc.property(procurements, text(12), fc.option(fc.nat(40), { nil: undefined }), (items, query, limit) => {
        const options = limit === undefined ? {} : { limit }
        same(wasm.searchProcurements(items, query, options), js.searchProcurements(items, query, options))
      }),
      RUNS
    )
  })

  it("searchProcurements with queries taken from the data (so that matches happen)", () => {
    fc.assert(
      fc.property(procurements, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 6 }), (items, i, from, length) => {
        if (items.length === 0) return
        const source = items[i % items.length]!.title
        const start = from % (source.length + 1)
        const query = source.slice(start, start + length)
        same(wasm.searchProcurements(items, query), js.searchProcurements(items, query))
      }),
      RUNS
    )
  })

  it("sortProcurements", () => {
    fc.assert(
      fc.property(procurements, sortKeys, (items, keys) =>
        same(
          wasm.sortProcurements(items, keys).map((p) => items.indexOf(p)),
          js.sortProcurements(items, keys).map((p) => items.indexOf(p))
        )
      ),
      RUNS
    )
  })

  it("aggregateProcurementStats", () => {
    fc.assert(
      fc.property(procurements, validNow, (items, now) =>
        same(wasm.aggregateProcurementStats(items, now), js.aggregateProcurementStats(items, now))
      ),
      RUNS
    )
  })

  it("batchProcessMessages", () => {
    fc.assert(
      fc.property(chatMessages, fc.integer({ min: -840, max: 840 }), (messages, tz) =>
        same(
          wasm.batchProcessMessages(messages, { tzOffsetMinutes: tz }),
          js.batchProcessMessages(messages, { tzOffsetMinutes: tz })
        )
      ),
      RUNS
    )
  })

  it("searchMessages", () => {
    fc.assert(
      fc.property(chatMessages, text(8), (messages, query) =>
        same(wasm.searchMessages(messages, query), js.searchMessages(messages, query))
      ),
      RUNS
    )
  })

  it("formatMessageText", () => {
    fc.assert(
      fc.property(text(60), (s) => same(wasm.formatMessageText(s), js.formatMessageText(s))),
      { numRuns: 1000 }
    )
  })

  it("validateProcurementForm", () => {
    fc.assert(
      fc.property(form, validNow, fc.constantFrom("ru", "en") as fc.Arbitrary<"ru" | "en">, (f, now, locale) =>
        same(wasm.validateProcurementForm(f, { now, locale }), js.validateProcurementForm(f, { now, locale }))
      ),
      RUNS
    )
  })

  it("validatePhone and validateEmail", () => {
    const phoneLike = fc.string({
      unit: fc.constantFrom("+", "7", "8", "9", "0", " ", "-", "(", ")", "\u00a0", "x", "😀", "\ud800"),
      maxLength: 20
    })
    const emailLike = fc.oneof(
      text(),
      fc.emailAddress(),
      fc.string({ unit: fc.constantFrom("a", "Z", "0", ".", "@", "-", "+", "'", " ", "ё", "_"), maxLength: 20 })
    )
    fc.assert(
      fc.property(fc.oneof(phoneLike, text()), emailLike, (phone, email) => {
        same(wasm.validatePhone(phone), js.validatePhone(phone))
        same(wasm.validateEmail(email), js.validateEmail(email))
      }),
      { numRuns: 1000 }
    )
  })

  it("formatCurrency", () => {
    fc.assert(
      fc.property(anyNumber, fc.boolean(), (v, negate) => {
        const x = negate ? -v : v
        same(wasm.formatCurrency(x), js.formatCurrency(x))
      }),
      { numRuns: 1000 }
    )
  })

  it("getAvatarColor and getInitials", () => {
    fc.assert(
      fc.property(text(16), (name) => {
        same(wasm.getAvatarColor(name), js.getAvatarColor(name))
        same(wasm.getInitials(name), js.getInitials(name))
      }),
      { numRuns: 1000 }
    )
  })

  it("bigger batches with many strings in one call", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(text(), text(), text()), { minLength: 100, maxLength: 400 }), (rows) => {
        const items = rows.map(([title, city, description], i) => ({
          id: String(i),
          title,
          description,
          city,
          category: title,
          status: "ACTIVE" as const,
          targetAmount: i * 1000,
          collectedAmount: i * 7,
          participantCount: i,
          deadline: NOW + i * 3_600_000,
          createdAt: NOW
        }))
        same(wasm.aggregateProcurementStats(items, NOW), js.aggregateProcurementStats(items, NOW))
        const keys: Array<SortKey> = [{ field: "city" }, { field: "title", direction: "desc" }]
        same(
          wasm.sortProcurements(items, keys).map((p) => p.id),
          js.sortProcurements(items, keys).map((p) => p.id)
        )
      }),
      { numRuns: 30 }
    )
  })
})

describe("the columnar kernels", () => {
  it("equal the object API in both backends (columns from toProcurementColumns)", () => {
    fc.assert(
      fc.property(procurements, validNow, columnSortKeys, (items, now, keys) => {
        const columns = toProcurementColumns(items)
        for (const k of [js, wasm]) {
          same(k.batchProcessProcurementsColumns(columns, now), k.batchProcessProcurements(items, now))
          same(k.aggregateProcurementStatsColumns(columns, now), k.aggregateProcurementStats(items, now))
          same(
            Array.from(k.sortProcurementsColumns(columns, keys)),
            k.sortProcurements(items, keys).map((p) => items.indexOf(p))
          )
        }
      }),
      RUNS
    )
  })

  it("agree between wasm and JS on hand-built columns (any status byte, repeated dictionary spellings)", () => {
    fc.assert(
      fc.property(procurementColumns, validNow, columnSortKeys, (columns, now, keys) => {
        same(wasm.batchProcessProcurementsColumns(columns, now), js.batchProcessProcurementsColumns(columns, now))
        same(wasm.aggregateProcurementStatsColumns(columns, now), js.aggregateProcurementStatsColumns(columns, now))
        same(wasm.sortProcurementsColumns(columns, keys), js.sortProcurementsColumns(columns, keys))
      }),
      RUNS
    )
  })

  it("agree on bigger batches with many distinct cities", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(text(6), anyNumber, anyDate), { minLength: 100, maxLength: 600 }),
        validNow,
        (rows, now) => {
          const items = rows.map(([city, amount, deadline], i) => ({
            id: String(i),
            title: "",
            description: "",
            city,
            category: "",
            status: (["ACTIVE", "DRAFT", "PAYMENT"] as const)[i % 3]!,
            targetAmount: amount,
            collectedAmount: amount / 3,
            participantCount: i,
            deadline,
            createdAt: now
          }))
          const columns = toProcurementColumns(items)
          same(wasm.aggregateProcurementStatsColumns(columns, now), js.aggregateProcurementStatsColumns(columns, now))
          same(wasm.aggregateProcurementStats(items, now), js.aggregateProcurementStats(items, now))
          const keys: Array<ColumnSortKey> = [{ field: "city", direction: "desc" }, { field: "deadline" }]
          same(wasm.sortProcurementsColumns(columns, keys), js.sortProcurementsColumns(columns, keys))
        }
      ),
      { numRuns: 30 }
    )
  })
})
