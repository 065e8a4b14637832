/**
 * REST refusals a person can read: a body that does not match its schema is answered with a sentence in the request's
 * language (Accept-Language; Russian by default) naming the field and what it expects, next to the machine code and
 * the schema's own detail; an illegal status change names the moves there are.
 */
import { insertProcurement, insertUser, coreProfiles } from "@groupbuy/core/testing"
import { describeDecodeIssues, requestLanguage } from "@groupbuy/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { UserTokens } from "../src/auth/UserTokens.js"
import { baseUrlOf } from "./utils/AppHarness.js"
import { TestServer } from "./utils/TestServer.js"

describe("requestLanguage and describeDecodeIssues", () => {
  it("picks the first of ru / en by preference, Russian otherwise", () => {
    assert.strictEqual(requestLanguage(undefined), "ru")
    assert.strictEqual(requestLanguage("en-US,en;q=0.9"), "en")
    assert.strictEqual(requestLanguage("de-DE, en;q=0.8, ru;q=0.9"), "ru")
    assert.strictEqual(requestLanguage("ru;q=0, en"), "en")
    assert.strictEqual(requestLanguage("fr"), "ru")
  })
  it("names the field and what it expects", () => {
    const issues = [
      { _tag: "Transformation", path: ["amount"], message: 'Unable to decode "500,00" into a bigint' },
      { _tag: "Missing", path: ["reason"], message: "is missing" }
    ]
    assert.strictEqual(
      describeDecodeIssues(issues, "en"),
      'The request was not accepted: the amount is an amount in kopecks written as digits in a string: "50000" is ' +
        '500 ₽ (got "500,00"); the reason is required.'
    )
    assert.strictEqual(
      describeDecodeIssues(issues, "ru"),
      'Запрос не принят: поле «сумма» — сумма в копейках, цифрами в строке: например "50000" — это 500 ₽ (получено ' +
        '"500,00"); не указано поле «причина».'
    )
  })
})

for (const profile of coreProfiles()) {
  describe(`readable refusals over HTTP (${profile.name})`, () => {
    it.layer(TestServer(profile.layer), { timeout: "120 seconds" })((it) => {
      it.effect("a malformed amount, in Russian and English; an illegal move names the allowed ones", () =>
        Effect.gen(function* () {
          const base = yield* baseUrlOf
          const buyer = yield* insertUser({ firstName: "Лев" })
          const { token } = yield* (yield* UserTokens).issue(buyer)
          const post = (path: string, body: unknown, language?: string) =>
            Effect.promise(async () => {
              const response = await fetch(`${base}${path}`, {
                method: "POST",
                headers: {
                  authorization: `Bearer ${token}`,
                  "content-type": "application/json",
                  ...(language === undefined ? {} : { "accept-language": language })
                },
                body: JSON.stringify(body)
              })
              return { status: response.status, json: (await response.json()) as Record<string, any> }
            })
          const ru = yield* post("/api/payments/deposits", { amount: "500,00" })
          assert.strictEqual(ru.status, 400)
          assert.strictEqual(ru.json["_tag"], "HttpApiDecodeError")
          assert.strictEqual(ru.json["code"], "request.invalid")
          assert.strictEqual(
            ru.json["message"],
            'Запрос не принят: поле «сумма» — сумма в копейках, цифрами в строке: например "50000" — это 500 ₽ ' +
              '(получено "500,00").'
          )
          assert.include(ru.json["detail"], 'Unable to decode "500,00" into a bigint')
          assert.deepStrictEqual(ru.json["issues"][0]["path"], ["amount"])
          const en = yield* post("/api/payments/deposits", { amount: "500,00" }, "en-GB,en;q=0.9")
          assert.include(en.json["message"], "The request was not accepted: the amount is an amount in kopecks")

          // a domain refusal gets the request's language as well
          const organizer = yield* insertUser({ firstName: "Ольга", role: "organizer" })
          const id = yield* insertProcurement(organizer, { title: "Мёд" })
          const asOrganizer = yield* (yield* UserTokens).issue(organizer)
          const move = (language: string) =>
            Effect.promise(async () => {
              const response = await fetch(`${base}/api/procurements/${id}/status`, {
                method: "POST",
                headers: {
                  authorization: `Bearer ${asOrganizer.token}`,
                  "content-type": "application/json",
                  "accept-language": language
                },
                body: JSON.stringify({ status: "COMPLETED" })
              })
              return { status: response.status, json: (await response.json()) as Record<string, any> }
            })
          const illegal = yield* move("en")
          assert.strictEqual(illegal.status, 409)
          assert.deepStrictEqual(illegal.json["allowed"], ["STOPPED", "CANCELLED"])
          assert.strictEqual(
            illegal.json["message"],
            "A procurement cannot go from ACTIVE to COMPLETED; from ACTIVE it can go to: STOPPED, CANCELLED."
          )
          assert.strictEqual(
            (yield* move("ru")).json["message"],
            "Закупка не может перейти из ACTIVE в COMPLETED; из ACTIVE возможно: STOPPED, CANCELLED."
          )
        })
      )
    })
  })
}
