/** Browsing procurements: the list (with filters and search), the card, joining, leaving and paying. */
import {
  Categories,
  type CategoryId,
  type CategoryNode,
  formatRubles,
  ProcurementFilter,
  ProcurementId,
  ProcurementRules,
  Procurements,
  Referrals,
  type User,
  UserId
} from "@groupbuy/core"
import { DateTime, Effect, Option, Schema } from "effect"
import { type Language, rich, text } from "../../Messages.js"
import type { Button, RichText } from "../../Model.js"
import { PaymentGateway } from "../../PaymentGateway.js"
import { bold, join, plain } from "../../RichTexts.js"
import { button } from "../ActionCode.js"
import { attempt, failureReply, registered, stale, withProcurement } from "../Common.js"
import { startFlow } from "../FlowHost.js"
import type { ListFilter } from "../Session.js"
import { emit, type Handler, type TurnState, withSession } from "../Turn.js"
import { listLine, listTitle, organizerControls, procurementCard, say } from "../Views.js"

const PAGE_SIZE = 5

const listFilter = (filter: ListFilter, offset: number) =>
  new ProcurementFilter({
    offset,
    limit: PAGE_SIZE,
    status: ["ACTIVE"],
    sort: filter.query === undefined ? "newest" : "relevance",
    ...(filter.categoryId === undefined ? {} : { categoryId: filter.categoryId }),
    ...(filter.city === undefined ? {} : { city: filter.city }),
    ...(filter.query === undefined ? {} : { query: filter.query })
  })

const filterText = (language: Language, filter: ListFilter): string | undefined => {
  const parts = [
    filter.categoryName === undefined
      ? undefined
      : text(language, "procurements.filterCategory", { name: filter.categoryName }),
    filter.city === undefined ? undefined : text(language, "procurements.filterCity", { name: filter.city }),
    filter.query === undefined ? undefined : text(language, "procurements.filterQuery", { name: filter.query })
  ].filter((p): p is string => p !== undefined)
  return parts.length === 0 ? undefined : parts.join(", ")
}

/** A page of active procurements under the session's filter (edited in place when a button asked for it). */
export const listProcurements: Handler<number> = (turn, offset) =>
  Effect.gen(function* () {
    const l = turn.language
    const filter = turn.session.filter ?? {}
    const page = yield* (yield* Procurements).list(listFilter(filter, offset))
    const pages = Math.max(1, Math.ceil(page.total / PAGE_SIZE))
    const current = Math.floor(offset / PAGE_SIZE) + 1
    const described = filterText(l, filter)
    const body = join([
      rich(l, "procurements.title", { page: current, pages }),
      ...(described === undefined ? [] : [rich(l, "procurements.filtered", { filter: described })]),
      page.items.length === 0
        ? rich(l, "procurements.empty")
        : join(
            page.items.map((view, i) => plain(`${offset + i + 1}. ${listLine(view)}`)),
            "\n"
          )
    ])
    const nav = [
      ...(offset > 0
        ? [button(text(l, "procurements.prev"), { _tag: "ListPage", offset: Math.max(0, offset - PAGE_SIZE) })]
        : []),
      ...(offset + PAGE_SIZE < page.total
        ? [button(text(l, "procurements.next"), { _tag: "ListPage", offset: offset + PAGE_SIZE })]
        : [])
    ]
    const filters = [
      button(text(l, "procurements.byCategory"), { _tag: "Filter", by: "cat" }),
      button(text(l, "procurements.byCity"), { _tag: "Filter", by: "city" }),
      ...(described === undefined ? [] : [button(text(l, "procurements.resetFilter"), { _tag: "Filter", by: "reset" })])
    ]
    const rows = [
      ...page.items.map((view) => [button(listTitle(view), { _tag: "ShowProcurement", id: view.procurement.id })]),
      ...(nav.length === 0 ? [] : [nav]),
      filters
    ]
    const listed = withSession(turn, (session) => ({ ...session, filter: { ...filter }, listOffset: offset }))
    const keyboard = { rows }
    return emit(
      listed,
      turn.update._tag === "Button" ? { _tag: "Edit", text: body, keyboard } : { _tag: "Text", text: body, keyboard }
    )
  })

/** The list from its first page under a new filter. */
export const listFiltered = (turn: TurnState, filter: ListFilter) =>
  listProcurements(
    withSession(turn, (session) => ({ ...session, filter })),
    0
  )

const myParticipant = (user: User | undefined, id: ProcurementId) =>
  user === undefined
    ? Effect.succeed(undefined)
    : Effect.map(
        Effect.flatMap(Procurements, (procurements) => procurements.participants(id)),
        (list) =>
          list
            .map((v) => v.participant)
            .filter((p) => p.userId === user.id)
            .sort((a, b) => (a.status === "CANCELLED" ? 1 : 0) - (b.status === "CANCELLED" ? 1 : 0))[0]
      )

/** The card of a procurement with what this user may do there (and the organizer's controls for the organizer). */
export const showProcurement = (turn: TurnState, id: ProcurementId, options = { organizer: false }) =>
  withProcurement(turn, id, (view) =>
    Effect.gen(function* () {
      const participant = yield* myParticipant(turn.user, id)
      const isOrganizer = turn.user !== undefined && view.procurement.organizerId === turn.user.id
      const isMember =
        turn.user !== undefined &&
        (isOrganizer || turn.user.isAdmin || (participant !== undefined && participant.status !== "CANCELLED"))
      const card = procurementCard(turn.language, view, {
        participant,
        isMember,
        isOrganizer,
        backToList: !options.organizer,
        cardPayments: (yield* PaymentGateway).payShare !== undefined
      })
      const withControls =
        (options.organizer || isOrganizer) && turn.user !== undefined && card._tag === "Text"
          ? { ...card, keyboard: { rows: [...(card.keyboard?.rows ?? []), ...organizerControls(turn.language, view)] } }
          : card
      if (view.procurement.imageUrl !== null && withControls._tag === "Text") {
        return emit(turn, {
          _tag: "Image",
          url: view.procurement.imageUrl,
          caption: withControls.text,
          ...(withControls.keyboard === undefined ? {} : { keyboard: withControls.keyboard })
        })
      }
      return emit(turn, withControls)
    })
  )

/**
 * A `/start` payload: `proc_<id>` opens that procurement's card; `ref_<user id>` (a referral link) records who invited
 * this account, where the host runs referrals (core decides whether it counts: not oneself, not after a first
 * payment, the first link only); anything else is ignored.
 */
export const startPayload = (turn: TurnState, payload: string) =>
  Effect.suspend(() => {
    const ref = /^ref_(.+)$/.exec(payload.trim())
    if (ref !== null) return recordReferral(turn, ref[1]!)
    const proc = /^proc_(.+)$/.exec(payload.trim())
    if (proc === null) return Effect.succeed(turn)
    return Option.match(Schema.decodeOption(ProcurementId)(proc[1]!), {
      onNone: () => Effect.succeed(emit(turn, say(turn.language, "procurement.notFound"))),
      onSome: (id) => showProcurement(turn, id)
    })
  })

const recordReferral = (turn: TurnState, referrer: string) =>
  Effect.gen(function* () {
    const referrals = yield* Effect.serviceOption(Referrals)
    const referrerId = Schema.decodeOption(UserId)(referrer)
    if (turn.user === undefined || Option.isNone(referrals) || Option.isNone(referrerId)) return turn
    yield* referrals.value
      .record(turn.user.id, referrerId.value)
      .pipe(Effect.catchAll((e) => Effect.logInfo("referral link not recorded", e._tag)))
    return turn
  })

/** Joining starts the join flow, unless the procurement is closed already. */
export const startJoin: Handler<ProcurementId> = (turn, id) =>
  registered(turn, () =>
    withProcurement(turn, id, (view) =>
      Effect.gen(function* () {
        const { procurement: p, progress } = view
        // a closed procurement (stopped, or past its deadline before the sweep) is refused before any question
        const closed = ProcurementRules.joinClosed(p, yield* DateTime.now)
        if (Option.isSome(closed)) return emit(turn, failureReply(turn, closed.value))
        const remaining =
          p.stopAtAmount === null
            ? null
            : (p.stopAtAmount > progress.collectedAmount ? p.stopAtAmount - progress.collectedAmount : 0n).toString()
        const hosted = yield* startFlow(turn, "join", {
          language: turn.language,
          procurementId: p.id,
          title: p.title,
          pricePerUnit: p.pricePerUnit.toString(),
          unit: p.unit,
          minQuantity: Math.max(1, p.minQuantity),
          remaining
        })
        return hosted.turn
      })
    )
  )

export const leave: Handler<ProcurementId> = (turn, id) =>
  registered(turn, (user) =>
    Effect.flatMap(Procurements, (procurements) =>
      attempt(turn, procurements.leave(user.id, id), () =>
        Effect.gen(function* () {
          const view = yield* procurements.get(id)
          return yield* showProcurement(
            emit(turn, say(turn.language, "procurement.left", { title: view.procurement.title })),
            id
          )
        })
      )
    )
  )

export const pay: Handler<ProcurementId> = (turn, id) =>
  registered(turn, (user) =>
    Effect.flatMap(Procurements, (procurements) =>
      attempt(turn, procurements.pay(user.id, id), (participant) =>
        Effect.succeed(emit(turn, say(turn.language, "procurement.paid", { amount: formatRubles(participant.amount) })))
      )
    )
  )

/** Pays one's share by card: the provider's link (or its instructions); the payment is told when it arrives. */
export const payByCard: Handler<ProcurementId> = (turn, id) =>
  registered(turn, (user) =>
    Effect.gen(function* () {
      const l = turn.language
      const payShare = (yield* PaymentGateway).payShare
      if (payShare === undefined) return yield* pay(turn, id)
      const found = yield* Effect.either((yield* Procurements).get(id))
      if (found._tag === "Left") return emit(turn, say(l, "procurement.notFound"))
      const started = yield* Effect.either(payShare(user.id, id))
      if (started._tag === "Left") return emit(turn, failureReply(turn, started.left))
      const { instructions, testMoney, url } = started.right
      const participant = yield* myParticipant(user, id)
      const amount = participant === undefined ? "" : formatRubles(participant.amount)
      const params = { title: found.right.procurement.title, amount }
      const test: RichText = testMoney ? [{ text: "\n\n" }, bold(text(l, "deposit.testMoney"))] : []
      if (url !== null && /^https?:\/\/\S+$/iu.test(url)) {
        const link: Button = { _tag: "Url", label: text(l, "procurement.payByCard", { amount }), url }
        return emit(turn, {
          _tag: "Text",
          text: [...rich(l, "procurement.cardLink", params), ...test],
          keyboard: { rows: [[link]] }
        })
      }
      const how = instructions?.trim() ?? ""
      const pending = rich(l, "procurement.cardPending", params)
      return emit(turn, {
        _tag: "Text",
        text: how === "" ? [...pending, ...test] : join([pending, [...plain(how), ...test]])
      })
    })
  )

const categoryButtons = (nodes: ReadonlyArray<CategoryNode>, depth = 0): Array<Array<Button>> =>
  nodes.flatMap((node) => [
    [
      button(
        `${"  ".repeat(depth)}${node.category.icon === null ? "" : `${node.category.icon} `}${node.category.name}`,
        {
          _tag: "PickCategory",
          id: node.category.id
        }
      )
    ],
    ...(depth < 1 ? categoryButtons(node.children, depth + 1) : [])
  ])

export const filter: Handler<"cat" | "city" | "reset"> = (turn, by) =>
  Effect.gen(function* () {
    const l = turn.language
    switch (by) {
      case "cat": {
        const tree = yield* (yield* Categories).tree()
        if (tree.length === 0) return emit(turn, say(l, "procurements.noCategories"))
        return emit(turn, {
          _tag: "Text",
          text: rich(l, "procurements.pickCategory"),
          keyboard: { rows: categoryButtons(tree) }
        })
      }
      case "city":
        return emit(
          withSession(turn, (session) => ({ ...session, awaiting: { kind: "city" } })),
          say(l, "procurements.askCity")
        )
      case "reset":
        return yield* listFiltered(turn, {})
    }
  })

export const pickCategory: Handler<CategoryId> = (turn, id) =>
  Effect.gen(function* () {
    const found = yield* Effect.either((yield* Categories).get(id))
    if (found._tag === "Left") return yield* stale(turn)
    const category = found.right
    return yield* listFiltered(turn, {
      ...(turn.session.filter ?? {}),
      categoryId: category.id,
      categoryName: category.name
    })
  })

/** `/search [words]`: lists matches at once, or asks for the words. */
export const search: Handler<string> = (turn, args) => {
  if (args.trim().length >= 2) return listFiltered(turn, { query: args.trim() })
  return Effect.succeed(
    emit(
      withSession(turn, (session) => ({ ...session, awaiting: { kind: "search" } })),
      say(turn.language, "search.ask")
    )
  )
}

/** The answer to "what to search for" (`rest` is the session without the prompt). */
export const searchAnswered = (turn: TurnState, input: string) =>
  input.trim().length < 2
    ? Effect.succeed(emit(turn, say(turn.language, "search.tooShort")))
    : listFiltered(
        withSession(turn, ({ awaiting: _a, ...rest }) => rest),
        { query: input.trim() }
      )

/** The answer to "which city". */
export const cityAnswered = (turn: TurnState, input: string) =>
  input.trim().length < 2
    ? Effect.succeed(emit(turn, say(turn.language, "procurements.askCity")))
    : listFiltered(
        withSession(turn, ({ awaiting: _a, ...rest }) => rest),
        { ...(turn.session.filter ?? {}), city: input.trim() }
      )
