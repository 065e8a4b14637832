import { assert, describe, it } from "@effect/vitest"
import { catalogues, rich, text } from "../src/index.js"
import { toPlain } from "../src/RichTexts.js"

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe("message catalogues", () => {
  it("Russian and English have the same keys, none empty, with the same placeholders", () => {
    const ru = Object.keys(catalogues.ru).sort()
    const en = Object.keys(catalogues.en).sort()
    assert.deepStrictEqual(en, ru, "a key is missing in one of the catalogues")
    for (const key of ru) {
      const r = catalogues.ru[key as keyof typeof catalogues.ru]
      const e = catalogues.en[key as keyof typeof catalogues.en]
      assert.isTrue(r.trim() !== "" && e.trim() !== "", `empty text for ${key}`)
      assert.deepStrictEqual(placeholders(e), placeholders(r), `placeholders differ for ${key}`)
    }
  })

  it("markup becomes formatting and parameters never do", () => {
    const spans = rich("ru", "balance.title", { amount: "**100**" })
    assert.deepStrictEqual(spans, [{ text: "💰 Баланс: " }, { text: "**100**", bold: true }])
    assert.strictEqual(text("en", "welcome.new"), "👋 Welcome to GroupBuy — group purchasing right in your chat!")
    assert.strictEqual(toPlain(rich("en", "welcome.back", { name: "__Ann__" })), "👋 Welcome back, __Ann__!")
  })
})
