/**
 * The admin panel's dashboard, messages, bulk notifications, channels and bots sections in Chromium against the real
 * server with a Telegram bot on the fake Bot API: the dashboard's figures match the database and its charts draw; a
 * chat message found by a word, seen among its neighbours, deleted and restored (the database follows); a bulk
 * notification to the users of one platform previewed, counted, confirmed as "Send to N users" and arriving on
 * Telegram; a channel added, refused the second time in the server's words, and removed; on a server with a WhatsApp
 * account (a fake baileys socket): its QR code as an image, a pairing code requested by phone, a confirmed logout and
 * a login again. Every screen is checked with axe-core and photographed (test-artifacts/web/admin-comms-*).
 */
import { SqlClient } from "@effect/sql"
import { FakeTelegram, FakeWhatsApp } from "@groupbuy/adapters/testing"
import { Chat, IdentityRef, PostMessage, RegisterUser, Users } from "@groupbuy/core"
import { insertProcurement } from "@groupbuy/core/testing"
import { afterAll, assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import type { Browser, Page } from "playwright-core"
import { WhatsAppSocketFactory } from "../../server/src/bots/WhatsAppAccounts.js"
import { launchChromium, freePort } from "../../server/test/utils/Browser.js"
import { eventually, expectNow } from "../../server/test/utils/AppHarness.js"
import { adminSignedIn, buildAdminPanel, openSection } from "./utils/AdminPanel.js"
import { record } from "./utils/Audit.js"
import { cabinetServer } from "./utils/CabinetServer.js"

buildAdminPanel()

const TOKEN = "123456:admin-comms-token"
const BUYER = 8801
const telegram = await FakeTelegram.start()
afterAll(() => telegram.close())
const bot = telegram.addBot(TOKEN)

const port = await freePort()
const origin = `http://127.0.0.1:${port}`
const server = cabinetServer(port, {
  telegram: Option.some({ token: Redacted.make(TOKEN), apiRoot: Option.some(telegram.apiRoot) })
})

const count = (query: Effect.Effect<ReadonlyArray<{ n: number }>, unknown, never>) =>
  Effect.map(Effect.orDie(query), (rows) => Number(rows[0]?.n ?? -1))

/** How many pixels of a chart's canvas are drawn (not transparent). */
const drawnPixels = (page: Page, chart: string) =>
  page
    .getByTestId(`chart-${chart}`)
    .locator("canvas")
    .evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data
      let drawn = 0
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) drawn++
      return drawn
    })

/** A chart's table as [label, first value] rows. */
const chartRows = (page: Page, chart: string) =>
  page
    .getByTestId(`chart-table-${chart}`)
    .locator("tbody tr")
    .evaluateAll((rows) => rows.map((r) => [r.querySelector("th")!.textContent, r.querySelector("td")!.textContent]))

describe("the admin panel's dashboard, messages, bulk notifications, channels and bots in Chromium", () => {
  layerOf(server, { timeout: "240 seconds", excludeTestServices: true })((it) => {
    it.scoped(
      "dashboard figures and charts, a message deleted and restored, a bulk notification on Telegram, a channel",
      () =>
        Effect.gen(function* () {
          const browser: Browser = yield* launchChromium
          const sql = yield* SqlClient.SqlClient
          const users = yield* Users
          const chat = yield* Chat
          const violations: Array<string> = []

          // a buyer known to the Telegram bot, an organizer with a procurement and its chat
          const buyer = yield* users.register(
            new RegisterUser({
              identity: new IdentityRef({ platform: "telegram", externalId: String(BUYER) }),
              firstName: "Борис",
              role: "buyer"
            })
          )
          const organizer = yield* users.register(
            new RegisterUser({
              identity: new IdentityRef({ platform: "vk", externalId: "99001" }),
              firstName: "Ольга",
              role: "organizer"
            })
          )
          telegram.text(TOKEN, BUYER, "/start")
          yield* eventually(
            expectNow(
              () => telegram.sentMessages(TOKEN, BUYER).length > 0,
              () => "the bot did not answer /start"
            )
          )
          const procurement = yield* insertProcurement(organizer.id, { title: "Ягоды из Карелии" })
          yield* chat.postSystem(procurement, "Сбор открыт")
          const message = yield* chat.post(
            new PostMessage({ procurementId: procurement, userId: organizer.id, text: "Черника приедет в пятницу" })
          )
          yield* chat.postSystem(procurement, "Осталось три дня")

          // money: a deposit paid today and one still waiting (fixtures: the statistics read the payments table)
          yield* Effect.orDie(sql`INSERT INTO payments (user_id, type, status, provider, idempotency_key, amount, settled_at)
            VALUES (${buyer.id}, 'DEPOSIT', 'SUCCEEDED', 'sandbox', 'comms-paid', 150000, now()),
              (${buyer.id}, 'DEPOSIT', 'PENDING', 'sandbox', 'comms-waiting', 20000, NULL)`)
          const { page, problems } = yield* adminSignedIn(browser, origin, "comms-admin@example.com")

          // the dashboard: figures as in the database, the charts drawn, their tables readable
          const usersTotal = yield* count(sql<{ n: number }>`SELECT count(*)::int AS n FROM users`)
          const buyers = yield* count(sql<{ n: number }>`SELECT count(*)::int AS n FROM users WHERE role = 'buyer'`)
          const messagesTotal = yield* count(
            sql<{ n: number }>`SELECT count(*)::int AS n FROM chat_messages WHERE deleted_at IS NULL`
          )
          yield* Effect.promise(async () => {
            await page.getByRole("heading", { name: "Сводка" }).waitFor()
            await page
              .getByTestId("figure-users-total")
              .filter({ hasText: String(usersTotal) })
              .waitFor()
            assert.include(await page.getByTestId("figure-messages-total").innerText(), String(messagesTotal))
            assert.deepInclude(await chartRows(page, "users-by-role"), ["покупатель", String(buyers)])
            assert.deepInclude(await chartRows(page, "procurements-by-status"), ["Сбор заявок", "1"])
            for (const chart of ["users-by-role", "users-by-platform", "registrations", "procurements-by-status"]) {
              assert.isAbove(await drawnPixels(page, chart), 100, `${chart} is drawn`)
            }
            // the dark theme draws the charts again in its colours
            const picture = () =>
              page
                .getByTestId("chart-users-by-role")
                .locator("canvas")
                .evaluate((c: HTMLCanvasElement) => c.toDataURL())
            const light = await picture()
            await page.getByLabel("Тема").selectOption("dark")
            await page.waitForFunction(() => document.documentElement.dataset["theme"] === "dark")
            assert.notStrictEqual(await picture(), light)
            await page.getByLabel("Тема").selectOption("system")
            // the figure has a name; the table is there for screen readers
            await page.getByRole("figure", { name: "Пользователи по ролям" }).waitFor()
            await page.getByRole("table", { name: "Пользователи по ролям" }).waitFor({ state: "attached" })
            // money in the period: what was received, payments by status, received by day
            const spaced = (rows: Array<Array<string | null>>) => rows.map((r) => r.map((c) => c?.replace(/\s/g, " ")))
            await page
              .getByTestId("figure-revenue")
              .filter({ hasText: /1\s500,00\s₽/ })
              .waitFor()
            assert.deepInclude(await chartRows(page, "payments-by-status"), ["Оплачен", "1"])
            assert.deepInclude(await chartRows(page, "payments-by-status"), ["Ожидает оплаты", "1"])
            // the last 30 days by day, zeros included: today's row holds the deposit
            const today = new Date().toISOString().slice(0, 10)
            const byDay = spaced(await chartRows(page, "payments-by-day"))
            assert.lengthOf(byDay, 30)
            assert.deepStrictEqual(byDay.at(-1), [today, "1 500,00 ₽"])
            assert.deepStrictEqual(
              byDay.filter((r) => r[1] !== "0,00 ₽"),
              [[today, "1 500,00 ₽"]]
            )
            assert.deepStrictEqual((await chartRows(page, "registrations")).at(-1), [today, String(usersTotal)])
            for (const chart of ["payments-by-status", "payments-by-day", "procurements-trend", "activity-trend"]) {
              assert.isAbove(await drawnPixels(page, chart), 100, `${chart} is drawn`)
            }
            // by week (in the URL): 12 weeks and this one, everybody registered in the last
            await page.getByLabel("Период", { exact: true }).selectOption("week")
            await page.waitForURL(/period=week/)
            await page.getByRole("table", { name: "Регистрации · 12 недель по неделям" }).waitFor({ state: "attached" })
            const weeks = await chartRows(page, "registrations")
            assert.isAtLeast(weeks.length, 12)
            assert.isTrue(
              weeks.every(([label]) => /^\d{4}-W\d{2}$/.test(label ?? "")),
              JSON.stringify(weeks)
            )
            assert.strictEqual(weeks.at(-1)?.[1], String(usersTotal))
            await page.getByTestId("figure-revenue").filter({ hasText: "12 недель по неделям" }).waitFor()
            // the charts' tables, hidden until asked for, never widen the page
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
            assert.isAtMost(overflow, 0)
            await record(page, "admin-comms-dashboard", violations)
          })

          // messages: found by a word, seen in its chat between its neighbours, deleted and restored (confirmed)
          const deletedAt = Effect.map(
            Effect.orDie(
              sql<{ deletedAt: Date | null }>`SELECT deleted_at FROM chat_messages WHERE id = ${message.id}`
            ),
            (rows) => rows[0]?.deletedAt ?? null
          )
          yield* Effect.promise(async () => {
            await openSection(page, "Сообщения")
            await page.getByRole("heading", { name: "Сообщения", level: 1 }).waitFor()
            await page.getByLabel("Поиск по тексту").fill("черника")
            await page.getByRole("button", { name: "Применить" }).click()
            await page.waitForURL(/query=/)
            await page.getByTestId("shown-messages").filter({ hasText: "1–1 из 1" }).waitFor()
            await page.getByTestId(`context-${message.id}`).click()
            const inChat = page.getByTestId("message-in-chat")
            await inChat.locator(`li[aria-current="true"][data-message-id="${message.id}"]`).waitFor()
            const texts = await inChat.locator("li p").allInnerTexts()
            assert.deepStrictEqual(texts, ["Сбор открыт", "Черника приедет в пятницу", "Осталось три дня"])
            await record(page, "admin-comms-messages", violations)
            await page.getByTestId(`delete-${message.id}`).click()
            const dialog = page.getByTestId(`delete-${message.id}-dialog`)
            await dialog.getByText("Удалить сообщение «Черника приедет в пятницу»?").waitFor()
            await page.getByTestId(`delete-${message.id}-confirm`).dblclick()
            await page.getByTestId("messages-notice").filter({ hasText: "Сообщение удалено." }).waitFor()
            // marked in the grid and in the chat view; hidden when deleted ones are
            await page.locator(`tr[data-message-id="${message.id}"][data-deleted="true"]`).waitFor()
            await inChat.locator(`li.deleted[data-message-id="${message.id}"]`).waitFor()
            await page.getByLabel("Удалённые").selectOption("false")
            await page.waitForURL(/includeDeleted=false/)
            await page.getByTestId("shown-messages").filter({ hasText: "Строк: 0" }).waitFor()
          })
          assert.isNotNull(yield* deletedAt)
          yield* Effect.promise(async () => {
            await page.getByLabel("Удалённые").selectOption("")
            await page.waitForURL((url) => !url.search.includes("includeDeleted"))
            await page.locator(`tr[data-message-id="${message.id}"][data-deleted="true"]`).waitFor()
            await page.getByTestId(`restore-${message.id}`).click()
            await page
              .getByTestId(`restore-${message.id}-dialog`)
              .getByText("Участники чата снова его увидят")
              .waitFor()
            await page.getByTestId(`restore-${message.id}-confirm`).click()
            await page.getByTestId("messages-notice").filter({ hasText: "Сообщение возвращено." }).waitFor()
            await page.locator(`tr[data-message-id="${message.id}"][data-deleted="false"]`).waitFor()
            // the procurement filter: a mistyped id is refused in words, the real one lists its chat
            await page.getByRole("button", { name: "Сбросить" }).click()
            await page.getByLabel("Закупка (id)").fill("ягоды")
            await page.getByRole("button", { name: "Применить" }).click()
            await page.getByRole("alert").filter({ hasText: "«Закупка (id)»: нужен идентификатор" }).waitFor()
            await page.getByLabel("Закупка (id)").fill(procurement)
            await page.getByRole("button", { name: "Применить" }).click()
            await page.getByTestId("shown-messages").filter({ hasText: "1–3 из 3" }).waitFor()
            // newest first, and oldest first when ordered by the time
            const texts = () => page.getByTestId("table-messages").locator("td[data-label='Текст']").allInnerTexts()
            assert.strictEqual((await texts())[0], "Осталось три дня")
            await page.getByRole("button", { name: /Сортировать по «Когда»/ }).click()
            await page.waitForURL(/sort=createdAt%3Aasc|sort=createdAt:asc/)
            await page.waitForFunction(
              () =>
                document.querySelector("[data-testid=table-messages] td[data-label='Текст']")?.textContent ===
                "Сбор открыт"
            )
            assert.deepStrictEqual(await texts(), ["Сбор открыт", "Черника приедет в пятницу", "Осталось три дня"])
          })
          assert.isNull(yield* deletedAt)
          const audited = yield* count(
            sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log
              WHERE target_id = ${message.id} AND action IN ('chat.delete', 'chat.restore')`
          )
          assert.strictEqual(audited, 2, "one deletion and one restoration, though confirmed with a double click")

          // a bulk notification: the audience, the preview, the count of recipients, "Send to N users", and it reaches
          // Telegram — only the Telegram user of the two
          const active = yield* count(sql<{ n: number }>`SELECT count(*)::int AS n FROM users WHERE is_active`)
          yield* Effect.promise(async () => {
            await openSection(page, "Рассылка")
            await page.getByRole("heading", { name: "Рассылка", level: 1 }).waitFor()
            await page
              .getByTestId("bulk-recipients")
              .filter({ hasText: `Получателей: ${active} (все активные пользователи)` })
              .waitFor()
            assert.isTrue(await page.getByTestId("bulk-send").isDisabled(), "nothing to send yet")
            await page.getByLabel("Платформа").selectOption("telegram")
            await page
              .getByTestId("bulk-recipients")
              .filter({ hasText: "Получателей: 1 (Платформа: Telegram)" })
              .waitFor()
            await page.getByLabel("Заголовок").fill("Скидки недели")
            await page.getByLabel("Текст").fill("Мёд и орехи дешевле до воскресенья")
            const preview = page.getByTestId("bulk-preview")
            await preview.getByRole("heading", { name: "Скидки недели" }).waitFor()
            await preview.getByText("Мёд и орехи дешевле до воскресенья").waitFor()
            await record(page, "admin-comms-notifications", violations)
            await page.getByRole("button", { name: "Отправить 1 польз." }).click()
            await page
              .getByTestId("bulk-send-dialog")
              .getByText("Отправить уведомление «Скидки недели» 1 пользователям (Платформа: Telegram)?")
              .waitFor()
            await page.getByTestId("bulk-send-confirm").dblclick()
            await page
              .getByTestId("bulk-sent")
              .filter({ hasText: "Уведомление «Скидки недели» отправлено 1 пользователям." })
              .waitFor()
          })
          const stored = yield* Effect.orDie(
            sql<{ userId: string }>`SELECT user_id FROM notifications WHERE title = 'Скидки недели'`
          )
          assert.deepStrictEqual(
            stored.map((r) => r.userId),
            [buyer.id],
            "one row, for the Telegram user, once"
          )
          yield* eventually(
            expectNow(
              () => telegram.sentMessages(TOKEN, BUYER).some((m) => (m.text ?? "").includes("Скидки недели")),
              () => `not on Telegram: ${JSON.stringify(telegram.sentMessages(TOKEN, BUYER).map((m) => m.text))}`
            )
          )
          const delivered = yield* Effect.orDie(
            sql<{ deliveredPlatform: string | null }>`SELECT delivered_platform FROM notifications
              WHERE title = 'Скидки недели' AND user_id = ${buyer.id}`
          )
          assert.strictEqual(delivered[0]?.deliveredPlatform ?? null, "telegram")

          // channels: added, refused the second time in the server's words, removed after a confirmation
          const channels = Effect.map(
            Effect.orDie(sql<{ id: string; title: string }>`SELECT id, title FROM broadcast_channels`),
            (rows) => rows.map((r) => r.title)
          )
          yield* Effect.promise(async () => {
            await openSection(page, "Каналы")
            await page.getByRole("heading", { name: "Каналы", level: 1 }).waitFor()
            const add = async () => {
              await page.getByLabel(/^Бот/).fill("telegram")
              await page.getByLabel("Платформа").selectOption("telegram")
              await page.getByLabel(/^Id чата/).fill("-1001234567890")
              await page.getByLabel("Название").fill("Новости закупок")
              await page.getByLabel("Язык объявлений").selectOption("en")
              await page.getByTestId("add-channel").click()
            }
            // the bots of this server are offered for the bot's id
            await page.locator('#channel-bots option[value="telegram"]').waitFor({ state: "attached" })
            // an empty form is not sent
            await page.getByTestId("add-channel").click()
            await page.getByText("Заполните это поле.").first().waitFor()
            await add()
            await page
              .getByTestId("channels-notice")
              .filter({ hasText: "Канал «Новости закупок» подключён." })
              .waitFor()
            await page.getByTestId("table-channels").getByRole("cell", { name: "Новости закупок" }).waitFor()
            await record(page, "admin-comms-channels", violations)
            await add()
            await page
              .getByRole("alert")
              .filter({ hasText: "Чат -1001234567890 уже подключён к боту telegram." })
              .waitFor()
          })
          assert.deepStrictEqual(yield* channels, ["Новости закупок"])
          const [channel] = yield* Effect.orDie(
            sql<{ id: string; language: string }>`SELECT id, language FROM broadcast_channels`
          )
          assert.strictEqual(channel?.language, "en")
          yield* Effect.promise(async () => {
            await page.getByTestId(`remove-channel-${channel!.id}`).click()
            await page
              .getByTestId(`remove-channel-${channel!.id}-dialog`)
              .getByText("Отключить канал «Новости закупок»")
              .waitFor()
            await page.getByTestId(`remove-channel-${channel!.id}-confirm`).click()
            await page.getByTestId("channels-notice").filter({ hasText: "Канал «Новости закупок» отключён." }).waitFor()
            await page.getByTestId("shown-channels").filter({ hasText: "Строк: 0" }).waitFor()
          })
          assert.deepStrictEqual(yield* channels, [])

          // bots: the Telegram bot running, with its username and queue; no WhatsApp account here, and it says so
          yield* Effect.promise(async () => {
            await openSection(page, "Боты")
            await page.getByRole("heading", { name: "Боты", level: 1 }).waitFor()
            const row = page.locator('tr[data-bot-id="telegram"]')
            await row.waitFor()
            assert.strictEqual(await row.getAttribute("data-state"), "running")
            assert.include(await row.innerText(), `@${bot.username}`)
            assert.include(await row.innerText(), "работает")
            await page.getByText("На этом сервере нет аккаунтов WhatsApp").waitFor()
            await record(page, "admin-comms-bots", violations)
            // in English: the same figures, the charts' tables in English too
            await page.getByLabel("Язык").selectOption("en")
            await openSection(page, "Dashboard", "Panel sections")
            await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor()
            await page.getByTestId("figure-users-total").filter({ hasText: "Users in total" }).waitFor()
            assert.deepInclude(await chartRows(page, "users-by-role"), ["buyer", String(buyers)])
            await page.getByRole("table", { name: "Users by role" }).waitFor({ state: "attached" })
          })

          assert.deepStrictEqual(violations, [])
          assert.deepStrictEqual(problems, [])
        }),
      { timeout: 240_000 }
    )
  })
})

const whatsapp = new FakeWhatsApp()
const whatsappPort = await freePort()
const whatsappServer = cabinetServer(whatsappPort, { whatsapp: true }).pipe(
  Layer.provide(Layer.succeed(WhatsAppSocketFactory, { makeSocket: whatsapp.makeSocket }))
)

describe("the admin panel's bots section with a WhatsApp account in Chromium", () => {
  layerOf(whatsappServer, { timeout: "240 seconds", excludeTestServices: true })((it) => {
    it.scoped(
      "the QR code as an image, a pairing code by phone, a confirmed logout and a login again",
      () =>
        Effect.gen(function* () {
          const browser: Browser = yield* launchChromium
          const sql = yield* SqlClient.SqlClient
          const violations: Array<string> = []
          const { page, problems } = yield* adminSignedIn(
            browser,
            `http://127.0.0.1:${whatsappPort}`,
            "bots-admin@example.com",
            "/admin-panel/bots"
          )
          const state = page.getByTestId("whatsapp-state-whatsapp")
          yield* Effect.promise(async () => {
            await page.getByRole("heading", { name: "Боты", level: 1 }).waitFor()
            // WhatsApp shows a QR code: the panel draws the server's SVG as an image (it refreshes on its own)
            whatsapp.current.showQr("2@qr-payload-one,abc,def")
            await state.filter({ hasText: "ждёт сканирования QR-кода" }).waitFor({ timeout: 15_000 })
            const qr = page.getByRole("img", { name: "QR-код для входа в аккаунт whatsapp" })
            await qr.waitFor()
            assert.match((await qr.getAttribute("src")) ?? "", /^data:image\/svg\+xml;charset=utf-8,%3Csvg/)
            await page.waitForFunction(
              () => (document.querySelector("[data-testid=whatsapp-qr-whatsapp]") as HTMLImageElement).naturalWidth > 0
            )
            assert.strictEqual(await page.locator(".bot-card svg").count(), 0, "no server markup in the page")
            await record(page, "admin-comms-bots-qr", violations)
            // a pairing code instead: a wrong number is refused in words, a right one shows the code
            await page.getByLabel("Номер телефона с кодом страны").fill("12-34")
            await page.getByRole("button", { name: "Получить код по номеру" }).click()
            await page.getByText("Номер с кодом страны, 10–15 цифр").waitFor()
            await page.getByLabel("Номер телефона с кодом страны").fill("+7 912 345-67-89")
            await page.getByRole("button", { name: "Получить код по номеру" }).click()
            await page.getByText("Код для входа: ABCD-1234 (телефон 79123456789)").waitFor()
            assert.deepStrictEqual(whatsapp.current.pairingRequests, ["79123456789"])
            // linked, then logged out after a confirmation that says what it does
            whatsapp.current.updateCreds({ registered: true })
            whatsapp.current.open()
            await page.reload()
            await state.filter({ hasText: "подключён" }).waitFor()
            await page.getByTestId("whatsapp-logout-whatsapp").click()
            await page
              .getByTestId("whatsapp-logout-whatsapp-dialog")
              .getByText("Бот перестанет отвечать в WhatsApp")
              .waitFor()
            await page.getByTestId("whatsapp-logout-whatsapp-confirm").click()
            await page.getByText("Аккаунт whatsapp: выход выполнен.").waitFor()
            await state.filter({ hasText: "вышел из аккаунта" }).waitFor({ timeout: 15_000 })
            assert.strictEqual(whatsapp.sockets.length, 1)
            // and logged in again: a new connection
            await page.getByTestId("whatsapp-login-whatsapp").click()
            await page.waitForFunction(() => document.querySelector("[data-testid=whatsapp-login-whatsapp]") === null)
          })
          yield* eventually(
            expectNow(
              () => whatsapp.sockets.length === 2,
              () => `${whatsapp.sockets.length} sockets`
            )
          )
          const actions = yield* Effect.orDie(
            sql<{
              action: string
            }>`SELECT action FROM audit_log WHERE target_type = 'whatsapp_account' ORDER BY created_at`
          )
          assert.deepStrictEqual(
            actions.map((a) => a.action),
            ["whatsapp.pairing_code", "whatsapp.logout", "whatsapp.login"]
          )
          assert.deepStrictEqual(violations, [])
          assert.deepStrictEqual(problems, [])
        }),
      { timeout: 240_000 }
    )
  })
})
