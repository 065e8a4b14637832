import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import * as fc from "fast-check"
import { formatRubles, kopecks, parseRubles } from "../src/Money.js"

describe("Money", () => {
  it("parses the ways people type ruble amounts", () => {
    const cases: ReadonlyArray<readonly [string, bigint]> = [
      ["1500", 150_000n],
      ["1 500,50", 150_050n],
      ["1500.5", 150_050n],
      ["1\u00a0500 ₽", 150_000n],
      ["1500 руб", 150_000n],
      ["1500 руб.", 150_000n],
      ["0,99", 99n],
      ["  42  ", 4_200n]
    ]
    for (const [input, expected] of cases) {
      assert.deepStrictEqual(parseRubles(input), Either.right(kopecks(expected)), input)
    }
  })

  it("refuses what is not an amount, saying why", () => {
    assert.deepStrictEqual(parseRubles(""), Either.left("empty"))
    assert.deepStrictEqual(parseRubles("abc"), Either.left("malformed"))
    assert.deepStrictEqual(parseRubles("-5"), Either.left("malformed"))
    assert.deepStrictEqual(parseRubles("1,5,0"), Either.left("malformed"))
    assert.deepStrictEqual(parseRubles("10,999"), Either.left("too-precise"))
  })

  it("formats with thousands separators and kopecks", () => {
    assert.strictEqual(formatRubles(150_050n), "1\u202f500,50\u00a0₽")
    assert.strictEqual(formatRubles(150_000n), "1\u202f500\u00a0₽")
    assert.strictEqual(formatRubles(150_000n, { alwaysKopecks: true }), "1\u202f500,00\u00a0₽")
    assert.strictEqual(formatRubles(123_456_789_00n), "123\u202f456\u202f789\u00a0₽")
    assert.strictEqual(formatRubles(-5n), "−0,05\u00a0₽")
  })

  it("formatting and parsing round-trip for every non-negative amount", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), (k) => {
        const parsed = parseRubles(formatRubles(k, { alwaysKopecks: true }))
        return Either.isRight(parsed) && parsed.right === k
      })
    )
  })
})
