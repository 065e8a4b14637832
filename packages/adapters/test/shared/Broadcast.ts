/**
 * A broadcast of `messages` texts to distinct chats through a real bot (grammY or vk-io) against a fake server that
 * enforces the platform's limits. Used by the test (scaled windows, zero 429s, all delivered) and by
 * `npm run bench` (real limits, prints the time against the ceiling).
 */
import { ChatRef, type Reply } from "@groupbuy/router"
import { Effect, Redacted } from "effect"
import type { OutboundLimits, OutboundStats } from "../../src/shared/OutboundQueue.js"
import * as TelegramBot from "../../src/telegram/TelegramBot.js"
import * as VkBot from "../../src/vk/VkBot.js"
import { FakeTelegram, type TelegramLimits } from "../fakes/telegram/FakeTelegram.js"
import { FakeVk } from "../fakes/vk/FakeVk.js"
import type { Window } from "./FakeServerSupport.js"
import { scopedFake, scriptedTurns } from "./TestTurns.js"

export interface BroadcastResult {
  readonly platform: "telegram" | "vk"
  readonly messages: number
  readonly elapsedMs: number
  /** the fastest the limit allows: (⌈messages / limit⌉ − 1) windows */
  readonly ceilingMs: number
  /** messages the fake accepted */
  readonly delivered: number
  /** rate-limit refusals the fake answered */
  readonly refused: number
  readonly stats: OutboundStats
}

const announcement = (i: number): ReadonlyArray<Reply> => [
  { _tag: "Text", text: [{ text: "Новая закупка: " }, { text: `Мёд алтайский #${i}`, bold: true }] }
]

const ceiling = (messages: number, window: Window) => (Math.ceil(messages / window.limit) - 1) * window.windowMs

/** Broadcast over grammY; `limits` feed both the bot's queue and the fake. */
export const broadcastTelegram = (messages: number, limits: TelegramLimits, options: { marginMs?: number } = {}) =>
  Effect.scoped(
    Effect.gen(function* () {
      const fake = yield* scopedFake(() => FakeTelegram.start({ limits }))
      fake.addBot("9:broadcast")
      const queueLimits: OutboundLimits = { ...limits, marginMs: options.marginMs }
      const bot = yield* TelegramBot.make({
        id: "tg-broadcast",
        token: Redacted.make("9:broadcast"),
        apiRoot: fake.apiRoot,
        mode: { _tag: "Webhook", secretToken: Redacted.make("unused") },
        limits: queueLimits
      })
      const started = Date.now()
      yield* Effect.forEach(
        Array.from({ length: messages }, (_, i) => i),
        (i) =>
          bot.deliver(
            new ChatRef({
              bot: "tg-broadcast",
              platform: "telegram",
              chatId: String(100_000 + i),
              userId: String(100_000 + i)
            }),
            announcement(i)
          ),
        { concurrency: "unbounded", discard: true }
      )
      const result: BroadcastResult = {
        platform: "telegram",
        messages,
        elapsedMs: Date.now() - started,
        ceilingMs: ceiling(messages, limits.global),
        delivered: fake.calls({ method: "sendMessage", ok: true }).length,
        refused: fake.tooManyRequests,
        stats: yield* bot.stats
      }
      return result
    }).pipe(Effect.provide(scriptedTurns().layer))
  )

/** Broadcast over vk-io; `limit` feeds both the bot's limiter and the fake. */
export const broadcastVk = (messages: number, limit: Window, options: { marginMs?: number } = {}) =>
  Effect.scoped(
    Effect.gen(function* () {
      const fake = yield* scopedFake(() => FakeVk.start({ limit }))
      fake.addGroup("vk-broadcast")
      const bot = yield* VkBot.make({
        id: "vk-broadcast",
        token: Redacted.make("vk-broadcast"),
        apiBaseUrl: fake.apiBaseUrl,
        mode: { _tag: "Callback", confirmation: "x", secret: Redacted.make("unused") },
        limits: { global: limit, marginMs: options.marginMs }
      })
      const before = fake.calls().length
      const started = Date.now()
      yield* Effect.forEach(
        Array.from({ length: messages }, (_, i) => i),
        (i) =>
          bot.deliver(
            new ChatRef({
              bot: "vk-broadcast",
              platform: "vk",
              chatId: String(300_000 + i),
              userId: String(300_000 + i)
            }),
            announcement(i)
          ),
        { concurrency: "unbounded", discard: true }
      )
      const result: BroadcastResult = {
        platform: "vk",
        messages,
        elapsedMs: Date.now() - started,
        // the start-up call (groups.getById) shares the window with the broadcast
        ceilingMs: ceiling(messages + before, limit),
        delivered: fake.calls({ method: "messages.send", ok: true }).length,
        refused: fake.tooManyRequests,
        stats: yield* bot.stats
      }
      return result
    }).pipe(Effect.provide(scriptedTurns().layer))
  )
