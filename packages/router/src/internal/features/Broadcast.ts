/** Announcing a procurement in the broadcast channels (organizers and administrators). */
import { type ProcurementId, Procurements } from "@groupbuy/core"
import { Effect } from "effect"
import { BroadcastChannels } from "../../BroadcastChannels.js"
import { Deliver } from "../../Deliver.js"
import { fitAll } from "../../Fit.js"
import { languageOf, rich, text } from "../../Messages.js"
import type { Reply } from "../../Model.js"
import { join, plain } from "../../RichTexts.js"
import { button } from "../ActionCode.js"
import { registered } from "../Common.js"
import { fitLabels, PLAIN_TEXT } from "../Present.js"
import { EngineEnv, emit, type Handler } from "../Turn.js"
import { listLine, say } from "../Views.js"

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

/** Posts the announcement to every channel (each in its own language) and says to how many it went. */
export const broadcast: Handler<ProcurementId> = (turn, id) =>
  registered(turn, (user) =>
    Effect.gen(function* () {
      const l = turn.language
      if (user.role !== "organizer" && !user.isAdmin) return emit(turn, say(l, "broadcast.forbidden"))
      const found = yield* Effect.either((yield* Procurements).get(id))
      if (found._tag === "Left") return emit(turn, say(l, "procurement.notFound"))
      const view = found.right
      if (view.procurement.organizerId !== user.id && !user.isAdmin) return emit(turn, say(l, "error.forbidden"))
      const list = yield* (yield* BroadcastChannels).list()
      if (list.length === 0) return emit(turn, say(l, "broadcast.noChannels"))
      const { bots } = yield* EngineEnv
      const deliver = yield* Deliver
      let sent = 0
      for (const channel of list) {
        const lang = languageOf(channel.ref.locale)
        const announcement: Reply = {
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
        }
        const capabilities = bots.get(channel.ref.bot) ?? PLAIN_TEXT
        const fitted = fitAll([announcement], capabilities, { labels: fitLabels(lang) })
        const ok = yield* deliver.deliver(channel.ref, fitted.replies).pipe(
          Effect.as(true),
          Effect.catchAll((error) => Effect.as(Effect.logWarning("broadcast delivery failed", error), false))
        )
        if (ok) sent += 1
      }
      return emit(turn, say(l, "broadcast.sent", { count: sent }))
    })
  )
