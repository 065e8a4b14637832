import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Schema } from "effect"
import fc from "fast-check"
import { RegisterUser } from "../src/Users.js"
import {
  collect,
  decodeInput,
  email,
  emojiIcon,
  httpUrl,
  normalizePhone,
  personName,
  phone,
  Subjects,
  trimmedText
} from "../src/Validation.js"

const PHONE_EN = "phone number must look like +7 999 123-45-67"
const PHONE_RU = "номер телефона должен выглядеть как +7 999 123-45-67"
const EMAIL_EN = "this email address is not valid"
const EMAIL_RU = "адрес электронной почты указан неверно"

describe("Validation.phone", () => {
  const good: ReadonlyArray<readonly [string, string]> = [
    ["8 (999) 123-45-67", "+79991234567"],
    ["+7 999 123-45-67", "+79991234567"],
    ["+79991234567", "+79991234567"],
    ["89991234567", "+79991234567"],
    ["7 999 123 45 67", "+79991234567"],
    ["  +7 (495) 123-45-67  ", "+74951234567"],
    ["8-999-123-45-67", "+79991234567"],
    ["+44 20 7946 0958", "+442079460958"],
    ["+1 (415) 555-2671", "+14155552671"],
    ["+380 44 123 4567", "+380441234567"],
    ["+49 1512 3456789", "+4915123456789"]
  ]
  for (const [input, expected] of good) {
    it(`accepts ${JSON.stringify(input)} as ${expected}`, () => {
      assert.deepStrictEqual(phone(input), Either.right(expected))
    })
  }

  const bad = [
    "12345",
    "",
    "   ",
    "+7 999 123-45",
    "+7 999 123-45-678",
    "8 999 123 45 6",
    "9991234567",
    "+0 123 456 7890",
    "+123456789",
    "+1234567890123456",
    "phone",
    "+7 999 l23-45-67",
    "++79991234567",
    "8 (999) 123-45-67 доб. 5"
  ]
  for (const input of bad) {
    it(`refuses ${JSON.stringify(input)} with a readable message`, () => {
      const result = phone(input, "contact.phone")
      assert.isTrue(Either.isLeft(result))
      if (Either.isLeft(result)) {
        assert.strictEqual(result.left.path, "contact.phone")
        assert.strictEqual(result.left.code, "phone.invalid")
        assert.strictEqual(result.left.en, PHONE_EN)
        assert.strictEqual(result.left.ru, PHONE_RU)
      }
    })
  }

  const separator = fc.constantFrom("", " ", "-", " - ", "(", ")", "\u00a0")
  const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n })
  const sprinkle = (ds: ReadonlyArray<number>, seps: ReadonlyArray<string>) =>
    ds.map((d, i) => `${seps[i] ?? ""}${d}`).join("")
  const russian = fc
    .tuple(fc.constantFrom("+7", "8", "7", "+7 ", "8 "), digits(10), fc.array(separator, { maxLength: 10 }))
    .map(([prefix, ds, seps]) => prefix + sprinkle(ds, seps))
  const international = fc
    .tuple(
      fc.integer({ min: 1, max: 9 }).filter((d) => d !== 7),
      fc.integer({ min: 9, max: 14 }).chain((n) => digits(n)),
      fc.array(separator, { maxLength: 14 })
    )
    .map(([first, ds, seps]) => `+${first}${sprinkle(ds, seps)}`)

  it("valid phones normalise idempotently to E.164", () => {
    fc.assert(
      fc.property(fc.oneof(russian, international), (input) => {
        const once = normalizePhone(input)
        assert.isDefined(once)
        assert.match(once!, /^\+[1-9]\d{9,14}$/)
        assert.strictEqual(normalizePhone(once!), once)
        // no digit is lost or invented (a Russian trunk 8 becomes 7)
        assert.strictEqual(once!.slice(-10), input.replace(/\D/g, "").slice(-10))
      })
    )
  })

  it("anything without enough digits is refused", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (input) => {
        if (input.replace(/\D/g, "").length < 10) assert.isUndefined(normalizePhone(input))
      })
    )
  })
})

describe("Validation.email", () => {
  const good: ReadonlyArray<readonly [string, string]> = [
    ["anna@example.com", "anna@example.com"],
    ["  Anna.Petrova@Mail.RU ", "anna.petrova@mail.ru"],
    ["first+tag@sub.domain.org", "first+tag@sub.domain.org"],
    ["ivan@пример.рф", "ivan@пример.рф"],
    ["x@xn--80ak6aa92e.com", "x@xn--80ak6aa92e.com"]
  ]
  for (const [input, expected] of good) {
    it(`accepts ${JSON.stringify(input)}`, () => assert.deepStrictEqual(email(input), Either.right(expected)))
  }
  const bad = ["a@b", "", "anna", "anna@", "@example.com", "a@@b.com", "a b@example.com", "a..b@example.com"]
  const more = [".a@example.com", "a@-example.com", "a@example.c", "a@example..com", "анна@example.com"]
  for (const input of [...bad, ...more]) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      const result = email(input)
      assert.isTrue(Either.isLeft(result))
      if (Either.isLeft(result)) {
        assert.strictEqual(result.left.code, "email.invalid")
        assert.strictEqual(result.left.en, EMAIL_EN)
        assert.strictEqual(result.left.ru, EMAIL_RU)
      }
    })
  }
})

describe("Validation.personName and trimmedText", () => {
  it("accepts Cyrillic and hyphenated names, trimming and collapsing spaces", () => {
    const name = (s: string) => personName(s, { path: "firstName", subject: Subjects.firstName })
    assert.deepStrictEqual(name("  Анна-Мария  "), Either.right("Анна-Мария"))
    assert.deepStrictEqual(name("Ёжиков   Пётр"), Either.right("Ёжиков Пётр"))
    assert.deepStrictEqual(name("O'Brien"), Either.right("O'Brien"))
  })

  it("refuses empty, too long and letterless names in both languages", () => {
    const name = (s: string) => personName(s, { path: "firstName", subject: Subjects.firstName })
    const empty = name("   ")
    assert.isTrue(Either.isLeft(empty))
    if (Either.isLeft(empty)) {
      assert.strictEqual(empty.left.en, "the first name must be 1–100 characters")
      assert.strictEqual(empty.left.ru, "имя должно быть от 1 до 100 символов")
    }
    assert.isTrue(Either.isLeft(name("Я".repeat(101))))
    assert.deepStrictEqual(name("Я".repeat(100)), Either.right("Я".repeat(100)))
    const digits = name("12345")
    assert.isTrue(Either.isLeft(digits))
    if (Either.isLeft(digits)) {
      assert.strictEqual(digits.left.code, "name.no-letters")
      assert.strictEqual(digits.left.ru, "имя должно содержать буквы")
    }
    const last = personName("", { path: "lastName", subject: Subjects.lastName })
    if (Either.isLeft(last)) assert.strictEqual(last.left.ru, "фамилия должна быть от 1 до 100 символов")
    else assert.fail("an empty last name was accepted")
  })

  it("counts characters, not UTF-16 units, and refuses control characters", () => {
    const opts = { path: "icon", subject: Subjects.text, max: 2 } as const
    assert.deepStrictEqual(trimmedText("😀😀", opts), Either.right("😀😀"))
    assert.isTrue(Either.isLeft(trimmedText("😀😀😀", opts)))
    const control = trimmedText("a\u0007b", { path: "t", subject: Subjects.text, max: 10 })
    assert.isTrue(Either.isLeft(control) && control.left.code === "text.control-characters")
    const optional = trimmedText("x".repeat(11), { path: "d", subject: Subjects.description, min: 0, max: 10 })
    if (Either.isLeft(optional)) assert.strictEqual(optional.left.ru, "описание должно быть не длиннее 10 символов")
    else assert.fail("too long text was accepted")
    const one = trimmedText("", { path: "t", subject: Subjects.text, max: 21 })
    if (Either.isLeft(one)) assert.strictEqual(one.left.ru, "текст должен быть от 1 до 21 символа")
    else assert.fail("empty text was accepted")
  })
})

describe("Validation.httpUrl and emojiIcon", () => {
  it("accepts http(s) links only", () => {
    assert.deepStrictEqual(httpUrl("https://example.com/a.jpg"), Either.right("https://example.com/a.jpg"))
    assert.deepStrictEqual(
      httpUrl(" http://пример.рф/фото "),
      Either.right("http://xn--e1afmkfd.xn--p1ai/%D1%84%D0%BE%D1%82%D0%BE")
    )
    for (const bad of [
      "ftp://example.com/x",
      "javascript:alert(1)",
      "example.com",
      "",
      "https://",
      "data:text/plain,x"
    ]) {
      const result = httpUrl(bad, "attachmentUrl")
      assert.isTrue(Either.isLeft(result), bad)
      if (Either.isLeft(result)) {
        assert.strictEqual(result.left.path, "attachmentUrl")
        assert.strictEqual(result.left.code, "url.invalid")
      }
    }
  })

  it("accepts emoji icons up to 8 characters", () => {
    for (const good of ["🍯", "🇷🇺", "👨‍👩‍👧", "❤️", "1️⃣", "👍🏽"]) assert.deepStrictEqual(emojiIcon(good), Either.right(good))
    for (const bad of ["", "a", "мёд", "12", "🍯🍯🍯🍯🍯🍯🍯🍯🍯", "🍯 мёд"])
      assert.isTrue(Either.isLeft(emojiIcon(bad)), bad)
  })
})

describe("Validation.collect and decodeInput", () => {
  it("reports every issue at once", () => {
    const result = collect({ phone: phone("12345"), email: email("a@b"), ok: Either.right(1) })
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      assert.deepStrictEqual(
        result.left.issues.map((i) => i.code),
        ["phone.invalid", "email.invalid"]
      )
      assert.strictEqual(result.left.describe("ru"), `${PHONE_RU}; ${EMAIL_RU}`)
      assert.strictEqual(result.left.message, `${PHONE_EN}; ${EMAIL_EN}`)
    }
    assert.deepStrictEqual(collect({ a: Either.right(1), b: Either.right("x") }), Either.right({ a: 1, b: "x" }))
  })

  it.effect("turns a Schema failure into InvalidInput with a path", () =>
    Effect.gen(function* () {
      const error = yield* decodeInput(RegisterUser)({
        identity: { platform: "icq", externalId: "1" },
        firstName: "Анна",
        role: "buyer"
      }).pipe(Effect.flip)
      assert.strictEqual(error._tag, "InvalidInput")
      assert.strictEqual(error.issues[0].path, "identity.platform")
      assert.strictEqual(error.issues[0].ru, "поле «identity.platform» заполнено неверно")
      const ok = yield* decodeInput(Schema.NumberFromString)("12")
      assert.strictEqual(ok, 12)
    })
  )
})
