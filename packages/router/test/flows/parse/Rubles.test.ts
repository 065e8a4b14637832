import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { formatRubles, parseRubles } from "../../../src/flows/parse/Rubles.js"

const ok = (input: string) => {
  const result = parseRubles(input)
  assert.isTrue(Either.isRight(result), `${input} should parse`)
  return Either.getOrThrow(result)
}
const problemOf = (input: string) => {
  const result = parseRubles(input)
  assert.isTrue(Either.isLeft(result), `${input} should be refused`)
  return Either.isLeft(result) ? result.left.key : undefined
}

describe("parseRubles", () => {
  it("reads the ways people type rubles", () => {
    const cases: ReadonlyArray<readonly [string, bigint]> = [
      ["1500", 150_000n],
      ["1 500", 150_000n],
      ["1 500,50", 150_050n],
      ["1 500,5", 150_050n],
      ["1500.5", 150_050n],
      ["1500.05", 150_005n],
      ["  1500 ₽ ", 150_000n],
      ["1500₽", 150_000n],
      ["1500 руб", 150_000n],
      ["1500 руб.", 150_000n],
      ["1500 рублей", 150_000n],
      ["1500р", 150_000n],
      ["1500 RUB", 150_000n],
      ["1.500", 150_000n],
      ["1,500", 150_000n],
      ["1.500.000", 150_000_000n],
      ["1 000 000", 100_000_000n],
      ["1,500.50", 150_050n],
      ["1.500,50", 150_050n],
      ["1\u00a0500,50", 150_050n],
      ["1\u202f500,50\u00a0₽", 150_050n],
      ["0,01", 1n],
      ["0", 0n],
      ["007", 700n],
      ["1500.", 150_000n]
    ]
    for (const [input, kopecks] of cases) assert.strictEqual(ok(input), kopecks, input)
  })

  it("refuses what is not an amount, with the reason", () => {
    assert.strictEqual(problemOf(""), "amount.empty")
    assert.strictEqual(problemOf("  ₽ "), "amount.empty")
    assert.strictEqual(problemOf("-5"), "amount.negative")
    assert.strictEqual(problemOf("−5"), "amount.negative")
    assert.strictEqual(problemOf("abc"), "amount.malformed")
    assert.strictEqual(problemOf("1e5"), "amount.malformed")
    assert.strictEqual(problemOf(",50"), "amount.malformed")
    assert.strictEqual(problemOf("1,50,5"), "amount.malformed")
    assert.strictEqual(problemOf("12.34.5"), "amount.malformed")
    assert.strictEqual(problemOf("1,500.505"), "amount.tooPrecise")
    assert.strictEqual(problemOf("1.5055"), "amount.tooPrecise")
    assert.strictEqual(problemOf("1.500,50,1"), "amount.malformed")
    assert.strictEqual(problemOf("10,00.50"), "amount.malformed")
    assert.strictEqual(problemOf("1234567890123"), "amount.tooLarge")
    assert.strictEqual(ok("123456789012"), 12_345_678_901_200n)
  })

  it("formats like core: narrow no-break thousands, kopecks only when not zero", () => {
    assert.strictEqual(formatRubles(150_050n), "1\u202f500,50\u00a0₽")
    assert.strictEqual(formatRubles("150000"), "1\u202f500\u00a0₽")
    assert.strictEqual(formatRubles(5n), "0,05\u00a0₽")
    assert.strictEqual(formatRubles(100_000_000n), "1\u202f000\u202f000\u00a0₽")
    assert.strictEqual(formatRubles(-150n), "−1,50\u00a0₽")
  })

  it("round-trips: kopecks → formatted → parsed gives the same kopecks", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 99_999_999_999_999n }), (kopecks) => {
        const parsed = parseRubles(formatRubles(kopecks))
        return Either.isRight(parsed) && parsed.right === kopecks
      }),
      { numRuns: 2000 }
    )
  })

  it("round-trips typed forms: whole rubles with any grouping, decimals with comma or dot", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 999_999_999_999n }),
        fc.integer({ min: 0, max: 99 }),
        fc.constantFrom(",", "."),
        fc.constantFrom("", " ", "\u00a0"),
        fc.constantFrom("", " ₽", "₽", " руб.", " р"),
        (rubles, kopecks, decimal, group, suffix) => {
          const whole = rubles.toString().replace(/\B(?=(\d{3})+(?!\d))/g, group)
          const typed = `${whole}${decimal}${String(kopecks).padStart(2, "0")}${suffix}`
          const parsed = parseRubles(typed)
          return Either.isRight(parsed) && parsed.right === rubles * 100n + BigInt(kopecks)
        }
      ),
      { numRuns: 2000 }
    )
  })

  it("never throws, whatever is typed", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const result = parseRubles(s)
        return Either.isLeft(result) || result.right >= 0n
      }),
      { numRuns: 2000 }
    )
  })
})
