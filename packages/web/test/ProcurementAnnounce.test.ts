/**
 * The procurement screen in Chromium against the real server, whose Telegram bot runs against the fake Bot API with one
 * broadcast channel: the screen names the organizer and the supplier; the organizer announces the procurement after
 * a confirmation that says what will happen, sees "posted to 1 of 1", and the channel received exactly one post — a
 * double click on the confirmation and a second announcement within the minute post nothing more (the refusal is
 * shown in words). A buyer sees the names but no announce button.
 */
import { FakeTelegram } from "@groupbuy/adapters/testing"
import { insertProcurement, insertUser } from "@groupbuy/core/testing"
import { afterAll, assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect, Option, Redacted } from "effect"
import { adminLogin } from "../../server/test/utils/AppHarness.js"
import { freePort, launchChromium } from "../../server/test/utils/Browser.js"
import { ensureWebBuild } from "../../server/test/utils/WebBuild.js"
import { record } from "./utils/Audit.js"
import { cabinetServer, signedIn } from "./utils/CabinetServer.js"

ensureWebBuild()

const TOKEN = "123456789:AAE-announce-browser-test-token"
const CHANNEL = -1007770001234

const port = await freePort()
const origin = `http://127.0.0.1:${port}`
const telegram = await FakeTelegram.start({ limits: false })
afterAll(() => telegram.close())
telegram.addBot(TOKEN)

const platform = cabinetServer(port, {
  telegram: Option.some({ token: Redacted.make(TOKEN), apiRoot: Option.some(telegram.apiRoot) })
})

const posts = () => telegram.sentMessages(TOKEN, CHANNEL)

describe("announcing from the procurement screen in Chromium", () => {
  layerOf(platform, { timeout: "180 seconds", excludeTestServices: true })((it) => {
    it.scoped("the organizer confirms, the result is shown, the channel gets one post; names are shown", () =>
      Effect.gen(function* () {
        const browser = yield* launchChromium
        const organizer = yield* insertUser({ firstName: "Ольга", role: "organizer" })
        const supplier = yield* insertUser({ firstName: "Сергей", role: "supplier" })
        const buyer = yield* insertUser({ firstName: "Борис" })
        const id = yield* insertProcurement(organizer, { title: "Мёд с пасеки", supplierId: supplier })
        const { admin } = yield* adminLogin(origin, "announce-web@example.com")
        yield* admin.addChannel({
          payload: { botId: "telegram", platform: "telegram", chatId: String(CHANNEL), title: "Новости закупок" }
        })

        const asOrganizer = yield* signedIn(browser, origin, organizer)
        const page = asOrganizer.page
        const result = page.getByTestId("announce-result")
        const refusal = page.getByTestId("announce-refusal")
        const names = yield* Effect.promise(async () => {
          await page.goto(`${origin}/procurements/${id}`)
          await page.getByTestId("organizer-name").waitFor({ timeout: 20_000 })
          return [
            await page.getByTestId("organizer-name").textContent(),
            await page.getByTestId("supplier-name").textContent()
          ]
        })
        assert.deepStrictEqual(names, ["Ольга", "Сергей"])

        // the question says what will happen; nothing is posted before the confirmation
        const question = yield* Effect.promise(async () => {
          await page.getByTestId("announce").click()
          await page.getByTestId("announce-dialog").waitFor({ state: "visible" })
          return page.getByTestId("announce-dialog").textContent()
        })
        assert.include(question, "Мёд с пасеки")
        assert.include(question, "во всех каналах рассылки")
        assert.lengthOf(posts(), 0)

        // a double click on the confirmation announces once
        const said = yield* Effect.promise(async () => {
          await page.getByTestId("announce-confirm").dblclick()
          await result.waitFor({ timeout: 20_000 })
          await page.getByTestId("announce-dialog").waitFor({ state: "hidden" })
          return result.textContent()
        })
        assert.strictEqual(said, "Анонс опубликован в каналах: 1 из 1.")
        assert.lengthOf(posts(), 1)
        assert.include(posts()[0]?.text ?? "", "Мёд с пасеки")

        const violations: Array<string> = []
        yield* Effect.promise(() => record(page, "procurement-announced", violations))

        // again within the minute: refused in words, nothing posted
        const refused = yield* Effect.promise(async () => {
          await page.getByTestId("announce").click()
          await page.getByTestId("announce-confirm").click()
          await refusal.waitFor({ timeout: 20_000 })
          return refusal.textContent()
        })
        assert.include(refused, "меньше минуты назад")
        assert.isFalse(yield* Effect.promise(() => result.isVisible()))
        assert.lengthOf(posts(), 1)

        // a buyer sees who organizes and supplies, and no announce button
        const asBuyer = yield* signedIn(browser, origin, buyer)
        const buyerView = yield* Effect.promise(async () => {
          await asBuyer.page.goto(`${origin}/procurements/${id}`)
          await asBuyer.page.getByTestId("supplier-name").waitFor({ timeout: 20_000 })
          return {
            supplier: await asBuyer.page.getByTestId("supplier-name").textContent(),
            announce: await asBuyer.page.getByTestId("announce").count()
          }
        })
        assert.deepStrictEqual(buyerView, { supplier: "Сергей", announce: 0 })

        assert.deepStrictEqual(violations, [])
        assert.deepStrictEqual([...asOrganizer.problems, ...asBuyer.problems], [])
      })
    )
  })
})
