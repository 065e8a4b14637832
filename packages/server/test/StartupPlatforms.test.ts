/**
 * `npm start` with Telegram and VK configured: the real main module, the real grammY and vk-io clients, fake Bot API
 * and VK servers on loopback. A user of each platform gets the router's welcome through their own platform, the
 * registration flow goes on, and SIGTERM stops both bots before the process exits cleanly.
 */
import { FakeTelegram, FakeVk } from "@groupbuy/adapters/testing"
import { text as catalogueText } from "@groupbuy/router"
import { afterEach, assert, describe, it } from "@effect/vitest"
import { mkdtempSync } from "node:fs"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { killRunning, run, waitFor } from "./utils/Spawn.js"

const TELEGRAM_TOKEN = "7000000001:AAStartupPlatformsTestToken"
const VK_TOKEN = "vk1.a.startup-platforms-test-token"
const TELEGRAM_USER = 4242
const VK_USER = 5151

/** The JSON log lines (`LOG_FORMAT=json`) whose message starts with `text`; the message's other parts follow it. */
const logged = (output: string, text: string): Array<ReadonlyArray<unknown>> =>
  output.split("\n").flatMap((line) => {
    if (!line.startsWith("{")) return []
    let entry: { message?: unknown }
    try {
      entry = JSON.parse(line) as { message?: unknown }
    } catch {
      return []
    }
    const parts = Array.isArray(entry.message) ? (entry.message as ReadonlyArray<unknown>) : [entry.message]
    return parts[0] === text ? [parts] : []
  })

/**
 * A loopback proxy in front of a fake that notes every request — FakeVk's call log leaves out the Bots
 * Long Poll — and writes its own address over the fake's in JSON answers, so that the long poll server named by
 * `groups.getLongPollServer` is reached through it too. A client that goes away takes the upstream request with it.
 */
const recordingProxy = async (target: string) => {
  const arrivals: Array<string> = []
  let self = ""
  const server = Http.createServer((req, res) => {
    arrivals.push(new URL(req.url ?? "/", target).pathname)
    const { connection: _connection, host: _host, ...headers } = req.headers
    // a connection of its own per request (no pool), so that ending one never touches another
    const upstream = Http.request(`${target}${req.url ?? "/"}`, { method: req.method, headers, agent: false }, (up) => {
      const chunks: Array<Buffer> = []
      up.on("data", (chunk: Buffer) => chunks.push(chunk))
      up.on("end", () => {
        const raw = Buffer.concat(chunks)
        const json = String(up.headers["content-type"] ?? "").includes("json")
        const body = json ? Buffer.from(raw.toString("utf8").replaceAll(target, self)) : raw
        const { "transfer-encoding": _chunked, connection: _c, ...upHeaders } = up.headers
        res.writeHead(up.statusCode ?? 502, { ...upHeaders, "content-length": String(body.length) }).end(body)
      })
    })
    upstream.on("error", () => res.destroy())
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy()
    })
    req.pipe(upstream)
  })
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done))
  self = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: self,
    /** the paths requested so far that match */
    arrivals: (path: RegExp) => arrivals.filter((a) => path.test(a)),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections()
        server.close(() => done())
      })
  }
}

/** The buttons of a Telegram message's inline keyboard, in reading order. */
const inlineButtons = (markup: unknown): Array<{ text: string; callback_data?: string }> => {
  const m = (typeof markup === "string" ? JSON.parse(markup) : markup) as
    { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> } | undefined
  return m?.inline_keyboard?.flat() ?? []
}

/** The button actions of a VK keyboard as the fake stores it, in reading order. */
const vkButtons = (keyboard: unknown): Array<{ type: string; label: string; payload?: string }> => {
  const k = keyboard as { buttons?: Array<Array<{ action: { type: string; label: string; payload?: string } }>> }
  return k?.buttons?.flat().map((b) => b.action) ?? []
}

/** `npm start` on a fresh data directory (embedded PGlite), a free loopback port and JSON logs, plus `env`. */
const startServer = (env: Record<string, string>) =>
  run("main.ts", [], {
    DATA_DIR: mkdtempSync(join(tmpdir(), "gb-start-platforms-")),
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_FORMAT: "json",
    ...env
  })

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe("start-up with Telegram and VK configured", () => {
  afterEach(killRunning)

  it(
    "starts both bots against TELEGRAM_API_ROOT / VK_API_BASE_URL, answers /start on each platform, and stops them on SIGTERM",
    { timeout: 600_000 },
    async () => {
      const telegram = await FakeTelegram.start({ limits: false })
      const vk = await FakeVk.start({ limit: false })
      const vkProxy = await recordingProxy(vk.url)
      try {
        const bot = telegram.addBot(TELEGRAM_TOKEN, { username: "groupbuy_startup_bot" })
        const group = vk.addGroup(VK_TOKEN)
        const server = startServer({
          TELEGRAM_TOKEN,
          TELEGRAM_API_ROOT: telegram.apiRoot,
          VK_TOKEN,
          VK_GROUP_ID: String(group.id),
          VK_API_BASE_URL: `${vkProxy.url}/method`
        })
        const output = server.output
        const running = server.child
        /** waits for `get` while the server runs: if it exits meanwhile, fails at once with what it printed */
        const until = <A>(what: string, get: () => A | undefined, ms?: number) =>
          waitFor(
            what,
            () => {
              if (running.exitCode !== null || running.signalCode !== null)
                throw new Error(`the server exited (${running.exitCode ?? running.signalCode}):\n${output()}`)
              return get()
            },
            output,
            ms
          )
        const [, telegramStarted] = await until(
          "the Telegram bot to start",
          () => logged(output(), "Telegram bot started")[0]
        )
        assert.deepStrictEqual(telegramStarted, { username: bot.username }, "the bot introduced itself with getMe")
        const [, vkStarted] = await until("the VK bot to start", () => logged(output(), "VK bot started")[0])
        assert.deepStrictEqual(vkStarted, { groupId: group.id, screenName: group.screenName })
        assert.notInclude(output(), TELEGRAM_TOKEN, "the token is never logged")
        assert.notInclude(output(), VK_TOKEN, "the token is never logged")

        // The command menu comes from the router's catalogue, in both languages and as the default.
        const menu = (language: string) =>
          (telegram.commands(TELEGRAM_TOKEN, language) ?? []) as Array<{ command: string; description: string }>
        for (const language of ["ru", "en", ""]) {
          assert.includeDeepMembers(
            menu(language).map((c) => c.command),
            ["start", "help", "procurements", "cancel"],
            `the "${language}" command menu`
          )
        }
        assert.deepStrictEqual(menu(""), menu("ru"), "Russian is the default menu")
        assert.notDeepEqual(menu("en"), menu("ru"))

        const welcome = catalogueText("ru", "welcome.new")
        const askRole = "Кем вы хотите быть в совместных закупках?"
        const roles = ["🛒 Покупатель", "📣 Организатор", "🚚 Поставщик"]

        // Telegram: /start → the welcome, then the first registration step with its role buttons.
        const updateIds: Array<number> = []
        const sendTelegram = async (push: Promise<{ update: Record<string, unknown> }>) =>
          void updateIds.push(Number((await push).update["update_id"]))
        await sendTelegram(telegram.text(TELEGRAM_TOKEN, TELEGRAM_USER, "/start"))
        const tgAsk = await until(
          "the role question on Telegram",
          () => telegram.sentMessages(TELEGRAM_TOKEN, TELEGRAM_USER).find((m) => m.text?.includes(askRole)),
          60_000
        )
        const tgSent = telegram.sentMessages(TELEGRAM_TOKEN, TELEGRAM_USER)
        assert.strictEqual(tgSent[0]?.text, welcome, "the welcome comes first")
        const tgRoles = inlineButtons(tgAsk.reply_markup)
        assert.includeMembers(
          tgRoles.map((b) => b.text),
          roles
        )

        // VK: the same through the community's messages, with callback buttons.
        await vk.text(VK_TOKEN, VK_USER, "/start")
        const vkAsk = await until(
          "the role question on VK",
          () => vk.sentMessages(VK_TOKEN, VK_USER).find((m) => m.text.includes(askRole)),
          60_000
        )
        const vkSent = vk.sentMessages(VK_TOKEN, VK_USER)
        assert.strictEqual(vkSent[0]?.text, welcome, "the welcome comes first")
        const vkRoles = vkButtons(vkAsk.keyboard)
        assert.includeMembers(
          vkRoles.map((b) => b.label),
          roles
        )
        assert.isTrue(
          vkRoles.every((b) => b.type === "callback"),
          "role buttons are callback buttons"
        )

        // Further on both: pressing "buyer" asks for the name; on Telegram the name then asks for the phone.
        const askName = "Как вас зовут?"
        const tgBuyer = tgRoles.find((b) => b.text === roles[0])!
        await sendTelegram(telegram.press(TELEGRAM_TOKEN, TELEGRAM_USER, tgAsk.message_id, tgBuyer.callback_data!))
        await until(
          "the name question on Telegram",
          () => telegram.sentMessages(TELEGRAM_TOKEN, TELEGRAM_USER).find((m) => m.text?.includes(askName)),
          60_000
        )
        await until(
          "the press to be answered",
          () => telegram.calls({ token: TELEGRAM_TOKEN, method: "answerCallbackQuery", ok: true })[0],
          60_000
        )
        await sendTelegram(telegram.text(TELEGRAM_TOKEN, TELEGRAM_USER, "Иван Петров"))
        const askPhone = await until(
          "the phone question on Telegram",
          () =>
            telegram
              .sentMessages(TELEGRAM_TOKEN, TELEGRAM_USER)
              .find((m) => m.text?.includes("телефон") && !m.text.includes(askName)),
          60_000
        )
        assert.deepInclude(
          (askPhone.reply_markup as { keyboard?: Array<Array<Record<string, unknown>>> }).keyboard?.flat() ?? [],
          { text: "📱 Отправить мой номер", request_contact: true },
          "a request-contact reply keyboard"
        )

        const vkBuyer = vkRoles.find((b) => b.label === roles[0])!
        await vk.press(VK_TOKEN, VK_USER, vkAsk.conversationMessageId, JSON.parse(vkBuyer.payload!))
        await until(
          "the name question on VK",
          () => vk.sentMessages(VK_TOKEN, VK_USER).find((m) => m.text.includes(askName)),
          60_000
        )
        await until(
          "the VK press to be answered",
          () => vk.calls({ token: VK_TOKEN, method: "messages.sendMessageEventAnswer", ok: true })[0],
          60_000
        )
        assert.isAbove(vkProxy.arrivals(/^\/lp\//).length, 0, "VK updates came through the Bots Long Poll")

        // SIGTERM: both bots stop, the process exits 0 within the shutdown budget.
        server.child.kill("SIGTERM")
        assert.deepStrictEqual(await server.exited, { code: 0, signal: null }, server.output())
        // grammY's stop() confirms the handled updates with a last, short getUpdates (offset, limit 1, no timeout):
        // the bot was stopped, so Telegram will not hand the same updates to the next start.
        const confirm = telegram
          .calls({ token: TELEGRAM_TOKEN, method: "getUpdates" })
          .find((c) => Number(c.params.limit) === 1 && c.params.timeout === undefined)
        assert.isDefined(confirm, `grammY confirmed the update offset on stop:\n${server.output()}`)
        assert.strictEqual(Number(confirm!.params.offset), Math.max(...updateIds) + 1)
        assert.strictEqual(telegram.pendingUpdates(TELEGRAM_TOKEN), 0, "nothing left for the next start to redo")

        // once the fakes have seen the child's last connections close, nothing polls them any more
        await pause(1000)
        const polls = () => ({
          telegram: telegram.calls({ token: TELEGRAM_TOKEN, method: "getUpdates" }).length,
          vk: vkProxy.arrivals(/^\/lp\//).length
        })
        const atExit = polls()
        await pause(3000)
        assert.deepStrictEqual(polls(), atExit, "no polling after the process exited")
        const logs = server.output()
        assert.notMatch(logs, /"logLevel":"(ERROR|FATAL)"/, "a clean shutdown logs no error")
      } finally {
        await vkProxy.close()
        await telegram.close()
        await vk.close()
      }
    }
  )

  it(
    "a Telegram token the Bot API refuses stops start-up with a message saying so, and status 1",
    { timeout: 300_000 },
    async () => {
      const telegram = await FakeTelegram.start({ limits: false })
      try {
        // no addBot: the fake answers 401 Unauthorized to every call with this token, as Telegram does
        const server = startServer({
          TELEGRAM_TOKEN,
          TELEGRAM_API_ROOT: telegram.apiRoot
        })
        const exit = await server.exited
        const output = server.output()
        assert.deepStrictEqual(exit, { code: 1, signal: null }, output)
        assert.deepStrictEqual(
          telegram.calls().map((c) => [c.method, c.status]),
          [["getMe", 401]],
          "one refused getMe, and no polling with a bad token"
        )
        assert.lengthOf(logged(output, "Telegram bot started"), 0)
        const [failure] = logged(output, "GroupBuy cannot start")
        assert.isDefined(failure, output)
        assert.match(JSON.stringify(failure), /getMe.*401.*Unauthorized/, "the log names the refused call")
        assert.match(output, /GroupBuy cannot start: Telegram did not start: .*401.* — check TELEGRAM_TOKEN/)
        assert.notInclude(output, TELEGRAM_TOKEN, "the token is never logged")
      } finally {
        await telegram.close()
      }
    }
  )

  it(
    "a VK token the API refuses stops start-up with a message saying so, and status 1",
    { timeout: 300_000 },
    async () => {
      const vk = await FakeVk.start({ limit: false })
      try {
        const group = vk.addGroup("vk1.a.another-community")
        // an unknown token: the fake answers error 5 "User authorization failed", as VK does
        const server = startServer({
          VK_TOKEN,
          VK_GROUP_ID: String(group.id),
          VK_API_BASE_URL: vk.apiBaseUrl
        })
        const exit = await server.exited
        const output = server.output()
        assert.deepStrictEqual(exit, { code: 1, signal: null }, output)
        assert.deepStrictEqual(
          vk.calls().map((c) => [c.method, c.error]),
          [["groups.getById", 5]],
          "one refused call, and no long poll with a bad token"
        )
        assert.lengthOf(logged(output, "VK bot started"), 0)
        const [failure] = logged(output, "GroupBuy cannot start")
        assert.isDefined(failure, output)
        assert.match(
          JSON.stringify(failure),
          /groups\.getById.*User authorization failed/,
          "the log names the refused call"
        )
        assert.notInclude(output, VK_TOKEN, "the token is never logged")
      } finally {
        await vk.close()
      }
    }
  )

  it(
    "a VK token of another community than VK_GROUP_ID stops start-up naming both, and status 1",
    { timeout: 300_000 },
    async () => {
      const vk = await FakeVk.start({ limit: false })
      try {
        const group = vk.addGroup(VK_TOKEN)
        const server = startServer({
          VK_TOKEN,
          VK_GROUP_ID: String(group.id + 1),
          VK_API_BASE_URL: vk.apiBaseUrl
        })
        const exit = await server.exited
        const output = server.output()
        assert.deepStrictEqual(exit, { code: 1, signal: null }, output)
        assert.deepStrictEqual(
          vk.calls().map((c) => c.method),
          ["groups.getById"],
          "no long poll for a community the settings do not name"
        )
        assert.lengthOf(logged(output, "VK bot started"), 0)
        assert.include(
          output,
          `GroupBuy cannot start: VK did not start: the token belongs to the community ${group.screenName} (id ${group.id}), not to ${group.id + 1} — check VK_TOKEN, VK_GROUP_ID`
        )
        assert.notInclude(output, VK_TOKEN, "the token is never logged")
      } finally {
        await vk.close()
      }
    }
  )
})
