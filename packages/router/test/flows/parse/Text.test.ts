import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import { characters, parseFullName, parseLine, parseParagraphs } from "../../../src/flows/parse/Text.js"
import { parseQuantity } from "../../../src/flows/parse/Quantity.js"

const show = <A>(result: Either.Either<A, { key: string; params?: Record<string, string> }>) =>
  Either.isRight(result) ? result.right : `!${result.left.key}`

describe("text fields", () => {
  it("parseLine trims, collapses whitespace and counts characters, not UTF-16 units", () => {
    assert.strictEqual(show(parseLine("  Мёд   алтайский \n 2026 ", 3, 200)), "Мёд алтайский 2026")
    assert.strictEqual(show(parseLine("ab", 3, 200)), "!text.tooShort")
    assert.strictEqual(show(parseLine("   ", 1, 10)), "!text.empty")
    assert.strictEqual(show(parseLine("🍯🍯🍯", 3, 3)), "🍯🍯🍯")
    assert.strictEqual(show(parseLine("a".repeat(201), 3, 200)), "!text.tooLong")
    assert.strictEqual(show(parseLine("bad\u0007bell", 1, 20)), "!text.control")
    const long = parseLine("a".repeat(201), 3, 200)
    assert.deepStrictEqual(Either.isLeft(long) ? long.left.params : undefined, { max: "200", length: "201" })
    assert.strictEqual(characters("🍯ab"), 3)
  })

  it("parseParagraphs keeps line breaks but at most one blank line", () => {
    assert.strictEqual(show(parseParagraphs(" Строка  1 \r\n\n\n\n  Строка 2 ", 1, 100)), "Строка 1\n\nСтрока 2")
    assert.strictEqual(show(parseParagraphs("\n\n", 1, 100)), "!text.empty")
    assert.strictEqual(show(parseParagraphs("x".repeat(5001), 1, 5000)), "!text.tooLong")
  })

  it("parseFullName splits first and last name", () => {
    assert.deepStrictEqual(show(parseFullName("Иван")), { firstName: "Иван", lastName: null })
    assert.deepStrictEqual(show(parseFullName("  Иван   Петров ")), { firstName: "Иван", lastName: "Петров" })
    assert.deepStrictEqual(show(parseFullName("Анна-Мария O'Neil")), { firstName: "Анна-Мария", lastName: "O'Neil" })
    assert.deepStrictEqual(show(parseFullName("Анна Мария Петрова")), { firstName: "Анна Мария", lastName: "Петрова" })
    assert.strictEqual(show(parseFullName("")), "!name.empty")
    assert.strictEqual(show(parseFullName("Иван 2")), "!name.characters")
    assert.strictEqual(show(parseFullName("Иван 🙂")), "!name.characters")
    assert.strictEqual(show(parseFullName("a b c d e")), "!name.tooManyWords")
    assert.strictEqual(show(parseFullName("Я".repeat(51))), "!name.tooLong")
  })

  it("parseQuantity reads whole numbers, ignoring a trailing unit", () => {
    assert.strictEqual(show(parseQuantity("5")), 5)
    assert.strictEqual(show(parseQuantity(" 12 шт")), 12)
    assert.strictEqual(show(parseQuantity("3кг")), 3)
    assert.strictEqual(show(parseQuantity("1 000")), 1000)
    assert.strictEqual(show(parseQuantity("0")), "!quantity.positive")
    assert.strictEqual(show(parseQuantity("-3")), "!quantity.positive")
    assert.strictEqual(show(parseQuantity("2,5")), "!quantity.whole")
    assert.strictEqual(show(parseQuantity("2.5 кг")), "!quantity.whole")
    assert.strictEqual(show(parseQuantity("много")), "!quantity.malformed")
    assert.strictEqual(show(parseQuantity("1e3")), "!quantity.malformed")
    assert.strictEqual(show(parseQuantity("1000001")), "!quantity.tooLarge")
  })
})
