/**
 * The router's scripted scenarios end to end through the WhatsApp adapter and baileys' socket interface (a fake
 * socket): users write messages, answer numbered menus with the number a person would type, share their contact
 * card; replies and proactive deliveries come back over `sendMessage`. Expectations are checked on the replies,
 * and every step checks that the socket carried exactly those replies, encoded for WhatsApp, in order.
 */
import { assert, describe, it } from "@effect/vitest"
import type { AnyMessageContent } from "@whiskeysockets/baileys"
import * as Core from "@groupbuy/core"
import { type DomainEvent, DomainEvents } from "@groupbuy/core"
import { type ChatRef, type Reply, Router, type Update } from "@groupbuy/router"
import {
  type Conversation,
  ConversationError,
  plainOf,
  renderReply,
  runScenario,
  type Scenario,
  scenarios
} from "@groupbuy/router/testing"
import { Clock, DateTime, Duration, Effect, Layer, Queue, Stream, TestClock } from "effect"
import { AdapterEvents } from "../../src/shared/AdapterEvents.js"
import { TurnHandler } from "../../src/shared/TurnHandler.js"
import * as WhatsAppAdapter from "../../src/whatsapp/WhatsAppAdapter.js"
import { memoryStore } from "../../src/whatsapp/WhatsAppAuthState.js"
import { whatsappCapabilities as capabilities } from "../../src/whatsapp/WhatsAppCapabilities.js"
import { decode } from "../../src/whatsapp/WhatsAppDecode.js"
import { encode } from "../../src/whatsapp/WhatsAppEncode.js"
import { FakeWhatsApp, textFrom } from "../fakes/whatsapp/FakeWhatsApp.js"
import { lateDeliver, realRouter } from "../widget/RealRouter.js"

let phoneCounter = 0
let messageCounter = 0

/** Every user's WhatsApp number: the phone the scenario registers them with, else a fresh one. */
const phonesOf = (scenario: Scenario): Map<string, string> => {
  const phones = new Map<string, string>()
  for (const step of scenario.steps) {
    if ("contact" in step && !phones.has(step.as)) phones.set(step.as, step.contact.replace(/\D/g, ""))
  }
  for (const step of scenario.steps) {
    if ("as" in step && !phones.has(step.as)) phones.set(step.as, `7955${String(++phoneCounter).padStart(7, "0")}`)
  }
  return phones
}

const contentText = (content: AnyMessageContent): string =>
  "text" in content ? content.text : "caption" in content && typeof content.caption === "string" ? content.caption : ""

/** A `Conversation` whose users are WhatsApp numbers talking through the adapter's fake socket. */
const whatsappConversation = (scenario: Scenario, fake: FakeWhatsApp, recorded: Map<string, Array<Reply>>) =>
  Effect.gen(function* () {
    const router = yield* Router
    const events = yield* DomainEvents
    const pending = yield* Queue.unbounded<DomainEvent>()
    yield* Effect.forkScoped(Stream.runForEach(yield* events.subscribe, (event) => Queue.offer(pending, event)))
    const phones = phonesOf(scenario)
    const jidOf = (name: string) => `${phones.get(name)}@s.whatsapp.net`
    const lines: Array<string> = []
    /** replies the user received since their last action */
    const inboxes = new Map<string, Array<Reply>>()
    const checked = new Map<string, number>()

    const refOf = (name: string): ChatRef => {
      const update = decode("wa-scenarios", textFrom(phones.get(name)!, "probe"))!
      return update.ref
    }

    /** what the socket carried to a user equals what the router said, encoded for WhatsApp */
    const verifySocket = (name: string) =>
      Effect.sync(() => {
        const jid = jidOf(name)
        const sent = fake.sent.filter((message) => message.jid === jid).map((message) => message.content)
        const replies = recorded.get(jid) ?? []
        assert.deepStrictEqual(sent, replies.flatMap(encode), `the socket carried ${name}'s replies`)
        const fresh = replies.slice(checked.get(jid) ?? 0)
        checked.set(jid, replies.length)
        inboxes.set(name, [...(inboxes.get(name) ?? []), ...fresh])
        for (const reply of fresh) lines.push(...renderReply(reply, `bot → ${name}`))
      })

    const settle = (name: string) =>
      Effect.gen(function* () {
        // proactive messages: forward domain events to the router, as the server's dispatcher does
        for (let round = 0; round < 20; round++) {
          yield* Effect.yieldNow()
          const events = yield* Queue.takeAll(pending)
          if (events.length === 0 && round > 2) break
          for (const event of events) yield* router.onEvent(event)
        }
        for (const other of phones.keys()) if (other !== name) yield* verifySocket(other)
        yield* verifySocket(name)
      })

    /** one message from the user's phone; resolves when its replies went out over the socket */
    const say = (name: string, message: Parameters<FakeWhatsApp["current"]["receive"]>[0], shown: string) =>
      Effect.gen(function* () {
        lines.push(`── ${name}: ${shown}`)
        inboxes.set(name, [])
        const jid = jidOf(name)
        const turns = turnCount.value
        fake.current.receive(message)
        const deadline = Date.now() + 20_000
        while (
          turnCount.value === turns ||
          (recorded.get(jid) ?? []).flatMap(encode).length > fake.sent.filter((m) => m.jid === jid).length
        ) {
          if (Date.now() > deadline) return yield* new ConversationError({ message: `${name}: no answer to ${shown}` })
          yield* pause
        }
        yield* settle(name)
        return inboxes.get(name) ?? []
      })

    const send = (name: string, text: string) => say(name, textFrom(phones.get(name)!, text), text)

    const press = (name: string, label: string) =>
      Effect.gen(function* () {
        // the numbered menu as the user sees it on the phone: "2. Label"
        const jid = jidOf(name)
        const texts = fake.sent.filter((message) => message.jid === jid).map((message) => contentText(message.content))
        for (let i = texts.length - 1; i >= 0; i--) {
          const entries = [...texts[i]!.matchAll(/^(\d+)\. (.+)$/gm)]
          if (entries.length === 0) continue
          const hit = entries.find((m) => m[2] === label) ?? entries.find((m) => m[2]!.includes(label))
          if (hit === undefined) break
          return yield* say(name, textFrom(phones.get(name)!, hit[1]!), `${hit[1]} (${label})`)
        }
        return yield* new ConversationError({
          message: `${name} sees no menu entry “${label}”. Last messages:\n${texts.slice(-3).join("\n---\n")}`
        })
      })

    const contact = (name: string, phone: string) => {
      const digits = phone.replace(/\D/g, "")
      return say(
        name,
        {
          key: { remoteJid: jidOf(name), fromMe: false, id: `scn-${++messageCounter}` },
          message: {
            contactMessage: {
              displayName: name,
              vcard: `BEGIN:VCARD\nVERSION:3.0\nFN:${name}\nTEL;type=CELL;waid=${digits}:${phone}\nEND:VCARD`
            }
          }
        },
        `📇 ${phone}`
      )
    }

    const unsupported = (what: string) => Effect.fail(new ConversationError({ message: `${what}: not on WhatsApp` }))

    const conversation: Conversation = {
      capabilities,
      refOf,
      send,
      press,
      pressStale: () => unsupported("stale buttons"),
      pressToken: () => unsupported("button tokens"),
      contact: (name, phone) => contact(name, phone),
      photo: () => unsupported("photos in scenarios"),
      update: () => unsupported("raw updates"),
      user: (name, text) => ({
        run: send(name, text),
        expect: (...texts) => Effect.tap(send(name, text), () => conversation.expect(name, ...texts))
      }),
      expect: (name, ...texts) =>
        Effect.suspend(() => {
          const inbox = (inboxes.get(name) ?? []).map(plainOf).join("\n")
          const missing = texts.filter((text) => !inbox.includes(text))
          return missing.length === 0
            ? Effect.void
            : Effect.fail(
                new ConversationError({ message: `${name} expected ${JSON.stringify(missing)} in:\n${inbox}` })
              )
        }),
      inbox: (name) => inboxes.get(name) ?? [],
      dispatch: Effect.gen(function* () {
        for (const name of phones.keys()) {
          yield* settle(name)
        }
      }),
      later: (seconds) =>
        Effect.gen(function* () {
          lines.push(`## ${seconds} s later`)
          yield* TestClock.adjust(Duration.seconds(seconds))
          yield* router.settled
          for (const name of phones.keys()) yield* settle(name)
        }),
      note: (line) => void lines.push(`## ${line}`),
      transcript: () => `${lines.join("\n")}\n`
    }
    return conversation
  })

const turnCount = { value: 0 }

/** a real-time pause, independent of the test's clock */
const pause = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 2)))

/** Real time, for the adapter's paced outbound queue (under the scenario's TestClock its sleeps would never end). */
const liveClock = Clock.make()

/**
 * Counts finished turns and records every reply per chat (turn replies and proactive deliveries). The adapter runs
 * on the live clock, so its turns would too: the router's turn runs on the scenario's clock instead, the one the
 * system steps and `router.onEvent` see (session expiry, remembered chats, days left all depend on it).
 */
const recordingTurns = (recorded: Map<string, Array<Reply>>, scenarioClock: Clock.Clock) =>
  Layer.effect(
    TurnHandler,
    Effect.map(TurnHandler, (inner) => ({
      register: inner.register,
      handle: (update: Update, caps: typeof capabilities) =>
        inner.handle(update, caps).pipe(
          Effect.withClock(scenarioClock),
          Effect.tap((replies) =>
            Effect.sync(() => {
              recorded.set(update.ref.chatId, [...(recorded.get(update.ref.chatId) ?? []), ...replies])
              turnCount.value += 1
            })
          )
        )
    }))
  )

const recorded = new Map<string, Array<Reply>>()
const deliver = lateDeliver()

/** Scenarios that pay need core's PaymentsLive; until it is exported they are reported as skipped, with the reason. */
const paymentsLanded = "PaymentsLive" in Core
const needsPayments = (scenario: Scenario) =>
  scenario.steps.some(
    (step) => ("system" in step && step.system === "settleDeposit") || ("send" in step && step.send === "/deposit")
  )

// One router and database for all scenarios (each uses its own phone numbers), as the router's own suite does.
describe("router scenarios through the WhatsApp adapter (numbered menus)", () => {
  it.layer(realRouter(deliver.layer), { timeout: 300_000 })((it) => {
    for (const scenario of scenarios) {
      const skip = needsPayments(scenario) && !paymentsLanded
      // the scenario's fixed clock (TestClock) for the router; waiting for the socket uses real timers
      it.scoped.skipIf(skip)(
        `${scenario.name}${skip ? " (needs core PaymentsLive, not exported yet)" : ""}`,
        () =>
          Effect.gen(function* () {
            yield* TestClock.setTime(DateTime.toEpochMillis(DateTime.unsafeMake(scenario.startAt)))
            const scenarioClock = yield* Effect.clock
            const fake = new FakeWhatsApp()
            const bot = yield* WhatsAppAdapter.make({
              id: "wa-scenarios",
              store: memoryStore(),
              terminal: false,
              makeSocket: fake.makeSocket,
              limits: { global: { limit: 10_000, windowMs: 1000 } }
            }).pipe(
              Effect.provide(Layer.mergeAll(recordingTurns(recorded, scenarioClock), AdapterEvents.layer)),
              // the outbound queue paces sends with real sleeps; under the scenario's TestClock they would never end
              Effect.withClock(liveClock)
            )
            // the server's Deliver in miniature: WhatsApp chats through this adapter, other platforms elsewhere
            deliver.set((ref, replies) =>
              Effect.sync(() => recorded.set(ref.chatId, [...(recorded.get(ref.chatId) ?? []), ...replies])).pipe(
                Effect.zipRight(
                  ref.platform === "whatsapp"
                    ? // proactive sends come from the scenario's clock (onEvent); the queue keeps real time
                      Effect.orDie(bot.send(ref.chatId, replies)).pipe(Effect.withClock(liveClock))
                    : Effect.void
                )
              )
            )
            while (fake.sockets.length === 0) yield* pause
            fake.current.open()
            const conversation = yield* whatsappConversation(scenario, fake, recorded)
            yield* runScenario(scenario, conversation).pipe(
              Effect.tapError(() => Effect.sync(() => console.log(conversation.transcript())))
            )
            assert.isAbove(fake.sent.length, 0)
          }),
        120_000
      )
    }
  })
})
