/** The account: `/start` and registration, language, profile (and editing it), linking platforms, the web login. */
import { type RequestableRole, RoleRequests, UpdateProfile, type User, Users } from "@groupbuy/core"
import { Effect, Option } from "effect"
import type { FlowName } from "../../flows/index.js"
import * as CabinetUrl from "../../CabinetUrl.js"
import { type Language, rich, text } from "../../Messages.js"
import { button } from "../ActionCode.js"
import { attempt, failureReply, identityOf, menuOf, refreshUser, registered } from "../Common.js"
import { type Hosted, startFlow } from "../FlowHost.js"
import type { Awaiting } from "../Session.js"
import { EngineEnv, emit, type Handler, type TurnState, withSession } from "../Turn.js"
import { mainMenu, profileView, say } from "../Views.js"
import { startPayload } from "./ProcurementScreens.js"
import { referralShopOf, shopSettings } from "./ShopServices.js"
import { plain } from "../../RichTexts.js"

/** What follows a finished flow: after registration, the main menu and the `/start` payload that waited for it. */
export const afterFlow = ({ turn, finished }: Hosted) =>
  Effect.gen(function* () {
    if (finished !== "registration") return turn
    const refreshed = yield* refreshUser(turn)
    const pending = refreshed.session.pendingStart
    const { pendingStart: _p, ...rest } = refreshed.session
    const shown = emit({ ...refreshed, session: rest }, yield* menuOf(refreshed))
    return pending === undefined ? shown : yield* startPayload(shown, pending)
  })

/** Starts a flow and runs what follows it when it finishes at once. */
export const hostFlow = (turn: TurnState, name: FlowName, input: unknown) =>
  Effect.flatMap(startFlow(turn, name, input), afterFlow)

export const start: Handler<string> = (turn, args) =>
  Effect.gen(function* () {
    if (turn.user !== undefined) {
      const welcomed = emit(
        turn,
        yield* menuOf(turn, rich(turn.language, "welcome.back", { name: turn.user.firstName }))
      )
      return args.trim() === "" ? welcomed : yield* startPayload(welcomed, args)
    }
    const pending =
      args.trim() === "" ? turn : withSession(turn, (session) => ({ ...session, pendingStart: args.trim() }))
    // a user's referral shop bot greets with that shop's name and greeting and registers a buyer
    const referral = yield* referralShopOf(turn.ref.bot)
    if (Option.isSome(referral)) {
      const shop = referral.value
      const greeting = shop.greeting.trim()
      return yield* hostFlow(
        emit(
          pending,
          say(turn.language, "myshop.welcome", { name: shop.name }),
          ...(greeting === "" ? [] : [{ _tag: "Text" as const, text: plain(greeting) }])
        ),
        "registration",
        { language: turn.language, role: "buyer" }
      )
    }
    // a shop-only bot greets with the shop's name and registers a buyer without asking about group-purchase roles
    const shopOnly = Option.filter(yield* shopSettings, (settings) => !settings.offer.groupBuys)
    return yield* Option.match(shopOnly, {
      onNone: () =>
        hostFlow(emit(pending, say(turn.language, "welcome.new")), "registration", { language: turn.language }),
      onSome: (settings) =>
        hostFlow(emit(pending, say(turn.language, "welcome.shop", { name: settings.name })), "registration", {
          language: turn.language,
          role: "buyer"
        })
    })
  })

/** `/lang`: the language picker. */
export const pickLanguage: Handler<string> = (turn) =>
  Effect.succeed(
    emit(turn, {
      _tag: "Text",
      text: rich(turn.language, "lang.ask"),
      keyboard: {
        rows: [
          [
            button(text(turn.language, "language.ru"), { _tag: "SetLanguage", language: "ru" }),
            button(text(turn.language, "language.en"), { _tag: "SetLanguage", language: "en" })
          ]
        ]
      }
    })
  )

export const setLanguage: Handler<Language> = (turn, language) =>
  Effect.gen(function* () {
    const user =
      turn.user === undefined ? undefined : yield* (yield* Users).update(turn.user.id, new UpdateProfile({ language }))
    return emit(
      { ...turn, session: { ...turn.session, language }, language, user },
      mainMenu(language, user, rich(language, "lang.set"))
    )
  })

/** The profile, with the role request that waits for an administrator, if any. */
const profileOf = (language: Language, user: User) =>
  Effect.map(
    Effect.flatMap(RoleRequests, (requests) => requests.pending(user.id)),
    (pending) => profileView(language, user, pending?.role ?? null)
  )

export const profile: Handler<string> = (turn) =>
  registered(turn, (user) => Effect.map(profileOf(turn.language, user), (view) => emit(turn, view)))

/** A profile button: asks the administrators for a role (a second tap finds the same request and asks nothing new). */
export const requestRole: Handler<RequestableRole> = (turn, role) =>
  registered(turn, (user) =>
    attempt(
      turn,
      Effect.flatMap(RoleRequests, (requests) => requests.request(user.id, role)),
      ({ created }) =>
        Effect.map(profileOf(turn.language, user), (view) =>
          emit(
            turn,
            say(turn.language, created ? "profile.roleRequested" : "profile.roleAlreadyRequested", {
              role: text(turn.language, `role.${role}`)
            }),
            view
          )
        )
    )
  )

type ProfileField = Extract<Awaiting, { readonly kind: "profile" }>["field"]

export const editProfile: Handler<ProfileField> = (turn, field) =>
  registered(turn, () =>
    Effect.succeed(
      emit(
        withSession(turn, (session) => ({ ...session, awaiting: { kind: "profile", field } })),
        say(turn.language, `profile.ask.${field}`)
      )
    )
  )

/** The answer to a profile prompt: saved, or the error and the same question again. */
export const profileAnswered = (turn: TurnState, field: ProfileField, input: string) =>
  registered(turn, (user) =>
    Effect.gen(function* () {
      const l = turn.language
      const value = input.trim()
      const nullable = value === "-" || value === "—" ? null : value
      const patch =
        field === "firstName"
          ? { firstName: value }
          : field === "lastName"
            ? { lastName: nullable }
            : field === "phone"
              ? { phone: value }
              : { email: nullable }
      return yield* (yield* Users).update(user.id, new UpdateProfile(patch)).pipe(
        Effect.matchEffect({
          // keep asking: the user can fix the value or /cancel
          onFailure: (error) => Effect.succeed(emit(turn, failureReply(turn, error), say(l, `profile.ask.${field}`))),
          onSuccess: (updated) =>
            Effect.map(profileOf(l, updated), (view) =>
              emit(
                { ...withSession(turn, ({ awaiting: _a, ...rest }) => rest), user: updated },
                say(l, "profile.saved"),
                view
              )
            )
        })
      )
    })
  )

/** `/link CODE` joins this chat to the account that issued the code; `/link` alone issues one. */
export const link: Handler<string> = (turn, args) =>
  Effect.gen(function* () {
    const users = yield* Users
    const code = args.trim()
    if (code !== "") {
      return yield* attempt(turn, users.redeemLinkCode(code, identityOf(turn.ref)), (user) =>
        Effect.map(refreshUser(turn), (linked) =>
          emit(
            linked,
            mainMenu(linked.language, linked.user, rich(linked.language, "link.done", { name: user.firstName }))
          )
        )
      )
    }
    return yield* registered(turn, (user) =>
      attempt(turn, users.createCode(user.id, "link", "15 minutes"), (issued) =>
        Effect.succeed(emit(turn, say(turn.language, "link.code", { code: issued.code, minutes: 15 })))
      )
    )
  })

/**
 * `/web`: the web cabinet, opened as a Mini App where the platform and the chat allow it (it signs the person in
 * from the launch data), else through a one-time login link.
 */
export const web: Handler<string> = (turn) =>
  registered(turn, (user) =>
    Effect.gen(function* () {
      const { webBaseUrl } = yield* EngineEnv
      const l = turn.language
      return yield* attempt(turn, (yield* Users).createCode(user.id, "web_login", "10 minutes"), (issued) =>
        Effect.succeed(
          emit(turn, {
            _tag: "Text",
            text: rich(l, "web.link", { minutes: 10 }),
            keyboard: {
              rows: [
                [
                  {
                    _tag: "WebApp",
                    label: text(l, "web.open"),
                    url: CabinetUrl.miniApp(webBaseUrl),
                    fallbackUrl: CabinetUrl.login(webBaseUrl, issued.code)
                  }
                ]
              ]
            }
          })
        )
      )
    })
  )
