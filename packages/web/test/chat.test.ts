/**
 * The chat and notifications screens in Chromium against the real server, which serves the built cabinet itself
 * (packages/web/dist, rebuilt here when a source file is newer; no request interception): an organizer and a buyer
 * in two browser contexts chat in real time — a message arrives live (its HTML shown as text, never run), the
 * buyer's unread count rises and is cleared by "Прочитано", an edit and a delete appear on the other side, a message
 * written in Telegram shows like any other with "через Telegram", a file of the wrong type or size is refused next to
 * the composer, an image sent with a caption appears live as an image and a PDF as a download; the notifications screen lists, links, marks read
 * and picks up a new notification while open with the header badge following. axe-core (no serious or critical
 * violations) and screenshots (desktop/phone, light/dark) into test-artifacts/web/.
 */
import { insertParticipant, insertProcurement, insertUser } from "@groupbuy/core/testing"
import { assert, describe, layer as layerOf } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { Page } from "playwright-core"
import { freePort, launchChromium } from "../../server/test/utils/Browser.js"
import { SERVICE_TOKEN } from "../../server/test/utils/TestServer.js"
import { ensureWebBuild } from "../../server/test/utils/WebBuild.js"
import { record } from "./utils/Audit.js"
import { cabinetServer, signedIn } from "./utils/CabinetServer.js"

ensureWebBuild()

const port = await freePort()
const origin = `http://127.0.0.1:${port}`

const platform = cabinetServer(port)

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64"
)

const messageWith = (page: Page, text: string) => page.getByTestId("chat-message").filter({ hasText: text })

describe("chat and notifications in Chromium", () => {
  layerOf(platform, { timeout: "240 seconds", excludeTestServices: true })((it) => {
    it.scoped("two people chat live (new, unread, edit, delete, other platforms); notifications live and read", () =>
      Effect.gen(function* () {
        const browser = yield* launchChromium
        const sql = yield* SqlClient.SqlClient
        const organizer = yield* insertUser({ firstName: "Ольга", role: "organizer" })
        const buyer = yield* insertUser({ firstName: "Борис" })
        const procurement = yield* insertProcurement(organizer, { title: "Мёд с пасеки" })
        yield* insertParticipant(procurement, buyer)
        const chatPath = `/procurements/${procurement}/chat`
        const violations: Array<string> = []

        const olga = yield* signedIn(browser, origin, organizer)
        const boris = yield* signedIn(browser, origin, buyer)
        yield* Effect.promise(async () => {
          for (const p of [olga.page, boris.page]) {
            await p.goto(`${origin}${chatPath}`)
            await p.locator('[data-testid="chat-status"][data-status="live"]').waitFor({ timeout: 20_000 })
          }
        })

        // a message arrives live on the other side; its HTML is text
        const hostile = `Привет! <img src=x onerror="window.__xss=1"> <script>window.__xss=2</script>`
        const live = yield* Effect.promise(async () => {
          await olga.page.getByLabel("Сообщение").fill(hostile)
          await olga.page.getByRole("button", { name: "Отправить" }).click()
          await messageWith(boris.page, "Привет!").waitFor({ timeout: 20_000 })
          await boris.page.getByTestId("chat-unread").getByText("Непрочитанных: 1").waitFor({ timeout: 20_000 })
          return {
            text: await messageWith(boris.page, "Привет!").locator(".chat-text").textContent(),
            images: await boris.page.getByTestId("chat-messages").locator(".chat-text img").count(),
            xss: await boris.page.evaluate(() => (window as { __xss?: unknown }).__xss),
            author: await messageWith(boris.page, "Привет!").locator("strong").textContent(),
            own: await messageWith(olga.page, "Привет!").locator("strong").textContent(),
            olgaUnread: await olga.page.getByTestId("chat-unread").textContent()
          }
        })
        assert.strictEqual(live.text, hostile)
        assert.strictEqual(live.images, 0)
        assert.isUndefined(live.xss)
        // the organizer is not a participant: named by her role
        assert.strictEqual(live.author, "Организатор")
        assert.strictEqual(live.own, "Вы")
        // the author's own message is never unread for her
        assert.strictEqual(live.olgaUnread, "")
        yield* Effect.promise(() => record(boris.page, "chat", violations))

        // the buyer reads: the count goes
        yield* Effect.promise(async () => {
          await boris.page.getByRole("button", { name: "Прочитано" }).click()
          await boris.page.getByTestId("chat-unread").getByText("Непрочитанных").waitFor({ state: "detached" })
        })

        // the buyer answers; the organizer edits her message, then deletes it — both seen live by the buyer
        yield* Effect.promise(async () => {
          await boris.page.getByLabel("Сообщение").fill("Беру две банки")
          await boris.page.getByLabel("Сообщение").press("Enter")
          await messageWith(olga.page, "Беру две банки").waitFor({ timeout: 20_000 })
          await messageWith(olga.page, "Привет!").getByRole("button", { name: "Изменить" }).click()
          await olga.page.getByLabel("Новый текст сообщения").fill("Сбор до пятницы")
          await olga.page.getByRole("button", { name: "Сохранить" }).click()
          await messageWith(boris.page, "Сбор до пятницы").getByText("изменено").waitFor({ timeout: 20_000 })
          // the buyer cannot edit or delete someone else's message
          assert.strictEqual(await messageWith(boris.page, "Сбор до пятницы").getByRole("button").count(), 0)
          olga.page.once("dialog", (dialog) => void dialog.accept())
          await messageWith(olga.page, "Сбор до пятницы").getByRole("button", { name: "Удалить" }).click()
          await messageWith(boris.page, "Сообщение удалено.").waitFor({ timeout: 20_000 })
          assert.strictEqual(await messageWith(boris.page, "Сбор до пятницы").count(), 0)
        })

        // a member writing in Telegram (through the bot's service token) appears like anyone else
        yield* Effect.promise(async () => {
          const response = await fetch(`${origin}/api/procurements/${procurement}/messages`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${SERVICE_TOKEN}` },
            body: JSON.stringify({ text: "Я из телеграма", userId: buyer, originPlatform: "telegram" })
          })
          assert.strictEqual(response.status, 201)
          await messageWith(olga.page, "Я из телеграма").getByText("через Telegram").waitFor({ timeout: 20_000 })
          assert.strictEqual(await messageWith(olga.page, "Я из телеграма").locator("strong").textContent(), "Борис")
        })

        // files: a wrong type and a too large file are refused next to the composer (what was typed stays); an image
        // with a caption appears live on the other side as an image, a PDF as a download with its name and size
        const shared = yield* Effect.promise(async () => {
          const page = boris.page
          await page.getByLabel("Сообщение").fill("Фото мёда")
          const picker = page.getByLabel("Прикрепить файл")
          await picker.setInputFiles({
            name: "virus.exe",
            mimeType: "application/x-msdownload",
            buffer: Buffer.from("MZ")
          })
          await page.getByRole("alert").getByText("«virus.exe» отправить нельзя").waitFor()
          await picker.setInputFiles({
            name: "big.png",
            mimeType: "image/png",
            buffer: Buffer.alloc(10 * 1024 * 1024 + 1)
          })
          await page.getByRole("alert").getByText("больше 10 МБ").waitFor()
          await picker.setInputFiles({ name: "мёд.png", mimeType: "image/png", buffer: PNG })
          await page.getByTestId("chat-preview").getByText("мёд.png").waitFor()
          assert.strictEqual(await page.getByRole("alert").count(), 0)
          await page.getByRole("button", { name: "Отправить" }).click()
          const image = olga.page.getByRole("img", { name: "Фото мёда" })
          await image.waitFor({ timeout: 20_000 })
          await olga.page.waitForFunction(
            () => (document.querySelector('img[alt="Фото мёда"]') as HTMLImageElement | null)?.naturalWidth === 1
          )
          // the sender's composer is cleared once the message is stored
          await page.getByTestId("chat-preview").waitFor({ state: "detached" })
          const composerText = await page.getByLabel("Сообщение").inputValue()

          await olga.page.getByLabel("Прикрепить файл").setInputFiles({
            name: "прайс.pdf",
            mimeType: "application/pdf",
            buffer: Buffer.from("%PDF-1.4\n%%EOF\n")
          })
          await olga.page.getByRole("button", { name: "Отправить" }).click()
          const file = page.getByTestId("chat-file").filter({ hasText: "прайс.pdf" })
          await file.waitFor({ timeout: 20_000 })
          const download = page.waitForEvent("download")
          await file.click()
          return {
            src: await image.getAttribute("src"),
            composerText,
            label: await file.textContent(),
            saved: (await download).suggestedFilename()
          }
        })
        assert.match(shared.src ?? "", /^blob:/)
        assert.strictEqual(shared.composerText, "")
        assert.strictEqual(shared.label, "📎 прайс.pdf (15 Б)")
        assert.strictEqual(shared.saved, "прайс.pdf")
        yield* Effect.promise(() => record(olga.page, "chat-attachments", violations))

        // notifications: listed, linked, marked read; a new one appears while the screen is open
        yield* sql`INSERT INTO notifications (user_id, type, title, body, procurement_id)
          VALUES (${buyer}, 'PROCUREMENT_STATUS_UPDATE', 'Сбор закрыт', 'Закупка «Мёд с пасеки» перешла к оплате', ${procurement})`
        const notes = yield* Effect.promise(async () => {
          const page = boris.page
          await page.goto(`${origin}/notifications`)
          await page.getByTestId("notification").filter({ hasText: "Сбор закрыт" }).waitFor({ timeout: 20_000 })
          await page.getByTestId("unread-notifications").getByText("1").waitFor({ timeout: 20_000 })
          const href = await page
            .getByTestId("notification")
            .filter({ hasText: "Сбор закрыт" })
            .getByRole("link", { name: "Открыть" })
            .getAttribute("href")
          return { href }
        })
        assert.strictEqual(notes.href, `/procurements/${procurement}`)
        yield* Effect.promise(() => record(boris.page, "notifications", violations))
        yield* Effect.promise(async () => {
          const page = boris.page
          await page.getByTestId("notification").getByRole("button", { name: "Прочитано" }).click()
          await page.getByTestId("unread-notifications").waitFor({ state: "detached", timeout: 20_000 })
        })
        yield* sql`INSERT INTO notifications (user_id, type, title, body, procurement_id)
          VALUES (${buyer}, 'PAYMENT_REQUIRED', 'Пора оплатить', 'Оплатите участие', ${procurement})`
        yield* Effect.promise(async () => {
          const page = boris.page
          // live: no reload, the screen refetches while open and the badge follows
          await page.getByTestId("notification").filter({ hasText: "Пора оплатить" }).waitFor({ timeout: 20_000 })
          await page.getByTestId("unread-notifications").getByText("1").waitFor({ timeout: 20_000 })
          await page.getByRole("button", { name: "Прочитать все" }).click()
          await page.getByTestId("unread-notifications").waitFor({ state: "detached", timeout: 20_000 })
        })
        const [{ left }] = yield* sql<{ left: number }>`
          SELECT count(*)::int AS left FROM notifications WHERE user_id = ${buyer} AND NOT is_read`
        assert.strictEqual(left, 0)

        assert.deepStrictEqual(violations, [])
        assert.deepStrictEqual([...olga.problems, ...boris.problems], [])
      })
    )
  })
})
