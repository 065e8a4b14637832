/**
 * The router's `Conversation` (what its data-driven `scenarios` are replayed through), implemented over a real bot
 * and a fake platform server: a person types, presses buttons on the messages on their screen, shares a contact;
 * their inbox is what the platform API was asked to show them (messages, edits, toasts), read back from the fake's
 * call log. Domain events are forwarded to the router after every step, as the server's dispatcher does.
 */
import { DomainEvents } from "@groupbuy/core"
import { type Capabilities, catalogues, ChatRef, type Platform, type Reply, Router } from "@groupbuy/router"
import { type Conversation, ConversationError, plainOf, renderReply } from "@groupbuy/router/testing"
import { Duration, Effect, Option, Queue, type Scope, Stream, TestClock } from "effect"

/** One message on a user's screen, with its buttons. */
export interface ScreenMessage {
  readonly reply: Reply
  readonly buttons: ReadonlyArray<{ readonly label: string; readonly press: () => Promise<unknown> }>
}

/** What a platform setup offers the conversation (see EndToEnd.test.ts). */
export interface PlatformSide {
  readonly bot: string
  readonly platform: Platform
  readonly capabilities: Capabilities
  /** every output call so far, in order: the chat it went to (undefined for a press answer) and what it showed */
  readonly outputs: () => ReadonlyArray<{ readonly chat: number | undefined; readonly reply: Reply }>
  /** the bot's messages in a chat as they are now, oldest first */
  readonly screen: (chat: number) => ReadonlyArray<ScreenMessage>
  readonly send: (user: number, text: string) => Promise<unknown>
  readonly contact: (user: number, phone: string) => Promise<unknown>
  /** whether the bot's outbound queue is empty */
  readonly idle: () => boolean
  /** how many turns the engine has completed for this bot */
  readonly turns: () => number
}

const MORE_LABELS = new Set([catalogues.ru["fit.more"], catalogues.en["fit.more"], "»"])

let nextUserId = 810_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export const makePlatformConversation = (
  side: PlatformSide
): Effect.Effect<Conversation, never, Router | Scope.Scope> =>
  Effect.gen(function* () {
    const router = yield* Router
    const users = new Map<string, { readonly id: number; readonly ref: ChatRef; seen: number }>()
    const lines: Array<string> = []

    const stateOf = (name: string) => {
      let state = users.get(name)
      if (state === undefined) {
        const id = nextUserId++
        state = {
          id,
          ref: new ChatRef({ bot: side.bot, platform: side.platform, chatId: String(id), userId: String(id) }),
          seen: 0
        }
        users.set(name, state)
      }
      return state
    }

    const events = yield* Effect.serviceOption(DomainEvents)
    const queue = yield* Queue.unbounded<import("@groupbuy/core").DomainEvent>()
    if (Option.isSome(events)) {
      const stream = yield* events.value.subscribe
      yield* Effect.forkScoped(Stream.runForEach(stream, (event) => Queue.offer(queue, event)))
    }

    /** Waits until the calls stop: the queue is empty and nothing new came for a while. */
    const quiet = (quietMs = 80) =>
      Effect.promise(async () => {
        let count = side.outputs().length
        let since = Date.now()
        const deadline = Date.now() + 30_000
        for (;;) {
          await sleep(15)
          const now = side.outputs().length
          if (now !== count) {
            count = now
            since = Date.now()
          } else if (side.idle() && Date.now() - since >= quietMs) return
          if (Date.now() > deadline) return
        }
      })

    const dispatch = Effect.gen(function* () {
      for (let round = 0; round < 20; round++) {
        yield* Effect.yieldNow()
        const pending = yield* Queue.takeAll(queue)
        if (pending.length === 0 && round > 2) break
        for (const event of pending) yield* router.onEvent(event)
      }
      yield* quiet()
    })

    const inboxOf = (name: string) => {
      const state = stateOf(name)
      return side
        .outputs()
        .slice(state.seen)
        .filter((o) => o.chat === undefined || o.chat === state.id)
        .map((o) => o.reply)
    }

    /** One user action: it causes exactly one turn; waits for it, its sends, and the events it raised. */
    const act = (name: string, shown: string, action: (id: number) => Promise<unknown>) =>
      Effect.gen(function* () {
        const state = stateOf(name)
        // What others did since this user's last action stays in their inbox; this user's starts afresh.
        state.seen = side.outputs().length
        lines.push(`── ${name}: ${shown}`)
        const before = side.turns()
        yield* Effect.promise(() => action(state.id))
        yield* Effect.promise(async () => {
          const deadline = Date.now() + 30_000
          while (side.turns() <= before && Date.now() < deadline) await sleep(10)
        })
        yield* quiet()
        yield* dispatch
        const replies = inboxOf(name)
        for (const reply of replies) lines.push(...renderReply(reply))
        return replies
      })

    const find = (name: string, label: string, newest: boolean) => {
      const screen = [...side.screen(stateOf(name).id)]
      if (newest) screen.reverse()
      for (const message of screen) {
        const buttons = message.buttons
        const hit =
          buttons.find((b) => b.label === label) ??
          buttons.find((b) => b.label.includes(label)) ??
          buttons.find((b) => b.label.endsWith("…") && label.startsWith(b.label.slice(0, -1).trimEnd()))
        if (hit !== undefined) return { kind: "hit" as const, button: hit }
        const more = buttons.find((b) => MORE_LABELS.has(b.label))
        if (newest && more !== undefined) return { kind: "more" as const, button: more }
        if (newest && buttons.length > 0) return undefined
      }
      return undefined
    }

    const press = (name: string, label: string): Effect.Effect<ReadonlyArray<Reply>, ConversationError> =>
      Effect.gen(function* () {
        for (let page = 0; page < 20; page++) {
          const found = find(name, label, true)
          if (found === undefined) break
          const replies = yield* act(name, found.kind === "hit" ? `[${label}]` : "[»]", () => found.button.press())
          if (found.kind === "hit") return replies
        }
        return yield* new ConversationError({ message: `${name} sees no button “${label}”` })
      })

    const pressStale = (name: string, label: string) =>
      Effect.gen(function* () {
        const found = find(name, label, false)
        if (found === undefined) return yield* new ConversationError({ message: `${name} never saw “${label}”` })
        return yield* act(name, `[${label}] (old message)`, () => found.button.press())
      })

    const expect = (name: string, ...texts: ReadonlyArray<string>) =>
      Effect.suspend(() => {
        const inbox = inboxOf(name).map(plainOf).join("\n")
        const missing = texts.filter((t) => !inbox.includes(t))
        return missing.length === 0
          ? Effect.void
          : Effect.fail(new ConversationError({ message: `${name} expected ${JSON.stringify(missing)} in:\n${inbox}` }))
      })

    const unsupported = (what: string) =>
      Effect.fail(new ConversationError({ message: `${what} is not available over a platform driver` }))

    const send = (name: string, text: string) => act(name, text, (id) => side.send(id, text))

    const conversation: Conversation = {
      capabilities: side.capabilities,
      refOf: (name) => stateOf(name).ref,
      send,
      press,
      pressStale,
      pressToken: () => unsupported("pressToken"),
      contact: (name, phone) => act(name, `📱 ${phone}`, (id) => side.contact(id, phone)),
      photo: () => unsupported("photo"),
      update: () => unsupported("update"),
      user: (name, text) => ({
        run: send(name, text),
        expect: (...texts) => Effect.zipLeft(send(name, text), expect(name, ...texts))
      }),
      expect,
      inbox: inboxOf,
      dispatch,
      later: (seconds) =>
        Effect.gen(function* () {
          lines.push(`## ${seconds} s later`)
          yield* TestClock.adjust(Duration.seconds(seconds))
          yield* router.settled
          yield* dispatch
        }),
      note: (line) => void lines.push(line),
      transcript: () => lines.join("\n")
    }
    return conversation
  })
