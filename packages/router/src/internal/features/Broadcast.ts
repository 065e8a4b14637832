/** Announcing a procurement in the broadcast channels (organizers and administrators). */
import {
  Forbidden,
  type ProcurementId,
  Procurements,
  type ProcurementView,
  RuleViolation,
  type User
} from "@groupbuy/core"
import { Effect } from "effect"
import { type Announced, ANNOUNCE_WINDOW, AnnounceRefusal } from "../../Announce.js"
import { type BroadcastChannel, BroadcastChannels } from "../../BroadcastChannels.js"
import { Deliver } from "../../Deliver.js"
import { fitAll } from "../../Fit.js"
import { type Language, languageOf, type MessageKey, rich, text } from "../../Messages.js"
import type { Reply } from "../../Model.js"
import { join, plain } from "../../RichTexts.js"
import { button } from "../ActionCode.js"
import { failureReply, registered } from "../Common.js"
import { fitLabels, PLAIN_TEXT } from "../Present.js"
import { EngineEnv, emit, type Handler } from "../Turn.js"
import { listLine, say } from "../Views.js"
import { stores } from "./Proactive.js"

/** `/broadcast`: which active procurement of the organizer to announce. */
export const pickBroadcast: Handler<string> = (turn) =>
  registered(turn, (user) =>
    Effect.gen(function* () {
      const l = turn.language
      if (user.role !== "organizer" && !user.isAdmin) return emit(turn, say(l, "broadcast.forbidden"))
      const mine = yield* (yield* Procurements).forUser(user.id)
      const active = mine.organized.filter((v) => v.procurement.status === "ACTIVE")
      if (active.length === 0) return emit(turn, say(l, "broadcast.nothing"))
      return emit(turn, {
        _tag: "Text",
        text: rich(l, "broadcast.pick"),
        keyboard: {
          rows: active.map((v) => [button(v.procurement.title, { _tag: "Broadcast", id: v.procurement.id })])
        }
      })
    })
  )

/** The announcement as a channel in `language` sees it: the card and a Join deep link into the bot that posts it. */
const announcement = (view: ProcurementView, channel: BroadcastChannel, lang: Language): Reply => ({
  _tag: "Text",
  text: join([
    rich(lang, "broadcast.announce", { title: view.procurement.title }),
    plain(view.procurement.description),
    plain(listLine(view))
  ]),
  keyboard: {
    rows: [
      [
        {
          _tag: "Url",
          label: text(lang, "broadcast.join"),
          url: channel.deepLink.replace("{payload}", `proc_${view.procurement.id}`)
        }
      ]
    ]
  }
})

/** A refusal in both languages, from the router's catalogue. */
const refusal = (code: string, key: MessageKey) => new RuleViolation({ code, ru: text("ru", key), en: text("en", key) })

/**
 * Posts the announcement of `id` to every broadcast channel (fitted to its bot, in the channel's language) for
 * `user` — the rules of `Announce.ts`, the same for the bot and the web cabinet.
 */
export const announceAs = (user: User, id: ProcurementId) =>
  Effect.gen(function* () {
    const view = yield* (yield* Procurements).get(id)
    if (view.procurement.organizerId !== user.id && !user.isAdmin) {
      return yield* new Forbidden({
        action: "announce a procurement",
        reason: "only its organizer or an administrator"
      })
    }
    if (view.procurement.status !== "ACTIVE") {
      return yield* refusal(AnnounceRefusal.notActive, "broadcast.notActive")
    }
    const list = yield* (yield* BroadcastChannels).list()
    if (list.length === 0) return yield* refusal(AnnounceRefusal.noChannels, "broadcast.noChannels")
    const { store } = yield* stores
    const key = `announce:${id}`
    if (!(yield* Effect.orDie(store.setIfAbsent(key, user.id, ANNOUNCE_WINDOW)))) {
      return yield* refusal(AnnounceRefusal.tooSoon, "broadcast.tooSoon")
    }
    const { bots } = yield* EngineEnv
    const deliver = yield* Deliver
    const delivered = yield* Effect.forEach(list, (channel) => {
      const capabilities = bots.get(channel.ref.bot) ?? PLAIN_TEXT
      const lang = languageOf(channel.ref.locale)
      const fitted = fitAll([announcement(view, channel, lang)], capabilities, { labels: fitLabels(lang) })
      return deliver.deliver(channel.ref, fitted.replies).pipe(
        Effect.as(true),
        Effect.catchAll((error) => Effect.as(Effect.logWarning("broadcast delivery failed", error), false))
      )
    })
    const sent = delivered.filter(Boolean).length
    // nothing went out: the window is not taken, the organizer may try again at once
    if (sent === 0) yield* Effect.orDie(store.remove(key))
    return { sent, channels: list.length } satisfies Announced
  })

/** The button under `/broadcast`: announces and says to how many channels it went. */
export const broadcast: Handler<ProcurementId> = (turn, id) =>
  registered(turn, (user) => {
    const l = turn.language
    if (user.role !== "organizer" && !user.isAdmin) return Effect.succeed(emit(turn, say(l, "broadcast.forbidden")))
    return announceAs(user, id).pipe(
      Effect.map(({ sent }) => emit(turn, say(l, "broadcast.sent", { count: sent }))),
      Effect.catchTags({
        NotFound: () => Effect.succeed(emit(turn, say(l, "procurement.notFound"))),
        Forbidden: () => Effect.succeed(emit(turn, say(l, "error.forbidden"))),
        RuleViolation: (error) => Effect.succeed(emit(turn, failureReply(turn, error)))
      })
    )
  })
