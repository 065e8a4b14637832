// The columnar API: what toProcurementColumns packs, how both backends treat bad columns (identically), exact
// totals far beyond 2^64, and that the kernels never write to the caller's columns.
import { assert, describe, it } from "@effect/vitest"
import { PROCUREMENT_STATUSES, toProcurementColumns, UNKNOWN_STATUS } from "../src/index.js"
import type { KernelFunctions, Procurement, ProcurementColumns } from "../src/index.js"
import { backends, canonical } from "./Fixtures.js"

const NOW = Date.UTC(2026, 0, 15, 9, 0, 0)
const DAY = 86_400_000
const MAX = Number.MAX_SAFE_INTEGER

const procurement = (over: Partial<Procurement>): Procurement => ({
  id: "p",
  title: "Мёд",
  description: "",
  city: "Москва",
  category: "Продукты",
  status: "ACTIVE",
  targetAmount: 1000,
  collectedAmount: 10,
  participantCount: 1,
  deadline: NOW + DAY,
  createdAt: NOW - DAY,
  ...over
})

/** n procurements of MAX_SAFE_INTEGER kopecks each, in one city, built directly as columns. */
const hugeColumns = (n: number): ProcurementColumns => ({
  length: n,
  status: new Uint8Array(n).fill(1),
  targetAmount: new Float64Array(n).fill(MAX),
  collectedAmount: new Float64Array(n).fill(MAX),
  participantCount: new Float64Array(n),
  deadline: new Float64Array(n).fill(NOW - DAY),
  createdAt: new Float64Array(n),
  city: new Uint32Array(n),
  cities: ["  Орёл "]
})

const messageOf = (run: () => unknown): string => {
  try {
    run()
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`
  }
  return "no error"
}

describe("toProcurementColumns", () => {
  it("packs numbers as given, statuses as codes and cities as a dictionary in order of first occurrence", () => {
    const items = [
      procurement({ status: "DRAFT", targetAmount: 12.7, collectedAmount: NaN, city: "Москва" }),
      procurement({ status: "bogus" as "ACTIVE", targetAmount: -5, deadline: NaN, city: " москва" }),
      procurement({ status: "CANCELLED", participantCount: 1e300, city: undefined as unknown as string }),
      procurement({ status: "ACTIVE", createdAt: -Infinity, city: "Москва" })
    ]
    const c = toProcurementColumns(items)
    assert.strictEqual(c.length, 4)
    assert.deepStrictEqual(Array.from(c.status), [0, UNKNOWN_STATUS, 5, 1])
    assert.deepStrictEqual(Array.from(c.targetAmount), [12.7, -5, 1000, 1000])
    assert.deepStrictEqual(Array.from(c.collectedAmount), [NaN, 10, 10, 10])
    assert.deepStrictEqual(Array.from(c.participantCount), [1, 1, 1e300, 1])
    assert.deepStrictEqual(Array.from(c.deadline), [NOW + DAY, NaN, NOW + DAY, NOW + DAY])
    assert.deepStrictEqual(Array.from(c.createdAt), [NOW - DAY, NOW - DAY, NOW - DAY, -Infinity])
    assert.deepStrictEqual(Array.from(c.city), [0, 1, 2, 0])
    assert.deepStrictEqual(c.cities, ["Москва", " москва", ""])
    assert.deepStrictEqual(Array.from(toProcurementColumns([]).city), [])
    const odd = ["__proto__", "constructor", "0", "__proto__", "hasOwnProperty", "0"]
    const d = toProcurementColumns(odd.map((city) => procurement({ city })))
    assert.deepStrictEqual(d.cities, ["__proto__", "constructor", "0", "hasOwnProperty"])
    assert.deepStrictEqual(Array.from(d.city), [0, 1, 2, 0, 3, 2])
  })

  it("codes every status by its index in PROCUREMENT_STATUSES", () => {
    const c = toProcurementColumns(PROCUREMENT_STATUSES.map((status) => procurement({ status })))
    assert.deepStrictEqual(Array.from(c.status), [0, 1, 2, 3, 4, 5])
  })

  it("rejects a non-array", () => {
    assert.throws(() => toProcurementColumns({} as never), /toProcurementColumns: expected an array/)
  })
})

const all = await backends()

describe("the columnar kernels in both backends", () => {
  const items = [
    procurement({ city: "Москва", targetAmount: 300, collectedAmount: 100, deadline: NOW - 1 }),
    procurement({ city: " москва ", status: "PAYMENT", targetAmount: 5, deadline: NaN }),
    procurement({ city: "Орёл", status: "DRAFT", collectedAmount: 2000, participantCount: 7 }),
    procurement({ city: "орел", targetAmount: NaN, deadline: NOW + 3 * DAY + 1 })
  ]
  const columns = toProcurementColumns(items)

  for (const [name, k] of all) {
    it(`${name}: pinned results`, () => {
      const stats = k.aggregateProcurementStatsColumns(columns, NOW)
      assert.strictEqual(stats.total, 4)
      assert.strictEqual(stats.overdueActive, 1)
      assert.strictEqual(stats.totalTarget, 1305n)
      assert.deepStrictEqual(
        stats.cities.map((c) => [c.city, c.count, c.active]),
        [
          ["Москва", 2, 1],
          ["Орёл", 2, 1]
        ]
      )
      assert.deepStrictEqual(Array.from(k.batchProcessProcurementsColumns(columns, NOW).daysLeft), [0, -1, 1, 4])
      const order = k.sortProcurementsColumns(columns, [
        { field: "city" },
        { field: "targetAmount", direction: "desc" }
      ])
      assert.instanceOf(order, Uint32Array)
      // City keys are folded, not trimmed (as in sortProcurements): " москва " sorts before "москва".
      assert.deepStrictEqual(Array.from(order), [1, 0, 2, 3])
      assert.deepStrictEqual(Array.from(k.sortProcurementsColumns(columns, [{ field: "progress" }])), [3, 0, 1, 2])
      assert.deepStrictEqual(Array.from(k.sortProcurementsColumns(columns, [])), [0, 1, 2, 3])
    })

    it(`${name}: never writes to the caller's columns`, () => {
      const before = canonical(columns)
      k.batchProcessProcurementsColumns(columns, NOW)
      k.aggregateProcurementStatsColumns(columns, NOW)
      k.sortProcurementsColumns(columns, [{ field: "city" }, { field: "progress" }, { field: "status" }])
      assert.strictEqual(canonical(columns), before)
    })
  }

  it("totals stay exact past 2^64 (wasm carry) and past 2^21 items of 2^53 - 1 (the JS sums' bigint overflow at every addition)", () => {
    const n = 2 ** 21 + 3
    const expected = BigInt(n) * BigInt(MAX)
    const huge = hugeColumns(n)
    for (const [name, k] of all) {
      const stats = k.aggregateProcurementStatsColumns(huge, NOW)
      assert.strictEqual(stats.totalTarget, expected, name)
      assert.strictEqual(stats.totalCollected, expected, name)
      assert.strictEqual(stats.overdueActive, n, name)
      assert.deepStrictEqual(
        stats.cities.map((c) => [c.city, c.count, c.totalTarget]),
        [["Орёл", n, expected]],
        name
      )
    }
  })

  it("reject malformed columns and unsupported keys with the same error in both backends", () => {
    const n = columns.length
    const bad: Array<[string, (k: KernelFunctions) => unknown, RegExp]> = [
      [
        "null",
        (k) => k.aggregateProcurementStatsColumns(null as never, NOW),
        /TypeError: .*expected ProcurementColumns/
      ],
      [
        "wrong type",
        (k) => k.batchProcessProcurementsColumns({ ...columns, deadline: new Float32Array(n) } as never, NOW),
        /TypeError: batchProcessProcurementsColumns: columns.deadline must be a Float64Array/
      ],
      [
        "short column",
        (k) => k.sortProcurementsColumns({ ...columns, status: new Uint8Array(n - 1) }, []),
        /RangeError: sortProcurementsColumns: columns.status has 3 entries, columns.length is 4/
      ],
      [
        "bad length",
        (k) => k.aggregateProcurementStatsColumns({ ...columns, length: -1 }, NOW),
        /RangeError: .*columns.length must be a non-negative integer/
      ],
      [
        "no dictionary",
        (k) => k.aggregateProcurementStatsColumns({ ...columns, cities: "Москва" as never }, NOW),
        /TypeError: .*columns.cities must be an array/
      ],
      [
        "city index outside the dictionary (aggregate)",
        (k) => k.aggregateProcurementStatsColumns({ ...columns, city: Uint32Array.of(0, 1, 9, 0) }, NOW),
        /RangeError: aggregateProcurementStatsColumns: columns.city holds an index outside columns.cities \(4 entries\)/
      ],
      [
        "city index outside the dictionary (sort)",
        (k) =>
          k.sortProcurementsColumns({ ...columns, city: Uint32Array.of(0, 0, 0, 2 ** 32 - 1) }, [{ field: "city" }]),
        /RangeError: sortProcurementsColumns: columns.city holds an index outside/
      ],
      [
        "free-text key",
        (k) => k.sortProcurementsColumns(columns, [{ field: "title" as "city" }]),
        /TypeError: sortProcurementsColumns: cannot sort by title/
      ],
      [
        "unknown key",
        (k) => k.sortProcurementsColumns(columns, [{ field: "nope" as "city" }]),
        /TypeError: sortProcurementsColumns: unknown field nope/
      ],
      ["bad now", (k) => k.batchProcessProcurementsColumns(columns, NaN), /RangeError: .*`now` must be epoch/]
    ]
    for (const [label, run, expected] of bad) {
      const messages = all.map(([, k]) => messageOf(() => run(k)))
      assert.match(messages[0]!, expected, label)
      assert.strictEqual(messages[1], messages[0], label)
    }
    // A bad index in the dictionary of a column the function does not read is not an error.
    const unread = { ...columns, city: Uint32Array.of(0, 1, 9, 0) }
    for (const [, k] of all) assert.strictEqual(k.batchProcessProcurementsColumns(unread, NOW).daysLeft.length, 4)
  })
})
