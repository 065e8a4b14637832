/** Chat mode: a procurement's chat in the bot — picking one, entering it (with recent history), posting to it. */
import {
  Chat,
  MAX_CHAT_MESSAGE,
  PostMessage,
  type ProcurementId,
  Procurements,
  type ProcurementView,
  userActor,
  Users
} from "@groupbuy/core"
import { Effect } from "effect"
import { type Language, rich, text } from "../../Messages.js"
import { join, plain } from "../../RichTexts.js"
import { button } from "../ActionCode.js"
import { attempt, registered, withProcurement } from "../Common.js"
import { emit, type Handler, type TurnState, withoutFlow } from "../Turn.js"
import { fileLine, fileLink, withFile } from "./ChatFiles.js"
import { saidIn } from "./ChatTexts.js"
import { displayName, say } from "../Views.js"

/** `/chat`: the chats of the procurements the user organizes, supplies or takes part in. */
export const pickChat: Handler<string> = (turn) =>
  registered(turn, (user) =>
    Effect.gen(function* () {
      const l = turn.language
      const mine = yield* (yield* Procurements).forUser(user.id)
      const views: Array<ProcurementView> = [
        ...mine.organized,
        ...mine.supplied,
        ...mine.joined.filter((j) => j.participant.status !== "CANCELLED").map((j) => j.view)
      ]
      if (views.length === 0) return emit(turn, say(l, "chat.none"))
      return emit(turn, {
        _tag: "Text",
        text: rich(l, "chat.pick"),
        keyboard: { rows: views.map((v) => [button(v.procurement.title, { _tag: "OpenChat", id: v.procurement.id })]) }
      })
    })
  )

export const openChat: Handler<ProcurementId> = (turn, id) =>
  registered(turn, (user) =>
    withProcurement(turn, id, (view) =>
      Effect.gen(function* () {
        const l = turn.language
        const title = view.procurement.title
        const users = yield* Users
        const muted = yield* (yield* Chat).isMuted(user.id, id)
        return yield* attempt(
          turn,
          (yield* Chat).history(userActor(user.id, user.isAdmin), id, { limit: 5 }),
          (history) =>
            Effect.gen(function* () {
              const names = new Map<string, string>()
              for (const message of history) {
                if (message.userId !== null && !names.has(message.userId)) {
                  const author = yield* Effect.either(users.get(message.userId))
                  names.set(
                    message.userId,
                    author._tag === "Right" ? displayName(author.right) : text(l, "chat.someone")
                  )
                }
              }
              const shown = history.filter((m) => m.deletedAt === null)
              // files as their name, size and a link for this member
              const links = yield* Effect.forEach(shown, (m) =>
                m.attachment === null ? Effect.succeed(undefined) : fileLink(m.attachment, user.id)
              )
              const lines = shown.map((m, i) =>
                plain(
                  `${m.userId === null ? text(l, "chat.system") : (names.get(m.userId) ?? "")}: ${withFile(
                    m.userId === null ? saidIn(l, m.text) : m.text,
                    m.attachment === null ? undefined : fileLine(l, m.attachment, links[i])
                  )}`
                )
              )
              return emit(
                { ...turn, session: { ...withoutFlow(turn.session), chat: { procurementId: id, title } } },
                {
                  _tag: "Text",
                  text: join([
                    rich(l, "chat.entered", { title }),
                    ...(lines.length === 0 ? [] : [join([rich(l, "chat.history"), ...lines], "\n")])
                  ]),
                  keyboard: {
                    rows: [[button(text(l, "chat.leave"), { _tag: "LeaveChat" })], [muteButton(l, id, !muted)]]
                  }
                }
              )
            })
        )
      })
    )
  )

/** The button that mutes (`mute`) or unmutes the notifications of a chat outside chat mode. */
export const muteButton = (l: Language, id: ProcurementId, mute: boolean) =>
  button(text(l, mute ? "chat.mute" : "chat.unmute"), { _tag: mute ? "MuteChat" : "UnmuteChat", id })

/** Mutes or unmutes a chat's notices for the user (a double tap acts once), with the button to undo it. */
export const muteChat = (turn: TurnState, id: ProcurementId, mute: boolean) =>
  registered(turn, (user) =>
    withProcurement(turn, id, (view) =>
      Effect.gen(function* () {
        const l = turn.language
        const title = view.procurement.title
        return yield* attempt(turn, (yield* Chat).setMuted(user.id, id, mute), () =>
          Effect.succeed(
            emit(turn, {
              _tag: "Text",
              text: rich(l, mute ? "chat.muted" : "chat.unmuted", { title }),
              keyboard: { rows: [[muteButton(l, id, !mute)]] }
            })
          )
        )
      })
    )
  )

/** What the user sends while in chat mode goes to the procurement's chat (nothing is answered on success). */
export const postToChat = (
  turn: TurnState,
  chatMode: { readonly procurementId: ProcurementId },
  content: { readonly text: string; readonly url?: string; readonly kind?: "photo" | "file" }
) =>
  registered(turn, (user) =>
    Effect.flatMap(Chat, (chat) => {
      // refused with the limit and the length, in the user's words: the text is not posted, and they can split it
      const length = [...content.text.trim()].length
      if (length > MAX_CHAT_MESSAGE)
        return Effect.succeed(emit(turn, say(turn.language, "chat.tooLong", { length, max: MAX_CHAT_MESSAGE })))
      return attempt(
        turn,
        chat.post(
          new PostMessage({
            procurementId: chatMode.procurementId,
            userId: user.id,
            type: content.kind === undefined ? "TEXT" : content.kind === "photo" ? "IMAGE" : "FILE",
            text: content.text,
            attachmentUrl: content.url ?? null,
            originPlatform: turn.ref.platform
          })
        ),
        () => Effect.succeed(turn)
      )
    })
  )
