import { assert, describe, it } from "@effect/vitest"
import { flowMessages } from "../../src/flows/messages.js"
import { ru as engineRu } from "../../src/internal/catalogue/ru.js"
import { text } from "../../src/Messages.js"

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe("flow messages", () => {
  it("have the same keys in Russian and English", () => {
    const ru = Object.keys(flowMessages.ru).sort()
    const en = Object.keys(flowMessages.en).sort()
    assert.deepStrictEqual(
      ru.filter((k) => !en.includes(k)),
      [],
      "missing in en"
    )
    assert.deepStrictEqual(
      en.filter((k) => !ru.includes(k)),
      [],
      "missing in ru"
    )
  })

  it("use the same placeholders in both languages, and no text is blank", () => {
    for (const key of Object.keys(flowMessages.ru) as Array<keyof typeof flowMessages.ru>) {
      assert.deepStrictEqual(placeholders(flowMessages.en[key]), placeholders(flowMessages.ru[key]), key)
      assert.isTrue(flowMessages.ru[key].trim().length > 0 && flowMessages.en[key].trim().length > 0, key)
    }
  })

  it("share no key with the engine's part of the catalogue (one would hide the other)", () => {
    assert.deepStrictEqual(
      Object.keys(flowMessages.ru).filter((k) => k in engineRu),
      []
    )
  })

  it("text fills their placeholders and leaves unknown ones visible", () => {
    assert.strictEqual(
      text("ru", "deadline.past", { date: "21.11.2026" }),
      "Дата должна быть в будущем: 21.11.2026 уже прошла."
    )
    assert.strictEqual(
      text("en", "deadline.past", { date: "21.11.2026" }),
      "The date must be in the future: 21.11.2026 has already passed."
    )
    assert.strictEqual(text("en", "deadline.past"), "The date must be in the future: {date} has already passed.")
    assert.strictEqual(text("ru", "common.skip"), "Пропустить")
  })
})
