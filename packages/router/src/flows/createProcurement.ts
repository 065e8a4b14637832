/**
 * Creating a procurement (the engine starts it for organizers only): title → description → category (browsed
 * level by level through `LoadCategories`) → unit → price per unit → minimum quantity → target amount → stop-at
 * amount → deadline → city → delivery address → photo → preview → Publish / Save as draft → `CreateProcurement`.
 */
import { Either } from "effect"
import { assign, emit, setup } from "xstate"
import type { Span } from "../Model.js"
import {
  action,
  actionOf,
  choiceStep,
  closing,
  confirmStep,
  flowActions,
  flowGuards,
  isDone,
  isFailed,
  isUserInput,
  prompt,
  reason,
  replyOf,
  requestOf,
  submitting,
  type Row,
  typedStep,
  valueOf
} from "./internal/Kit.js"
import { t } from "./messages.js"
import { formatMoscowDate } from "./parse/Deadline.js"
import { formatRubles } from "./parse/Rubles.js"
import type { FlowEmitted, FlowEvent } from "./Protocol.js"
import {
  type CategoryItem,
  type CreateProcurementContext,
  CreateProcurementInput,
  type CreateProcurementOutput,
  TITLE_LENGTH,
  DESCRIPTION_LENGTH,
  UNIT_LENGTH,
  CITY_LENGTH,
  ADDRESS_LENGTH,
  PREVIEW_DESCRIPTION,
  UNITS,
  QUICK_DEADLINES,
  parseTitle,
  parseDescription,
  parseUnit,
  parsePrice,
  parseMinQuantity,
  parseTarget,
  parseStopAt,
  deadlineText,
  parseDeadlineOf,
  parseCity,
  parseAddress,
  categoryOf,
  isCategoryList,
  isCreated,
  truncate,
  line,
  ask,
  skipRow,
  unitLabel
} from "./internal/ProcurementForm.js"

export { CreateProcurementInput, TITLE_LENGTH, DESCRIPTION_LENGTH, UNIT_LENGTH, CITY_LENGTH, ADDRESS_LENGTH }
export type { CategoryItem, CreateProcurementContext, CreateProcurementOutput }

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
