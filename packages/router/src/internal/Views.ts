/** Pure renderers: the main menu, procurement cards and lists, profile, balance — Replies from domain values. */
import {
  formatRubles,
  type Participant,
  type ProcurementView,
  procurementTransitions,
  type RequestableRole,
  type Transaction,
  type User
} from "@groupbuy/core"
import { DateTime } from "effect"
import { formatMoscowDate, formatMoscowTime } from "../flows/parse/Deadline.js"
import { formatPhone } from "../flows/parse/Phone.js"
import { type Language, type MessageKey, rich, text } from "../Messages.js"
import type { Button, Reply, RichText, Span } from "../Model.js"
import { bold, join, plain } from "../RichTexts.js"
import { button } from "./ActionCode.js"

const menuButton = (language: Language, key: MessageKey, command: string) =>
  button(text(language, key), { _tag: "Command", name: command })

/** Which parts the menu offers (the shop's settings): group purchases, the shop, or both. */
export interface MenuOffer {
  readonly groupBuys: boolean
  readonly shop: boolean
}

const GROUP_BUYS: MenuOffer = { groupBuys: true, shop: false }

/**
 * The main menu: what a registered (or not yet registered) user can do; the shop's entries when the shop is offered,
 * the group purchases' ones unless they are switched off.
 */
export const mainMenu = (
  language: Language,
  user: User | undefined,
  heading?: RichText,
  offer: MenuOffer = GROUP_BUYS
): Reply => {
  const l = language
  const browse = offer.groupBuys
    ? [[menuButton(l, "menu.procurements", "procurements"), menuButton(l, "menu.search", "search")]]
    : []
  const shop = offer.shop
    ? [
        user === undefined
          ? [menuButton(l, "menu.catalog", "catalog")]
          : [
              menuButton(l, "menu.catalog", "catalog"),
              menuButton(l, "menu.orders", "orders"),
              menuButton(l, "menu.subscriptions", "subscriptions")
            ]
      ]
    : []
  const rows: Array<Array<Button>> =
    user === undefined
      ? [
          [menuButton(l, "menu.register", "start")],
          ...shop,
          ...browse,
          [menuButton(l, "menu.help", "help"), menuButton(l, "menu.lang", "lang")]
        ]
      : [
          ...shop,
          ...browse,
          ...(offer.groupBuys
            ? [
                [
                  menuButton(l, "menu.my", "my_procurements"),
                  ...(user.role === "organizer" || user.isAdmin
                    ? [menuButton(l, "menu.create", "create_procurement")]
                    : [])
                ]
              ]
            : []),
          [menuButton(l, "menu.balance", "balance"), menuButton(l, "menu.deposit", "deposit")],
          [menuButton(l, "menu.profile", "profile"), menuButton(l, "menu.notifications", "notifications")],
          offer.groupBuys
            ? [menuButton(l, "menu.chat", "chat"), menuButton(l, "menu.help", "help")]
            : [menuButton(l, "menu.help", "help")]
        ]
  return { _tag: "Text", text: heading ?? rich(l, "menu.title"), keyboard: { rows } }
}

export const say = (
  language: Language,
  key: MessageKey,
  params: Readonly<Record<string, string | number>> = {}
): Reply => ({
  _tag: "Text",
  text: rich(language, key, params)
})

/** A ten-cell text progress bar: ▓▓▓▓░░░░░░ */
export const progressBar = (percent: number): string => {
  const filled = Math.max(0, Math.min(10, Math.floor(percent / 10)))
  return "▓".repeat(filled) + "░".repeat(10 - filled)
}

/** A deadline in Moscow time, its day and time as the creation flow's summary writes them ("18.12.2026", "23:59"). */
const moscow = (value: DateTime.Utc) => {
  const ms = DateTime.toEpochMillis(value)
  return { date: formatMoscowDate(ms), time: formatMoscowTime(ms) }
}

export const displayName = (user: Pick<User, "firstName" | "lastName">) =>
  user.lastName === null || user.lastName === "" ? user.firstName : `${user.firstName} ${user.lastName}`

/** A featured procurement's mark, in lists and on its card. */
const FEATURED = "⭐ "

/** A procurement's name in lists and on their buttons: featured ones marked. */
export const listTitle = (view: ProcurementView): string =>
  view.procurement.isFeatured ? `${FEATURED}${view.procurement.title}` : view.procurement.title

/** One line of a list: "⭐ Title — 45% · 500 ₽/kg" (featured ones marked). */
export const listLine = (view: ProcurementView): string =>
  `${listTitle(view)} — ${view.progress.percent}% · ${formatRubles(view.procurement.pricePerUnit)}/${view.procurement.unit}`

/** The details card of a procurement with the actions this user may take. */
export const procurementCard = (
  language: Language,
  view: ProcurementView,
  options: {
    readonly participant: Participant | undefined
    readonly isMember: boolean
    /** organizers manage their procurement; they do not join it */
    readonly isOrganizer: boolean
    readonly backToList: boolean
    /** the share may also be paid by card (the host's payment gateway takes card payments) */
    readonly cardPayments?: boolean
  }
): Reply => {
  const l = language
  const p = view.procurement
  const line = (key: MessageKey, params: Readonly<Record<string, string | number>>) => rich(l, key, params)
  const body: Array<RichText> = [
    [bold(p.isFeatured ? `${FEATURED}${p.title}` : p.title)],
    ...(p.isFeatured ? [line("procurement.featured", {})] : []),
    plain(p.description),
    join(
      [
        line("procurement.status", { status: text(l, `status.${p.status}`) }),
        line("procurement.price", { price: formatRubles(p.pricePerUnit), unit: p.unit }),
        ...(p.minQuantity > 1 ? [line("procurement.min", { min: p.minQuantity, unit: p.unit })] : []),
        [{ text: `${progressBar(view.progress.percent)} ${view.progress.percent}%` }],
        line("procurement.progress", {
          collected: formatRubles(view.progress.collectedAmount),
          target: formatRubles(p.targetAmount),
          percent: view.progress.percent
        }),
        line("procurement.participants", { count: view.progress.participantCount }),
        ...(p.status === "ACTIVE" ? [line("procurement.daysLeft", { days: view.progress.daysLeft })] : []),
        line("procurement.city", { city: p.city }),
        ...(p.deliveryAddress === null || p.deliveryAddress.trim() === ""
          ? []
          : [line("procurement.deliveryAddress", { address: p.deliveryAddress })]),
        line("procurement.deadline", moscow(p.deadline))
      ],
      "\n"
    ),
    ...(options.participant === undefined
      ? []
      : options.participant.status === "CANCELLED"
        ? [line("procurement.youLeft", {})]
        : [
            line("procurement.youJoined", {
              quantity: options.participant.quantity,
              unit: p.unit,
              amount: formatRubles(options.participant.amount),
              status: text(l, `pstatus.${options.participant.status}`)
            })
          ])
  ]
  const joined = options.participant !== undefined && options.participant.status !== "CANCELLED"
  const rows: Array<Array<Button>> = []
  if (p.status === "ACTIVE" && !joined && !options.isOrganizer)
    rows.push([button(text(l, "procurement.join"), { _tag: "JoinProcurement", id: p.id })])
  if (p.status === "ACTIVE" && joined)
    rows.push([button(text(l, "procurement.leave"), { _tag: "LeaveProcurement", id: p.id })])
  if (p.status === "PAYMENT" && options.participant?.status === "CONFIRMED") {
    const amount = formatRubles(options.participant.amount)
    rows.push([button(text(l, "procurement.pay", { amount }), { _tag: "PayProcurement", id: p.id })])
    if (options.cardPayments === true)
      rows.push([button(text(l, "procurement.payByCard", { amount }), { _tag: "PayProcurementByCard", id: p.id })])
  }
  if (options.isMember) rows.push([button(text(l, "procurement.chat"), { _tag: "OpenChat", id: p.id })])
  if (options.backToList) rows.push([button(text(l, "procurement.back"), { _tag: "BackToList" })])
  const card = join(body)
  return rows.length === 0 ? { _tag: "Text", text: card } : { _tag: "Text", text: card, keyboard: { rows } }
}

/** The organizer's controls for one of their procurements: participants and the next statuses. */
export const organizerControls = (language: Language, view: ProcurementView): ReadonlyArray<Array<Button>> => {
  const p = view.procurement
  const next = procurementTransitions[p.status]
  return [
    [button(text(language, "procurement.participantsList"), { _tag: "Participants", id: p.id })],
    ...next.map((status) => [
      button(text(language, "my.setStatus", { status: text(language, `status.${status}`) }), {
        _tag: "SetStatus",
        id: p.id,
        status
      })
    ])
  ]
}

/**
 * The profile card. `pending` is the role the account asked for and waits for; without one, a buyer gets a button to
 * ask for each of the organizer and supplier roles (another role is changed by an administrator).
 */
export const profileView = (language: Language, user: User, pending: RequestableRole | null = null): Reply => {
  const l = language
  const none = text(l, "profile.notGiven")
  const askable = pending === null && user.role === "buyer" ? (["organizer", "supplier"] as const) : []
  return {
    _tag: "Text",
    text: join([
      rich(l, "profile.title"),
      join(
        [
          rich(l, "profile.name", { value: displayName(user) }),
          rich(l, "profile.phone", { value: user.phone === null ? none : formatPhone(user.phone) }),
          rich(l, "profile.email", { value: user.email ?? none }),
          rich(l, "profile.role", { value: text(l, `role.${user.role}`) }),
          rich(l, "profile.language", { value: text(l, `language.${user.language}`) }),
          rich(l, "profile.balance", { value: formatRubles(user.balance) }),
          ...(pending === null ? [] : [rich(l, "profile.rolePending", { role: text(l, `role.${pending}`) })])
        ],
        "\n"
      )
    ]),
    keyboard: {
      rows: [
        [
          button(text(l, "profile.edit.firstName"), { _tag: "EditProfile", field: "firstName" }),
          button(text(l, "profile.edit.lastName"), { _tag: "EditProfile", field: "lastName" })
        ],
        [
          button(text(l, "profile.edit.phone"), { _tag: "EditProfile", field: "phone" }),
          button(text(l, "profile.edit.email"), { _tag: "EditProfile", field: "email" })
        ],
        ...askable.map((role) => [button(text(l, `profile.askRole.${role}`), { _tag: "RequestRole", role })]),
        [button(text(l, "menu.lang"), { _tag: "Command", name: "lang" })]
      ]
    }
  }
}

export const balanceView = (language: Language, balance: bigint, history: ReadonlyArray<Transaction>): Reply => {
  const l = language
  const lines: Array<RichText> = history.map((tx) => [
    { text: `${tx.amount > 0n ? "+" : ""}${formatRubles(tx.amount)} — ${text(l, `tx.${tx.type}`)}` } satisfies Span
  ])
  return {
    _tag: "Text",
    text: join([
      rich(l, "balance.title", { amount: formatRubles(balance) }),
      history.length === 0 ? rich(l, "balance.none") : join([rich(l, "balance.recent"), ...lines], "\n")
    ]),
    keyboard: { rows: [[button(text(l, "menu.deposit"), { _tag: "Command", name: "deposit" })]] }
  }
}
