import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import { parseEmail } from "../../../src/flows/parse/Email.js"

const value = (input: string) => {
  const result = parseEmail(input)
  return Either.isRight(result) ? result.right : `!${result.left.key}`
}

describe("parseEmail", () => {
  it("accepts and lower-cases addresses", () => {
    assert.strictEqual(value(" Ivan.Petrov@Mail.RU "), "ivan.petrov@mail.ru")
    assert.strictEqual(value("a+tag@sub.example.com"), "a+tag@sub.example.com")
    assert.strictEqual(value("иван@почта.рф"), "!email.malformed")
    assert.strictEqual(value("ivan@почта.рф"), "ivan@почта.рф")
    assert.strictEqual(value("x@xn--80a1acny.xn--p1ai"), "x@xn--80a1acny.xn--p1ai")
  })

  it("refuses malformed addresses with the reason", () => {
    assert.strictEqual(value(""), "!email.empty")
    assert.strictEqual(value("ivan petrov@mail.ru"), "!email.spaces")
    assert.strictEqual(value("ivan"), "!email.malformed")
    assert.strictEqual(value("ivan@"), "!email.malformed")
    assert.strictEqual(value("@mail.ru"), "!email.malformed")
    assert.strictEqual(value("ivan@mail"), "!email.malformed")
    assert.strictEqual(value("ivan@@mail.ru"), "!email.malformed")
    assert.strictEqual(value("a@b@mail.ru"), "!email.malformed")
    assert.strictEqual(value(".ivan@mail.ru"), "!email.malformed")
    assert.strictEqual(value("iv..an@mail.ru"), "!email.malformed")
    assert.strictEqual(value("ivan@-mail.ru"), "!email.malformed")
    assert.strictEqual(value("ivan@mail.r"), "!email.malformed")
    assert.strictEqual(value(`${"a".repeat(65)}@mail.ru`), "!email.malformed")
    assert.strictEqual(value(`a@${"b".repeat(250)}.ru`), "!email.tooLong")
  })
})
