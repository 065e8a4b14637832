/**
 * The widget in a real browser (Debian's Chromium through playwright-core) against the real WebSocket adapter and
 * the real router over core's Live layers on PGlite: register by clicking buttons, open the procurement list, page
 * through it (edited in place), join one; HTML in a message stays text; themes and a phone-sized screen; resume
 * after a dropped connection. A screenshot of the open widget is kept in test-artifacts/widget-open.png.
 */
import { mkdirSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { CreateProcurement, IdentityRef, kopecks, Procurements, RegisterUser, Users } from "@groupbuy/core"
import type { DeliverService } from "@groupbuy/router"
import { Clock, DateTime, Effect } from "effect"
import { type Browser, chromium, type Page } from "playwright-core"
import { lateDeliver, realRouter } from "./RealRouter.js"
import { serveWidget } from "./WidgetServer.js"

type Served = Effect.Effect.Success<typeof serveWidget>

/** The real router behind the widget (fresh database); proactive messages go out through the WebSocket adapter. */
const withRouter = <A, E, R>(body: (served: Served) => Effect.Effect<A, E, R>) => {
  const deliver = lateDeliver()
  return Effect.gen(function* () {
    const served = yield* serveWidget
    const push: DeliverService["deliver"] = (ref, replies) =>
      ref.platform === "web" ? served.chat.push(ref.chatId, replies) : Effect.void
    deliver.set(push)
    return yield* body(served)
  }).pipe(Effect.scoped, Effect.provide(realRouter(deliver.layer)))
}

/** The guest identity the widget got (the `sub` of the token it keeps in localStorage). */
const guestOf = (page: Page) =>
  page.evaluate(() => {
    const key = Object.keys(localStorage).find((name) => name.startsWith("groupbuy.chat.token:"))!
    const token = (JSON.parse(localStorage.getItem(key)!) as { token: string }).token
    const payload = token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")
    return (JSON.parse(atob(payload)) as { sub: string }).sub
  })

/** An organizer with `count` published procurements, created directly in core. */
const seedProcurements = (count: number) =>
  Effect.gen(function* () {
    const users = yield* Users
    const procurements = yield* Procurements
    const organizer = yield* users.register(
      new RegisterUser({
        identity: new IdentityRef({ platform: "telegram", externalId: "organizer-1" }),
        firstName: "Ольга",
        phone: "+79001000099",
        role: "organizer"
      })
    )
    const now = yield* Clock.currentTimeMillis
    for (let i = 1; i <= count; i++) {
      yield* procurements.create(
        new CreateProcurement({
          organizerId: organizer.id,
          title: `Лот ${i}`,
          description: `Описание лота ${i}`,
          targetAmount: kopecks(100_000),
          pricePerUnit: kopecks(10_000),
          unit: "кг",
          deadline: DateTime.unsafeMake(now + 10 * 24 * 60 * 60 * 1000),
          city: "Москва",
          publish: true
        })
      )
    }
  }).pipe(Effect.orDie)

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium"
const ARTIFACTS = new URL("../../../../test-artifacts/", import.meta.url)

const launch = Effect.acquireRelease(
  Effect.promise(() =>
    chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    })
  ),
  (browser) => Effect.promise(() => browser.close())
)

const openPage = (browser: Browser, url: string, options: { mobile?: boolean; dark?: boolean } = {}) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const context = await browser.newContext({
        viewport: options.mobile === true ? { width: 375, height: 667 } : { width: 1200, height: 800 },
        ...(options.mobile === true ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
        colorScheme: options.dark === true ? "dark" : "light"
      })
      const page = await context.newPage()
      const problems: Array<string> = []
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`))
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(`console: ${message.text()}`)
      })
      await page.goto(url)
      return { page, context, problems }
    }),
    ({ context }) => Effect.promise(() => context.close())
  )

/** the widget's bot messages, as text */
const botMessages = (page: Page) => page.locator("groupbuy-chat .gb-message.gb-bot")

const waitForBotText = (page: Page, text: string) =>
  page.locator("groupbuy-chat .gb-message.gb-bot", { hasText: text }).last().waitFor({ timeout: 10_000 })

/** the button whose label is `label` as a whole word sequence (emoji and arrows around it allowed) */
const click = async (page: Page, label: string) => {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  const exact = new RegExp(`(^|\\s)${escaped}($|[\\s,.!?:;])`)
  await page.locator("groupbuy-chat .gb-message.gb-bot .gb-button", { hasText: exact }).last().click()
}

const type = async (page: Page, text: string) => {
  await page.locator("groupbuy-chat .gb-input").fill(text)
  await page.locator("groupbuy-chat .gb-input").press("Enter")
}

describe("web chat widget in Chromium, real router", () => {
  it.live(
    "register by buttons, open the procurement list, page through it, join one; screenshot of the open widget",
    () =>
      withRouter(({ origin }) =>
        Effect.gen(function* () {
          yield* seedProcurements(12)
          const browser = yield* launch
          const { page, problems } = yield* openPage(browser, `${origin}/`)
          yield* Effect.promise(async () => {
            // one script tag: a floating button, no panel until it is clicked
            const launcher = page.getByRole("button", { name: "Открыть чат" })
            await launcher.waitFor()
            assert.isFalse(await page.locator("groupbuy-chat .gb-panel").isVisible())
            await launcher.click()
            assert.isTrue(await page.locator("groupbuy-chat .gb-panel").isVisible())
            // the first visit starts the conversation
            await waitForBotText(page, "Кем вы хотите быть")
            await page.locator("groupbuy-chat .gb-status", { hasText: "в сети" }).waitFor()
            await click(page, "Покупатель")
            await waitForBotText(page, "Как вас зовут?")
            await type(page, "Алиса Смирнова")
            await waitForBotText(page, "Ваш номер телефона")
            await type(page, "+7 900 100-00-01")
            await waitForBotText(page, "Адрес электронной почты")
            await click(page, "Пропустить")
            await waitForBotText(page, "Проверьте данные")
            await click(page, "Всё верно")
            await waitForBotText(page, "Вы зарегистрированы")
            await waitForBotText(page, "Главное меню")
            await click(page, "Закупки")
            await waitForBotText(page, "стр. 1 из 3")
            const before = await botMessages(page).count()
            await click(page, "Дальше")
            await waitForBotText(page, "стр. 2 из 3")
            // the page was edited in place, not appended
            assert.strictEqual(await botMessages(page).count(), before)
            assert.notInclude(await page.locator("groupbuy-chat .gb-messages").innerText(), "стр. 1 из 3")
            await click(page, "Дальше")
            await waitForBotText(page, "стр. 3 из 3")
            await click(page, "Лот 1")
            await waitForBotText(page, "Осталось дней")
            await click(page, "Участвовать")
            await waitForBotText(page, "Сколько кг вы берёте")
            await type(page, "3")
            await waitForBotText(page, "Подтверждаете участие")
            await click(page, "Участвую")
            await waitForBotText(page, "Вы участвуете в закупке «Лот 1»")
            mkdirSync(ARTIFACTS, { recursive: true })
            await page.screenshot({ path: new URL("widget-open.png", ARTIFACTS).pathname })
          })
          // the join reached core: the guest's account is a participant
          const users = yield* Users
          const guest = yield* Effect.promise(() => guestOf(page))
          const account = yield* users.resolve(new IdentityRef({ platform: "web", externalId: guest }))
          assert.isTrue(account._tag === "Some" && account.value.user.firstName === "Алиса")
          assert.deepStrictEqual(problems, [])
        })
      ),
    180_000
  )

  it.live(
    "HTML in messages is shown as text, never interpreted; javascript: links and images are dropped",
    () =>
      withRouter(({ chat, origin }) =>
        Effect.gen(function* () {
          const browser = yield* launch
          const { page, problems } = yield* openPage(browser, `${origin}/`)
          const payload = `<img src=x onerror="window.__xss = 1"><script>window.__xss = 2</script>`
          const guest = yield* Effect.promise(async () => {
            await page.getByRole("button", { name: "Открыть чат" }).click()
            await waitForBotText(page, "Кем вы хотите быть")
            await type(page, payload)
            await page.locator("groupbuy-chat .gb-message.gb-user").waitFor()
            return guestOf(page)
          })
          // a message from the server carrying markup, an unsafe link and an unsafe image
          yield* chat.push(guest, [
            {
              _tag: "Text",
              text: [
                { text: payload },
                { text: " ссылка", href: "javascript:window.__xss=3" },
                { text: " <b>жирный?</b>" }
              ]
            },
            { _tag: "Image", url: "javascript:window.__xss=4", caption: [{ text: "картинка" }] }
          ])
          yield* Effect.promise(async () => {
            await waitForBotText(page, "картинка")
            const user = await page.locator("groupbuy-chat .gb-message.gb-user").last().innerText()
            assert.strictEqual(user, payload)
            assert.include(await botMessages(page).nth(-2).innerText(), `${payload} ссылка <b>жирный?</b>`)
            assert.strictEqual(await page.locator("groupbuy-chat .gb-messages img").count(), 0)
            assert.strictEqual(await page.locator("groupbuy-chat .gb-messages script").count(), 0)
            assert.strictEqual(await page.locator("groupbuy-chat .gb-messages a").count(), 0)
            await page.waitForTimeout(300)
            assert.isUndefined(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss))
          })
          assert.deepStrictEqual(problems, [])
        })
      ),
    180_000
  )

  it.live(
    "phone-sized screen: the open panel fills the screen; themes follow the system and data-theme",
    () =>
      withRouter(({ origin }) =>
        Effect.gen(function* () {
          const browser = yield* launch
          const background = (page: Page) =>
            page.locator("groupbuy-chat .gb-panel").evaluate((panel) => getComputedStyle(panel).backgroundColor)
          const mobile = yield* openPage(browser, `${origin}/`, { mobile: true })
          yield* Effect.promise(async () => {
            await mobile.page.getByRole("button", { name: "Открыть чат" }).click()
            await waitForBotText(mobile.page, "Кем вы хотите быть")
            const box = (await mobile.page.locator("groupbuy-chat .gb-panel").boundingBox())!
            assert.deepStrictEqual([box.x, box.y, box.width, box.height], [0, 0, 375, 667])
            const input = (await mobile.page.locator("groupbuy-chat .gb-input").boundingBox())!
            assert.isAtMost(input.y + input.height, 667, "the input is on screen")
            assert.strictEqual(await background(mobile.page), "rgb(255, 255, 255)")
          })
          const dark = yield* openPage(browser, `${origin}/`, { dark: true })
          yield* Effect.promise(async () => {
            await dark.page.getByRole("button", { name: "Открыть чат" }).click()
            assert.strictEqual(await background(dark.page), "rgb(22, 25, 29)")
          })
          const forcedLight = yield* openPage(browser, `${origin}/?theme=light`, { dark: true })
          yield* Effect.promise(async () => {
            await forcedLight.page.getByRole("button", { name: "Открыть чат" }).click()
            assert.strictEqual(await background(forcedLight.page), "rgb(255, 255, 255)")
          })
          const forcedDark = yield* openPage(browser, `${origin}/?theme=dark`)
          yield* Effect.promise(async () => {
            await forcedDark.page.getByRole("button", { name: "Открыть чат" }).click()
            assert.strictEqual(await background(forcedDark.page), "rgb(22, 25, 29)")
          })
          assert.deepStrictEqual(
            [...mobile.problems, ...dark.problems, ...forcedLight.problems, ...forcedDark.problems],
            []
          )
        })
      ),
    180_000
  )

  it.live(
    "after the connection drops the widget reconnects and shows the replies it missed",
    () =>
      withRouter(({ chat, dropConnections, origin }) =>
        Effect.gen(function* () {
          const browser = yield* launch
          const { page } = yield* openPage(browser, `${origin}/`)
          const guest = yield* Effect.promise(async () => {
            await page.getByRole("button", { name: "Открыть чат" }).click()
            await waitForBotText(page, "Кем вы хотите быть")
            return guestOf(page)
          })
          // the connection breaks; the widget reconnects after a backoff of at least half a second
          dropConnections()
          yield* Effect.sleep("50 millis")
          assert.strictEqual(yield* chat.connections, 0)
          yield* chat.push(guest, [{ _tag: "Text", text: [{ text: "Пока вас не было: оплата получена" }] }])
          yield* Effect.promise(async () => {
            await page.locator("groupbuy-chat .gb-status", { hasText: "переподключаемся" }).waitFor()
            await waitForBotText(page, "Пока вас не было")
            await page.locator("groupbuy-chat .gb-status", { hasText: "в сети" }).waitFor()
            assert.strictEqual(
              await page.locator("groupbuy-chat .gb-message.gb-bot", { hasText: "Пока вас не было" }).count(),
              1
            )
          })
        })
      ),
    180_000
  )
})
