/** Handlers every feature uses: the main menu, stale buttons, cancelling, asking to register, core errors as replies. */
import {
  type DomainError,
  IdentityRef,
  type ProcurementId,
  Procurements,
  type ProcurementView,
  type User,
  Users
} from "@groupbuy/core"
import { Effect, Option } from "effect"
import { rich } from "../Messages.js"
import type { ChatRef, Reply, RichText } from "../Model.js"
import { join, plain } from "../RichTexts.js"
import { isFlowActionData } from "./ActionCode.js"
import { describeError } from "./Errors.js"
import { emit, type TurnState } from "./Turn.js"
import { GROUP_BUYS_ONLY, shopOffer, shopSettings } from "./features/ShopServices.js"
import { mainMenu, say } from "./Views.js"

export const identityOf = (ref: ChatRef) =>
  new IdentityRef({
    platform: ref.platform,
    externalId: ref.userId,
    ...(ref.username === undefined ? {} : { username: ref.username }),
    ...(ref.displayName === undefined ? {} : { displayName: ref.displayName })
  })

export const failureReply = (turn: TurnState, error: DomainError): Reply => ({
  _tag: "Text",
  text: plain(describeError(turn.language, error).message)
})

/** Runs a core call; its domain error becomes a reply in the user's language instead of failing the turn. */
export const attempt = <A, E extends DomainError, R, E2, R2>(
  turn: TurnState,
  effect: Effect.Effect<A, E, R>,
  onSuccess: (a: A) => Effect.Effect<TurnState, E2, R2>
): Effect.Effect<TurnState, E2, R | R2> =>
  Effect.matchEffect(effect, {
    onFailure: (error) => Effect.succeed(emit(turn, failureReply(turn, error))),
    onSuccess
  })

/** Runs `use` with the procurement `id`; one that does not exist (any more) is told as such instead. */
export const withProcurement = <E, R>(
  turn: TurnState,
  id: ProcurementId,
  use: (view: ProcurementView) => Effect.Effect<TurnState, E, R>
): Effect.Effect<TurnState, E, R | Procurements> =>
  Effect.flatMap(Effect.either(Effect.flatMap(Procurements, (procurements) => procurements.get(id))), (found) =>
    found._tag === "Left" ? Effect.succeed(emit(turn, say(turn.language, "procurement.notFound"))) : use(found.right)
  )

/** The turn with the account re-read (after registration or linking). */
export const refreshUser = (turn: TurnState) =>
  Effect.flatMap(Users, (users) =>
    Effect.map(users.resolve(identityOf(turn.ref)), (resolved): TurnState => {
      const user = Option.getOrUndefined(Option.map(resolved, (r) => r.user))
      return { ...turn, user, language: user === undefined ? turn.language : user.language }
    })
  )

/** The main menu with the parts the bots offer (the shop's settings). */
export const menuOf = (turn: TurnState, heading?: RichText) =>
  Effect.map(shopOffer, (offer) => mainMenu(turn.language, turn.user, heading, offer))

export const showMainMenu = (turn: TurnState, heading?: RichText) =>
  Effect.map(menuOf(turn, heading), (menu) => emit(turn, menu))

/**
 * The commands of what the bots offer — the group purchases' (with the account's), the shop's after them when it is
 * offered too; a shop-only bot names the shop and lists its commands and the account's, not the group purchases'.
 */
export const helpText = (turn: TurnState): Effect.Effect<RichText> =>
  Effect.map(shopSettings, (settings) => {
    const offer = Option.match(settings, { onNone: () => GROUP_BUYS_ONLY, onSome: (s) => s.offer })
    const l = turn.language
    return !offer.groupBuys && Option.isSome(settings)
      ? join([rich(l, "help.shopOnly", { name: settings.value.name }), rich(l, "help.shop"), rich(l, "help.account")])
      : offer.shop
        ? join([rich(l, "help.text"), rich(l, "help.shop")])
        : rich(l, "help.text")
  })

/** A message the bot did not understand: say so, then the help of what it offers. */
export const unknown = (turn: TurnState) =>
  Effect.flatMap(helpText(turn), (help) => showMainMenu(turn, join([rich(turn.language, "unknown"), help])))

const usesFlowActions = (reply: Reply) =>
  reply._tag !== "Toast" &&
  (reply.keyboard?.rows ?? []).some((row) => row.some((b) => b._tag === "Action" && isFlowActionData(b.data)))

/** A button of an older menu: say so and show the last menu again (or the main menu). */
export const stale = (turn: TurnState) =>
  Effect.gen(function* () {
    const shown = turn.session.menu?.shown ?? []
    const reusable = shown.length > 0 && (turn.session.flow !== undefined || !shown.some(usesFlowActions))
    return emit(turn, say(turn.language, "stale"), ...(reusable ? shown : [yield* menuOf(turn)]))
  })

/** Runs `body` with the registered user, or asks to register. */
export const registered = <E, R>(
  turn: TurnState,
  body: (user: User) => Effect.Effect<TurnState, E, R>
): Effect.Effect<TurnState, E, R> =>
  Effect.suspend(() =>
    turn.user === undefined
      ? Effect.succeed(emit(turn, mainMenu(turn.language, undefined, rich(turn.language, "needRegistration"))))
      : body(turn.user)
  )

/** Leaves the flow, the prompt and chat mode. */
export const cancel = (turn: TurnState) =>
  Effect.gen(function* () {
    const { flow, awaiting, chat: chatMode, ...rest } = turn.session
    const key =
      flow !== undefined || awaiting !== undefined || chatMode !== undefined ? "cancel.done" : "cancel.nothing"
    return emit(
      { ...turn, session: rest },
      ...(chatMode === undefined ? [] : [say(turn.language, "chat.left", { title: chatMode.title })]),
      yield* menuOf(turn, rich(turn.language, key))
    )
  })
