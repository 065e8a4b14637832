/**
 * The router's scripted scenarios (registration, procurement creation, deposit, join, pagination, stale button,
 * organizer tools, profile, chat relay) end to end: the real engine (router over core on PGlite) behind the real
 * grammY and vk-io clients, talking to the fake platform servers, in both delivery modes of each platform. The exact
 * API calls of the registration (method, text, keyboard JSON; button tokens normalised) are a stored transcript.
 */
import { describe, expect, it } from "@effect/vitest"
import { ChatRef, type Reply } from "@groupbuy/router"
import { runScenario, scenarios } from "@groupbuy/router/testing"
import { Effect, Redacted, type Scope, TestServices } from "effect"
import type * as Http from "node:http"
import type { AdapterEvents } from "../../src/shared/AdapterEvents.js"
import { BotFleet } from "../../src/shared/BotFleet.js"
import { TurnHandler } from "../../src/shared/TurnHandler.js"
import * as TelegramBot from "../../src/telegram/TelegramBot.js"
import * as VkBot from "../../src/vk/VkBot.js"
import { FakeTelegram, parseTelegramHtml } from "../fakes/telegram/FakeTelegram.js"
import { FakeVk } from "../fakes/vk/FakeVk.js"
import { countingTurns, engineLayer } from "./CoreSupport.js"
import { close, listen } from "./FakeServerSupport.js"
import { makePlatformConversation, type PlatformSide, type ScreenMessage } from "./PlatformConversation.js"
import { scopedFake } from "./TestTurns.js"

type Services = BotFleet | TurnHandler | AdapterEvents

const hookServer = Effect.acquireRelease(
  Effect.promise(async () => {
    let handler: (req: Http.IncomingMessage, res: Http.ServerResponse) => void = (_req, res) => res.writeHead(503).end()
    const { server, url } = await listen((req, res) => handler(req, res))
    return { url, server, route: (h: typeof handler) => void (handler = h) }
  }),
  ({ server }) => Effect.promise(() => close(server))
)

/** Conversation tests check the dialogue, not flood control (that has its own tests): generous per-chat limits. */
const telegramTestLimits = {
  global: { limit: 30, windowMs: 1000 },
  perChat: { limit: 20, windowMs: 1000 },
  perGroup: { limit: 20, windowMs: 1000 }
}

const labelsOf = (rows: ReadonlyArray<ReadonlyArray<{ readonly text?: string; readonly label?: string }>>) =>
  rows.map((row) => row.map((b) => ({ _tag: "Action" as const, label: b.text ?? b.label ?? "", data: "" })))

const text = (plain: string, rows?: ReadonlyArray<ReadonlyArray<{ text?: string; label?: string }>>): Reply => ({
  _tag: "Text",
  text: [{ text: plain }],
  ...(rows === undefined || rows.length === 0 ? {} : { keyboard: { rows: labelsOf(rows) } })
})

interface Setup {
  readonly side: PlatformSide
  /** the exact calls, for the stored transcript */
  readonly calls: () => ReadonlyArray<unknown>
}

const TG = "555:e2e"
const VK = "vk1.e2e"
const TG_CHANNEL = -1001234567
const VK_CHANNEL = 2000000077

const telegramSetup = (mode: "polling" | "webhook"): Effect.Effect<Setup, unknown, Services | Scope.Scope> =>
  Effect.gen(function* () {
    const fake = yield* scopedFake(() => FakeTelegram.start({ limits: telegramTestLimits }))
    fake.addBot(TG, { username: "groupbuy_test_bot" })
    const hook = yield* hookServer
    const counting = yield* countingTurns
    const bot = yield* TelegramBot.make({
      id: `tg-${mode}`,
      token: Redacted.make(TG),
      apiRoot: fake.apiRoot,
      limits: telegramTestLimits,
      mode:
        mode === "polling"
          ? { _tag: "Polling", timeoutSeconds: 1 }
          : { _tag: "Webhook", secretToken: Redacted.make("e2e-secret"), url: `${hook.url}/tg` }
    }).pipe(Effect.provideService(TurnHandler, counting.handler))
    hook.route((req, res) => void bot.webhook(req, res))
    yield* (yield* BotFleet).add(bot)
    const outputMethods = new Set(["sendMessage", "editMessageText", "sendPhoto", "answerCallbackQuery"])
    type Keyboard = {
      inline_keyboard?: Array<Array<Record<string, string>>>
      keyboard?: Array<Array<Record<string, unknown>>>
    }
    const side: PlatformSide = {
      bot: bot.id,
      platform: "telegram",
      capabilities: bot.capabilities,
      outputs: () =>
        fake
          .calls({ token: TG, ok: true })
          .filter((c) => outputMethods.has(c.method))
          .flatMap((c): Array<{ chat: number | undefined; reply: Reply }> => {
            if (c.method === "answerCallbackQuery")
              return c.params.text === undefined
                ? []
                : [{ chat: undefined, reply: { _tag: "Toast", text: String(c.params.text) } as Reply }]
            const markup = c.params.reply_markup as Keyboard | undefined
            const body = parseTelegramHtml(String(c.params.text ?? c.params.caption ?? ""))
            return [
              {
                chat: Number(c.params.chat_id),
                reply: text(body, markup?.inline_keyboard ?? (markup?.keyboard as never))
              }
            ]
          }),
      screen: (chat) =>
        fake.sentMessages(TG, chat).map((m): ScreenMessage => {
          const markup = m.reply_markup as Keyboard | undefined
          const inline = (markup?.inline_keyboard ?? []).flat().map((b) => ({
            label: b.text!,
            press: () => fake.press(TG, chat, m.message_id, b.callback_data!)
          }))
          const typed = (markup?.keyboard ?? [])
            .flat()
            .filter((b) => b.request_contact !== true)
            .map((b) => ({ label: String(b.text), press: () => fake.text(TG, chat, String(b.text)) }))
          return { reply: text(m.text ?? m.caption ?? ""), buttons: [...inline, ...typed] }
        }),
      send: (user, t) => fake.text(TG, user, t),
      contact: (user, phone) => fake.contact(TG, user, phone),
      idle: () => Effect.runSync(bot.stats).pending === 0,
      turns: counting.turns
    }
    return {
      side,
      calls: () =>
        fake
          .calls({ token: TG, ok: true })
          .filter((c) => !["getUpdates", "getMe", "deleteWebhook", "setWebhook", "setMyCommands"].includes(c.method))
          .map((c) =>
            JSON.parse(
              JSON.stringify({ method: c.method, ...c.params })
                .replace(/"callback_data":"[^"]+"/g, '"callback_data":"<token>"')
                .replace(/"callback_query_id":"[^"]+"/g, '"callback_query_id":"<id>"')
                .replace(/"chat_id":\d+/g, '"chat_id":"<user>"')
            )
          )
    }
  })

const vkSetup = (mode: "longpoll" | "callback"): Effect.Effect<Setup, unknown, Services | Scope.Scope> =>
  Effect.gen(function* () {
    const fake = yield* scopedFake(() => FakeVk.start())
    fake.addGroup(VK, "groupbuy_test")
    const hook = yield* hookServer
    const counting = yield* countingTurns
    const bot = yield* VkBot.make({
      id: `vk-${mode}`,
      token: Redacted.make(VK),
      apiBaseUrl: fake.apiBaseUrl,
      mode:
        mode === "longpoll"
          ? { _tag: "LongPoll" }
          : { _tag: "Callback", confirmation: "c0nf", secret: Redacted.make("s") }
    }).pipe(Effect.provideService(TurnHandler, counting.handler))
    hook.route((req, res) => void bot.callback(req, res))
    if (mode === "callback") fake.setCallback(VK, `${hook.url}/vk`, "s")
    yield* (yield* BotFleet).add(bot)
    type Keyboard = { buttons: Array<Array<{ action: { type: string; label: string; payload?: string } }>> }
    const side: PlatformSide = {
      bot: bot.id,
      platform: "vk",
      capabilities: bot.capabilities,
      outputs: () =>
        fake.calls({ token: VK, ok: true }).flatMap((c): Array<{ chat: number | undefined; reply: Reply }> => {
          if (c.method === "messages.sendMessageEventAnswer") {
            if (c.params.event_data === undefined) return []
            const data = JSON.parse(String(c.params.event_data)) as { text: string }
            return [{ chat: Number(c.params.peer_id), reply: { _tag: "Toast", text: data.text } as Reply }]
          }
          if (c.method !== "messages.send" && c.method !== "messages.edit") return []
          const keyboard =
            c.params.keyboard === undefined ? undefined : (JSON.parse(String(c.params.keyboard)) as Keyboard)
          return [
            {
              chat: Number(c.params.peer_id),
              reply: text(
                String(c.params.message ?? ""),
                keyboard?.buttons.map((row) => row.map((b) => b.action))
              )
            }
          ]
        }),
      screen: (chat) =>
        fake.sentMessages(VK, chat).map((m): ScreenMessage => {
          const keyboard = m.keyboard as Keyboard | undefined
          const buttons = (keyboard?.buttons ?? [])
            .flat()
            .filter((b) => b.action.type === "callback")
            .map((b) => ({
              label: b.action.label,
              press: () => fake.press(VK, chat, m.conversationMessageId, JSON.parse(b.action.payload ?? "{}"))
            }))
          return { reply: text(m.text), buttons }
        }),
      send: (user, t) => fake.text(VK, user, t),
      contact: (user, phone) => fake.text(VK, user, phone),
      idle: () => Effect.runSync(bot.stats).pending === 0,
      turns: counting.turns
    }
    return {
      side,
      calls: () =>
        fake
          .calls({ token: VK, ok: true })
          .filter((c) => c.method.startsWith("messages."))
          .map(({ method, params }) => {
            const { random_id: _r, v: _v, event_id: _e, user_id: _u, keyboard, ...rest } = params
            // the keyboard as JSON, its button tokens normalised
            const buttons =
              keyboard === undefined
                ? undefined
                : (JSON.parse(String(keyboard)) as Keyboard).buttons.map((row) =>
                    row.map((b) => ({
                      ...b,
                      action: { ...b.action, ...(b.action.payload ? { payload: "<token>" } : {}) }
                    }))
                  )
            const call = { method, ...rest, ...(buttons === undefined ? {} : { keyboard: buttons }) }
            return JSON.parse(JSON.stringify(call).replace(/"peer_id":"\d+"/g, '"peer_id":"<user>"'))
          })
    }
  })

const setups = [
  { name: "telegram polling", setup: () => telegramSetup("polling"), channel: { bot: "tg-polling", chat: TG_CHANNEL } },
  { name: "telegram webhook", setup: () => telegramSetup("webhook"), channel: { bot: "tg-webhook", chat: TG_CHANNEL } },
  { name: "vk long poll", setup: () => vkSetup("longpoll"), channel: { bot: "vk-longpoll", chat: VK_CHANNEL } },
  { name: "vk callback", setup: () => vkSetup("callback"), channel: { bot: "vk-callback", chat: VK_CHANNEL } }
] as const

for (const { name, setup, channel } of setups) {
  const platform = name.startsWith("telegram") ? "telegram" : "vk"
  const channels = [
    {
      id: "news",
      title: "Новости закупок",
      ref: new ChatRef({
        bot: channel.bot,
        platform,
        chatId: String(channel.chat),
        userId: "channel",
        locale: "ru",
        isGroup: true
      }),
      deepLink:
        platform === "telegram"
          ? "https://t.me/groupbuy_test_bot?start={payload}"
          : "https://vk.me/groupbuy_test?ref={payload}"
    }
  ]
  describe(`scripted scenarios end to end over ${name}`, () => {
    it.layer(engineLayer(channels), { timeout: 300_000 })((it) => {
      // 'chat notices outside chat mode' waits out its grouping window on the test clock, which this suite's live
      // clock (real SDKs and servers) cannot advance; it runs on every capability profile in the router's scenarios
      // and over the fake Telegram and VK servers in server/test/ChatNoticesOnServer.test.ts
      for (const scenario of scenarios.filter((s) => s.name !== "chat notices outside chat mode")) {
        it.scoped(scenario.name, () =>
          TestServices.provideLive(
            Effect.gen(function* () {
              const { side, calls } = yield* setup()
              const conversation = yield* makePlatformConversation(side)
              yield* runScenario(scenario, conversation).pipe(
                Effect.tapError(() => Effect.sync(() => console.error(conversation.transcript())))
              )
              if (scenario.name === "registration") expect(calls()).toMatchSnapshot()
            })
          )
        )
      }
    })
  })
}
