// formatMessageText output is safe for innerHTML: the only tags are the generated links, every link is http(s),
// no attribute value can be broken out of, and the visible text is exactly the input.
import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { JsBackend } from "../src/index.js"
import { text } from "./Arbitraries.js"
import { instantiateWasm } from "./Fixtures.js"

const LINK = /<a href="([^"<>]*)" rel="noopener noreferrer nofollow" target="_blank">([^"<>]*)<\/a>/g

const ENTITIES: Readonly<Record<string, string>> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'"
}
const unescape = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!)

const wellFormed = (s: string) => (s as unknown as { toWellFormed(): string }).toWellFormed()

/** Checks one output; returns the visible text it renders to. */
const check = (input: string, html: string): void => {
  let visible = ""
  let last = 0
  for (const m of html.matchAll(LINK)) {
    const [, href, label] = m
    const between = html.slice(last, m.index)
    assert.notMatch(between, /[<>"']/, "raw markup outside the generated links")
    visible += unescape(between)
    assert.strictEqual(href, label)
    assert.match(unescape(href!), /^https?:\/\/[A-Za-z0-9]/i, "only http(s) links")
    assert.notMatch(href!, /&(?!(amp|lt|gt|quot|#39);)/, "every & in an attribute is an entity")
    visible += unescape(label!)
    last = m.index + m[0].length
  }
  const tail = html.slice(last)
  assert.notMatch(tail, /[<>"']/, "raw markup outside the generated links")
  visible += unescape(tail)
  assert.strictEqual(visible, wellFormed(input), "the rendered text is the input")
}

const { backend: wasm } = await instantiateWasm()

for (const [name, k] of [
  ["js", JsBackend],
  ["wasm", wasm]
] as const) {
  describe(`formatMessageText (${name}) is safe for innerHTML`, () => {
    it("for random text with HTML, quotes, URL pieces, Cyrillic and emoji", () => {
      fc.assert(
        fc.property(text(80), (s) => check(s, k.formatMessageText(s))),
        { numRuns: 2000 }
      )
    })

    it("for classic XSS payloads", () => {
      const payloads = [
        `<img src=x onerror=alert(1)>`,
        `"><script>alert(1)</script>`,
        `https://a.ru/"onmouseover="alert(1)`,
        `https://a.ru/'onmouseover='alert(1)`,
        `https://a.ru/<script>`,
        `javascript:alert(document.cookie)`,
        `JaVaScRiPt:alert(1)`,
        `data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==`,
        `http://a.ru/&quot;onclick=alert(1)`,
        `<a href="javascript:alert(1)">x</a>`,
        "https://a.ru/`onclick=alert(1)`"
      ]
      for (const p of payloads) check(p, k.formatMessageText(p))
      assert.strictEqual(k.formatMessageText(`https://a.ru/"onmouseover="x`).includes('"onmouseover'), false)
    })
  })
}
