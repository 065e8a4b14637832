/**
 * Chat messages for the members outside chat mode: a short notice (who wrote what in which chat) with Reply, Open
 * chat and Mute buttons, grouped so that a busy chat floods nobody. The first message of a quiet chat waits `gather`
 * for more, then each member gets one notice of what arrived ("3 new messages in «Title». The last one: …"); while
 * messages keep coming, at most one notice per chat per member each `window`.
 *
 * A chat's pending messages live in the session store under the chat's lock (Redis or PostgreSQL when several
 * instances run), so each batch is told once: the instance that opened it tells it when it is due, and when that
 * instance is gone, the chat's next message finds the batch overdue and tells it. Nobody hears of their own
 * messages, of a chat they muted, of one they are reading in chat mode or have read meanwhile (e.g. on the web).
 */
import {
  Chat,
  type ChatMessage,
  type DomainEvent,
  type ProcurementId,
  Procurements,
  UserId,
  Users
} from "@groupbuy/core"
import { Cause, Clock, Duration, Effect, Option, Ref, Schema } from "effect"
import * as CabinetUrl from "../../CabinetUrl.js"
import { type Language, rich, text } from "../../Messages.js"
import type { Reply } from "../../Model.js"
import { forSchema } from "../../SessionStore.js"
import { button } from "../ActionCode.js"
import { type Session, sessionKey } from "../Session.js"
import { EngineEnv } from "../Turn.js"
import { displayName } from "../Views.js"
import { muteButton } from "./ChatMode.js"
import { deliverTo, lastRefsOfAll, stores } from "./Proactive.js"

/** How much of a message a notice quotes (characters). */
export const NOTICE_QUOTE = 200

const Batch = Schema.Struct({
  /** when the batch is told (epoch ms) */
  due: Schema.Number,
  /** the batch's messages counted per author */
  counts: Schema.Record({ key: Schema.String, value: Schema.Number }),
  /** the newest message of each of the last two authors, newest last: every member finds one that is not their own */
  recent: Schema.Array(Schema.Struct({ author: UserId, quote: Schema.String }))
})
type Batch = typeof Batch.Type

type Message = (typeof ChatMessage.json)["Type"]

const batchKey = (procurementId: ProcurementId) => `chatnotice:${procurementId}`

const emptyBatch = (due: number): Batch => ({ due, counts: {}, recent: [] })

/** The start of `value`, at most `max` characters (code points), with an ellipsis when cut. */
const shorten = (value: string, max: number) => {
  const chars = Array.from(value.replace(/\s+/g, " ").trim())
  return chars.length <= max ? chars.join("") : `${chars.slice(0, max - 1).join("")}…`
}

/** What a notice quotes of a message: its text, else its file's name, else its link. */
const quoteOf = (message: Message) =>
  shorten(
    message.text.trim() !== ""
      ? message.text
      : message.attachment !== null
        ? `📎 ${message.attachment.name}`
        : (message.attachmentUrl ?? ""),
    NOTICE_QUOTE
  )

const withMessage = (batch: Batch, author: UserId, message: Message): Batch => ({
  due: batch.due,
  counts: { ...batch.counts, [author]: (batch.counts[author] ?? 0) + 1 },
  recent: [...batch.recent.filter((r) => r.author !== author), { author, quote: quoteOf(message) }].slice(-2)
})

const isEmpty = (batch: Batch) => Object.keys(batch.counts).length === 0

const settings = Effect.gen(function* () {
  const { chatNotices, locks } = yield* EngineEnv
  const { store } = yield* stores
  const gather = Duration.toMillis(chatNotices.gather)
  const window = Duration.toMillis(chatNotices.window)
  // a batch outlives its due time by two windows: long enough for the next message to find it overdue
  const ttl = Duration.millis(gather + 3 * window)
  return { gather, window, ttl, locks, batches: forSchema(store, Batch), store }
})

/** The notice of `count` messages of `title` whose last is `quote` by `name`, with its buttons where they fit. */
const noticeReply = (
  language: Language,
  options: {
    readonly procurementId: ProcurementId
    readonly title: string
    readonly count: number
    readonly name: string
    readonly quote: string
    readonly webBaseUrl: string
    readonly buttons: boolean
  }
): Reply => {
  const { procurementId: id, title, count, name, quote } = options
  const said = rich(language, count === 1 ? "chat.notice.one" : "chat.notice.many", { title, count, name, text: quote })
  if (!options.buttons) return { _tag: "Text", text: said }
  const url = CabinetUrl.chat(options.webBaseUrl, id)
  return {
    _tag: "Text",
    text: said,
    keyboard: {
      rows: [
        [button(text(language, "chat.reply"), { _tag: "OpenChat", id })],
        [{ _tag: "WebApp", label: text(language, "chat.openWeb"), url, fallbackUrl: url }],
        [muteButton(language, id, true)]
      ]
    }
  }
}

/** Whether a chat is busy with something a notice's buttons must not interrupt (a form, a prompt's numbered menu). */
const busy = (session: Session) => session.flow !== undefined || session.awaiting !== undefined

/** Tells a batch of the chat's messages to each member it concerns, on the platform they used last. */
const tell = (procurementId: ProcurementId, batch: Batch) =>
  Effect.gen(function* () {
    const chat = yield* Chat
    const users = yield* Users
    const { bots, webBaseUrl } = yield* EngineEnv
    const view = yield* Effect.either((yield* Procurements).get(procurementId))
    if (view._tag === "Left") return
    const title = view.right.procurement.title
    const total = Object.values(batch.counts).reduce((a, b) => a + b, 0)
    const muted = yield* chat.muted(procurementId)
    // never of one's own messages, nor of a muted chat
    const concerned = (yield* chat.members(procurementId)).filter(
      (member) => !muted.has(member) && total - (batch.counts[member] ?? 0) > 0
    )
    if (concerned.length === 0) return
    // one statement for everyone: who read the chat meanwhile (in the cabinet, say) needs no notice
    const { unread } = yield* chat.unreadIn(procurementId, concerned)
    const withRefs = (yield* lastRefsOfAll(concerned.filter((member) => (unread.get(member) ?? 0) > 0))).filter(
      (member) => member.refs.length > 0
    )
    // and one read of their chats' sessions: who is in this chat's chat mode saw the messages as they came
    const { sessions } = yield* stores
    const refs = withRefs.flatMap((member) => member.refs)
    const states = yield* sessions.getMany(refs.map((ref) => sessionKey(ref.bot, ref.chatId)))
    const reading = new Set(
      refs.filter((_, i) =>
        Option.exists(states[i] ?? Option.none(), (session) => session.chat?.procurementId === procurementId)
      )
    )
    const names = new Map<string, Option.Option<string>>()
    for (const { author } of batch.recent) {
      names.set(author, Option.map(yield* Effect.option(users.get(author)), displayName))
    }
    yield* Effect.forEach(
      withRefs.filter((member) => !member.refs.some((ref) => reading.has(ref))),
      ({ refs: memberRefs, userId: member }) =>
        Effect.gen(function* () {
          const account = yield* Effect.either(users.get(member))
          const accountLanguage = account._tag === "Right" ? account.right.language : undefined
          const last = [...batch.recent].reverse().find((r) => r.author !== member)
          if (last === undefined) return
          for (const ref of memberRefs) {
            if (!bots.has(ref.bot)) continue
            const ok = yield* deliverTo(ref, (session, chatLanguage) => {
              // entered the chat meanwhile: the relay showed them the messages
              if (session.chat?.procurementId === procurementId) return undefined
              const language = accountLanguage ?? chatLanguage
              const name = Option.getOrElse(names.get(last.author) ?? Option.none(), () =>
                text(language, "chat.someone")
              )
              return [
                noticeReply(language, {
                  procurementId,
                  title,
                  count: total - (batch.counts[member] ?? 0),
                  name,
                  quote: last.quote,
                  webBaseUrl,
                  buttons: !busy(session)
                })
              ]
            })
            if (ok) return
          }
        }),
      { concurrency: 8, discard: true }
    )
  })

/** Tells the chat's batch whenever it is due, until a window passes without messages. */
const tellWhenDue = (procurementId: ProcurementId, first: number) =>
  Effect.gen(function* () {
    const { batches, locks, store, ttl, window } = yield* settings
    const key = batchKey(procurementId)
    let delay = first
    const { telling } = (yield* EngineEnv).chatNotices
    for (;;) {
      yield* Effect.sleep(Duration.millis(delay))
      yield* Ref.update(telling, (n) => n + 1)
      const now = yield* Clock.currentTimeMillis
      const due = yield* locks.withLock(
        key,
        Effect.gen(function* () {
          const current = yield* batches.get(key)
          if (Option.isNone(current)) return undefined
          // a window without messages: the chat is quiet again, and its next message is gathered afresh
          if (isEmpty(current.value)) return yield* Effect.as(store.remove(key), undefined)
          yield* batches.set(key, emptyBatch(now + window), ttl)
          return current.value
        })
      )
      const told = yield* Effect.ensuring(
        due === undefined ? Effect.succeed(false) : Effect.as(tell(procurementId, due), true),
        Ref.update(telling, (n) => n - 1)
      )
      if (!told) return
      delay = window
    }
  }).pipe(
    Effect.catchAllCause((cause) =>
      Effect.logError("router: chat notices failed", { procurementId }, Cause.pretty(cause))
    )
  )

/** A member's message joins its chat's batch; the first of a quiet chat opens one, an overdue one is told now. */
const posted = (message: Message, author: UserId) =>
  Effect.gen(function* () {
    const { batches, gather, locks, ttl, window } = yield* settings
    const procurementId = message.procurementId
    const key = batchKey(procurementId)
    const now = yield* Clock.currentTimeMillis
    const opened = yield* locks.withLock(
      key,
      Effect.gen(function* () {
        const current = yield* batches.get(key)
        if (Option.isNone(current)) {
          yield* batches.set(key, withMessage(emptyBatch(now + gather), author, message), ttl)
          return { delay: gather, overdue: undefined }
        }
        // its teller is alive: it tells the batch at `due`
        if (now <= current.value.due + window) {
          yield* batches.set(key, withMessage(current.value, author, message), ttl)
          return undefined
        }
        // the instance that was to tell it is gone: tell it now, and this instance tells the next window
        yield* batches.set(key, emptyBatch(now + window), ttl)
        return { delay: window, overdue: withMessage(current.value, author, message) }
      })
    )
    if (opened === undefined) return
    if (opened.overdue !== undefined) yield* tell(procurementId, opened.overdue)
    // the teller outlives the event's handling (and is the only in-memory part: the batch is in the store)
    yield* Effect.forkDaemon(tellWhenDue(procurementId, opened.delay))
  })

/** Reacts to a domain event: a member's chat message is noticed. Never fails (a failure is logged). */
export const onEvent = (event: DomainEvent) =>
  event._tag !== "ChatMessagePosted" || event.message.userId === null
    ? Effect.void
    : posted(event.message, event.message.userId).pipe(
        Effect.catchAllCause((cause) =>
          Effect.logError("router: chat notice failed", { message: event.message.id }, Cause.pretty(cause))
        )
      )

/** Waits until no due batch is being told (a woken teller counts itself before its first await). */
export const settled = Effect.gen(function* () {
  const { telling } = (yield* EngineEnv).chatNotices
  for (let round = 0; round < 5; round++) yield* Effect.yieldNow()
  while ((yield* Ref.get(telling)) > 0) yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
})
