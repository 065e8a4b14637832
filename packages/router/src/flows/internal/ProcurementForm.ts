/** The form the procurement creation flow fills: its input, context, limits, and parsing and wording of each field. */
import { Language, ProcurementRules } from "@groupbuy/core"
import { Either, Schema } from "effect"
import { button, type FlowContext, hasStrings, type Row, textOf } from "./Kit.js"
import { type MessageKey, text } from "../../Messages.js"
import { parseDeadline } from "../parse/Deadline.js"
import { type Problem, problem } from "../parse/Problem.js"
import { parseQuantity } from "../parse/Quantity.js"
import { formatRubles, parseRubles } from "../parse/Rubles.js"
import { characters, parseLine, parseParagraphs } from "../parse/Text.js"
import type { FlowEvent } from "../Protocol.js"

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
export const PREVIEW_DESCRIPTION = 700

export const UNITS: Record<Language, ReadonlyArray<string>> = {
  ru: ["кг", "шт", "л", "уп"],
  en: ["kg", "pcs", "l", "pack"]
}

/** Quick deadline buttons: action → the phrase it stands for. */
export const QUICK_DEADLINES = [
  { data: "dl:1w", phrase: "через неделю", label: "deadline.inWeek" },
  { data: "dl:2w", phrase: "через 2 недели", label: "deadline.inTwoWeeks" },
  { data: "dl:1m", phrase: "через месяц", label: "deadline.inMonth" }
] as const satisfies ReadonlyArray<{ data: string; phrase: string; label: MessageKey }>

export const positive = (result: Either.Either<bigint, Problem>): Either.Either<bigint, Problem> =>
  Either.filterOrLeft(
    result,
    (k) => k > 0n,
    () => problem("amount.positive")
  )

export const parseTitle = (event: FlowEvent) => parseLine(textOf(event), TITLE_LENGTH.min, TITLE_LENGTH.max)
export const parseDescription = (event: FlowEvent) =>
  parseParagraphs(textOf(event), DESCRIPTION_LENGTH.min, DESCRIPTION_LENGTH.max)
export const parseUnit = (event: FlowEvent): Either.Either<string, Problem> => {
  const typed = event.type === "action" && event.action.startsWith("unit:") ? event.action.slice(5) : textOf(event)
  return Either.filterOrLeft(
    parseLine(typed, UNIT_LENGTH.min, UNIT_LENGTH.max),
    (unit) => /\p{L}/u.test(unit),
    () => problem("unit.noLetters")
  )
}
export const parsePrice = (event: FlowEvent) => positive(parseRubles(textOf(event)))
export const parseMinQuantity = (event: FlowEvent) => parseQuantity(textOf(event))
export const parseTarget = (event: FlowEvent) => positive(parseRubles(textOf(event)))

/** Stop-at: core's one rule (`ProcurementRules.checkStopAt`), worded by the flow's catalogue. */
export const parseStopAt = (context: CreateProcurementContext, event: FlowEvent): Either.Either<bigint, Problem> =>
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

export const deadlineText = (event: FlowEvent): string =>
  event.type === "action" ? (QUICK_DEADLINES.find((q) => q.data === event.action)?.phrase ?? "") : textOf(event)
export const parseDeadlineOf = (event: FlowEvent) => parseDeadline(deadlineText(event), event.now)
export const parseCity = (event: FlowEvent) => parseLine(textOf(event), CITY_LENGTH.min, CITY_LENGTH.max)
export const parseAddress = (event: FlowEvent) => parseParagraphs(textOf(event), ADDRESS_LENGTH.min, ADDRESS_LENGTH.max)

/** The category a button press or a typed name picks from the current level. */
export const categoryOf = (context: CreateProcurementContext, event: FlowEvent): CategoryItem | undefined => {
  if (event.type === "action") return context.categories.find((c) => `cat:${c.id}` === event.action)
  if (event.type === "text") {
    const typed = event.text.trim().toLocaleLowerCase()
    return context.categories.find((c) => c.name.trim().toLocaleLowerCase() === typed)
  }
  return undefined
}

export const isCategoryList = (data: unknown): data is ReadonlyArray<CategoryItem> =>
  Array.isArray(data) &&
  data.every(
    (c: unknown) =>
      typeof c === "object" &&
      c !== null &&
      hasStrings(["id", "name"], ["icon"])(c) &&
      typeof (c as { hasChildren?: unknown }).hasChildren === "boolean"
  )

export const isCreated = hasStrings(["procurementId", "status"])

export const truncate = (text: string, max: number): string =>
  characters(text) <= max ? text : `${[...text].slice(0, max - 1).join("")}…`

export const skipRow = (language: Language, key: MessageKey = "common.skip"): Row => [
  button(text(language, key), "skip")
]

export const unitLabel = (context: CreateProcurementContext): string => context.unit ?? ""
