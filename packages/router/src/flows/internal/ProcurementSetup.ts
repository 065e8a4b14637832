/**
 * The guards and actions of the procurement creation flow (`createProcurement.ts` lays out its states): each field's
 * check, save and refusal, the category browser, the preview and the request that creates the procurement.
 */
import { Either } from "effect"
import { assign } from "xstate"
import type { Span } from "../../Model.js"
import { text } from "../../Messages.js"
import { formatMoscowDate } from "../parse/Deadline.js"
import { formatRubles } from "../parse/Rubles.js"
import { flowSetup, isAction, isResultOf, noticeOf, rejectBy, reply, request } from "./FlowSetup.js"
import { button, actionOf, ask, closing, isDone, isUserInput, line, prompt, reason, type Row, valueOf } from "./Kit.js"
import {
  type CreateProcurementContext,
  type CreateProcurementInput,
  type CreateProcurementOutput,
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
  skipRow,
  unitLabel
} from "./ProcurementForm.js"

export const procurementSetup = flowSetup<CreateProcurementContext, CreateProcurementInput, CreateProcurementOutput>()({
  guards: {
    /** user input other than Back, which the category state handles for all its children */
    isOtherInput: ({ event }) => isUserInput(event) && event.type !== "back",
    isValidTitle: ({ event }) => event.type === "text" && Either.isRight(parseTitle(event)),
    isValidDescription: ({ event }) => event.type === "text" && Either.isRight(parseDescription(event)),
    isCategoriesLoaded: ({ event }) => isDone(event, "LoadCategories", isCategoryList),
    isCategoriesResult: isResultOf("LoadCategories"),
    isParentCategory: ({ context, event }) => categoryOf(context, event)?.hasChildren === true,
    isLeafCategory: ({ context, event }) => categoryOf(context, event)?.hasChildren === false,
    isChooseThis: ({ context, event }) => actionOf(event) === "cat:this" && context.categoryPath.length > 0,
    isNoCategory: isAction("cat:none"),
    isRetry: isAction("retry"),
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
    isPublish: isAction("publish"),
    isDraft: isAction("draft"),
    isCreated: ({ event }) => isDone(event, "CreateProcurement", isCreated),
    isCreateResult: isResultOf("CreateProcurement")
  },
  actions: {
    noticeNotPhoto: noticeOf("photo.notPhoto"),
    noticePhotoExpected: noticeOf("photo.expected"),
    saveTitle: assign({ title: ({ event }) => valueOf(parseTitle(event), "") }),
    rejectTitle: rejectBy(parseTitle),
    saveDescription: assign({ description: ({ event }) => valueOf(parseDescription(event), "") }),
    rejectDescription: rejectBy(parseDescription),
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
          : text(context.language, "common.unexpected")
    }),
    savePrice: assign({ pricePerUnit: ({ event }) => valueOf(parsePrice(event), 0n).toString() }),
    rejectPrice: rejectBy(parsePrice),
    saveMinQuantity: assign({ minQuantity: ({ event }) => valueOf(parseMinQuantity(event), 1) }),
    skipMinQuantity: assign({ minQuantity: 1 }),
    rejectMinQuantity: rejectBy(parseMinQuantity),
    saveTarget: assign({ targetAmount: ({ event }) => valueOf(parseTarget(event), 0n).toString() }),
    rejectTarget: rejectBy(parseTarget),
    saveStopAt: assign({ stopAtAmount: ({ context, event }) => valueOf(parseStopAt(context, event), 0n).toString() }),
    skipStopAt: assign({ stopAtAmount: null }),
    rejectStopAt: rejectBy((event, context: CreateProcurementContext) => parseStopAt(context, event)),
    saveDeadline: assign({ deadline: ({ event }) => valueOf(parseDeadlineOf(event), 0) }),
    rejectDeadlineOrUnexpected: assign({
      notice: ({ context, event }) =>
        event.type === "text"
          ? reason(context.language, parseDeadlineOf(event))
          : text(context.language, "common.unexpected")
    }),
    saveCity: assign({ city: ({ event }) => valueOf(parseCity(event), "") }),
    rejectCity: rejectBy(parseCity),
    saveAddress: assign({ deliveryAddress: ({ event }) => valueOf(parseAddress(event), null) }),
    skipAddress: assign({ deliveryAddress: null }),
    rejectAddress: rejectBy(parseAddress),
    savePhoto: assign({ imageUrl: ({ event }) => (event.type === "media" ? event.url : null) }),
    skipPhoto: assign({ imageUrl: null }),
    choosePublish: assign({ publish: true }),
    chooseDraft: assign({ publish: false }),
    saveCreated: assign(({ event }) =>
      isDone(event, "CreateProcurement", isCreated)
        ? { procurementId: event.data.procurementId, status: event.data.status }
        : {}
    ),
    askTitle: reply((context) => ask(context, "procurement.askTitle", [], { back: false })),
    askDescription: reply((context) => ask(context, "procurement.askDescription")),
    loadCategories: request((context) => ({
      _tag: "LoadCategories",
      parentId: context.categoryPath[context.categoryPath.length - 1]?.id ?? null
    })),
    showCategories: reply((context) => {
      const l = context.language
      const current = context.categoryPath[context.categoryPath.length - 1]
      const rows: Array<Row> = context.categories.map((c) => [
        button(`${c.icon === null ? "" : `${c.icon} `}${c.name}${c.hasChildren ? " ›" : ""}`, `cat:${c.id}`)
      ])
      if (current !== undefined) rows.push([button(text(l, "category.chooseThis", { name: current.name }), "cat:this")])
      rows.push([button(text(l, "category.none"), "cat:none")])
      const body =
        current === undefined
          ? text(l, context.categories.length === 0 ? "category.emptyRoot" : "category.askRoot")
          : text(l, "category.askChild", { path: context.categoryPath.map((c) => c.name).join(" › ") })
      return prompt(context, [{ text: body }], rows)
    }),
    showCategoriesFailed: reply((context) =>
      ask(context, "category.failed", [
        [button(text(context.language, "common.retry"), "retry")],
        [button(text(context.language, "category.none"), "cat:none")]
      ])
    ),
    askUnit: reply((context) =>
      ask(context, "procurement.askUnit", [UNITS[context.language].map((u) => button(u, `unit:${u}`))])
    ),
    askPrice: reply((context) => ask(context, "procurement.askPrice", [], { params: { unit: unitLabel(context) } })),
    askMinQuantity: reply((context) =>
      ask(context, "procurement.askMinQuantity", [skipRow(context.language, "procurement.minQuantityOne")], {
        params: { unit: unitLabel(context) }
      })
    ),
    askTarget: reply((context) => ask(context, "procurement.askTarget")),
    // the prompt names the bound that decides, as `checkStopAt`'s refusal does
    askStopAt: reply((context) => {
      const target = BigInt(context.targetAmount ?? "0")
      const minimalOrder = BigInt(context.pricePerUnit ?? "0") * BigInt(context.minQuantity)
      return minimalOrder > target
        ? ask(context, "procurement.askStopAtOverMinimalOrder", [skipRow(context.language)], {
            params: { min: formatRubles(minimalOrder) }
          })
        : ask(context, "procurement.askStopAt", [skipRow(context.language)], {
            params: { target: formatRubles(target) }
          })
    }),
    askDeadline: reply((context) =>
      ask(context, "procurement.askDeadline", [
        QUICK_DEADLINES.map((q) => button(text(context.language, q.label), q.data))
      ])
    ),
    askCity: reply((context) => ask(context, "procurement.askCity")),
    askAddress: reply((context) => ask(context, "procurement.askAddress", [skipRow(context.language)])),
    askPhoto: reply((context) => ask(context, "procurement.askPhoto", [skipRow(context.language)])),
    showPreview: reply((context) => {
      const l = context.language
      const body: Array<Span> = [
        { text: `${text(l, "procurement.preview")}\n\n`, bold: true },
        { text: `${context.title ?? ""}\n`, bold: true },
        { text: `${truncate(context.description ?? "", PREVIEW_DESCRIPTION)}\n\n` },
        ...line(text(l, "field.category"), context.categoryName ?? text(l, "common.notGiven")),
        ...line(
          text(l, "field.price"),
          text(l, "procurement.pricePer", {
            price: formatRubles(context.pricePerUnit ?? "0"),
            unit: unitLabel(context)
          })
        ),
        ...line(text(l, "field.minQuantity"), `${context.minQuantity} ${unitLabel(context)}`),
        ...line(text(l, "field.target"), formatRubles(context.targetAmount ?? "0")),
        ...line(
          text(l, "field.stopAt"),
          context.stopAtAmount === null ? text(l, "common.notGiven") : formatRubles(context.stopAtAmount)
        ),
        ...line(
          text(l, "field.deadline"),
          text(l, "procurement.deadlineValue", { date: formatMoscowDate(context.deadline ?? 0) })
        ),
        ...line(text(l, "field.city"), context.city ?? ""),
        ...line(text(l, "field.address"), context.deliveryAddress ?? text(l, "common.notGiven")),
        ...line(text(l, "field.photo"), text(l, context.imageUrl === null ? "common.no" : "common.yes"))
      ]
      return prompt(context, body, [
        [button(text(l, "procurement.publish"), "publish")],
        [button(text(l, "procurement.saveDraft"), "draft")]
      ])
    }),
    sendProcurement: request((context) => ({
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
    })),
    announceCreated: reply((context) =>
      closing([
        {
          text: text(context.language, context.publish ? "procurement.published" : "procurement.drafted", {
            title: context.title ?? ""
          })
        }
      ])
    )
  }
})
