/**
 * Messages the router sends on its own: to where a user was last seen (`notify`), domain events (payments,
 * notifications, chat messages relayed to members in chat mode). Each chat is written under its lock, and a
 * keyboard opens a new menu generation there that keeps the buttons already on the screen bound (`presentUnasked`).
 */
import {
  Chat,
  type ChatMessage,
  type DomainEvent,
  formatRubles,
  Ledger,
  type Notification,
  Notifications,
  type ProcurementId,
  Procurements,
  type UserId,
  Users
} from "@groupbuy/core"
import { Cause, Clock, Effect, Option } from "effect"
import { Deliver } from "../../Deliver.js"
import { type Language, languageOf, rich, text } from "../../Messages.js"
import type { ChatRef, Reply, RichText } from "../../Model.js"
import { join, plain } from "../../RichTexts.js"
import { forSchema, SessionStore } from "../../SessionStore.js"
import { PLAIN_TEXT, presentUnasked } from "../Present.js"
import { fileLine, fileLink, withFile } from "./ChatFiles.js"
import { chatKey, copiesOf, keepCopy, type RelayedCopy } from "./RelayedCopies.js"
import { newPurchaseKey, resumeAfterDeposit } from "./ShopBuying.js"
import { saidIn } from "./ChatTexts.js"
import { emptySession, LastRefs, lastRefKey, Session, sessionKey } from "../Session.js"
import { EngineEnv } from "../Turn.js"
import { displayName } from "../Views.js"

/** The typed views of the session store the engine reads and writes. */
export const stores = Effect.map(SessionStore, (store) => ({
  store,
  sessions: forSchema(store, Session),
  lastRefs: forSchema(store, LastRefs)
}))

/** How often the chat a user writes from is written again while they keep writing from it (ms). */
export const REMEMBER_EVERY = 60_000

/** Remembers the chat a user wrote from (at most once a minute per bot and chat: no write when nothing changed). */
export const rememberRef = (userId: UserId, ref: ChatRef, now: number) =>
  Effect.gen(function* () {
    const { lastRefs } = yield* stores
    const { sessionTtl } = yield* EngineEnv
    const key = lastRefKey(userId)
    const current = Option.getOrElse(yield* lastRefs.get(key), (): LastRefs => ({}))
    const previous = current[ref.bot]
    if (previous !== undefined && previous.ref.chatId === ref.chatId && now - previous.at < REMEMBER_EVERY) return
    yield* lastRefs.set(key, { ...current, [ref.bot]: { ref, at: now } }, sessionTtl)
  })

/** The chats in `refs`, most recent first. */
const mostRecentFirst = (refs: Option.Option<LastRefs>): ReadonlyArray<ChatRef> =>
  Object.values(Option.getOrElse(refs, (): LastRefs => ({})))
    .sort((a, b) => b.at - a.at)
    .map((entry) => entry.ref)

/** The chats a user was seen in, most recent first. */
const lastRefsOf = (userId: string) =>
  Effect.flatMap(stores, ({ lastRefs }) => Effect.map(lastRefs.get(lastRefKey(userId)), mostRecentFirst))

/** The chats of each of `userIds`, read in one round trip (a chat's relay must not read its members one by one). */
export const lastRefsOfAll = (userIds: ReadonlyArray<UserId>) =>
  Effect.flatMap(stores, ({ lastRefs }) =>
    Effect.map(lastRefs.getMany(userIds.map(lastRefKey)), (all) =>
      userIds.map((userId, i) => ({ userId, refs: mostRecentFirst(all[i] ?? Option.none()) }))
    )
  )

/** Fits and delivers to one chat under its lock (a keyboard adds a menu generation there: `presentUnasked`). */
export const deliverTo = (
  ref: ChatRef,
  build: (session: Session, language: Language) => ReadonlyArray<Reply> | undefined
) => Effect.map(deliverToWithIds(ref, build), Option.isSome)

/**
 * As `deliverTo`; what was delivered is the platform ids of the messages sent (empty where the adapter does not report
 * them), none when nothing was.
 */
export const deliverToWithIds = (
  ref: ChatRef,
  build: (session: Session, language: Language) => ReadonlyArray<Reply> | undefined
) =>
  Effect.gen(function* () {
    const { bots, locks, sessionTtl } = yield* EngineEnv
    const { sessions } = yield* stores
    const deliver = yield* Deliver
    return yield* locks.withLock(
      `${ref.bot}:${ref.chatId}`,
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const session = Option.getOrElse(yield* sessions.get(sessionKey(ref.bot, ref.chatId)), () => emptySession(now))
        const language = session.language ?? languageOf(ref.locale)
        const replies = build(session, language)
        if (replies === undefined || replies.length === 0) return Option.none<ReadonlyArray<string>>()
        const presented = yield* presentUnasked(replies, bots.get(ref.bot) ?? PLAIN_TEXT, language, session)
        if (presented.session !== session)
          yield* sessions.set(sessionKey(ref.bot, ref.chatId), presented.session, sessionTtl)
        return yield* deliver.deliver(ref, presented.replies).pipe(
          Effect.map((receipt) => Option.some(receipt === undefined ? [] : receipt.messageIds)),
          Effect.catchAll((error) =>
            Effect.as(Effect.logWarning("proactive delivery failed", error), Option.none<ReadonlyArray<string>>())
          )
        )
      })
    )
  })

/** Delivers to the most recent chat of the user on a registered bot that takes it; where it went, if anywhere. */
export const notifyWith = (userId: UserId, build: (language: Language, session: Session) => ReadonlyArray<Reply>) =>
  Effect.gen(function* () {
    const { bots } = yield* EngineEnv
    const refs = (yield* lastRefsOf(userId)).filter((ref) => bots.has(ref.bot))
    // most accounts never wrote to a bot: nothing more to read for them
    if (refs.length === 0) return undefined
    const user = yield* Effect.either((yield* Users).get(userId))
    const language = user._tag === "Right" ? user.right.language : undefined
    for (const ref of refs) {
      const ok = yield* deliverTo(ref, (session, chatLanguage) => build(language ?? chatLanguage, session))
      if (ok) return ref
    }
    return undefined
  })

export const renderNotification = (
  notification: Pick<Notification, "title" | "body">,
  language: Language
): ReadonlyArray<Reply> => [
  {
    _tag: "Text",
    text: join([rich(language, "notification.title", { title: notification.title }), plain(notification.body)])
  }
]

/**
 * A chat message, to every other member whose chat with the bot is in chat mode for that procurement; an uploaded
 * file as its name, size and a link for that member (`AttachmentLinks`, when the host provides it).
 */
const relay = (message: (typeof ChatMessage.json)["Type"], edited = false) =>
  Effect.gen(function* () {
    const users = yield* Users
    const { bots } = yield* EngineEnv
    const procurementId = message.procurementId
    const view = yield* Effect.either((yield* Procurements).get(procurementId))
    if (view._tag === "Left") return []
    const title = view.right.procurement.title
    const author = message.userId === null ? undefined : yield* Effect.either(users.get(message.userId))
    const members = yield* Effect.orElseSucceed((yield* Chat).members(procurementId), () => [] as ReadonlyArray<UserId>)
    // one read for every member's chats; a member who never wrote from a platform has none (the web hub reaches them)
    const withRefs = (yield* lastRefsOfAll(members.filter((member) => member !== message.userId))).filter(
      (member) => member.refs.length > 0
    )
    // and one read of those chats' sessions: only chats in this procurement's chat mode are visited (under their lock,
    // where the session is read again, so a chat that left chat mode meanwhile is skipped there)
    const { sessions } = yield* stores
    const flat = withRefs.flatMap((member) => member.refs)
    const states = yield* sessions.getMany(flat.map((ref) => sessionKey(ref.bot, ref.chatId)))
    const inChat = new Set(
      flat.filter((_, i) =>
        Option.exists(states[i] ?? Option.none(), (session) => session.chat?.procurementId === procurementId)
      )
    )
    const reachable = withRefs
      .map((member) => ({ userId: member.userId, refs: member.refs.filter((ref) => inChat.has(ref)) }))
      .filter((member) => member.refs.length > 0)
    const delivered: Array<ChatRef> = []
    const authorName = (language: Language) =>
      author === undefined
        ? text(language, "chat.system")
        : author._tag === "Right"
          ? displayName(author.right)
          : text(language, "chat.someone")
    // an edit replaces the copies the members got where the platform edits; the others get the short update
    const replaced = edited
      ? yield* replaceCopies(message.id, (language) => {
          const body = withFile(
            message.text,
            message.attachment === null ? undefined : fileLine(language, message.attachment, undefined)
          )
          return rich(language, "chat.message", { title, name: authorName(language), text: body })
        })
      : new Set<string>()
    // members are independent (each chat has its own lock): a few at a time, not one after another
    yield* Effect.forEach(
      reachable,
      ({ refs, userId: member }) =>
        Effect.gen(function* () {
          // the member's account language wins over the chat session's (it may have been changed on another platform)
          const account = yield* Effect.either(users.get(member))
          const accountLanguage = account._tag === "Right" ? account.right.language : undefined
          // an uploaded file goes as its name and size with a link that opens it for this member
          const link = message.attachment === null ? undefined : yield* fileLink(message.attachment, member)
          // an image goes as one where the platform shows media (`fit` makes it its caption and link elsewhere)
          const image =
            message.type !== "IMAGE"
              ? undefined
              : message.attachment === null
                ? (message.attachmentUrl ?? undefined)
                : link
          // another uploaded file goes as a document where the platform sends them (elsewhere its line with the link)
          const file =
            message.type === "IMAGE" || message.attachment === null || link === undefined
              ? undefined
              : { url: link, name: message.attachment.name }
          for (const ref of refs) {
            if (replaced.has(chatKey(ref))) {
              delivered.push(ref)
              continue
            }
            const document = file !== undefined && bots.get(ref.bot)?.documents === true ? file : undefined
            const build = (asImage: boolean) => (session: Session, chatLanguage: Language) => {
              if (session.chat?.procurementId !== procurementId) return undefined
              const language = accountLanguage ?? chatLanguage
              const name = authorName(language)
              if (edited) {
                // no copy of it to replace here (not kept, or the platform cannot edit): a short update
                const body = withFile(
                  message.text,
                  message.attachment === null ? undefined : fileLine(language, message.attachment, link)
                )
                return [{ _tag: "Text" as const, text: rich(language, "chat.edited", { title, name, text: body }) }]
              }
              if (asImage && image !== undefined) {
                const caption = rich(language, "chat.message", { title, name, text: message.text })
                return [{ _tag: "Image" as const, url: image, caption }]
              }
              if (asImage && document !== undefined) {
                const caption = rich(language, "chat.message", { title, name, text: message.text })
                return [{ _tag: "Document" as const, url: document.url, name: document.name, caption }]
              }
              const said =
                message.text === "" && message.attachmentUrl !== null
                  ? message.attachmentUrl
                  : message.userId === null
                    ? saidIn(language, message.text)
                    : message.text
              const body = withFile(
                said,
                message.attachment === null ? undefined : fileLine(language, message.attachment, link)
              )
              return [{ _tag: "Text" as const, text: rich(language, "chat.message", { title, name, text: body }) }]
            }
            // an image or a document the platform could not fetch still reaches the member, as its caption and link
            const first = yield* deliverToWithIds(ref, build(!edited))
            const kind: RelayedCopy["kind"] =
              image !== undefined ? "Image" : document !== undefined ? "Document" : "Text"
            const sent = Option.isSome(first)
              ? Option.some({ ids: first.value, kind })
              : !edited && (image !== undefined || document !== undefined)
                ? Option.map(yield* deliverToWithIds(ref, build(false)), (ids) => ({ ids, kind: "Text" as const }))
                : Option.none()
            if (Option.isNone(sent)) continue
            delivered.push(ref)
            // the copy is remembered, so that an edit or a deletion of the original replaces it in place
            if (!edited)
              yield* keepCopy(message.id, {
                ref,
                userId: member,
                messageIds: sent.value.ids,
                kind: sent.value.kind
              })
          }
        }),
      { concurrency: 8, discard: true }
    )
    return delivered
  })

/**
 * A deleted chat message, to the members in that procurement's chat mode as a short update (who deleted it is not in
 * the event, so they get it too): the
 * relayed copies' platform ids are not kept, so no copy is replaced in place.
 */
const relayDeleted = (procurementId: ProcurementId, messageId: string) =>
  Effect.gen(function* () {
    const view = yield* Effect.either((yield* Procurements).get(procurementId))
    if (view._tag === "Left") return []
    const title = view.right.procurement.title
    // the copies members got are replaced by "message deleted" where the platform edits
    const replaced = yield* replaceCopies(messageId, (language) => rich(language, "chat.deleted", { title }))
    const members = yield* Effect.orElseSucceed((yield* Chat).members(procurementId), () => [] as ReadonlyArray<UserId>)
    const withRefs = yield* lastRefsOfAll(members)
    const delivered: Array<ChatRef> = []
    for (const member of withRefs) {
      for (const ref of member.refs) {
        if (replaced.has(chatKey(ref))) {
          delivered.push(ref)
          continue
        }
        const ok = yield* deliverTo(ref, (session, language) =>
          session.chat?.procurementId !== procurementId
            ? undefined
            : [{ _tag: "Text" as const, text: rich(language, "chat.deleted", { title }) }]
        )
        if (ok) delivered.push(ref)
      }
    }
    return delivered
  })

const reached = (ref: ChatRef | undefined): ReadonlyArray<ChatRef> => (ref === undefined ? [] : [ref])

/**
 * Replaces the remembered copies of chat message `messageId` in place (one text message each, on a bot whose platform
 * edits) with `render` in the member's language; the chats where it did. A copy that could not be replaced is left to
 * the short update.
 */
const replaceCopies = (messageId: string, render: (language: Language) => RichText) =>
  Effect.gen(function* () {
    const { bots } = yield* EngineEnv
    const users = yield* Users
    const copies = yield* Effect.orElseSucceed(copiesOf(messageId), () => [] as ReadonlyArray<RelayedCopy>)
    const done = new Set<string>()
    yield* Effect.forEach(
      copies,
      (copy) =>
        Effect.gen(function* () {
          const [target] = copy.messageIds
          if (copy.kind !== "Text" || copy.messageIds.length !== 1 || target === undefined) return
          if (bots.get(copy.ref.bot)?.edits !== true) return
          const account = yield* Effect.either(users.get(copy.userId))
          const accountLanguage = account._tag === "Right" ? account.right.language : undefined
          const ok = yield* deliverTo(copy.ref, (_session, chatLanguage) => [
            { _tag: "Edit" as const, messageId: target, text: render(accountLanguage ?? chatLanguage) }
          ])
          if (ok) done.add(chatKey(copy.ref))
        }),
      { concurrency: 8, discard: true }
    )
    return done
  })

/** Reacts to a domain event; returns the chats delivered to. Never fails (a failure is logged). */
export const onEvent = (event: DomainEvent) =>
  Effect.gen(function* () {
    switch (event._tag) {
      case "PaymentSucceeded": {
        // a card payment of a procurement share: the share is paid, the balance did not change
        if (event.procurementId !== undefined) {
          const params = { title: event.title ?? "", amount: formatRubles(event.amount) }
          return reached(
            yield* notifyWith(event.userId, (language) => [
              { _tag: "Text", text: rich(language, "procurement.paidByCard", params) }
            ])
          )
        }
        const balance = yield* Effect.orElseSucceed((yield* Ledger).balance(event.userId), () => undefined)
        // a top-up asked for a purchase brings that purchase's confirm step back in the chat it was asked from
        const resume = resumeAfterDeposit(event.paymentId, balance, yield* newPurchaseKey)
        const ref = yield* notifyWith(event.userId, (language, session) => [
          {
            _tag: "Text",
            text: rich(language, "deposit.received", {
              amount: formatRubles(event.amount),
              balance: balance === undefined ? "—" : formatRubles(balance)
            })
          },
          ...resume(session, language)
        ])
        return reached(ref)
      }
      case "ChatMessagePosted":
        return yield* relay(event.message)
      case "ChatMessageEdited":
        return yield* relay(event.message, true)
      case "ChatMessageDeleted":
        return event.restored ? [] : yield* relayDeleted(event.procurementId, event.messageId)
      case "NotificationCreated": {
        const n = event.notification
        const ref = yield* notifyWith(n.userId, (language) => renderNotification(n, language))
        // the row says where and when it reached the person (the admin panel and the API show it)
        if (ref !== undefined) {
          yield* (yield* Notifications)
            .markDelivered(n.id, ref.platform)
            .pipe(Effect.catchAll((e) => Effect.logWarning("notification delivered but not marked", e)))
        }
        return reached(ref)
      }
      default:
        return []
    }
  }).pipe(
    Effect.catchAllCause((cause) =>
      Effect.as(
        Effect.logError("router: event handling failed", { event: event._tag }, Cause.pretty(cause)),
        [] as ReadonlyArray<ChatRef>
      )
    )
  )
