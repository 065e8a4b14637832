/**
 * Withdrawals in Chromium against the real server: a buyer asks from the cabinet's balance screen (the amount is held
 * at once and the request is listed waiting), an administrator sees it in the panel's "Withdrawals" and pays it out
 * after the confirmation (sandbox: marked paid); a second request is rejected with a reason and the amount comes
 * back; the requester's page grants a bonus. Every screen is checked with axe-core and photographed (test-artifacts/web/withdrawals-*).
 */
import { Credit, Kopecks, Ledger } from "@groupbuy/core"
import { insertUser } from "@groupbuy/core/testing"
import { assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect } from "effect"
import { freePort, launchChromium } from "../../server/test/utils/Browser.js"
import { ensureWebBuild } from "../../server/test/utils/WebBuild.js"
import { adminSignedIn, openSection } from "./utils/AdminPanel.js"
import { record } from "./utils/Audit.js"
import { cabinetServer, signedIn } from "./utils/CabinetServer.js"

ensureWebBuild()

const port = await freePort()
const origin = `http://127.0.0.1:${port}`

describe("withdrawals in Chromium", () => {
  layerOf(cabinetServer(port), { timeout: "240 seconds", excludeTestServices: true })((it) => {
    it.scoped(
      "a buyer asks from the balance screen; an administrator pays one out and rejects another",
      () =>
        Effect.gen(function* () {
          const browser = yield* launchChromium
          const ledger = yield* Ledger
          const violations: Array<string> = []
          const buyer = yield* insertUser({ firstName: "Дина" })
          yield* ledger.deposit(
            new Credit({ userId: buyer, amount: Kopecks.make(100_000n), idempotencyKey: `fund-${buyer}` })
          )

          const cabinet = yield* signedIn(browser, origin, buyer)
          cabinet.page.setDefaultTimeout(20_000)
          const ask = (rubles: string) =>
            Effect.promise(async () => {
              const page = cabinet.page
              await page.goto(`${origin}/balance`)
              await page.getByLabel("Сумма, ₽").last().fill(rubles)
              await page.getByLabel("Куда перевести").fill("Счёт 40817810000000000001, БИК 044525225, Дина Петрова")
              await page.getByTestId("withdraw").click()
              await page.getByTestId("withdraw-sent").waitFor()
            })
          yield* ask("600")
          yield* Effect.promise(async () => {
            const page = cabinet.page
            await page.getByTestId("withdrawals").locator("tbody tr[data-status=PENDING]").waitFor()
            await page.getByTestId("balance").and(page.locator("[data-kopecks='40000']")).waitFor()
            await record(page, "withdrawals-cabinet", violations)
          })
          assert.strictEqual(yield* ledger.balance(buyer), 40_000n)

          const { page } = yield* adminSignedIn(browser, origin, "withdrawals-admin@example.com")
          page.setDefaultTimeout(20_000)
          yield* Effect.promise(async () => {
            await openSection(page, "Выводы")
            await page.getByRole("heading", { name: "Выводы" }).waitFor()
            const row = page.getByTestId("table-withdrawals").locator("tbody tr", { hasText: "Дина" })
            await row.waitFor()
            assert.include(await row.innerText(), "40817810000000000001")
            await record(page, "withdrawals-admin", violations)
            await row.getByRole("button", { name: "Выплатить" }).click()
            const dialog = page.locator("dialog[open]")
            assert.include(await dialog.innerText(), "Выплатить 600")
            await dialog.getByRole("button", { name: "Выплатить" }).click()
            await page.getByTestId("withdrawals-notice").filter({ hasText: "выплачена" }).waitFor()
            // the row stays, paid out, with nothing more to do
            await row.filter({ hasText: "выплачена" }).waitFor()
            assert.strictEqual(await row.getByRole("button").count(), 0)
          })
          assert.strictEqual(yield* ledger.balance(buyer), 40_000n, "paying out does not debit twice")

          yield* ask("100")
          assert.strictEqual(yield* ledger.balance(buyer), 30_000n)
          yield* Effect.promise(async () => {
            await page.reload()
            const row = page.getByTestId("table-withdrawals").locator("tbody tr", { hasText: "ждёт решения" })
            await row.waitFor()
            await row.getByRole("button", { name: "Отклонить" }).click()
            const dialog = page.locator("dialog[open]")
            await dialog.getByLabel("Причина (её увидит пользователь)").fill("нужен счёт в рублях")
            await dialog.getByRole("button", { name: "Отклонить" }).click()
            await page.getByTestId("withdrawals-notice").filter({ hasText: "отклонена" }).waitFor()
          })
          assert.strictEqual(yield* ledger.balance(buyer), 40_000n)
          yield* Effect.promise(async () => {
            await cabinet.page.reload()
            await cabinet.page.getByTestId("withdrawals").getByText("отклонена (нужен счёт в рублях)").waitFor()
            await cabinet.page.getByTestId("withdrawals").locator("tbody tr[data-status=APPROVED]").waitFor()
          })
          // the user's page grants a bonus after the confirmation; the user is told
          yield* Effect.promise(async () => {
            await page.getByTestId("table-withdrawals").getByRole("link", { name: "Дина" }).first().click()
            await page.getByLabel("Сумма бонуса, ₽").fill("250")
            await page.getByLabel("За что (пользователь увидит)").fill("за отзыв")
            await page.getByTestId("grant-bonus").click()
            const dialog = page.locator("dialog[open]")
            assert.include(await dialog.innerText(), "Начислить бонус 250")
            await dialog.getByRole("button", { name: "Начислить" }).click()
            await page.getByTestId("bonus-granted").filter({ hasText: "Бонус 250" }).waitFor()
            await record(page, "withdrawals-bonus", violations)
          })
          assert.strictEqual(yield* ledger.balance(buyer), 65_000n)
          assert.deepStrictEqual(violations, [])
        }),
      240_000
    )
  })
})
