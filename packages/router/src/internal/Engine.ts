/**
 * The engine behind `Router`: one turn per update under the chat's lock — de-duplicate, load the session, resolve
 * the account, route, fit the replies (binding button tokens to this menu generation), persist the session.
 */
import {
  Categories,
  Chat,
  type Category,
  type ChatMessage,
  type CategoryNode,
  CreateProcurement,
  type DomainEvent,
  formatRubles,
  IdentityRef,
  kopecks,
  Ledger,
  Notifications,
  PageRequest,
  PostMessage,
  ProcurementFilter,
  ProcurementId,
  ProcurementRules,
  Procurements,
  type ProcurementStatus,
  type ProcurementView,
  RegisterUser,
  UpdateProfile,
  type User,
  UserId,
  userActor,
  Users
} from "@groupbuy/core"
import { Cause, Clock, DateTime, Duration, Effect, Layer, Option, Random, Schema } from "effect"
import type { AnyStateMachine } from "xstate"
import { BroadcastChannels } from "../BroadcastChannels.js"
import { Deliver } from "../Deliver.js"
import { fitAll } from "../Fit.js"
import { flows, type FlowName, migrateSnapshot } from "../flows/index.js"
import { BACK_ACTION, CANCEL_ACTION, type FlowRequest } from "../flows/Protocol.js"
import { parseMenuAnswer } from "../MenuAnswer.js"
import { type Language, languageOf, rich, text } from "../Messages.js"
import { Capabilities, ChatRef, type Keyboard, type Reply, type RichText, type Update } from "../Model.js"
import { PaymentGateway } from "../PaymentGateway.js"
import { join, plain } from "../RichTexts.js"
import { Router, type RouterOptions, type RouterService } from "../Router.js"
import { SessionStore } from "../SessionStore.js"
import { describeError, type DomainFailure, isDomainFailure } from "./Errors.js"
import { runFlowTurn, type UnstampedEvent } from "./FlowRunner.js"
import { ChatLock, ChatLockTimeout } from "../ChatLock.js"
import { makeKeyedLock } from "./KeyedLock.js"
import {
  dedupeKey,
  decodeSession,
  type ListFilter,
  lastRefKey,
  type MenuState,
  type Session,
  sessionKey
} from "./Session.js"
import {
  balanceView,
  button,
  displayName,
  listLine,
  mainMenu,
  organizerControls,
  procurementCard,
  profileView,
  say
} from "./Views.js"

/** Used for a bot that never declared capabilities: plain text only, so nothing is ever refused. */
const PLAIN_TEXT = new Capabilities({
  maxTextLength: 1000,
  maxCaptionLength: 0,
  buttons: false,
  urlButtons: false,
  requestContact: false,
  edits: false,
  media: false,
  toasts: false,
  maxButtonsPerRow: 0,
  maxRows: 0,
  maxButtonLabel: 0,
  maxCallbackBytes: 0
})

const PAGE_SIZE = 5
const FLOW_ACTION = "f:"
const BACK_WORDS = new Set(["назад", "back"])
const CANCEL_WORDS = new Set(["отмена", "cancel", "стоп", "stop"])

/** The mutable state of one turn. */
interface Turn {
  readonly update: Update
  readonly ref: ChatRef
  readonly now: number
  readonly capabilities: Capabilities
  session: Session
  user: User | undefined
  language: Language
  readonly out: Array<Reply>
  /** an already fitted reply (a page of an overflowing keyboard) that bypasses fitting */
  direct: Reply | undefined
}

const identityOf = (ref: ChatRef) =>
  new IdentityRef({
    platform: ref.platform,
    externalId: ref.userId,
    ...(ref.username === undefined ? {} : { username: ref.username }),
    ...(ref.displayName === undefined ? {} : { displayName: ref.displayName })
  })

const hasKeyboard = (reply: Reply) => reply._tag !== "Toast" && reply.keyboard !== undefined

const mapActions = (reply: Reply, f: (data: string) => string): Reply => {
  if (reply._tag === "Toast" || reply.keyboard === undefined) return reply
  const keyboard: Keyboard = {
    rows: reply.keyboard.rows.map((row) => row.map((b) => (b._tag === "Action" ? { ...b, data: f(b.data) } : b)))
  }
  return { ...reply, keyboard }
}

/** Flow buttons are namespaced so that a press reaches the flow only while it is still active. */
const wrapFlowReply = (reply: Reply) =>
  mapActions(reply, (data) => (data === BACK_ACTION || data === CANCEL_ACTION ? data : `${FLOW_ACTION}${data}`))

const usesFlowActions = (reply: Reply) =>
  reply._tag !== "Toast" &&
  (reply.keyboard?.rows ?? []).some((row) => row.some((b) => b._tag === "Action" && b.data.startsWith(FLOW_ACTION)))

const isUuid = (s: string) => Schema.is(ProcurementId)(s)

const NONCE_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
const nonce = Effect.map(
  Effect.all(Array.from({ length: 4 }, () => Random.nextIntBetween(0, NONCE_ALPHABET.length))),
  (ns) => ns.map((n) => NONCE_ALPHABET[n]).join("")
)

interface LastRefs {
  readonly [bot: string]: { readonly ref: typeof ChatRef.Encoded; readonly at: number }
}

export const makeRouter = (options: RouterOptions = {}) =>
  Effect.gen(function* () {
    const users = yield* Users
    const procurements = yield* Procurements
    const ledger = yield* Ledger
    const chat = yield* Chat
    const notifications = yield* Notifications
    const categories = yield* Categories
    const gateway = yield* PaymentGateway
    const store = yield* SessionStore
    const deliver = yield* Deliver
    const channels = yield* BroadcastChannels
    // per-chat exclusion: the provided ChatLock (Redis across instances), else in-process
    const providedLock = yield* Effect.serviceOption(ChatLock)
    const locks = Option.isSome(providedLock) ? providedLock.value : yield* makeKeyedLock
    const capabilitiesByBot = new Map<string, Capabilities>()

    const flowTtl = Duration.toMillis(Duration.decode(options.flowTtl ?? "24 hours"))
    const sessionTtl = options.sessionTtl ?? "30 days"
    const dedupeTtl = options.dedupeTtl ?? "24 hours"
    const webBaseUrl = (options.webBaseUrl ?? "http://localhost:3000").replace(/\/+$/, "")

    const fitLabels = (language: Language) => ({
      more: text(language, "fit.more"),
      first: text(language, "fit.first"),
      numberHint: text(language, "fit.numberHint"),
      contactHint: text(language, "fit.contactHint")
    })

    // -------------------------------------------------------------------------------------------------------------
    // Fitting and the payload table

    /** Fits the replies; when they carry a keyboard, a new menu generation replaces the session's payload table. */
    const present = (replies: ReadonlyArray<Reply>, capabilities: Capabilities, language: Language, session: Session) =>
      Effect.gen(function* () {
        if (!replies.some(hasKeyboard)) {
          const fitted = fitAll(replies, capabilities, { labels: fitLabels(language) })
          return { replies: fitted.replies, session }
        }
        const prefix = yield* nonce
        const fitted = fitAll(replies, capabilities, { tokenPrefix: prefix, labels: fitLabels(language) })
        const menu: MenuState = {
          nonce: prefix,
          bindings: fitted.bindings,
          menu: fitted.menu,
          numbered: fitted.menu.some((entry) => entry.number !== null),
          shown: replies.filter(hasKeyboard)
        }
        return { replies: fitted.replies, session: { ...session, menu } }
      })

    // -------------------------------------------------------------------------------------------------------------
    // Core calls

    const failureReply = (language: Language, error: DomainFailure): Reply => ({
      _tag: "Text",
      text: plain(describeError(language, error).message)
    })

    /** Runs a core call; a domain error becomes a reply in the user's language instead of failing the turn. */
    const attempt = <A, E, R, E2, R2>(
      turn: Turn,
      effect: Effect.Effect<A, E, R>,
      onSuccess: (a: A) => Effect.Effect<void, E2, R2>
    ): Effect.Effect<void, E | E2, R | R2> =>
      effect.pipe(
        Effect.matchEffect({
          onFailure: (error): Effect.Effect<void, E | E2, R | R2> =>
            isDomainFailure(error)
              ? Effect.sync(() => void turn.out.push(failureReply(turn.language, error)))
              : Effect.fail(error),
          onSuccess
        })
      )

    const refreshUser = (turn: Turn) =>
      Effect.map(users.resolve(identityOf(turn.ref)), (resolved) => {
        turn.user = Option.getOrUndefined(Option.map(resolved, (r) => r.user))
        if (turn.user !== undefined) turn.language = turn.user.language
      })

    // -------------------------------------------------------------------------------------------------------------
    // Flows

    const performRequest =
      (turn: Turn) =>
      (request: FlowRequest): Effect.Effect<UnstampedEvent> => {
        const done = (data: unknown): UnstampedEvent => ({ type: "io.done", request: request._tag, data })
        const failed = (error: DomainFailure): UnstampedEvent => {
          const described = describeError(turn.language, error)
          return {
            type: "io.failed",
            request: request._tag,
            code: described.code,
            message: described.message,
            params: described.params
          }
        }
        const userId = turn.user?.id
        const run = Effect.gen(function* () {
          switch (request._tag) {
            case "RegisterUser": {
              const user = yield* users.register(
                new RegisterUser({
                  identity: identityOf(turn.ref),
                  firstName: request.firstName,
                  lastName: request.lastName,
                  phone: request.phone,
                  email: request.email,
                  language: turn.language,
                  role: request.role
                })
              )
              turn.user = user
              return done({ userId: user.id })
            }
            case "LoadCategories": {
              const tree = yield* categories.tree()
              const find = (nodes: ReadonlyArray<CategoryNode>): ReadonlyArray<CategoryNode> | undefined => {
                if (request.parentId === null) return nodes
                for (const node of nodes) {
                  if (node.category.id === request.parentId) return node.children
                  const below = find(node.children)
                  if (below !== undefined) return below
                }
                return undefined
              }
              return done(
                (find(tree) ?? []).map((node) => ({
                  id: node.category.id,
                  name: node.category.name,
                  icon: node.category.icon,
                  hasChildren: node.children.length > 0
                }))
              )
            }
            case "CreateProcurement": {
              if (userId === undefined) return yield* Effect.dieMessage("CreateProcurement without an account")
              const view = yield* procurements.create(
                new CreateProcurement({
                  organizerId: userId,
                  title: request.title,
                  description: request.description,
                  categoryId: request.categoryId === null ? null : (request.categoryId as never),
                  targetAmount: kopecks(BigInt(request.targetAmount)),
                  pricePerUnit: kopecks(BigInt(request.pricePerUnit)),
                  unit: request.unit,
                  minQuantity: request.minQuantity,
                  deadline: DateTime.unsafeMake(request.deadline),
                  city: request.city,
                  deliveryAddress: request.deliveryAddress,
                  stopAtAmount: request.stopAtAmount === null ? null : kopecks(BigInt(request.stopAtAmount)),
                  imageUrl: request.imageUrl,
                  publish: request.publish
                })
              )
              return done({ procurementId: view.procurement.id, status: view.procurement.status })
            }
            case "CreateDeposit": {
              if (userId === undefined) return yield* Effect.dieMessage("CreateDeposit without an account")
              const link = yield* gateway.createDeposit(userId, BigInt(request.amount))
              return done({
                paymentId: link.paymentId,
                url: link.url,
                instructions: link.instructions,
                testMoney: link.testMoney
              })
            }
            case "JoinProcurement": {
              if (userId === undefined) return yield* Effect.dieMessage("JoinProcurement without an account")
              const participant = yield* procurements.join(
                userId,
                request.procurementId as ProcurementId,
                request.quantity
              )
              return done({ participantId: participant.id, amount: participant.amount.toString() })
            }
          }
        })
        return run.pipe(
          Effect.catchIf(isDomainFailure, (error) => Effect.succeed(failed(error))),
          Effect.catchAll((error) => Effect.die(error))
        )
      }

    const flowLabel = (language: Language, name: FlowName) => text(language, `flow.${name}`)

    /** Runs one turn of flow `name` (a start when `event` is undefined and no snapshot is stored). */
    const runFlow = (turn: Turn, name: FlowName, input: unknown, event: UnstampedEvent | undefined) =>
      Effect.gen(function* () {
        const definition = flows[name]
        const machine = definition.machine as AnyStateMachine
        const stored = turn.session.flow
        let snapshot = undefined
        let send = event
        if (stored !== undefined && stored.name === name && event !== undefined) {
          snapshot = migrateSnapshot(name, stored.version, stored.snapshot)
          if (snapshot === undefined) {
            // an older version that cannot be carried over: restart politely, never leave the user stuck
            turn.out.push(say(turn.language, "flow.restarted", { flow: flowLabel(turn.language, name) }))
            send = undefined
          }
        }
        const decodedInput = yield* Schema.decodeUnknown(definition.input as Schema.Schema<unknown>)(input).pipe(
          Effect.orDie
        )
        const result = yield* runFlowTurn({
          flow: name,
          machine,
          input: decodedInput,
          snapshot,
          event: send,
          perform: performRequest(turn)
        })
        turn.out.push(...result.replies.map(wrapFlowReply))
        if (result.done) {
          const { flow: _ended, ...rest } = turn.session
          turn.session = rest
          yield* flowFinished(turn, name, result.output)
        } else {
          turn.session = {
            ...turn.session,
            flow: {
              name,
              version: definition.version,
              input: decodedInput,
              snapshot: result.snapshot,
              updatedAt: turn.now
            }
          }
        }
      })

    const startFlow = (turn: Turn, name: FlowName, input: unknown) =>
      Effect.suspend(() => {
        const { flow: _old, awaiting: _awaiting, ...rest } = turn.session
        turn.session = rest
        return runFlow(turn, name, input, undefined)
      })

    const flowEvent = (turn: Turn, event: UnstampedEvent) =>
      Effect.suspend(() => {
        const flow = turn.session.flow
        if (flow === undefined) return stale(turn)
        return runFlow(turn, flow.name, flow.input, event)
      })

    const flowFinished = (turn: Turn, name: FlowName, _output: unknown) =>
      Effect.gen(function* () {
        if (name !== "registration") return
        yield* refreshUser(turn)
        const pending = turn.session.pendingStart
        const { pendingStart: _p, ...rest } = turn.session
        turn.session = rest
        turn.out.push(mainMenu(turn.language, turn.user))
        if (pending !== undefined) yield* startPayload(turn, pending)
      })

    // -------------------------------------------------------------------------------------------------------------
    // Simple replies

    const showMainMenu = (turn: Turn, heading?: RichText) =>
      Effect.sync(() => {
        turn.out.push(mainMenu(turn.language, turn.user, heading))
      })

    const unknown = (turn: Turn) =>
      showMainMenu(turn, join([rich(turn.language, "unknown"), rich(turn.language, "help.text")]))

    const stale = (turn: Turn) =>
      Effect.sync(() => {
        turn.out.push(say(turn.language, "stale"))
        const shown = turn.session.menu?.shown ?? []
        const reusable = shown.length > 0 && (turn.session.flow !== undefined || !shown.some(usesFlowActions))
        if (reusable) turn.out.push(...shown)
        else turn.out.push(mainMenu(turn.language, turn.user))
      })

    const needRegistration = (turn: Turn) =>
      Effect.sync(() => {
        turn.out.push(mainMenu(turn.language, undefined, rich(turn.language, "needRegistration")))
      })

    /** Runs `body` with the registered user, or asks to register. */
    const registered = (turn: Turn, body: (user: User) => Effect.Effect<void, unknown>) =>
      Effect.suspend(() => (turn.user === undefined ? needRegistration(turn) : body(turn.user)))

    const cancel = (turn: Turn) =>
      Effect.sync(() => {
        const { flow, awaiting, chat: chatMode, ...rest } = turn.session
        turn.session = rest
        if (chatMode !== undefined) turn.out.push(say(turn.language, "chat.left", { title: chatMode.title }))
        const key =
          flow !== undefined || awaiting !== undefined || chatMode !== undefined ? "cancel.done" : "cancel.nothing"
        turn.out.push(mainMenu(turn.language, turn.user, rich(turn.language, key)))
      })

    // -------------------------------------------------------------------------------------------------------------
    // Procurements

    const listFilter = (filter: ListFilter, offset: number) =>
      new ProcurementFilter({
        offset,
        limit: PAGE_SIZE,
        status: ["ACTIVE"],
        sort: filter.query === undefined ? "newest" : "relevance",
        ...(filter.categoryId === undefined ? {} : { categoryId: filter.categoryId as Category["id"] }),
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

    const listProcurements = (turn: Turn, offset: number) =>
      Effect.gen(function* () {
        const l = turn.language
        const filter = turn.session.filter ?? {}
        const page = yield* procurements.list(listFilter(filter, offset))
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
          ...(offset > 0 ? [button(text(l, "procurements.prev"), `p:list:${Math.max(0, offset - PAGE_SIZE)}`)] : []),
          ...(offset + PAGE_SIZE < page.total
            ? [button(text(l, "procurements.next"), `p:list:${offset + PAGE_SIZE}`)]
            : [])
        ]
        const filters = [
          button(text(l, "procurements.byCategory"), "p:filter:cat"),
          button(text(l, "procurements.byCity"), "p:filter:city"),
          ...(described === undefined ? [] : [button(text(l, "procurements.resetFilter"), "p:filter:reset")])
        ]
        const rows = [
          ...page.items.map((view, i) => [button(view.procurement.title, `p:show:${view.procurement.id}`)]),
          ...(nav.length === 0 ? [] : [nav]),
          filters
        ]
        turn.session = { ...turn.session, filter: { ...filter }, listOffset: offset }
        const inPlace = turn.update._tag === "Button"
        turn.out.push(
          inPlace ? { _tag: "Edit", text: body, keyboard: { rows } } : { _tag: "Text", text: body, keyboard: { rows } }
        )
      })

    const myParticipant = (user: User | undefined, id: ProcurementId) =>
      user === undefined
        ? Effect.succeed(undefined)
        : Effect.map(
            procurements.participants(id),
            (list) =>
              list
                .map((v) => v.participant)
                .filter((p) => p.userId === user.id)
                .sort((a, b) => (a.status === "CANCELLED" ? 1 : 0) - (b.status === "CANCELLED" ? 1 : 0))[0]
          )

    const showProcurement = (turn: Turn, id: string, options: { readonly organizer: boolean } = { organizer: false }) =>
      Effect.gen(function* () {
        if (!isUuid(id)) return void turn.out.push(say(turn.language, "procurement.notFound"))
        const pid = id as ProcurementId
        const found = yield* Effect.either(procurements.get(pid))
        if (found._tag === "Left") return void turn.out.push(say(turn.language, "procurement.notFound"))
        const view = found.right
        const participant = yield* myParticipant(turn.user, pid)
        const isOrganizer = turn.user !== undefined && view.procurement.organizerId === turn.user.id
        const isMember =
          turn.user !== undefined &&
          (isOrganizer || turn.user.isAdmin || (participant !== undefined && participant.status !== "CANCELLED"))
        const card = procurementCard(turn.language, view, {
          participant,
          registered: turn.user !== undefined,
          isMember,
          isOrganizer,
          backToList: !options.organizer
        })
        const withControls =
          (options.organizer || isOrganizer) && turn.user !== undefined && card._tag === "Text"
            ? {
                ...card,
                keyboard: {
                  rows: [...(card.keyboard?.rows ?? []), ...organizerControls(turn.language, view)]
                }
              }
            : card
        if (view.procurement.imageUrl !== null && withControls._tag === "Text") {
          turn.out.push({
            _tag: "Image",
            url: view.procurement.imageUrl,
            caption: withControls.text,
            ...(withControls.keyboard === undefined ? {} : { keyboard: withControls.keyboard })
          })
        } else turn.out.push(withControls)
      })

    const startJoin = (turn: Turn, id: string) =>
      registered(turn, () =>
        Effect.gen(function* () {
          if (!isUuid(id)) return void turn.out.push(say(turn.language, "procurement.notFound"))
          const found = yield* Effect.either(procurements.get(id as ProcurementId))
          if (found._tag === "Left") return void turn.out.push(say(turn.language, "procurement.notFound"))
          const { procurement: p, progress } = found.right
          // a closed procurement (stopped, or past its deadline before the sweep) is refused before any question
          const closed = ProcurementRules.joinClosed(p, yield* DateTime.now)
          if (Option.isSome(closed)) return void turn.out.push(failureReply(turn.language, closed.value))
          const remaining =
            p.stopAtAmount === null
              ? null
              : (p.stopAtAmount > progress.collectedAmount ? p.stopAtAmount - progress.collectedAmount : 0n).toString()
          yield* startFlow(turn, "join", {
            language: turn.language,
            procurementId: p.id,
            title: p.title,
            pricePerUnit: p.pricePerUnit.toString(),
            unit: p.unit,
            minQuantity: Math.max(1, p.minQuantity),
            remaining
          })
        })
      )

    const categoryButtons = (nodes: ReadonlyArray<CategoryNode>, depth = 0): Array<Array<ReturnType<typeof button>>> =>
      nodes.flatMap((node) => [
        [
          button(
            `${"  ".repeat(depth)}${node.category.icon === null ? "" : `${node.category.icon} `}${node.category.name}`,
            `p:cat:${node.category.id}`
          )
        ],
        ...(depth < 1 ? categoryButtons(node.children, depth + 1) : [])
      ])

    const myProcurements = (turn: Turn, user: User) =>
      Effect.gen(function* () {
        const l = turn.language
        const mine = yield* procurements.forUser(user.id)
        const joined = mine.joined.filter((j) => j.participant.status !== "CANCELLED")
        if (mine.organized.length === 0 && joined.length === 0)
          return void turn.out.push(mainMenu(l, user, rich(l, "my.none")))
        const lines: Array<RichText> = [rich(l, "my.title")]
        const rows: Array<Array<ReturnType<typeof button>>> = []
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
          rows.push(...mine.organized.map((v) => [button(`⚙️ ${v.procurement.title}`, `my:show:${v.procurement.id}`)]))
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
          rows.push(...joined.map((j) => [button(`🛒 ${j.view.procurement.title}`, `p:show:${j.view.procurement.id}`)]))
        }
        turn.out.push({ _tag: "Text", text: join(lines), keyboard: { rows } })
      })

    const participantsOf = (turn: Turn, user: User, id: string) =>
      Effect.gen(function* () {
        const l = turn.language
        if (!isUuid(id)) return void turn.out.push(say(l, "procurement.notFound"))
        const view = yield* Effect.either(procurements.get(id as ProcurementId))
        if (view._tag === "Left") return void turn.out.push(say(l, "procurement.notFound"))
        const p = view.right.procurement
        if (p.organizerId !== user.id && !user.isAdmin) return void turn.out.push(say(l, "error.forbidden"))
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
            button(text(l, "my.confirm", { name: displayName(v.user) }), `my:confirm:${v.participant.id}:${p.id}`)
          ])
        turn.out.push({
          _tag: "Text",
          text: join([
            rich(l, "my.participants", { title: p.title }),
            list.length === 0 ? rich(l, "my.noParticipants") : join(lines, "\n")
          ]),
          keyboard: { rows: [...rows, [button(text(l, "procurement.back"), `my:show:${p.id}`)]] }
        })
      })

    // -------------------------------------------------------------------------------------------------------------
    // Chat mode

    const openChat = (turn: Turn, user: User, id: string) =>
      Effect.gen(function* () {
        const l = turn.language
        if (!isUuid(id)) return void turn.out.push(say(l, "procurement.notFound"))
        const pid = id as ProcurementId
        const found = yield* Effect.either(procurements.get(pid))
        if (found._tag === "Left") return void turn.out.push(say(l, "procurement.notFound"))
        const title = found.right.procurement.title
        yield* attempt(turn, chat.history(userActor(user.id, user.isAdmin), pid, { limit: 5 }), (history) =>
          Effect.gen(function* () {
            const names = new Map<string, string>()
            for (const message of history) {
              if (message.userId !== null && !names.has(message.userId)) {
                const author = yield* Effect.either(users.get(message.userId))
                names.set(message.userId, author._tag === "Right" ? displayName(author.right) : text(l, "chat.someone"))
              }
            }
            const { flow: _f, awaiting: _a, ...rest } = turn.session
            turn.session = { ...rest, chat: { procurementId: pid, title } }
            const lines = history
              .filter((m) => m.deletedAt === null)
              .map((m) =>
                plain(`${m.userId === null ? text(l, "chat.system") : (names.get(m.userId) ?? "")}: ${m.text}`)
              )
            turn.out.push({
              _tag: "Text",
              text: join([
                rich(l, "chat.entered", { title }),
                ...(lines.length === 0 ? [] : [join([rich(l, "chat.history"), ...lines], "\n")])
              ]),
              keyboard: { rows: [[button(text(l, "chat.leave"), "chat:leave")]] }
            })
          })
        )
      })

    const postToChat = (
      turn: Turn,
      user: User,
      content: { readonly text: string; readonly url?: string; readonly kind?: "photo" | "file" }
    ) =>
      Effect.suspend(() => {
        const mode = turn.session.chat!
        return attempt(
          turn,
          chat.post(
            new PostMessage({
              procurementId: mode.procurementId as ProcurementId,
              userId: user.id,
              type: content.kind === undefined ? "TEXT" : content.kind === "photo" ? "IMAGE" : "FILE",
              text: content.text,
              attachmentUrl: content.url ?? null,
              originPlatform: turn.ref.platform
            })
          ),
          () => Effect.void
        )
      })

    // -------------------------------------------------------------------------------------------------------------
    // Commands

    const startPayload = (turn: Turn, payload: string) =>
      Effect.suspend(() => {
        const proc = /^proc_(.+)$/.exec(payload.trim())
        if (proc !== null) return showProcurement(turn, proc[1]!)
        return Effect.void
      })

    const start = (turn: Turn, args: string) =>
      Effect.gen(function* () {
        if (turn.user !== undefined) {
          turn.out.push(
            mainMenu(turn.language, turn.user, rich(turn.language, "welcome.back", { name: turn.user.firstName }))
          )
          if (args.trim() !== "") yield* startPayload(turn, args)
          return
        }
        if (args.trim() !== "") turn.session = { ...turn.session, pendingStart: args.trim() }
        turn.out.push(say(turn.language, "welcome.new"))
        yield* startFlow(turn, "registration", { language: turn.language })
      })

    const command = (turn: Turn, name: string, args: string): Effect.Effect<void, unknown> =>
      Effect.suspend(() => {
        const l = turn.language
        const keepsFlow = name === "help" || name === "lang" || name === "cancel"
        if (!keepsFlow) {
          const { flow: _f, awaiting: _a, ...rest } = turn.session
          turn.session = rest
        }
        switch (name) {
          case "cancel":
            return cancel(turn)
          case "start":
            return start(turn, args)
          case "help":
            return showMainMenu(turn, rich(l, "help.text"))
          case "lang":
            return Effect.sync(() => {
              turn.out.push({
                _tag: "Text",
                text: rich(l, "lang.ask"),
                keyboard: {
                  rows: [[button(text(l, "language.ru"), "lang:ru"), button(text(l, "language.en"), "lang:en")]]
                }
              })
            })
          case "procurements":
            // a command starts from its own defaults: the filter of an earlier /search or "by city" does not stick
            turn.session = { ...turn.session, filter: {} }
            return listProcurements(turn, 0)
          case "search": {
            if (args.trim().length >= 2) {
              turn.session = { ...turn.session, filter: { query: args.trim() } }
              return listProcurements(turn, 0)
            }
            turn.session = { ...turn.session, awaiting: { kind: "search" } }
            return Effect.sync(() => turn.out.push(say(l, "search.ask")))
          }
          case "profile":
            return registered(turn, (user) => Effect.sync(() => turn.out.push(profileView(l, user))))
          case "balance":
            return registered(turn, (user) =>
              Effect.gen(function* () {
                const balance = yield* ledger.balance(user.id)
                const history = yield* ledger.history(user.id, new PageRequest({ offset: 0, limit: 5 }))
                turn.out.push(balanceView(l, balance, history.items))
              })
            )
          case "notifications":
            return registered(turn, (user) =>
              Effect.gen(function* () {
                const page = yield* notifications.list(user.id, { offset: 0, limit: 10, unreadOnly: true })
                if (page.items.length === 0) return void turn.out.push(say(l, "notifications.none"))
                const lines = page.items.map((n) => join([[{ text: n.title, bold: true }], plain(n.body)], "\n"))
                turn.out.push({
                  _tag: "Text",
                  text: join([rich(l, "notifications.title", { count: page.total }), ...lines]),
                  keyboard: { rows: [[button(text(l, "notifications.markRead"), "notif:read")]] }
                })
              })
            )
          case "deposit":
            return registered(turn, () => startFlow(turn, "deposit", { language: l }))
          case "my_procurements":
            return registered(turn, (user) => myProcurements(turn, user))
          case "create_procurement":
            return registered(turn, (user) =>
              user.role === "organizer" || user.isAdmin
                ? startFlow(turn, "createProcurement", { language: l })
                : Effect.sync(() => turn.out.push(mainMenu(l, user, rich(l, "create.forbidden"))))
            )
          case "chat":
            return registered(turn, (user) =>
              Effect.gen(function* () {
                const mine = yield* procurements.forUser(user.id)
                const views: Array<ProcurementView> = [
                  ...mine.organized,
                  ...mine.joined.filter((j) => j.participant.status !== "CANCELLED").map((j) => j.view)
                ]
                if (views.length === 0) return void turn.out.push(say(l, "chat.none"))
                turn.out.push({
                  _tag: "Text",
                  text: rich(l, "chat.pick"),
                  keyboard: { rows: views.map((v) => [button(v.procurement.title, `chat:open:${v.procurement.id}`)]) }
                })
              })
            )
          case "broadcast":
            return registered(turn, (user) =>
              Effect.gen(function* () {
                if (user.role !== "organizer" && !user.isAdmin) return void turn.out.push(say(l, "broadcast.forbidden"))
                const mine = yield* procurements.forUser(user.id)
                const active = mine.organized.filter((v) => v.procurement.status === "ACTIVE")
                if (active.length === 0) return void turn.out.push(say(l, "broadcast.nothing"))
                turn.out.push({
                  _tag: "Text",
                  text: rich(l, "broadcast.pick"),
                  keyboard: { rows: active.map((v) => [button(v.procurement.title, `bc:${v.procurement.id}`)]) }
                })
              })
            )
          case "link": {
            const code = args.trim()
            if (code !== "") {
              return attempt(turn, users.redeemLinkCode(code, identityOf(turn.ref)), (user) =>
                Effect.gen(function* () {
                  yield* refreshUser(turn)
                  turn.out.push(
                    mainMenu(turn.language, turn.user, rich(turn.language, "link.done", { name: user.firstName }))
                  )
                })
              )
            }
            return registered(turn, (user) =>
              attempt(turn, users.createCode(user.id, "link", "15 minutes"), (issued) =>
                Effect.sync(() => turn.out.push(say(l, "link.code", { code: issued.code, minutes: 15 })))
              )
            )
          }
          case "web":
            return registered(turn, (user) =>
              attempt(turn, users.createCode(user.id, "web_login", "10 minutes"), (issued) =>
                Effect.sync(() =>
                  turn.out.push({
                    _tag: "Text",
                    text: rich(l, "web.link", { minutes: 10 }),
                    keyboard: {
                      rows: [
                        [
                          {
                            _tag: "Url",
                            label: text(l, "web.open"),
                            url: `${webBaseUrl}/login?code=${encodeURIComponent(issued.code)}`
                          }
                        ]
                      ]
                    }
                  })
                )
              )
            )
          default:
            return unknown(turn)
        }
      })

    // -------------------------------------------------------------------------------------------------------------
    // Actions (button presses and menu answers)

    const action = (turn: Turn, data: string): Effect.Effect<void, unknown> =>
      Effect.suspend(() => {
        const l = turn.language
        if (data === CANCEL_ACTION) return cancel(turn)
        if (data === BACK_ACTION) return flowEvent(turn, { type: "back" })
        if (data.startsWith(FLOW_ACTION))
          return flowEvent(turn, { type: "action", action: data.slice(FLOW_ACTION.length) })
        const [kind, verb, arg, extra] = data.split(":")
        switch (`${kind}:${verb}`) {
          case `cmd:${verb}`:
            return command(turn, verb ?? "", "")
          case "p:list":
            return listProcurements(turn, Math.max(0, Number(arg) || 0))
          case "p:back":
            return listProcurements(turn, turn.session.listOffset ?? 0)
          case "p:show":
            return showProcurement(turn, arg ?? "")
          case "p:join":
            return startJoin(turn, arg ?? "")
          case "p:leave":
            return registered(turn, (user) =>
              attempt(turn, procurements.leave(user.id, (arg ?? "") as ProcurementId), () =>
                Effect.gen(function* () {
                  const view = yield* procurements.get(arg as ProcurementId)
                  turn.out.push(say(l, "procurement.left", { title: view.procurement.title }))
                  yield* showProcurement(turn, arg ?? "")
                })
              )
            )
          case "p:pay":
            return registered(turn, (user) =>
              attempt(turn, procurements.pay(user.id, (arg ?? "") as ProcurementId), (participant) =>
                Effect.sync(() =>
                  turn.out.push(say(l, "procurement.paid", { amount: formatRubles(participant.amount) }))
                )
              )
            )
          case "p:filter":
            if (arg === "cat") {
              return Effect.gen(function* () {
                const tree = yield* categories.tree()
                if (tree.length === 0) return void turn.out.push(say(l, "procurements.noCategories"))
                turn.out.push({
                  _tag: "Text",
                  text: rich(l, "procurements.pickCategory"),
                  keyboard: { rows: categoryButtons(tree) }
                })
              })
            }
            if (arg === "city") {
              turn.session = { ...turn.session, awaiting: { kind: "city" } }
              return Effect.sync(() => turn.out.push(say(l, "procurements.askCity")))
            }
            turn.session = { ...turn.session, filter: {} }
            return listProcurements(turn, 0)
          case "p:cat":
            return Effect.gen(function* () {
              const found = yield* Effect.either(categories.get((arg ?? "") as Category["id"]))
              if (found._tag === "Left") return yield* stale(turn)
              turn.session = {
                ...turn.session,
                filter: { ...(turn.session.filter ?? {}), categoryId: found.right.id, categoryName: found.right.name }
              }
              yield* listProcurements(turn, 0)
            })
          case "my:show":
            return registered(turn, () => showProcurement(turn, arg ?? "", { organizer: true }))
          case "my:parts":
            return registered(turn, (user) => participantsOf(turn, user, arg ?? ""))
          case "my:confirm":
            return registered(turn, (user) =>
              attempt(
                turn,
                procurements.confirmParticipant(userActor(user.id, user.isAdmin), (arg ?? "") as never),
                (participant) =>
                  Effect.gen(function* () {
                    const who = yield* Effect.either(users.get(participant.userId))
                    turn.out.push(say(l, "my.confirmed", { name: who._tag === "Right" ? displayName(who.right) : "" }))
                    yield* participantsOf(turn, user, extra ?? participant.procurementId)
                  })
              )
            )
          case "my:status":
            return registered(turn, (user) => {
              const status = extra as ProcurementStatus
              if (status === "CANCELLED") {
                return Effect.gen(function* () {
                  const found = yield* Effect.either(procurements.get((arg ?? "") as ProcurementId))
                  if (found._tag === "Left") return void turn.out.push(say(l, "procurement.notFound"))
                  turn.out.push({
                    _tag: "Text",
                    text: rich(l, "my.confirmCancel", { title: found.right.procurement.title }),
                    keyboard: {
                      rows: [
                        [
                          button(text(l, "my.yesCancel"), `my:cancel:${arg}`),
                          button(text(l, "my.keep"), `my:show:${arg}`)
                        ]
                      ]
                    }
                  })
                })
              }
              return setStatus(turn, user, arg ?? "", status)
            })
          case "my:cancel":
            return registered(turn, (user) => setStatus(turn, user, arg ?? "", "CANCELLED"))
          case "notif:read":
            return registered(turn, (user) =>
              Effect.gen(function* () {
                const count = yield* notifications.markRead(user.id, "all")
                turn.out.push(say(l, "notifications.marked", { count }))
              })
            )
          case `profile:${verb}`: {
            const field = verb as "firstName" | "lastName" | "phone" | "email"
            if (!["firstName", "lastName", "phone", "email"].includes(field)) return stale(turn)
            return registered(turn, () =>
              Effect.sync(() => {
                turn.session = { ...turn.session, awaiting: { kind: "profile", field } }
                turn.out.push(say(l, `profile.ask.${field}`))
              })
            )
          }
          case `lang:${verb}`:
            return setLanguage(turn, verb === "en" ? "en" : "ru")
          case "chat:open":
            return registered(turn, (user) => openChat(turn, user, arg ?? ""))
          case "chat:leave":
            return cancel(turn)
          case `bc:${verb}`:
            return registered(turn, (user) => broadcast(turn, user, verb ?? ""))
          default:
            return stale(turn)
        }
      })

    const setStatus = (turn: Turn, user: User, id: string, status: ProcurementStatus) =>
      attempt(turn, procurements.setStatus(userActor(user.id, user.isAdmin), id as ProcurementId, status), (view) =>
        Effect.gen(function* () {
          turn.out.push(
            say(turn.language, "my.statusChanged", {
              title: view.procurement.title,
              status: text(turn.language, `status.${view.procurement.status}`)
            })
          )
          yield* showProcurement(turn, id, { organizer: true })
        })
      )

    const setLanguage = (turn: Turn, language: Language) =>
      Effect.gen(function* () {
        turn.session = { ...turn.session, language }
        turn.language = language
        if (turn.user !== undefined) turn.user = yield* users.update(turn.user.id, new UpdateProfile({ language }))
        turn.out.push(mainMenu(language, turn.user, rich(language, "lang.set")))
      })

    const broadcast = (turn: Turn, user: User, id: string) =>
      Effect.gen(function* () {
        const l = turn.language
        if (user.role !== "organizer" && !user.isAdmin) return void turn.out.push(say(l, "broadcast.forbidden"))
        if (!isUuid(id)) return void turn.out.push(say(l, "procurement.notFound"))
        const found = yield* Effect.either(procurements.get(id as ProcurementId))
        if (found._tag === "Left") return void turn.out.push(say(l, "procurement.notFound"))
        const view = found.right
        if (view.procurement.organizerId !== user.id && !user.isAdmin)
          return void turn.out.push(say(l, "error.forbidden"))
        const list = yield* channels.list()
        if (list.length === 0) return void turn.out.push(say(l, "broadcast.noChannels"))
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
          const capabilities = capabilitiesByBot.get(channel.ref.bot) ?? PLAIN_TEXT
          const fitted = fitAll([announcement], capabilities, { labels: fitLabels(lang) })
          const ok = yield* deliver.deliver(channel.ref, fitted.replies).pipe(
            Effect.as(true),
            Effect.catchAll((error) => Effect.as(Effect.logWarning("broadcast delivery failed", error), false))
          )
          if (ok) sent += 1
        }
        turn.out.push(say(l, "broadcast.sent", { count: sent }))
      })

    // -------------------------------------------------------------------------------------------------------------
    // Prompts the engine asked itself

    const awaited = (turn: Turn, input: string) =>
      Effect.suspend(() => {
        const awaiting = turn.session.awaiting!
        const l = turn.language
        const { awaiting: _done, ...rest } = turn.session
        switch (awaiting.kind) {
          case "search": {
            if (input.trim().length < 2) return Effect.sync(() => turn.out.push(say(l, "search.tooShort")))
            turn.session = { ...rest, filter: { query: input.trim() } }
            return listProcurements(turn, 0)
          }
          case "city": {
            if (input.trim().length < 2) return Effect.sync(() => turn.out.push(say(l, "procurements.askCity")))
            turn.session = { ...rest, filter: { ...(rest.filter ?? {}), city: input.trim() } }
            return listProcurements(turn, 0)
          }
          case "profile":
            return registered(turn, (user) => {
              const value = input.trim()
              const nullable = value === "-" || value === "—" ? null : value
              const patch =
                awaiting.field === "firstName"
                  ? { firstName: value }
                  : awaiting.field === "lastName"
                    ? { lastName: nullable }
                    : awaiting.field === "phone"
                      ? { phone: value }
                      : { email: nullable }
              return users.update(user.id, new UpdateProfile(patch)).pipe(
                Effect.matchEffect({
                  onFailure: (error) =>
                    isDomainFailure(error)
                      ? Effect.sync(() => {
                          // keep asking: the user can fix the value or /cancel
                          turn.out.push(failureReply(l, error), say(l, `profile.ask.${awaiting.field}`))
                        })
                      : Effect.fail(error),
                  onSuccess: (updated) =>
                    Effect.sync(() => {
                      turn.session = rest
                      turn.user = updated
                      turn.out.push(say(l, "profile.saved"), profileView(l, updated))
                    })
                })
              )
            })
        }
      })

    // -------------------------------------------------------------------------------------------------------------
    // Routing

    const route = (turn: Turn): Effect.Effect<void, unknown> =>
      Effect.suspend(() => {
        const update = turn.update
        switch (update._tag) {
          case "Command":
            return command(turn, update.command.toLowerCase(), update.args)
          case "Button": {
            const menu = turn.session.menu
            const binding = menu?.bindings[update.data]
            if (binding === undefined) return stale(turn)
            if (binding._tag === "Page") {
              turn.direct = turn.capabilities.edits
                ? { _tag: "Edit", text: binding.text, keyboard: binding.keyboard }
                : { _tag: "Text", text: binding.text, keyboard: binding.keyboard }
              return Effect.void
            }
            return action(turn, binding.action)
          }
          case "Text": {
            const input = update.text
            const menu = turn.session.menu
            const chosen = menu === undefined ? undefined : parseMenuAnswer(input, menu.menu)
            if (chosen !== undefined) return action(turn, chosen)
            const word = input.trim().toLowerCase()
            if (CANCEL_WORDS.has(word) && (turn.session.flow !== undefined || turn.session.awaiting !== undefined)) {
              return cancel(turn)
            }
            if (turn.session.flow !== undefined) {
              return BACK_WORDS.has(word)
                ? flowEvent(turn, { type: "back" })
                : flowEvent(turn, { type: "text", text: input })
            }
            if (turn.session.awaiting !== undefined) return awaited(turn, input)
            if (turn.session.chat !== undefined && turn.user !== undefined)
              return postToChat(turn, turn.user, { text: input })
            if (input.trim().startsWith("/")) return unknown(turn)
            return unknown(turn)
          }
          case "Contact": {
            if (turn.session.flow !== undefined)
              return flowEvent(turn, { type: "contact", phone: update.phone, own: update.own })
            const awaiting = turn.session.awaiting
            if (awaiting?.kind === "profile" && awaiting.field === "phone") return awaited(turn, update.phone)
            return unknown(turn)
          }
          case "Media": {
            if (turn.session.flow !== undefined) {
              return flowEvent(turn, {
                type: "media",
                kind: update.kind,
                url: update.url,
                ...(update.caption === undefined ? {} : { caption: update.caption })
              })
            }
            if (turn.session.chat !== undefined && turn.user !== undefined) {
              return postToChat(turn, turn.user, { text: update.caption ?? "", url: update.url, kind: update.kind })
            }
            return unknown(turn)
          }
        }
      })

    // -------------------------------------------------------------------------------------------------------------
    // Proactive delivery

    const rememberRef = (userId: string, ref: ChatRef, now: number) =>
      Effect.gen(function* () {
        const key = lastRefKey(userId)
        const current = ((yield* store.get(key)) ?? {}) as LastRefs
        const encoded = Schema.encodeSync(ChatRef)(ref)
        const previous = current[ref.bot]
        if (previous !== undefined && previous.ref.chatId === ref.chatId && now - previous.at < 60_000) return
        yield* store.set(key, { ...current, [ref.bot]: { ref: encoded, at: now } }, sessionTtl)
      })

    const lastRefs = (userId: string) =>
      Effect.map(store.get(lastRefKey(userId)), (value) =>
        Object.values((value ?? {}) as LastRefs)
          .sort((a, b) => b.at - a.at)
          .map((entry) => Schema.decodeUnknownSync(ChatRef)(entry.ref))
      )

    /** Fits and delivers to one chat under its lock (a keyboard opens a new menu generation there). */
    const deliverTo = (
      ref: ChatRef,
      build: (session: Session, language: Language) => ReadonlyArray<Reply> | undefined
    ) =>
      locks.withLock(
        `${ref.bot}:${ref.chatId}`,
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const session = decodeSession(yield* store.get(sessionKey(ref.bot, ref.chatId)), now)
          const language = session.language ?? languageOf(ref.locale)
          const replies = build(session, language)
          if (replies === undefined || replies.length === 0) return false
          const capabilities = capabilitiesByBot.get(ref.bot) ?? PLAIN_TEXT
          const presented = yield* present(replies, capabilities, language, session)
          if (presented.session !== session)
            yield* store.set(sessionKey(ref.bot, ref.chatId), presented.session, sessionTtl)
          return yield* deliver.deliver(ref, presented.replies).pipe(
            Effect.as(true),
            Effect.catchAll((error) => Effect.as(Effect.logWarning("proactive delivery failed", error), false))
          )
        })
      )

    const notifyWith = (userId: string, build: (language: Language) => ReadonlyArray<Reply>) =>
      Effect.gen(function* () {
        const refs = yield* lastRefs(userId)
        const user = yield* Effect.either(users.get(userId as UserId))
        const language = user._tag === "Right" ? user.right.language : undefined
        for (const ref of refs) {
          if (!capabilitiesByBot.has(ref.bot)) continue
          const ok = yield* deliverTo(ref, (_session, chatLanguage) => build(language ?? chatLanguage))
          if (ok) return ref
        }
        return undefined
      })

    const renderNotification = (
      notification: { readonly title: string; readonly body: string },
      language: Language
    ): ReadonlyArray<Reply> => [
      {
        _tag: "Text",
        text: join([rich(language, "notification.title", { title: notification.title }), plain(notification.body)])
      }
    ]

    const relay = (message: (typeof ChatMessage.json)["Type"]) =>
      Effect.gen(function* () {
        const procurementId = message.procurementId
        const view = yield* Effect.either(procurements.get(procurementId))
        if (view._tag === "Left") return []
        const title = view.right.procurement.title
        const author = message.userId === null ? undefined : yield* Effect.either(users.get(message.userId))
        const members = yield* Effect.orElseSucceed(chat.members(procurementId), () => [] as ReadonlyArray<UserId>)
        const delivered: Array<ChatRef> = []
        // members are independent (each chat has its own lock): a few at a time, not one after another
        yield* Effect.forEach(
          members,
          (member) =>
            Effect.gen(function* () {
              if (member === message.userId) return
              // a member who never wrote from a platform has no chat to relay to (the web hub reaches them): no lookup
              const refs = yield* lastRefs(member)
              if (refs.length === 0) return
              // the member's account language wins over the chat session's (it may have been changed on another platform)
              const account = yield* Effect.either(users.get(member))
              const accountLanguage = account._tag === "Right" ? account.right.language : undefined
              for (const ref of refs) {
                const ok = yield* deliverTo(ref, (session, chatLanguage) => {
                  if (session.chat?.procurementId !== procurementId) return undefined
                  const language = accountLanguage ?? chatLanguage
                  const name =
                    author === undefined
                      ? text(language, "chat.system")
                      : author._tag === "Right"
                        ? displayName(author.right)
                        : text(language, "chat.someone")
                  const body =
                    message.text === "" && message.attachmentUrl !== null ? message.attachmentUrl : message.text
                  return [{ _tag: "Text", text: rich(language, "chat.message", { title, name, text: body }) }]
                })
                if (ok) delivered.push(ref)
              }
            }),
          { concurrency: 8, discard: true }
        )
        return delivered
      })

    const onEvent = (event: DomainEvent): Effect.Effect<ReadonlyArray<ChatRef>> => {
      const run = Effect.gen(function* () {
        switch (event._tag) {
          case "PaymentSucceeded": {
            const balance = yield* Effect.orElseSucceed(ledger.balance(event.userId), () => undefined)
            const ref = yield* notifyWith(event.userId, (language) => [
              {
                _tag: "Text",
                text: rich(language, "deposit.received", {
                  amount: formatRubles(event.amount),
                  balance: balance === undefined ? "—" : formatRubles(balance)
                })
              }
            ])
            return ref === undefined ? [] : [ref]
          }
          case "ChatMessagePosted":
            return yield* relay(event.message)
          case "NotificationCreated": {
            const n = event.notification
            const ref = yield* notifyWith(n.userId, (language) => renderNotification(n, language))
            return ref === undefined ? [] : [ref]
          }
          default:
            return []
        }
      })
      return run.pipe(
        Effect.catchAllCause((cause) =>
          Effect.as(Effect.logError("router: event handling failed", { event: event._tag }, Cause.pretty(cause)), [])
        )
      )
    }

    // -------------------------------------------------------------------------------------------------------------
    // The turn

    const apology = (language: Language, capabilities: Capabilities) =>
      fitAll([say(language, "apology")], capabilities).replies

    const turnOf = (update: Update, capabilities: Capabilities) =>
      Effect.gen(function* () {
        const ref = update.ref
        const fresh = yield* store.setIfAbsent(dedupeKey(ref.bot, update.updateId), 1, dedupeTtl)
        if (!fresh) return [] as ReadonlyArray<Reply>
        const now = yield* Clock.currentTimeMillis
        const loaded = decodeSession(yield* store.get(sessionKey(ref.bot, ref.chatId)), now)
        const resolved = yield* users.resolve(identityOf(ref))
        const user = Option.getOrUndefined(Option.map(resolved, (r) => r.user))
        // a disabled account is refused before routing, for every kind of update (commands, buttons, flow steps,
        // chat-mode messages): nothing runs and neither the session nor the chat's reference is written
        if (user !== undefined && !user.isActive) {
          return fitAll([say(user.language, "account.disabled")], capabilities).replies
        }
        const turn: Turn = {
          update,
          ref,
          now,
          capabilities,
          session: loaded,
          user,
          language: user?.language ?? loaded.language ?? languageOf(ref.locale),
          out: [],
          direct: undefined
        }
        if (user !== undefined) yield* rememberRef(user.id, ref, now)
        // an abandoned flow or prompt expires; the user is told, and the update is handled afresh
        if (now - loaded.updatedAt > flowTtl) {
          const { flow, awaiting: _a, menu: _m, ...rest } = loaded
          turn.session = rest
          if (flow !== undefined)
            turn.out.push(say(turn.language, "flow.expired", { flow: flowLabel(turn.language, flow.name) }))
        }
        const handled = yield* Effect.either(route(turn))
        if (handled._tag === "Left") return yield* Effect.fail(handled.left)
        if (turn.direct !== undefined) {
          yield* store.set(sessionKey(ref.bot, ref.chatId), { ...turn.session, updatedAt: now }, sessionTtl)
          return [turn.direct]
        }
        const presented = yield* present(turn.out, capabilities, turn.language, turn.session)
        yield* store.set(sessionKey(ref.bot, ref.chatId), { ...presented.session, updatedAt: now }, sessionTtl)
        return presented.replies
      }).pipe(
        Effect.catchAllCause((cause) =>
          Effect.gen(function* () {
            yield* Effect.logError("router: update failed", Cause.pretty(cause)).pipe(
              Effect.annotateLogs({ update: JSON.stringify(update) })
            )
            return apology(languageOf(update.ref.locale), capabilities)
          })
        )
      )

    const service: RouterService = {
      handle: (update, capabilities) =>
        Effect.suspend(() => {
          if (capabilities !== undefined) capabilitiesByBot.set(update.ref.bot, capabilities)
          const effective = capabilities ?? capabilitiesByBot.get(update.ref.bot) ?? PLAIN_TEXT
          return locks.withLock(`${update.ref.bot}:${update.ref.chatId}`, turnOf(update, effective)).pipe(
            // the chat's lock could not be had (Redis down, or held elsewhere too long): the turn did not run
            Effect.catchSomeDefect((defect) =>
              defect instanceof ChatLockTimeout
                ? Option.some(
                    Effect.as(
                      Effect.logError("router: chat lock unavailable", defect.message),
                      apology(languageOf(update.ref.locale), effective)
                    )
                  )
                : Option.none()
            )
          )
        }).pipe(Effect.withSpan("Router.handle", { attributes: { bot: update.ref.bot, kind: update._tag } })),
      register: (bot, capabilities) => Effect.sync(() => void capabilitiesByBot.set(bot, capabilities)),
      notify: (userId, replies) =>
        notifyWith(userId, () => replies).pipe(
          Effect.catchAllCause((cause) =>
            Effect.as(Effect.logError("router: notify failed", Cause.pretty(cause)), undefined)
          )
        ),
      onEvent,
      renderNotification: (notification, language) => renderNotification(notification, language)
    }
    return service
  })

/** The router over core services, a session store, a payment gateway, a deliverer and broadcast channels. */
export const RouterLive = (options: RouterOptions = {}) => Layer.effect(Router, makeRouter(options))
