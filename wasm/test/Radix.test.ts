// The JS backend's radix sort orders exactly as the comparator sort it replaced: stable, NaN last in both
// directions, -0 equal to 0, one- and two-word integer keys and 64-bit keys of any double.
import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { numericOrders } from "../src/JsBackend.js"

const key = fc.record({ desc: fc.boolean() })
const value = fc.oneof(
  fc.integer({ min: 0, max: 7 }),
  fc.integer({ min: -3, max: 3 }).map((x) => x * 2 ** 31),
  fc.maxSafeInteger(),
  fc.constantFrom(NaN, -0, 0, Infinity, -Infinity, 2 ** 53, -(2 ** 53), 0.5, -0.5, 1e308, 5e-324),
  fc.double()
)
// A column draws from one family, so that the one-word, two-word integer and 64-bit paths are all taken.
const column = (n: number) =>
  fc.oneof(
    fc.array(fc.integer({ min: 0, max: 300 }), { minLength: n, maxLength: n }),
    fc.array(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(NaN)), { minLength: n, maxLength: n }),
    fc.array(fc.oneof(fc.maxSafeInteger(), fc.constant(NaN)), { minLength: n, maxLength: n }),
    fc.array(value, { minLength: n, maxLength: n })
  )
const input = fc.integer({ min: 0, max: 400 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    keys: fc.array(fc.record({ desc: key.map((k) => k.desc), values: column(n) }), { minLength: 1, maxLength: 3 })
  })
)

describe("JS numeric sort", () => {
  it("the radix order equals the comparator order", () => {
    fc.assert(
      fc.property(input, ({ keys, n }) => {
        const checked = keys.map((k) => ({ field: "deadline" as const, code: 3, desc: k.desc }))
        const cols = keys.map((k) => Float64Array.from(k.values))
        assert.deepStrictEqual(
          Array.from(numericOrders.radix(n, checked, cols)),
          numericOrders.comparison(n, checked, cols)
        )
      }),
      { numRuns: 400, seed: 170017 }
    )
  })

  it("regression cases: NaN last descending, -0 = 0, a span just past 2^32, equal keys keep input order", () => {
    const cases: Array<[Array<number>, boolean]> = [
      [[NaN, 1, 0, NaN, -0, 2], true],
      [[NaN, 1, 0, NaN, -0, 2], false],
      [[0, 2 ** 32, 1, 2 ** 32 - 1, 5, 5], false],
      [[0, 2 ** 32, 1, 2 ** 32 - 1, 5, 5], true],
      [[-Infinity, Infinity, NaN, -1.5, 1.5, -0], true],
      [[3, 3, 3, 3], true]
    ]
    for (const [values, desc] of cases) {
      const checked = [{ field: "deadline" as const, code: 3, desc }]
      const cols = [Float64Array.from(values)]
      assert.deepStrictEqual(
        Array.from(numericOrders.radix(values.length, checked, cols)),
        numericOrders.comparison(values.length, checked, cols)
      )
    }
  })
})
