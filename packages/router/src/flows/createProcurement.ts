/**
 * Creating a procurement (the engine starts it for organizers only): title → description → category (browsed
 * level by level through `LoadCategories`) → unit → price per unit → minimum quantity → target amount → stop-at
 * amount → deadline → city → delivery address → photo → preview → Publish / Save as draft → `CreateProcurement`.
 */
import { Language, ProcurementRules } from "@groupbuy/core"
import { Either, Schema } from "effect"
import { assign, emit, setup } from "xstate"
import type { Span } from "../Model.js"
import {
  action,
  actionOf,
  choiceStep,
  closing,
  confirmStep,
  type FlowContext,
  flowActions,
  flowGuards,
  hasStrings,
  isDone,
  isFailed,
  isUserInput,
  prompt,
  reason,
  replyOf,
  requestOf,
  submitting,
  type Row,
  textOf,
  typedStep,
  valueOf
} from "./internal/Kit.js"
import { type MessageKey, t } from "./messages.js"
import { formatMoscowDate, parseDeadline } from "./parse/Deadline.js"
import { type Problem, problem } from "./parse/Problem.js"
import { parseQuantity } from "./parse/Quantity.js"
import { formatRubles, parseRubles } from "./parse/Rubles.js"
import { characters, parseLine, parseParagraphs } from "./parse/Text.js"
import type { FlowEmitted, FlowEvent } from "./Protocol.js"

export const CreateProcurementInput = Schema.Struct({ language: Language })
export type CreateProcurementInput = typeof CreateProcurementInput.Type

/** A category as `LoadCategories` returns it. */
export interface CategoryItem {
  readonly id: string
  readonly name: string
  readonly icon: string | null
  readonly hasChildren: boolean
}

export interface CreateProcurementContext extends FlowContext {
  readonly title: string | null
  readonly description: string | null
  /** the categories drilled into, root first; their children are being chosen from */
  readonly categoryPath: ReadonlyArray<{ readonly id: string; readonly name: string }>
  /** the children of the current level, as last loaded */
  readonly categories: ReadonlyArray<CategoryItem>
  readonly categoryId: string | null
  readonly categoryName: string | null
  readonly unit: string | null
  /** kopecks */
  readonly pricePerUnit: string | null
  readonly minQuantity: number
  readonly targetAmount: string | null
  readonly stopAtAmount: string | null
  /** epoch ms, end of the Moscow day */
  readonly deadline: number | null
  readonly city: string | null
  readonly deliveryAddress: string | null
  readonly imageUrl: string | null
  readonly publish: boolean
  readonly procurementId: string | null
  readonly status: string | null
}

export interface CreateProcurementOutput {
  readonly procurementId: string
  readonly status: string
}

export const TITLE_LENGTH = { min: 3, max: 200 } as const
export const DESCRIPTION_LENGTH = { min: 1, max: 5000 } as const
export const UNIT_LENGTH = { min: 1, max: 20 } as const
export const CITY_LENGTH = { min: 2, max: 100 } as const
export const ADDRESS_LENGTH = { min: 3, max: 500 } as const
/** The preview shows at most this much of the description. */
const PREVIEW_DESCRIPTION = 700

const UNITS: Record<Language, ReadonlyArray<string>> = {
  ru: ["кг", "шт", "л", "уп"],
  en: ["kg", "pcs", "l", "pack"]
}

/** Quick deadline buttons: action → the phrase it stands for. */
const QUICK_DEADLINES = [
  { data: "dl:1w", phrase: "через неделю", label: "deadline.inWeek" },
  { data: "dl:2w", phrase: "через 2 недели", label: "deadline.inTwoWeeks" },
  { data: "dl:1m", phrase: "через месяц", label: "deadline.inMonth" }
] as const satisfies ReadonlyArray<{ data: string; phrase: string; label: MessageKey }>

const positive = (result: Either.Either<bigint, Problem>): Either.Either<bigint, Problem> =>
  Either.filterOrLeft(
    result,
    (k) => k > 0n,
    () => problem("amount.positive")
  )

const parseTitle = (event: FlowEvent) => parseLine(textOf(event), TITLE_LENGTH.min, TITLE_LENGTH.max)
const parseDescription = (event: FlowEvent) =>
  parseParagraphs(textOf(event), DESCRIPTION_LENGTH.min, DESCRIPTION_LENGTH.max)
const parseUnit = (event: FlowEvent): Either.Either<string, Problem> => {
  const typed = event.type === "action" && event.action.startsWith("unit:") ? event.action.slice(5) : textOf(event)
  return Either.filterOrLeft(
    parseLine(typed, UNIT_LENGTH.min, UNIT_LENGTH.max),
    (unit) => /\p{L}/u.test(unit),
    () => problem("unit.noLetters")
  )
}
const parsePrice = (event: FlowEvent) => positive(parseRubles(textOf(event)))
const parseMinQuantity = (event: FlowEvent) => parseQuantity(textOf(event))
const parseTarget = (event: FlowEvent) => positive(parseRubles(textOf(event)))

/** Stop-at: core's one rule (`ProcurementRules.checkStopAt`), worded by the flow's catalogue. */
const parseStopAt = (context: CreateProcurementContext, event: FlowEvent): Either.Either<bigint, Problem> =>
  Either.flatMap(positive(parseRubles(textOf(event))), (stopAtAmount) =>
    Either.mapLeft(
      ProcurementRules.checkStopAt({
        stopAtAmount,
        pricePerUnit: BigInt(context.pricePerUnit ?? "0"),
        minQuantity: context.minQuantity,
        targetAmount: BigInt(context.targetAmount ?? "0")
      }),
      (refused) =>
        refused._tag === "BelowMinimalOrder"
          ? problem("stopAt.belowMinimalOrder", { min: formatRubles(refused.min) })
          : refused._tag === "BelowTarget"
            ? problem("stopAt.belowTarget", { target: formatRubles(refused.target) })
            : problem("amount.tooLarge")
    )
  )

const deadlineText = (event: FlowEvent): string =>
  event.type === "action" ? (QUICK_DEADLINES.find((q) => q.data === event.action)?.phrase ?? "") : textOf(event)
const parseDeadlineOf = (event: FlowEvent) => parseDeadline(deadlineText(event), event.now)
const parseCity = (event: FlowEvent) => parseLine(textOf(event), CITY_LENGTH.min, CITY_LENGTH.max)
const parseAddress = (event: FlowEvent) => parseParagraphs(textOf(event), ADDRESS_LENGTH.min, ADDRESS_LENGTH.max)

/** The category a button press or a typed name picks from the current level. */
const categoryOf = (context: CreateProcurementContext, event: FlowEvent): CategoryItem | undefined => {
  if (event.type === "action") return context.categories.find((c) => `cat:${c.id}` === event.action)
  if (event.type === "text") {
    const typed = event.text.trim().toLocaleLowerCase()
    return context.categories.find((c) => c.name.trim().toLocaleLowerCase() === typed)
  }
  return undefined
}

const isCategoryList = (data: unknown): data is ReadonlyArray<CategoryItem> =>
  Array.isArray(data) &&
  data.every(
    (c: unknown) =>
      typeof c === "object" &&
      c !== null &&
      hasStrings(["id", "name"], ["icon"])(c) &&
      typeof (c as { hasChildren?: unknown }).hasChildren === "boolean"
  )

const isCreated = hasStrings(["procurementId", "status"])

const truncate = (text: string, max: number): string =>
  characters(text) <= max ? text : `${[...text].slice(0, max - 1).join("")}…`

const line = (label: string, value: string): ReadonlyArray<Span> => [
  { text: `${label}: `, bold: true },
  { text: `${value}\n` }
]

const ask = (
  context: CreateProcurementContext,
  key: MessageKey,
  rows: ReadonlyArray<Row> = [],
  params?: Record<string, string>
) => replyOf(prompt(context, [{ text: t(context.language, key, params) }], rows))

const skipRow = (language: Language, key: MessageKey = "common.skip"): Row => [action(t(language, key), "skip")]

const unitLabel = (context: CreateProcurementContext): string => context.unit ?? ""

export const createProcurementMachine = setup({
  types: {
    context: {} as CreateProcurementContext,
    input: {} as CreateProcurementInput,
    events: {} as FlowEvent,
    emitted: {} as FlowEmitted,
    output: {} as CreateProcurementOutput
  },
  guards: {
    ...flowGuards,
    /** user input other than Back, which the category state handles for all its children */
    isOtherInput: ({ event }) => isUserInput(event) && event.type !== "back",
    isSkip: ({ event }) => actionOf(event) === "skip",
    isValidTitle: ({ event }) => event.type === "text" && Either.isRight(parseTitle(event)),
    isValidDescription: ({ event }) => event.type === "text" && Either.isRight(parseDescription(event)),
    isCategoriesLoaded: ({ event }) => isDone(event, "LoadCategories", isCategoryList),
    isCategoriesResult: ({ event }) =>
      isFailed(event, "LoadCategories") || (event.type === "io.done" && event.request === "LoadCategories"),
    isParentCategory: ({ context, event }) => categoryOf(context, event)?.hasChildren === true,
    isLeafCategory: ({ context, event }) => categoryOf(context, event)?.hasChildren === false,
    isChooseThis: ({ context, event }) => actionOf(event) === "cat:this" && context.categoryPath.length > 0,
    isNoCategory: ({ event }) => actionOf(event) === "cat:none",
    isRetry: ({ event }) => actionOf(event) === "retry",
    isInSubcategory: ({ context }) => context.categoryPath.length > 0,
    isValidUnit: ({ event }) =>
      (event.type === "text" || (event.type === "action" && event.action.startsWith("unit:"))) &&
      Either.isRight(parseUnit(event)),
    isValidPrice: ({ event }) => event.type === "text" && Either.isRight(parsePrice(event)),
    isValidMinQuantity: ({ event }) => event.type === "text" && Either.isRight(parseMinQuantity(event)),
    isValidTarget: ({ event }) => event.type === "text" && Either.isRight(parseTarget(event)),
    isValidStopAt: ({ context, event }) => event.type === "text" && Either.isRight(parseStopAt(context, event)),
    isValidDeadline: ({ event }) =>
      (event.type === "text" || (event.type === "action" && deadlineText(event) !== "")) &&
      Either.isRight(parseDeadlineOf(event)),
    isValidCity: ({ event }) => event.type === "text" && Either.isRight(parseCity(event)),
    isValidAddress: ({ event }) => event.type === "text" && Either.isRight(parseAddress(event)),
    isPhoto: ({ event }) => event.type === "media" && event.kind === "photo",
    isPublish: ({ event }) => actionOf(event) === "publish",
    isDraft: ({ event }) => actionOf(event) === "draft",
    isCreated: ({ event }) => isDone(event, "CreateProcurement", isCreated),
    isCreateResult: ({ event }) =>
      isFailed(event, "CreateProcurement") || (event.type === "io.done" && event.request === "CreateProcurement")
  },
  actions: {
    ...flowActions<CreateProcurementContext>(),
    noticeNotPhoto: assign({ notice: ({ context }) => t(context.language, "photo.notPhoto") }),
    noticePhotoExpected: assign({ notice: ({ context }) => t(context.language, "photo.expected") }),
    saveTitle: assign({ title: ({ event }) => valueOf(parseTitle(event), "") }),
    rejectTitle: assign({ notice: ({ context, event }) => reason(context.language, parseTitle(event)) }),
    saveDescription: assign({ description: ({ event }) => valueOf(parseDescription(event), "") }),
    rejectDescription: assign({ notice: ({ context, event }) => reason(context.language, parseDescription(event)) }),
    saveCategories: assign({
      categories: ({ event }) => (isDone(event, "LoadCategories", isCategoryList) ? event.data : [])
    }),
    forgetCategories: assign({ categories: [] }),
    enterCategory: assign({
      categoryPath: ({ context, event }) => {
        const category = categoryOf(context, event)
        return category === undefined
          ? context.categoryPath
          : [...context.categoryPath, { id: category.id, name: category.name }]
      }
    }),
    leaveCategory: assign({ categoryPath: ({ context }) => context.categoryPath.slice(0, -1) }),
    chooseCategory: assign(({ context, event }) => {
      const category = categoryOf(context, event)
      return { categoryId: category?.id ?? null, categoryName: category?.name ?? null }
    }),
    chooseThisCategory: assign(({ context }) => {
      const current = context.categoryPath[context.categoryPath.length - 1]
      return { categoryId: current?.id ?? null, categoryName: current?.name ?? null }
    }),
    chooseNoCategory: assign({ categoryId: null, categoryName: null }),
    saveUnit: assign({ unit: ({ event }) => valueOf(parseUnit(event), "") }),
    rejectUnitOrUnexpected: assign({
      notice: ({ context, event }) =>
        event.type === "text" || actionOf(event).startsWith("unit:")
          ? reason(context.language, parseUnit(event))
          : t(context.language, "common.unexpected")
    }),
    savePrice: assign({ pricePerUnit: ({ event }) => valueOf(parsePrice(event), 0n).toString() }),
    rejectPrice: assign({ notice: ({ context, event }) => reason(context.language, parsePrice(event)) }),
    saveMinQuantity: assign({ minQuantity: ({ event }) => valueOf(parseMinQuantity(event), 1) }),
    skipMinQuantity: assign({ minQuantity: 1 }),
    rejectMinQuantity: assign({ notice: ({ context, event }) => reason(context.language, parseMinQuantity(event)) }),
    saveTarget: assign({ targetAmount: ({ event }) => valueOf(parseTarget(event), 0n).toString() }),
    rejectTarget: assign({ notice: ({ context, event }) => reason(context.language, parseTarget(event)) }),
    saveStopAt: assign({ stopAtAmount: ({ context, event }) => valueOf(parseStopAt(context, event), 0n).toString() }),
    skipStopAt: assign({ stopAtAmount: null }),
    rejectStopAt: assign({ notice: ({ context, event }) => reason(context.language, parseStopAt(context, event)) }),
    saveDeadline: assign({ deadline: ({ event }) => valueOf(parseDeadlineOf(event), 0) }),
    rejectDeadlineOrUnexpected: assign({
      notice: ({ context, event }) =>
        event.type === "text"
          ? reason(context.language, parseDeadlineOf(event))
          : t(context.language, "common.unexpected")
    }),
    saveCity: assign({ city: ({ event }) => valueOf(parseCity(event), "") }),
    rejectCity: assign({ notice: ({ context, event }) => reason(context.language, parseCity(event)) }),
    saveAddress: assign({ deliveryAddress: ({ event }) => valueOf(parseAddress(event), null) }),
    skipAddress: assign({ deliveryAddress: null }),
    rejectAddress: assign({ notice: ({ context, event }) => reason(context.language, parseAddress(event)) }),
    savePhoto: assign({ imageUrl: ({ event }) => (event.type === "media" ? event.url : null) }),
    skipPhoto: assign({ imageUrl: null }),
    choosePublish: assign({ publish: true }),
    chooseDraft: assign({ publish: false }),
    saveCreated: assign(({ event }) =>
      isDone(event, "CreateProcurement", isCreated)
        ? { procurementId: event.data.procurementId, status: event.data.status }
        : {}
    ),
    askTitle: emit(({ context }) =>
      replyOf(prompt(context, [{ text: t(context.language, "procurement.askTitle") }], [], { back: false }))
    ),
    askDescription: emit(({ context }) => ask(context, "procurement.askDescription")),
    loadCategories: emit(({ context }) =>
      requestOf({ _tag: "LoadCategories", parentId: context.categoryPath[context.categoryPath.length - 1]?.id ?? null })
    ),
    showCategories: emit(({ context }) => {
      const l = context.language
      const current = context.categoryPath[context.categoryPath.length - 1]
      const rows: Array<Row> = context.categories.map((c) => [
        action(`${c.icon === null ? "" : `${c.icon} `}${c.name}${c.hasChildren ? " ›" : ""}`, `cat:${c.id}`)
      ])
      if (current !== undefined) rows.push([action(t(l, "category.chooseThis", { name: current.name }), "cat:this")])
      rows.push([action(t(l, "category.none"), "cat:none")])
      const body =
        current === undefined
          ? t(l, context.categories.length === 0 ? "category.emptyRoot" : "category.askRoot")
          : t(l, "category.askChild", { path: context.categoryPath.map((c) => c.name).join(" › ") })
      return replyOf(prompt(context, [{ text: body }], rows))
    }),
    showCategoriesFailed: emit(({ context }) =>
      ask(context, "category.failed", [
        [action(t(context.language, "common.retry"), "retry")],
        [action(t(context.language, "category.none"), "cat:none")]
      ])
    ),
    askUnit: emit(({ context }) =>
      ask(context, "procurement.askUnit", [UNITS[context.language].map((u) => action(u, `unit:${u}`))])
    ),
    askPrice: emit(({ context }) => ask(context, "procurement.askPrice", [], { unit: unitLabel(context) })),
    askMinQuantity: emit(({ context }) =>
      ask(context, "procurement.askMinQuantity", [skipRow(context.language, "procurement.minQuantityOne")], {
        unit: unitLabel(context)
      })
    ),
    askTarget: emit(({ context }) => ask(context, "procurement.askTarget")),
    askStopAt: emit(({ context }) =>
      ask(context, "procurement.askStopAt", [skipRow(context.language)], {
        target: formatRubles(context.targetAmount ?? "0")
      })
    ),
    askDeadline: emit(({ context }) =>
      ask(context, "procurement.askDeadline", [
        QUICK_DEADLINES.map((q) => action(t(context.language, q.label), q.data))
      ])
    ),
    askCity: emit(({ context }) => ask(context, "procurement.askCity")),
    askAddress: emit(({ context }) => ask(context, "procurement.askAddress", [skipRow(context.language)])),
    askPhoto: emit(({ context }) => ask(context, "procurement.askPhoto", [skipRow(context.language)])),
    showPreview: emit(({ context }) => {
      const l = context.language
      const body: Array<Span> = [
        { text: `${t(l, "procurement.preview")}\n\n`, bold: true },
        { text: `${context.title ?? ""}\n`, bold: true },
        { text: `${truncate(context.description ?? "", PREVIEW_DESCRIPTION)}\n\n` },
        ...line(t(l, "field.category"), context.categoryName ?? t(l, "common.notGiven")),
        ...line(
          t(l, "field.price"),
          t(l, "procurement.pricePer", { price: formatRubles(context.pricePerUnit ?? "0"), unit: unitLabel(context) })
        ),
        ...line(t(l, "field.minQuantity"), `${context.minQuantity} ${unitLabel(context)}`),
        ...line(t(l, "field.target"), formatRubles(context.targetAmount ?? "0")),
        ...line(
          t(l, "field.stopAt"),
          context.stopAtAmount === null ? t(l, "common.notGiven") : formatRubles(context.stopAtAmount)
        ),
        ...line(
          t(l, "field.deadline"),
          t(l, "procurement.deadlineValue", { date: formatMoscowDate(context.deadline ?? 0) })
        ),
        ...line(t(l, "field.city"), context.city ?? ""),
        ...line(t(l, "field.address"), context.deliveryAddress ?? t(l, "common.notGiven")),
        ...line(t(l, "field.photo"), t(l, context.imageUrl === null ? "common.no" : "common.yes"))
      ]
      return replyOf(
        prompt(context, body, [
          [action(t(l, "procurement.publish"), "publish")],
          [action(t(l, "procurement.saveDraft"), "draft")]
        ])
      )
    }),
    sendProcurement: emit(({ context }) =>
      requestOf({
        _tag: "CreateProcurement",
        title: context.title ?? "",
        description: context.description ?? "",
        categoryId: context.categoryId,
        unit: context.unit ?? "",
        pricePerUnit: context.pricePerUnit ?? "0",
        targetAmount: context.targetAmount ?? "0",
        stopAtAmount: context.stopAtAmount,
        minQuantity: context.minQuantity,
        deadline: context.deadline ?? 0,
        city: context.city ?? "",
        deliveryAddress: context.deliveryAddress,
        imageUrl: context.imageUrl,
        publish: context.publish
      })
    ),
    announceCreated: emit(({ context }) =>
      replyOf(
        closing([
          {
            text: t(context.language, context.publish ? "procurement.published" : "procurement.drafted", {
              title: context.title ?? ""
            })
          }
        ])
      )
    )
  }
}).createMachine({
  id: "createProcurement",
  context: ({ input }) => ({
    language: input.language,
    notice: null,
    title: null,
    description: null,
    categoryPath: [],
    categories: [],
    categoryId: null,
    categoryName: null,
    unit: null,
    pricePerUnit: null,
    minQuantity: 1,
    targetAmount: null,
    stopAtAmount: null,
    deadline: null,
    city: null,
    deliveryAddress: null,
    imageUrl: null,
    publish: true,
    procurementId: null,
    status: null
  }),
  initial: "title",
  states: {
    ...typedStep("title", {
      ask: "askTitle",
      valid: "isValidTitle",
      save: "saveTitle",
      reject: "rejectTitle",
      next: "description",
      back: null
    }),
    ...typedStep("description", {
      ask: "askDescription",
      valid: "isValidDescription",
      save: "saveDescription",
      reject: "rejectDescription",
      next: "category",
      back: "title"
    }),
    category: {
      initial: "loading",
      on: {
        back: [
          { guard: "isInSubcategory", target: ".loading", reenter: true, actions: "leaveCategory" },
          { target: "description" }
        ]
      },
      states: {
        loading: {
          entry: "loadCategories",
          on: {
            "io.done": [
              { guard: "isCategoriesLoaded", target: "choosing", actions: "saveCategories" },
              { guard: "isCategoriesResult", target: "failed", actions: "forgetCategories" }
            ],
            "io.failed": {
              guard: "isCategoriesResult",
              target: "failed",
              actions: ["forgetCategories", "noticeFailure"]
            },
            // the answer never came (e.g. the process restarted mid-turn): any input asks again
            "*": { guard: "isOtherInput", target: "loading", reenter: true }
          }
        },
        choosing: {
          entry: ["showCategories", "clearNotice"],
          on: {
            "*": [
              { guard: "isParentCategory", target: "loading", actions: "enterCategory" },
              { guard: "isLeafCategory", target: "#createProcurement.unit", actions: "chooseCategory" },
              { guard: "isChooseThis", target: "#createProcurement.unit", actions: "chooseThisCategory" },
              { guard: "isNoCategory", target: "#createProcurement.unit", actions: "chooseNoCategory" },
              { guard: "isOtherInput", target: "choosing", reenter: true, actions: "noticeUnexpected" }
            ]
          }
        },
        failed: {
          entry: ["showCategoriesFailed", "clearNotice"],
          on: {
            "*": [
              { guard: "isRetry", target: "loading" },
              { guard: "isNoCategory", target: "#createProcurement.unit", actions: "chooseNoCategory" },
              { guard: "isOtherInput", target: "failed", reenter: true, actions: "noticeUnexpected" }
            ]
          }
        }
      }
    },
    ...choiceStep("unit", {
      ask: "askUnit",
      valid: "isValidUnit",
      save: "saveUnit",
      next: "price",
      back: "category",
      unexpected: "rejectUnitOrUnexpected"
    }),
    ...typedStep("price", {
      ask: "askPrice",
      valid: "isValidPrice",
      save: "savePrice",
      reject: "rejectPrice",
      next: "minQuantity",
      back: "unit"
    }),
    ...typedStep("minQuantity", {
      ask: "askMinQuantity",
      valid: "isValidMinQuantity",
      save: "saveMinQuantity",
      reject: "rejectMinQuantity",
      next: "target",
      back: "price",
      skip: "skipMinQuantity"
    }),
    ...typedStep("target", {
      ask: "askTarget",
      valid: "isValidTarget",
      save: "saveTarget",
      reject: "rejectTarget",
      next: "stopAt",
      back: "minQuantity"
    }),
    ...typedStep("stopAt", {
      ask: "askStopAt",
      valid: "isValidStopAt",
      save: "saveStopAt",
      reject: "rejectStopAt",
      next: "deadline",
      back: "target",
      skip: "skipStopAt"
    }),
    ...choiceStep("deadline", {
      ask: "askDeadline",
      valid: "isValidDeadline",
      save: "saveDeadline",
      next: "city",
      back: "stopAt",
      unexpected: "rejectDeadlineOrUnexpected"
    }),
    ...typedStep("city", {
      ask: "askCity",
      valid: "isValidCity",
      save: "saveCity",
      reject: "rejectCity",
      next: "address",
      back: "deadline"
    }),
    ...typedStep("address", {
      ask: "askAddress",
      valid: "isValidAddress",
      save: "saveAddress",
      reject: "rejectAddress",
      next: "photo",
      back: "city",
      skip: "skipAddress"
    }),
    ...typedStep("photo", {
      ask: "askPhoto",
      valid: "isPhoto",
      save: "savePhoto",
      reject: "noticeNotPhoto",
      next: "preview",
      back: "address",
      skip: "skipPhoto",
      input: "media",
      unexpected: "noticePhotoExpected"
    }),
    ...confirmStep("preview", {
      show: "showPreview",
      back: "photo",
      action: [
        { guard: "isPublish", target: "submitting", actions: "choosePublish" },
        { guard: "isDraft", target: "submitting", actions: "chooseDraft" }
      ]
    }),
    ...submitting("submitting", {
      send: "sendProcurement",
      done: { guard: "isCreated", target: "done", actions: "saveCreated" },
      result: "isCreateResult",
      fallback: "preview"
    }),
    done: {
      type: "final",
      entry: "announceCreated"
    }
  },
  output: ({ context }) => ({ procurementId: context.procurementId ?? "", status: context.status ?? "" })
})
