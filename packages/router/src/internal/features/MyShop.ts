/**
 * `/myshop`: a user's own referral bot shops (issue #15). Without one: what it is and "create" — the shop's name, a
 * greeting (may be skipped) and the bot's token, each asked in turn (a prompt the engine asks itself; "cancel" leaves
 * it); the host's `ShopOpener` checks the token with the platform and opens the shop, whose bot the registry starts.
 * A refused token (wrong, in use, the platform silent) is told in the user's language and asked again. With shops:
 * each one's bot, status and figures (sales, revenue, the owner's earnings net of refunds, buyers), pause / resume,
 * delete (asked first) and "withdraw earnings" (`/withdraw`).
 */
import { formatRubles, type ReferralShop, ReferralShops, type ReferralShopsService } from "@groupbuy/core"
import { Effect, Option } from "effect"
import { isSkipWord } from "../../flows/parse/Skip.js"
import { type Language, rich, text } from "../../Messages.js"
import type { Button, RichText } from "../../Model.js"
import { plain, join } from "../../RichTexts.js"
import { ShopOpener } from "../../ShopOpener.js"
import { button } from "../ActionCode.js"
import { failureReply, registered } from "../Common.js"
import { describeError } from "../Errors.js"
import type { Awaiting } from "../Session.js"
import { emit, type Handler, type TurnState, withSession, withoutFlow } from "../Turn.js"
import { say } from "../Views.js"
import { screen } from "./ShopCommon.js"
import { forgetReferralShop, shopSettings } from "./ShopServices.js"

type MyShopPrompt = Extract<Awaiting, { readonly kind: "myShop" }>

/** Runs `body` with the referral shops where the host keeps them; otherwise says shops cannot be created here. */
const withShops = <E, R>(turn: TurnState, body: (shops: ReferralShopsService) => Effect.Effect<TurnState, E, R>) =>
  Effect.flatMap(Effect.serviceOption(ReferralShops), (found) =>
    Option.isNone(found) ? Effect.succeed(emit(turn, say(turn.language, "myshop.unavailable"))) : body(found.value)
  )

const cancelRow = (l: Language): ReadonlyArray<Button> => [
  button(text(l, "myshop.cancel"), { _tag: "Command", name: "cancel" })
]

const botName = (shop: ReferralShop) => (shop.username === null ? shop.botId : `@${shop.username}`)

const shopLine = (l: Language, shop: ReferralShop): RichText =>
  rich(l, "myshop.line", {
    name: shop.name,
    bot: botName(shop),
    status: text(l, `myshop.status.${shop.status === "deleted" ? "blocked" : shop.status}`),
    sales: shop.sales,
    revenue: formatRubles(shop.revenue),
    earnings: formatRubles(shop.earnings),
    buyers: shop.buyers
  })

const shopButtons = (l: Language, shop: ReferralShop): ReadonlyArray<ReadonlyArray<Button>> =>
  shop.status === "blocked"
    ? []
    : [
        [
          shop.status === "active"
            ? button(text(l, "myshop.pause", { name: shop.name }), {
                _tag: "MyShopStatus",
                status: "paused",
                id: shop.id
              })
            : button(text(l, "myshop.resume", { name: shop.name }), {
                _tag: "MyShopStatus",
                status: "active",
                id: shop.id
              })
        ],
        [button(text(l, "myshop.delete", { name: shop.name }), { _tag: "MyShopDelete", id: shop.id })]
      ]

/** The owner's shops with their figures, or what a shop is and "create". */
const overview = (turn: TurnState, shops: ReferralShopsService, notice?: RichText) =>
  registered(turn, (user) =>
    Effect.gen(function* () {
      const l = turn.language
      const mine = yield* shops.mine(user.id)
      const percent = Option.match(yield* shopSettings, {
        onNone: () => "0",
        onSome: (settings) => String(settings.referralCommissionPercent)
      })
      const head = notice === undefined ? [] : [notice]
      if (mine.length === 0)
        return emit(
          turn,
          screen(turn, join([...head, rich(l, "myshop.none", { percent })]), [
            [button(text(l, "myshop.create"), { _tag: "MyShopCreate" })]
          ])
        )
      const earned = mine.reduce((sum, shop) => sum + shop.earnings, 0n)
      const rows = [
        ...mine.flatMap((shop) => shopButtons(l, shop)),
        ...(earned > 0n ? [[button(text(l, "myshop.withdraw"), { _tag: "Command", name: "withdraw" })]] : []),
        [button(text(l, "myshop.createAnother"), { _tag: "MyShopCreate" })]
      ]
      return emit(
        turn,
        screen(turn, join([...head, rich(l, "myshop.title", { percent }), ...mine.map((s) => shopLine(l, s))]), rows)
      )
    })
  )

/** `/myshop` */
export const myShop: Handler<unknown> = (turn) =>
  withShops(withSession(turn, withoutFlow), (shops) => overview(withSession(turn, withoutFlow), shops))

const ask = (turn: TurnState, prompt: MyShopPrompt, notice?: RichText) => {
  const l = turn.language
  const question = rich(l, `myshop.ask.${prompt.step}`)
  const rows =
    prompt.step === "greeting"
      ? [[button(text(l, "myshop.skip"), { _tag: "MyShopSkipGreeting" })], cancelRow(l)]
      : [cancelRow(l)]
  return emit(
    withSession(turn, (session) => ({ ...withoutFlow(session), awaiting: prompt })),
    { _tag: "Text", text: notice === undefined ? question : join([notice, question]), keyboard: { rows } }
  )
}

/** "Create a shop": its name first. */
export const createShop: Handler<unknown> = (turn) =>
  registered(turn, () =>
    withShops(turn, () =>
      Effect.flatMap(Effect.serviceOption(ShopOpener), (opener) =>
        Effect.succeed(
          Option.isNone(opener)
            ? emit(turn, say(turn.language, "myshop.unavailable"))
            : // a shop's bot lives on a platform with bot tokens: say so before asking anything
              !opener.value.platforms.includes(turn.ref.platform)
              ? emit(turn, say(turn.language, "myshop.platformUnsupported"))
              : ask(turn, { kind: "myShop", step: "name" })
        )
      )
    )
  )

/** "Skip" at the greeting: the token next. */
export const skipGreeting: Handler<unknown> = (turn) => {
  const prompt = turn.session.awaiting
  return Effect.succeed(
    prompt?.kind === "myShop" && prompt.step === "greeting"
      ? ask(turn, { ...prompt, step: "token", greeting: "" })
      : emit(turn, say(turn.language, "stale"))
  )
}

/** A typed answer to the name, greeting or token question. */
export const myShopAnswered = (turn: TurnState, prompt: MyShopPrompt, input: string) =>
  registered(turn, (user) =>
    Effect.gen(function* () {
      const l = turn.language
      const value = input.trim()
      switch (prompt.step) {
        case "name":
          return value.length < 1 || value.length > 100
            ? ask(turn, prompt, rich(l, "myshop.badName"))
            : ask(turn, { kind: "myShop", step: "greeting", name: value })
        case "greeting":
          if (isSkipWord(value)) return ask(turn, { ...prompt, step: "token", greeting: "" })
          return value.length > 1000
            ? ask(turn, prompt, rich(l, "myshop.badGreeting"))
            : ask(turn, { ...prompt, step: "token", greeting: value })
        case "token": {
          const opener = yield* Effect.serviceOption(ShopOpener)
          if (Option.isNone(opener)) return emit(turn, say(l, "myshop.unavailable"))
          const opened = yield* opener.value
            .open({
              ownerId: user.id,
              platform: turn.ref.platform,
              token: value,
              name: prompt.name ?? "",
              greeting: prompt.greeting ?? ""
            })
            .pipe(Effect.either)
          if (opened._tag === "Left") return ask(turn, prompt, plain(describeError(l, opened.left).message))
          const shop = opened.right
          yield* forgetReferralShop(shop.botId)
          const done = withSession(turn, ({ awaiting: _a, ...rest }) => rest)
          return emit(done, say(l, "myshop.created", { name: shop.name, bot: botName(shop) }))
        }
      }
    })
  )

/** Pause or resume: the owner's own shop; an administrator's block is not lifted this way. */
export const setShopStatus: Handler<{ readonly id: string; readonly status: "active" | "paused" }> = (
  turn,
  { id, status }
) =>
  registered(turn, (user) =>
    withShops(turn, (shops) =>
      shops.setStatus(id, status, { _tag: "Owner", userId: user.id }).pipe(
        Effect.tap((shop) => forgetReferralShop(shop.botId)),
        Effect.flatMap((shop) =>
          overview(
            turn,
            shops,
            rich(turn.language, status === "paused" ? "myshop.paused" : "myshop.resumed", {
              name: shop.name
            })
          )
        ),
        Effect.catchTags({
          NotFound: () => overview(turn, shops),
          Forbidden: () => overview(turn, shops),
          RuleViolation: (error) => Effect.succeed(emit(turn, failureReply(turn, error)))
        })
      )
    )
  )

/** "Delete": asked first. */
export const deleteShop: Handler<{ readonly id: string }> = (turn, { id }) =>
  registered(turn, (user) =>
    withShops(turn, (shops) =>
      Effect.gen(function* () {
        const l = turn.language
        const shop = (yield* shops.mine(user.id)).find((s) => s.id === id)
        if (shop === undefined) return yield* overview(turn, shops)
        return emit(
          turn,
          screen(turn, rich(l, "myshop.confirmDelete", { name: shop.name }), [
            [button(text(l, "myshop.deleteYes"), { _tag: "MyShopDeleteConfirm", id })],
            [button(text(l, "myshop.keep"), { _tag: "Command", name: "myshop" })]
          ])
        )
      })
    )
  )

/** "Yes, delete": the shop and its bot are gone for good (a second tap finds nothing to delete). */
export const confirmDeleteShop: Handler<{ readonly id: string }> = (turn, { id }) =>
  registered(turn, (user) =>
    withShops(turn, (shops) =>
      Effect.gen(function* () {
        const shop = (yield* shops.mine(user.id)).find((s) => s.id === id)
        if (shop === undefined) return yield* overview(turn, shops)
        return yield* shops.setStatus(id, "deleted", { _tag: "Owner", userId: user.id }).pipe(
          Effect.tap(() => forgetReferralShop(shop.botId)),
          Effect.flatMap(() => overview(turn, shops, rich(turn.language, "myshop.deleted", { name: shop.name }))),
          Effect.catchTags({
            NotFound: () => overview(turn, shops),
            Forbidden: () => overview(turn, shops),
            RuleViolation: (error) => Effect.succeed(emit(turn, failureReply(turn, error)))
          })
        )
      })
    )
  )
