/**
 * The conversation tester: an in-memory adapter over `Router.handle` for one bot with given capabilities. Users type
 * (`send`), press buttons by label (`press` — on platforms without buttons it answers the numbered menu, as a person
 * would), share contacts and photos; proactive deliveries land in their inbox; everything is written to a transcript
 * with ids normalised, so one script yields a deterministic transcript per capability profile.
 *
 *   const chat = yield* makeConversation({ capabilities: telegramLike })
 *   yield* chat.user("alice", "/start").expect("Добро пожаловать")
 */
import { DomainEvents } from "@groupbuy/core"
import { Data, Duration, Effect, Option, Queue, Random, Stream, TestClock } from "effect"
import { catalogues } from "../Messages.js"
import { type Capabilities, ChatRef, type Platform, type Reply, type RichText, type Update } from "../Model.js"
import { Router } from "../Router.js"
import { TestOutbox } from "./TestOutbox.js"

export class ConversationError extends Data.TaggedError("ConversationError")<{ readonly message: string }> {}

export interface ConversationOptions {
  readonly capabilities: Capabilities
  readonly bot?: string
  readonly platform?: Platform
  /** seeds button-token nonces so transcripts and tokens are reproducible */
  readonly seed?: string
  /** prefixes chat and platform user ids, so several conversations can share one database */
  readonly namespace?: string
}

export interface Step {
  /** Runs the step and returns the replies it produced. */
  readonly run: Effect.Effect<ReadonlyArray<Reply>, ConversationError>
  /** Runs the step and checks that the user's inbox contains every text. */
  readonly expect: (...texts: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<Reply>, ConversationError>
}

export interface Conversation {
  readonly capabilities: Capabilities
  /** The chat of a user (created on first use). */
  readonly refOf: (name: string) => ChatRef
  /** `/command args` becomes a command, anything else text. */
  readonly send: (name: string, text: string) => Effect.Effect<ReadonlyArray<Reply>, ConversationError>
  /** Presses the button whose label contains `label` (or answers the numbered menu), paging through "more". */
  readonly press: (name: string, label: string) => Effect.Effect<ReadonlyArray<Reply>, ConversationError>
  /** Presses the button on the oldest message still on screen that shows it (a stale menu). */
  readonly pressStale: (name: string, label: string) => Effect.Effect<ReadonlyArray<Reply>, ConversationError>
  /** Presses a raw token (for stale-button tests). */
  readonly pressToken: (name: string, token: string) => Effect.Effect<ReadonlyArray<Reply>, ConversationError>
  readonly contact: (
    name: string,
    phone: string,
    own?: boolean
  ) => Effect.Effect<ReadonlyArray<Reply>, ConversationError>
  readonly photo: (
    name: string,
    url: string,
    caption?: string
  ) => Effect.Effect<ReadonlyArray<Reply>, ConversationError>
  /** Hands an arbitrary update to the router (raw access). */
  readonly update: (name: string, update: Update) => Effect.Effect<ReadonlyArray<Reply>, ConversationError>
  /** The fluent form: `user("alice", "/start").expect("…")`. */
  readonly user: (name: string, text: string) => Step
  /** Checks the user's inbox (replies and proactive deliveries since their last action) contains every text. */
  readonly expect: (name: string, ...texts: ReadonlyArray<string>) => Effect.Effect<void, ConversationError>
  /** The replies and deliveries a user received since their last action. */
  readonly inbox: (name: string) => ReadonlyArray<Reply>
  /** Forwards pending domain events to `Router.onEvent`, as the server's dispatcher does. */
  readonly dispatch: Effect.Effect<void>
  /** Moves the test clock on by `seconds` and collects what the router told meanwhile (grouped chat notices). */
  readonly later: (seconds: number) => Effect.Effect<void>
  /** Adds a line to the transcript (e.g. a system step). */
  readonly note: (line: string) => void
  readonly transcript: () => string
}

const MORE_LABELS = new Set([catalogues.ru["fit.more"], catalogues.en["fit.more"], "»"])

/** A reply's text with its formatting marked (`**bold**`, `_italic_`, `` `code` ``, `[link](href)`). */
export const renderRich = (text: RichText): string =>
  text
    .map((s) => {
      // markers hug the words: "**Title**\n\n", never "**Title\n\n**"
      const [, lead, core, trail] = /^(\s*)([\s\S]*?)(\s*)$/.exec(s.text)!
      if (core === "") return s.text
      let out = core!
      if (s.code) out = `\`${out}\``
      if (s.italic) out = `_${out}_`
      if (s.bold) out = `**${out}**`
      if (s.href !== undefined && s.href !== core) out = `[${out}](${s.href})`
      return `${lead}${out}${trail}`
    })
    .join("")

const renderKeyboard = (reply: Reply): Array<string> =>
  reply._tag === "Toast" || reply.keyboard === undefined
    ? []
    : reply.keyboard.rows.map(
        (row) =>
          "    " +
          row
            .map((b) =>
              b._tag === "Action"
                ? `[${b.label}]`
                : b._tag === "Url"
                  ? `[${b.label} → ${b.url}]`
                  : b._tag === "WebApp"
                    ? `[${b.label} → mini app ${b.url} | ${b.fallbackUrl}]`
                    : // the label already says what it is (it has its own emoji); only the kind is marked
                      `[${b.label} (contact)]`
            )
            .join(" ")
      )

/** One reply as transcript lines. */
export const renderReply = (reply: Reply, prefix = "bot"): Array<string> => {
  const indent = (s: string) => s.split("\n").join("\n    ")
  switch (reply._tag) {
    case "Text":
      return [
        `${prefix}: ${indent(renderRich(reply.text))}${reply.removeKeyboard ? " ⌫" : ""}`,
        ...renderKeyboard(reply)
      ]
    case "Edit":
      return [`${prefix} (edit): ${indent(renderRich(reply.text))}`, ...renderKeyboard(reply)]
    case "Image":
      return [`${prefix} (image ${reply.url}): ${indent(renderRich(reply.caption))}`, ...renderKeyboard(reply)]
    case "Document":
      return [
        `${prefix} (document ${reply.name} ${reply.url}): ${indent(renderRich(reply.caption))}`,
        ...renderKeyboard(reply)
      ]
    case "Toast":
      return [`${prefix} (toast): ${reply.text}`]
  }
}

export const plainOf = (reply: Reply): string => {
  const body =
    reply._tag === "Toast"
      ? reply.text
      : (reply._tag === "Image" || reply._tag === "Document" ? reply.caption : reply.text).map((s) => s.text).join("")
  const labels = reply._tag === "Toast" ? [] : (reply.keyboard?.rows ?? []).flat().map((b) => b.label)
  return [body, ...labels].join("\n")
}

/** Update ids are unique per bot across every conversation of a process (the router de-duplicates by them). */
let updateCounter = 0

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi

interface UserState {
  readonly ref: ChatRef
  inbox: Array<Reply>
  /** what is on the user's screen, newest last: where buttons are looked for */
  screen: Array<Reply>
}

export const makeConversation = (options: ConversationOptions) =>
  Effect.gen(function* () {
    const router = yield* Router
    const outbox = yield* TestOutbox
    const random = Random.make(options.seed ?? "groupbuy")
    const bot = options.bot ?? "test-bot"
    const platform = options.platform ?? "telegram"
    const users = new Map<string, UserState>()
    const lines: Array<string> = []
    const ids = new Map<string, string>()

    const normalise = (line: string) =>
      line.replace(UUID, (id) => {
        const key = id.toLowerCase()
        let alias = ids.get(key)
        if (alias === undefined) {
          alias = `<id${ids.size + 1}>`
          ids.set(key, alias)
        }
        return alias
      })
    const write = (more: ReadonlyArray<string>) => lines.push(...more.map(normalise))

    const stateOf = (name: string): UserState => {
      let state = users.get(name)
      if (state === undefined) {
        state = {
          ref: new ChatRef({
            bot,
            platform,
            chatId: `chat-${options.namespace ?? ""}${name}`,
            userId: `user-${options.namespace ?? ""}${name}`,
            locale: "ru",
            displayName: name
          }),
          inbox: [],
          screen: []
        }
        users.set(name, state)
      }
      return state
    }

    // The server's dispatcher, in miniature: domain events are forwarded to the router after every step.
    const events = yield* Effect.serviceOption(DomainEvents)
    const queue = yield* Queue.unbounded<import("@groupbuy/core").DomainEvent>()
    if (Option.isSome(events)) {
      const stream = yield* events.value.subscribe
      const fiber = yield* Effect.forkScoped(Stream.runForEach(stream, (event) => Queue.offer(queue, event)))
      void fiber
    }
    const collectDeliveries = () => {
      for (const delivery of outbox.take()) {
        const target = [...users.entries()].find(
          ([, s]) => s.ref.bot === delivery.ref.bot && s.ref.chatId === delivery.ref.chatId
        )
        const who = target?.[0] ?? `${delivery.ref.bot}:${delivery.ref.chatId}`
        for (const reply of delivery.replies) write(renderReply(reply, `bot → ${who}`))
        if (target !== undefined) {
          target[1].inbox.push(...delivery.replies)
          target[1].screen.push(...delivery.replies)
        }
      }
    }
    const dispatch = Effect.gen(function* () {
      for (let round = 0; round < 20; round++) {
        yield* Effect.yieldNow()
        const pending = yield* Queue.takeAll(queue)
        if (pending.length === 0 && round > 2) break
        for (const event of pending) yield* router.onEvent(event)
      }
      collectDeliveries()
    })

    const handle = (name: string, update: Update, shown: string) =>
      Effect.gen(function* () {
        const state = stateOf(name)
        write([`── ${name}: ${shown}`])
        const replies = yield* router.handle(update, options.capabilities).pipe(Effect.withRandom(random))
        for (const reply of replies) write(renderReply(reply))
        state.inbox = [...replies]
        state.screen.push(...replies)
        yield* dispatch
        return replies
      })

    const nextId = () => {
      updateCounter += 1
      return `u${updateCounter}`
    }

    const send = (name: string, text: string) => {
      const ref = stateOf(name).ref
      const command = /^\/([A-Za-z_]+)(?:@\S+)?(?:\s+([\s\S]*))?$/.exec(text.trim())
      const update: Update =
        command !== null
          ? { _tag: "Command", ref, updateId: nextId(), command: command[1]!, args: (command[2] ?? "").trim() }
          : { _tag: "Text", ref, updateId: nextId(), text }
      return handle(name, update, text)
    }

    /** The button on the newest message with a keyboard (or its next page); else on an older message still shown. */
    const findButton = (screen: ReadonlyArray<Reply>, label: string) => {
      let newest = true
      for (let i = screen.length - 1; i >= 0; i--) {
        const reply = screen[i]!
        if (reply._tag === "Toast" || reply.keyboard === undefined) continue
        const buttons = reply.keyboard.rows.flat()
        const hit =
          buttons.find((b) => b._tag === "Action" && b.label === label) ??
          buttons.find((b) => b._tag === "Action" && b.label.includes(label)) ??
          buttons.find(
            (b) => b._tag === "Action" && b.label.endsWith("…") && label.startsWith(b.label.slice(0, -1).trimEnd())
          )
        if (hit !== undefined && hit._tag === "Action") return { kind: "token" as const, token: hit.data }
        const more = newest ? buttons.find((b) => b._tag === "Action" && MORE_LABELS.has(b.label)) : undefined
        if (more !== undefined && more._tag === "Action") return { kind: "more" as const, token: more.data }
        newest = false
      }
      return undefined
    }

    const findNumber = (screen: ReadonlyArray<Reply>, label: string) => {
      for (let i = screen.length - 1; i >= 0; i--) {
        const reply = screen[i]!
        if (reply._tag === "Toast") continue
        const body = (reply._tag === "Image" || reply._tag === "Document" ? reply.caption : reply.text)
          .map((s) => s.text)
          .join("")
        const entries = [...body.matchAll(/^(\d+)\. (.+)$/gm)]
        if (entries.length === 0) continue
        const hit = entries.find((m) => m[2] === label) ?? entries.find((m) => m[2]!.includes(label))
        return hit?.[1]
      }
      return undefined
    }

    const press = (name: string, label: string): Effect.Effect<ReadonlyArray<Reply>, ConversationError> =>
      Effect.gen(function* () {
        const state = stateOf(name)
        for (let page = 0; page < 20; page++) {
          if (options.capabilities.buttons) {
            const found = findButton(state.screen, label)
            if (found === undefined) break
            if (found.kind === "token") {
              return yield* handle(
                name,
                { _tag: "Button", ref: state.ref, updateId: nextId(), data: found.token },
                `[${label}]`
              )
            }
            yield* handle(name, { _tag: "Button", ref: state.ref, updateId: nextId(), data: found.token }, "[»]")
            continue
          }
          const number = findNumber(state.screen, label)
          if (number === undefined) break
          return yield* handle(
            name,
            { _tag: "Text", ref: state.ref, updateId: nextId(), text: number },
            `${number} (${label})`
          )
        }
        const seen = state.screen
          .slice(-3)
          .flatMap((r) => renderReply(r))
          .join("\n")
        return yield* new ConversationError({ message: `${name} sees no button “${label}”. Last replies:\n${seen}` })
      })

    const expectIn = (name: string, texts: ReadonlyArray<string>) =>
      Effect.suspend(() => {
        const inbox = stateOf(name).inbox.map(plainOf).join("\n")
        const missing = texts.filter((t) => !inbox.includes(t))
        return missing.length === 0
          ? Effect.void
          : Effect.fail(
              new ConversationError({
                message: `${name} expected ${JSON.stringify(missing)} in:\n${inbox || "(nothing)"}`
              })
            )
      })

    const pressStale = (name: string, label: string) =>
      Effect.gen(function* () {
        const state = stateOf(name)
        for (const reply of state.screen) {
          if (reply._tag === "Toast" || reply.keyboard === undefined) continue
          const hit = reply.keyboard.rows.flat().find((b) => b._tag === "Action" && b.label.includes(label))
          if (hit !== undefined && hit._tag === "Action") {
            return yield* handle(
              name,
              { _tag: "Button", ref: state.ref, updateId: nextId(), data: hit.data },
              `[${label}] (old message)`
            )
          }
        }
        return yield* new ConversationError({ message: `${name} never saw a button “${label}”` })
      })

    const conversation: Conversation = {
      capabilities: options.capabilities,
      refOf: (name) => stateOf(name).ref,
      send,
      press,
      pressStale,
      pressToken: (name, token) =>
        handle(name, { _tag: "Button", ref: stateOf(name).ref, updateId: nextId(), data: token }, `[token ${token}]`),
      contact: (name, phone, own = true) =>
        handle(name, { _tag: "Contact", ref: stateOf(name).ref, updateId: nextId(), phone, own }, `📱 ${phone}`),
      photo: (name, url, caption) =>
        handle(
          name,
          {
            _tag: "Media",
            ref: stateOf(name).ref,
            updateId: nextId(),
            kind: "photo",
            url,
            ...(caption === undefined ? {} : { caption })
          },
          `🖼 ${url}${caption === undefined ? "" : ` ${caption}`}`
        ),
      update: (name, update) => handle(name, update, `(${update._tag})`),
      user: (name, text) => ({
        run: send(name, text),
        expect: (...texts) => Effect.tap(send(name, text), () => expectIn(name, texts))
      }),
      expect: (name, ...texts) => expectIn(name, texts),
      inbox: (name) => stateOf(name).inbox,
      dispatch,
      later: (seconds) =>
        Effect.gen(function* () {
          write([`## ${seconds} s later`])
          yield* TestClock.adjust(Duration.seconds(seconds))
          yield* router.settled
          yield* dispatch
        }),
      note: (line) => write([`## ${line}`]),
      transcript: () => `${lines.join("\n")}\n`
    }
    return conversation
  })
