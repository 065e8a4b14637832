import { HttpClient, HttpClientRequest } from "@effect/platform"
import { kopecks } from "@groupbuy/core"
import { coreProfiles, insertUser } from "@groupbuy/core/testing"
import { SqlClient } from "@effect/sql"
import { afterEach, assert, describe, it } from "@effect/vitest"
import { Effect, Either, Option } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { choosePaymentProvider, describeConfigError } from "../src/config/ServerConfig.js"
import { killRunning, run, waitFor } from "./utils/Spawn.js"
import { TestServer, userClient } from "./utils/TestServer.js"

afterEach(killRunning)

describe("the sandbox provider and NODE_ENV", () => {
  it("is the default only outside production; in production it must be chosen, and no choice stops start-up", () => {
    assert.deepStrictEqual(choosePaymentProvider(Option.none(), "development"), Either.right("sandbox"))
    assert.deepStrictEqual(choosePaymentProvider(Option.some("sandbox"), "production"), Either.right("sandbox"))
    assert.deepStrictEqual(choosePaymentProvider(Option.some("tochka"), "production"), Either.right("tochka"))
    const refused = choosePaymentProvider(Option.none(), "production")
    assert.isTrue(Either.isLeft(refused))
    if (Either.isLeft(refused))
      assert.match(describeConfigError(refused.left).join("\n"), /^PAYMENT_PROVIDER: .*production/)
  })

  it(
    "npm start with NODE_ENV=production and no PAYMENT_PROVIDER exits 1 naming PAYMENT_PROVIDER; with PAYMENT_PROVIDER=sandbox it starts and warns loudly",
    { timeout: 300_000 },
    async () => {
      const env = {
        DATA_DIR: mkdtempSync(join(tmpdir(), "gb-sandbox-")),
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_FORMAT: "json"
      }
      const refused = run("main.ts", [], { ...env, NODE_ENV: "production" })
      assert.strictEqual((await refused.exited).code, 1, refused.output())
      assert.match(refused.output(), /bad configuration[\s\S]*PAYMENT_PROVIDER: .*NODE_ENV=production/)
      assert.notMatch(refused.output(), /Listening on/)

      const server = run("main.ts", [], { ...env, NODE_ENV: "production", PAYMENT_PROVIDER: "sandbox" })
      await waitFor("the listening log line", () => /Listening on/.exec(server.output())?.[0], server.output)
      const warning = server
        .output()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { logLevel: string; message: unknown })
        .find((l) => String(l.message).includes("SANDBOX PAYMENTS"))
      assert.isDefined(warning, server.output())
      assert.strictEqual(warning!.logLevel, "WARN")
      assert.include(String(warning!.message), "TEST MONEY")
      server.child.kill("SIGTERM")
      assert.strictEqual((await server.exited).code, 0, server.output())
    }
  )
})

for (const profile of coreProfiles()) {
  describe(`sandbox deposits say they are test money (${profile.name})`, () => {
    it.layer(TestServer(profile.layer), { timeout: "120 seconds" })((it) => {
      it.effect(
        "the API marks the deposit as test money; the pay page and its result are in the payer's language and say so",
        () =>
          Effect.gen(function* () {
            const http = yield* HttpClient.HttpClient
            const sql = yield* SqlClient.SqlClient
            for (const [language, words, pay, paidTitle] of [
              ["ru", "Тестовые деньги", ">Оплатить</button>", "<h1>Оплачено</h1>"],
              ["en", "Test money", ">Pay</button>", "<h1>Paid</h1>"]
            ] as const) {
              const user = yield* insertUser()
              yield* sql`UPDATE users SET language = ${language} WHERE id = ${user}`
              const asUser = yield* userClient(user)
              const deposit = yield* asUser.payments.createDeposit({ payload: { amount: kopecks(100_000_000n) } })
              assert.isTrue(deposit.testMoney)
              const url = new URL(deposit.url!)
              const page = yield* http.get(url.pathname + url.search)
              assert.strictEqual(page.status, 200)
              const html = yield* page.text
              assert.include(html, words)
              // the whole page is in the payer's language, not only the warning
              assert.include(html, pay)
              assert.include(html, `<html lang="${language}">`)
              const paid = yield* http.execute(
                HttpClientRequest.post(url.pathname).pipe(
                  HttpClientRequest.bodyUrlParams({ sig: url.searchParams.get("sig")!, action: "pay" })
                )
              )
              assert.strictEqual(paid.status, 200)
              const result = yield* paid.text
              assert.include(result, words)
              assert.include(result, paidTitle)
            }
          })
      )
    })
  })
}
