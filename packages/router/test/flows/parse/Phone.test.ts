import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { formatPhone, parseContactPhone, parsePhone } from "../../../src/flows/parse/Phone.js"

const value = (result: ReturnType<typeof parsePhone>) => (Either.isRight(result) ? result.right : `!${result.left.key}`)

describe("parsePhone", () => {
  it("normalises Russian numbers to +7XXXXXXXXXX", () => {
    for (const typed of [
      "+79001234567",
      "+7 900 123-45-67",
      "+7 (900) 123-45-67",
      "8 900 123 45 67",
      "8(900)123-45-67",
      "89001234567",
      "79001234567",
      "7 900 123.45.67",
      "9001234567",
      " +7\u00a0900\u00a0123\u00a045\u00a067 "
    ]) {
      assert.strictEqual(value(parsePhone(typed)), "+79001234567", typed)
    }
  })

  it("accepts international numbers with + and 10–15 digits", () => {
    assert.strictEqual(value(parsePhone("+380 50 123 45 67")), "+380501234567")
    assert.strictEqual(value(parsePhone("+44 20 7946 0958")), "+442079460958")
    assert.strictEqual(value(parsePhone("+1 (212) 555-0100")), "+12125550100")
    assert.strictEqual(value(parsePhone("+123456789012345")), "+123456789012345")
  })

  it("refuses everything else with the reason", () => {
    assert.strictEqual(value(parsePhone("")), "!phone.empty")
    assert.strictEqual(value(parsePhone("call me")), "!phone.characters")
    assert.strictEqual(value(parsePhone("+7 900 123")), "!phone.russianLength")
    assert.strictEqual(value(parsePhone("+7 900 123 45 678")), "!phone.russianLength")
    assert.strictEqual(value(parsePhone("+123456789")), "!phone.internationalLength")
    assert.strictEqual(value(parsePhone("+1234567890123456")), "!phone.internationalLength")
    assert.strictEqual(value(parsePhone("+0123456789")), "!phone.malformed")
    assert.strictEqual(value(parsePhone("380501234567")), "!phone.needPlus")
    assert.strictEqual(value(parsePhone("12345")), "!phone.malformed")
    assert.strictEqual(value(parsePhone("8900123456")), "!phone.malformed")
    assert.strictEqual(value(parsePhone("8--900-123-45-67")), "!phone.malformed")
    assert.strictEqual(value(parsePhone("8 ((900)) 123-45-67")), "!phone.malformed")
    assert.strictEqual(value(parsePhone("8 900) 123-45-67")), "!phone.malformed")
    assert.strictEqual(value(parsePhone("+7 900 +123-45-67")), "!phone.characters")
  })

  it("reads shared contacts with or without +", () => {
    assert.strictEqual(value(parseContactPhone("79001234567")), "+79001234567")
    assert.strictEqual(value(parseContactPhone("+79001234567")), "+79001234567")
    assert.strictEqual(value(parseContactPhone("89001234567")), "+79001234567")
    assert.strictEqual(value(parseContactPhone("380501234567")), "+380501234567")
    assert.strictEqual(value(parseContactPhone("123")), "!phone.internationalLength")
  })

  it("every accepted number is E.164 and stable under re-parsing", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."+0123456789 ()-.".split("")), maxLength: 22 }), (typed) => {
        const result = parsePhone(typed)
        if (Either.isLeft(result)) return true
        return /^\+[1-9]\d{9,14}$/.test(result.right) && value(parsePhone(result.right)) === result.right
      }),
      { numRuns: 3000 }
    )
  })

  it("formats Russian numbers for people", () => {
    assert.strictEqual(formatPhone("+79001234567"), "+7 900 123-45-67")
    assert.strictEqual(formatPhone("+380501234567"), "+380501234567")
  })
})
