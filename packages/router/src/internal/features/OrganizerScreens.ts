/** "My procurements": what the user organizes and joined, and the organizer's participants and status moves. */
import {
  formatRubles,
  type ParticipantId,
  type ProcurementId,
  Procurements,
  type ProcurementStatus,
  type User,
  userActor,
  Users
} from "@groupbuy/core"
import { Effect } from "effect"
import { rich, text } from "../../Messages.js"
import type { Button, RichText } from "../../Model.js"
import { join, plain } from "../../RichTexts.js"
import { button } from "../ActionCode.js"
import { attempt, registered, withProcurement } from "../Common.js"
import { emit, type Handler, type TurnState } from "../Turn.js"
import { displayName, mainMenu, say } from "../Views.js"
import { showProcurement } from "./ProcurementScreens.js"

export const myProcurements: Handler<string> = (turn) =>
  registered(turn, (user) =>
    Effect.gen(function* () {
      const l = turn.language
      const mine = yield* (yield* Procurements).forUser(user.id)
      const joined = mine.joined.filter((j) => j.participant.status !== "CANCELLED")
      if (mine.organized.length === 0 && mine.supplied.length === 0 && joined.length === 0)
        return emit(turn, mainMenu(l, user, rich(l, "my.none")))
      const lines: Array<RichText> = [rich(l, "my.title")]
      const rows: Array<Array<Button>> = []
      if (mine.organized.length > 0) {
        lines.push(
          join(
            [
              rich(l, "my.organized"),
              ...mine.organized.map((v) =>
                plain(`• ${v.procurement.title} — ${text(l, `status.${v.procurement.status}`)}`)
              )
            ],
            "\n"
          )
        )
        rows.push(
          ...mine.organized.map((v) => [
            button(`⚙️ ${v.procurement.title}`, { _tag: "ManageProcurement", id: v.procurement.id })
          ])
        )
      }
      if (mine.supplied.length > 0) {
        lines.push(
          join(
            [
              rich(l, "my.supplied"),
              ...mine.supplied.map((v) =>
                plain(`• ${v.procurement.title} — ${text(l, `status.${v.procurement.status}`)}`)
              )
            ],
            "\n"
          )
        )
        rows.push(
          ...mine.supplied.map((v) => [
            button(`🚚 ${v.procurement.title}`, { _tag: "ShowProcurement", id: v.procurement.id })
          ])
        )
      }
      if (joined.length > 0) {
        lines.push(
          join(
            [
              rich(l, "my.joined"),
              ...joined.map((j) =>
                plain(
                  `• ${j.view.procurement.title} — ${formatRubles(j.participant.amount)} (${text(l, `pstatus.${j.participant.status}`)})`
                )
              )
            ],
            "\n"
          )
        )
        rows.push(
          ...joined.map((j) => [
            button(`🛒 ${j.view.procurement.title}`, { _tag: "ShowProcurement", id: j.view.procurement.id })
          ])
        )
      }
      return emit(turn, { _tag: "Text", text: join(lines), keyboard: { rows } })
    })
  )

export const manageProcurement: Handler<ProcurementId> = (turn, id) =>
  registered(turn, () => showProcurement(turn, id, { organizer: true }))

const participantsOf = (turn: TurnState, user: User, id: ProcurementId) =>
  withProcurement(turn, id, (view) =>
    Effect.gen(function* () {
      const l = turn.language
      const procurements = yield* Procurements
      const p = view.procurement
      if (p.organizerId !== user.id && !user.isAdmin) return emit(turn, say(l, "error.forbidden"))
      const list = yield* procurements.participants(p.id)
      const lines = list.map((v) =>
        plain(
          text(l, "my.participantLine", {
            name: displayName(v.user),
            quantity: v.participant.quantity,
            unit: p.unit,
            amount: formatRubles(v.participant.amount),
            status: text(l, `pstatus.${v.participant.status}`)
          })
        )
      )
      const rows = list
        .filter((v) => v.participant.status === "PENDING")
        .map((v) => [
          button(text(l, "my.confirm", { name: displayName(v.user) }), {
            _tag: "ConfirmParticipant",
            participantId: v.participant.id,
            procurementId: p.id
          })
        ])
      return emit(turn, {
        _tag: "Text",
        text: join([
          rich(l, "my.participants", { title: p.title }),
          list.length === 0 ? rich(l, "my.noParticipants") : join(lines, "\n")
        ]),
        keyboard: { rows: [...rows, [button(text(l, "procurement.back"), { _tag: "ManageProcurement", id: p.id })]] }
      })
    })
  )

export const participants: Handler<ProcurementId> = (turn, id) =>
  registered(turn, (user) => participantsOf(turn, user, id))

export const confirmParticipant: Handler<{
  readonly participantId: ParticipantId
  readonly procurementId: ProcurementId
}> = (turn, { participantId, procurementId }) =>
  registered(turn, (user) =>
    Effect.flatMap(Procurements, (procurements) =>
      attempt(turn, procurements.confirmParticipant(userActor(user.id, user.isAdmin), participantId), (participant) =>
        Effect.gen(function* () {
          const who = yield* Effect.either((yield* Users).get(participant.userId))
          const name = who._tag === "Right" ? displayName(who.right) : ""
          return yield* participantsOf(emit(turn, say(turn.language, "my.confirmed", { name })), user, procurementId)
        })
      )
    )
  )

const moveTo = (turn: TurnState, user: User, id: ProcurementId, status: ProcurementStatus) =>
  Effect.flatMap(Procurements, (procurements) =>
    attempt(turn, procurements.setStatus(userActor(user.id, user.isAdmin), id, status), (view) =>
      showProcurement(
        emit(
          turn,
          say(turn.language, "my.statusChanged", {
            title: view.procurement.title,
            status: text(turn.language, `status.${view.procurement.status}`)
          })
        ),
        id,
        { organizer: true }
      )
    )
  )

/** A status move; cancelling asks first. */
export const setStatus: Handler<{ readonly id: ProcurementId; readonly status: ProcurementStatus }> = (
  turn,
  { id, status }
) =>
  registered(turn, (user) =>
    status !== "CANCELLED"
      ? moveTo(turn, user, id, status)
      : withProcurement(turn, id, (view) =>
          Effect.gen(function* () {
            const l = turn.language
            return emit(turn, {
              _tag: "Text",
              text: rich(l, "my.confirmCancel", { title: view.procurement.title }),
              keyboard: {
                rows: [
                  [
                    button(text(l, "my.yesCancel"), { _tag: "CancelProcurement", id }),
                    button(text(l, "my.keep"), { _tag: "ManageProcurement", id })
                  ]
                ]
              }
            })
          })
        )
  )

export const cancelProcurement: Handler<ProcurementId> = (turn, id) =>
  registered(turn, (user) => moveTo(turn, user, id, "CANCELLED"))
