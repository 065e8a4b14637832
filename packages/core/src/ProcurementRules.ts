/**
 * The pure rules of procurements: validation of creation and edit input, who may join and with how much, when a
 * procurement stops by itself, and its progress. No I/O: the service feeds rows and the current time (from Clock).
 */
import { DateTime, Either, Option } from "effect"
import { Issue, RuleViolation } from "./Errors.js"
import type { CategoryId, UserId } from "./Ids.js"
import type { ParticipantStatus, ProcurementStatus } from "./Models.js"
import { formatRubles, Kopecks } from "./Money.js"
import type { CreateProcurement, UpdateProcurement } from "./Procurements.js"
import { Progress } from "./Procurements.js"
import { noControlCharacters, type Subject, Subjects } from "./Validation.js"

/** Limits of the creation form. */
export const limits = {
  titleMin: 3,
  titleMax: 200,
  descriptionMax: 5000,
  unitMax: 20,
  cityMax: 100,
  deliveryAddressMax: 500,
  imageUrlMax: 2000,
  /** 1 billion rubles: keeps quantity × price far from the bigint range */
  maxPricePerUnit: 100_000_000_000n,
  /** 10 billion rubles */
  maxAmount: 1_000_000_000_000n,
  maxQuantity: 1_000_000
} as const

const issue = (path: string, code: string, en: string, ru: string) => new Issue({ path, code, en, ru })

/** A creation input that passed every rule, normalised (trimmed, defaults applied). */
export interface ValidProcurement {
  readonly organizerId: UserId
  readonly title: string
  readonly description: string
  readonly categoryId: CategoryId | null
  readonly supplierId: UserId | null
  readonly targetAmount: Kopecks
  readonly pricePerUnit: Kopecks
  readonly unit: string
  readonly minQuantity: number
  readonly deadline: DateTime.Utc
  readonly paymentDeadline: DateTime.Utc | null
  readonly city: string
  readonly deliveryAddress: string | null
  readonly stopAtAmount: Kopecks | null
  readonly imageUrl: string | null
  readonly organizerFeePercent: number
  readonly status: "ACTIVE" | "DRAFT"
}

const blankToNull = (value: string | null | undefined) => {
  const trimmed = value?.trim() ?? ""
  return trimmed === "" ? null : trimmed
}

const isHttpUrl = (value: string) => {
  try {
    const url = new URL(value)
    return url.protocol === "http:" || url.protocol === "https:"
  } catch {
    return false
  }
}

/** The control-character rule of every text people type (`Validation.noControlCharacters`), for each field given. */
const controlCharacterIssues = (
  fields: ReadonlyArray<readonly [path: string, subject: Subject, value: string | null]>
): Array<Issue> =>
  fields.flatMap(([path, subject, value]) => {
    if (value === null) return []
    const check = noControlCharacters(value, { path, subject })
    return Either.isLeft(check) ? [check.left] : []
  })

/** Why a stop-at amount is refused (`checkStopAt`). */
export type StopAtProblem =
  | { readonly _tag: "BelowMinimalOrder"; readonly min: bigint }
  | { readonly _tag: "BelowTarget"; readonly target: bigint }
  | { readonly _tag: "TooLarge"; readonly max: bigint }

/**
 * The stop-at rule, one for every channel (API, bots): the procurement stops by itself once this much is collected,
 * so the amount must hold at least one minimal order (price × minimum quantity) and be no less than the target —
 * else it would stop before reaching its goal. A refusal names the larger of the two bounds, the one that decides
 * (told "at least 5 000" first, a person would try 6 000 only to hear "at least 20 000").
 */
export const checkStopAt = (input: {
  readonly stopAtAmount: bigint
  readonly pricePerUnit: bigint
  readonly minQuantity: number
  readonly targetAmount: bigint
}): Either.Either<bigint, StopAtProblem> => {
  const min = input.pricePerUnit * BigInt(input.minQuantity)
  if (min > input.targetAmount && input.stopAtAmount < min) return Either.left({ _tag: "BelowMinimalOrder", min })
  if (input.stopAtAmount < input.targetAmount) return Either.left({ _tag: "BelowTarget", target: input.targetAmount })
  if (input.stopAtAmount > limits.maxAmount) return Either.left({ _tag: "TooLarge", max: limits.maxAmount })
  return Either.right(input.stopAtAmount)
}

const stopAtIssue = (problem: StopAtProblem): Issue => {
  switch (problem._tag) {
    case "BelowMinimalOrder":
      return issue(
        "stopAtAmount",
        "stop-at.too-small",
        `The stop amount must be at least the price of the minimum quantity (${formatRubles(problem.min)})`,
        `Сумма остановки должна быть не меньше стоимости минимального количества (${formatRubles(problem.min)})`
      )
    case "BelowTarget":
      return issue(
        "stopAtAmount",
        "stop-at.below-target",
        `The stop amount may not be below the target amount (${formatRubles(problem.target)})`,
        `Сумма остановки не может быть меньше цели сбора (${formatRubles(problem.target)})`
      )
    case "TooLarge":
      return issue(
        "stopAtAmount",
        "stop-at.too-large",
        `The stop amount may not exceed ${formatRubles(problem.max)}`,
        `Сумма остановки не может превышать ${formatRubles(problem.max)}`
      )
  }
}

/** A text that must be given and be at most `max` characters long (`<path>.length`); `label.ru` is accusative. */
const requiredLineIssue = (path: string, label: { en: string; ru: string }, value: string, max: number) =>
  value === "" || value.length > max
    ? [
        issue(
          path,
          `${path}.length`,
          `The ${label.en} must be given, at most ${max} characters`,
          `Укажите ${label.ru} (не более ${max} символов)`
        )
      ]
    : []

/** Rules shared by creation and editing (the fields an edit may change). */
const editableIssues = (
  fields: {
    readonly title: string
    readonly description: string
    readonly city: string
    readonly deliveryAddress: string | null
    readonly imageUrl: string | null
    readonly deadline: DateTime.Utc
    readonly paymentDeadline: DateTime.Utc | null
  },
  now: DateTime.Utc,
  checkDeadline: boolean
): Array<Issue> => {
  const issues: Array<Issue> = controlCharacterIssues([
    ["title", Subjects.title, fields.title],
    ["description", Subjects.description, fields.description],
    ["city", Subjects.city, fields.city],
    ["deliveryAddress", Subjects.deliveryAddress, fields.deliveryAddress],
    ["imageUrl", Subjects.imageUrl, fields.imageUrl]
  ])
  if (fields.title.length < limits.titleMin || fields.title.length > limits.titleMax)
    issues.push(
      issue(
        "title",
        "title.length",
        `The title must be ${limits.titleMin} to ${limits.titleMax} characters long`,
        `Название должно содержать от ${limits.titleMin} до ${limits.titleMax} символов`
      )
    )
  if (fields.description.length > limits.descriptionMax)
    issues.push(
      issue(
        "description",
        "description.too-long",
        `The description may be at most ${limits.descriptionMax} characters long`,
        `Описание может содержать не более ${limits.descriptionMax} символов`
      )
    )
  issues.push(...requiredLineIssue("city", { en: "city", ru: "город" }, fields.city, limits.cityMax))
  if (fields.deliveryAddress !== null && fields.deliveryAddress.length > limits.deliveryAddressMax)
    issues.push(
      issue(
        "deliveryAddress",
        "delivery-address.too-long",
        `The delivery address may be at most ${limits.deliveryAddressMax} characters long`,
        `Адрес доставки может содержать не более ${limits.deliveryAddressMax} символов`
      )
    )
  if (fields.imageUrl !== null && (fields.imageUrl.length > limits.imageUrlMax || !isHttpUrl(fields.imageUrl)))
    issues.push(
      issue(
        "imageUrl",
        "image-url.invalid",
        "The image link must be an http:// or https:// address",
        "Ссылка на изображение должна начинаться с http:// или https://"
      )
    )
  if (checkDeadline && !DateTime.greaterThan(fields.deadline, now))
    issues.push(
      issue("deadline", "deadline.past", "The deadline must be in the future", "Дедлайн должен быть в будущем")
    )
  if (fields.paymentDeadline !== null && !DateTime.greaterThan(fields.paymentDeadline, fields.deadline))
    issues.push(
      issue(
        "paymentDeadline",
        "payment-deadline.before-deadline",
        "The payment deadline must be after the deadline",
        "Срок оплаты должен быть позже дедлайна"
      )
    )
  return issues
}

const amountIssue = (path: string, label: { en: string; ru: string }, value: bigint, max: bigint) =>
  value <= 0n
    ? [
        issue(
          path,
          `${path}.not-positive`,
          `The ${label.en} must be greater than zero`,
          `${label.ru} должна быть больше нуля`
        )
      ]
    : value > max
      ? [
          issue(
            path,
            `${path}.too-large`,
            `The ${label.en} may not exceed ${formatRubles(max)}`,
            `${label.ru} не может превышать ${formatRubles(max)}`
          )
        ]
      : []

/** Validates a creation input; every problem is reported at once. */
export const validateCreate = (
  input: CreateProcurement,
  now: DateTime.Utc
): Either.Either<ValidProcurement, ReadonlyArray<Issue>> => {
  const minQuantity = input.minQuantity ?? 1
  const organizerFeePercent = input.organizerFeePercent ?? 0
  const valid: ValidProcurement = {
    organizerId: input.organizerId,
    title: input.title.trim(),
    description: input.description.trim(),
    categoryId: input.categoryId ?? null,
    supplierId: input.supplierId ?? null,
    targetAmount: input.targetAmount,
    pricePerUnit: input.pricePerUnit,
    unit: input.unit.trim(),
    minQuantity,
    deadline: input.deadline,
    paymentDeadline: input.paymentDeadline ?? null,
    city: input.city.trim(),
    deliveryAddress: blankToNull(input.deliveryAddress),
    stopAtAmount: input.stopAtAmount ?? null,
    imageUrl: blankToNull(input.imageUrl),
    organizerFeePercent,
    status: input.publish ? "ACTIVE" : "DRAFT"
  }
  const issues = editableIssues(valid, now, true)
  issues.push(...controlCharacterIssues([["unit", Subjects.unit, valid.unit]]))
  issues.push(...requiredLineIssue("unit", { en: "unit", ru: "единицу измерения" }, valid.unit, limits.unitMax))
  issues.push(
    ...amountIssue(
      "pricePerUnit",
      { en: "price per unit", ru: "Цена за единицу" },
      valid.pricePerUnit,
      limits.maxPricePerUnit
    ),
    ...amountIssue("targetAmount", { en: "target amount", ru: "Целевая сумма" }, valid.targetAmount, limits.maxAmount)
  )
  if (!Number.isInteger(minQuantity) || minQuantity < 1 || minQuantity > limits.maxQuantity)
    issues.push(
      issue(
        "minQuantity",
        "min-quantity.invalid",
        `The minimum quantity must be a whole number from 1 to ${limits.maxQuantity}`,
        `Минимальное количество должно быть целым числом от 1 до ${limits.maxQuantity}`
      )
    )
  else if (valid.stopAtAmount !== null && valid.pricePerUnit > 0n) {
    const stopAt = checkStopAt({ ...valid, stopAtAmount: valid.stopAtAmount })
    if (Either.isLeft(stopAt)) issues.push(stopAtIssue(stopAt.left))
  }
  if (!Number.isFinite(organizerFeePercent) || organizerFeePercent < 0 || organizerFeePercent > 100)
    issues.push(
      issue(
        "organizerFeePercent",
        "organizer-fee.range",
        "The organizer fee must be between 0 and 100 percent",
        "Комиссия организатора должна быть от 0 до 100 процентов"
      )
    )
  return issues.length === 0 ? Either.right(valid) : Either.left(issues)
}

/** The editable fields of a procurement after a patch. */
export interface EditableFields {
  readonly title: string
  readonly description: string
  readonly categoryId: CategoryId | null
  readonly deadline: DateTime.Utc
  readonly paymentDeadline: DateTime.Utc | null
  readonly city: string
  readonly deliveryAddress: string | null
  readonly imageUrl: string | null
}

/** Applies and validates an edit; the deadline is only checked when the patch moves it. */
export const validateUpdate = (
  current: EditableFields,
  patch: UpdateProcurement,
  now: DateTime.Utc
): Either.Either<EditableFields, ReadonlyArray<Issue>> => {
  const next: EditableFields = {
    title: patch.title === undefined ? current.title : patch.title.trim(),
    description: patch.description === undefined ? current.description : patch.description.trim(),
    categoryId: patch.categoryId === undefined ? current.categoryId : patch.categoryId,
    deadline: patch.deadline ?? current.deadline,
    paymentDeadline: patch.paymentDeadline === undefined ? current.paymentDeadline : patch.paymentDeadline,
    city: patch.city === undefined ? current.city : patch.city.trim(),
    deliveryAddress: patch.deliveryAddress === undefined ? current.deliveryAddress : blankToNull(patch.deliveryAddress),
    imageUrl: patch.imageUrl === undefined ? current.imageUrl : blankToNull(patch.imageUrl)
  }
  const issues = editableIssues(next, now, patch.deadline !== undefined)
  return issues.length === 0 ? Either.right(next) : Either.left(issues)
}

/** Statuses in which the organizer may still edit the description of a procurement. */
export const editableStatuses: ReadonlyArray<ProcurementStatus> = ["DRAFT", "ACTIVE"]

/** A refusal with its readable messages. */
export const violation = (code: string, en: string, ru: string, params: Record<string, string> = {}) =>
  new RuleViolation({ code, en, ru, params })

/** What a join is checked against. */
export interface JoinContext {
  readonly procurement: {
    readonly status: ProcurementStatus
    readonly deadline: DateTime.Utc
    readonly organizerId: UserId
    readonly minQuantity: number
    readonly pricePerUnit: Kopecks
    readonly stopAtAmount: Kopecks | null
  }
  readonly userId: UserId
  readonly userActive: boolean
  readonly quantity: number
  /** Σ amount of the non-cancelled participants */
  readonly collected: Kopecks
  readonly alreadyJoined: boolean
  readonly now: DateTime.Utc
}

/**
 * Why nobody can join the procurement at `now` (not ACTIVE, or its deadline passed — also before the deadline sweep
 * has stopped it), or none: what a bot checks before asking anything, and the first rules of `checkJoin`.
 */
export const joinClosed = (
  p: { readonly status: ProcurementStatus; readonly deadline: DateTime.Utc },
  now: DateTime.Utc
): Option.Option<RuleViolation> =>
  p.status !== "ACTIVE"
    ? Option.some(
        violation(
          "join.not-active",
          "This procurement is not accepting participants",
          "Закупка не принимает участников"
        )
      )
    : !DateTime.lessThan(now, p.deadline)
      ? Option.some(
          violation("join.deadline-passed", "The deadline for joining has passed", "Срок записи в закупку истёк")
        )
      : Option.none()

/** The amount a join costs, or the first rule it breaks. */
export const checkJoin = (ctx: JoinContext): Either.Either<Kopecks, RuleViolation> => {
  const p = ctx.procurement
  if (!ctx.userActive)
    return Either.left(violation("join.user-blocked", "Your account is blocked", "Ваш аккаунт заблокирован"))
  const closed = joinClosed(p, ctx.now)
  if (Option.isSome(closed)) return Either.left(closed.value)
  if (p.organizerId === ctx.userId)
    return Either.left(
      violation(
        "join.own-procurement",
        "The organizer cannot join their own procurement",
        "Организатор не может участвовать в своей закупке"
      )
    )
  if (ctx.alreadyJoined)
    return Either.left(
      violation("join.already-joined", "You have already joined this procurement", "Вы уже участвуете в этой закупке")
    )
  if (ctx.quantity < p.minQuantity)
    return Either.left(
      violation(
        "join.quantity-too-small",
        `The minimum quantity is ${p.minQuantity}`,
        `Минимальное количество — ${p.minQuantity}`,
        { min: String(p.minQuantity) }
      )
    )
  const amount = Kopecks.make(p.pricePerUnit * BigInt(ctx.quantity))
  if (p.stopAtAmount !== null && ctx.collected + amount > p.stopAtAmount) {
    const remaining = p.stopAtAmount > ctx.collected ? p.stopAtAmount - ctx.collected : 0n
    return Either.left(
      violation(
        "join.exceeds-remaining",
        `Only ${formatRubles(remaining)} remains until the stop amount`,
        `До суммы остановки осталось только ${formatRubles(remaining)}`,
        { remaining: remaining.toString() }
      )
    )
  }
  return Either.right(amount)
}

/** With a stop-at amount: true once not even the minimum quantity fits any more. */
export const nothingMoreFits = (
  procurement: { readonly stopAtAmount: Kopecks | null; readonly pricePerUnit: Kopecks; readonly minQuantity: number },
  collected: bigint
) =>
  procurement.stopAtAmount !== null &&
  procurement.stopAtAmount - collected < procurement.pricePerUnit * BigInt(procurement.minQuantity)

/** Leaving is possible only while the procurement collects participants. */
export const checkLeave = (status: ProcurementStatus): Either.Either<void, RuleViolation> =>
  status === "ACTIVE"
    ? Either.void
    : Either.left(
        violation(
          "leave.too-late",
          "It is too late to leave: the procurement no longer collects participants",
          "Выйти уже нельзя: сбор участников в закупке завершён"
        )
      )

/** Paying is possible in PAYMENT, once the organizer confirmed the participant, and only once. */
export const checkPay = (
  procurementStatus: ProcurementStatus,
  participantStatus: ParticipantStatus
): Either.Either<void, RuleViolation> => {
  if (participantStatus === "PAID" || participantStatus === "DELIVERED")
    return Either.left(violation("pay.already-paid", "You have already paid", "Вы уже оплатили участие"))
  if (procurementStatus !== "PAYMENT")
    return Either.left(
      violation(
        "pay.not-open",
        "Payment is not open for this procurement",
        "Оплата по этой закупке сейчас не принимается"
      )
    )
  if (participantStatus === "PENDING")
    return Either.left(
      violation(
        "pay.not-confirmed",
        "The organizer has not confirmed your participation yet",
        "Организатор ещё не подтвердил ваше участие"
      )
    )
  return Either.void
}

const DAY_MS = 86_400_000

/** Whole days until the deadline, rounded up; 0 once it passed. */
export const daysLeft = (deadline: DateTime.Utc, now: DateTime.Utc) => {
  const ms = DateTime.toEpochMillis(deadline) - DateTime.toEpochMillis(now)
  return ms <= 0 ? 0 : Math.ceil(ms / DAY_MS)
}

/** Progress from the counting participants. */
export const progress = (input: {
  readonly collected: Kopecks
  readonly target: Kopecks
  readonly participantCount: number
  readonly deadline: DateTime.Utc
  readonly now: DateTime.Utc
}) =>
  new Progress({
    collectedAmount: input.collected,
    percent: input.target > 0n ? Number((input.collected * 100n) / input.target) : 0,
    participantCount: input.participantCount,
    daysLeft: daysLeft(input.deadline, input.now)
  })

/** What a status change does to the participants and the held money. */
export interface StatusPlan {
  /** participants that become CANCELLED without money */
  readonly cancel: ReadonlyArray<{ readonly id: string }>
  /** PAID participants refunded (and cancelled) */
  readonly refund: ReadonlyArray<{ readonly id: string; readonly userId: UserId; readonly amount: Kopecks }>
  /** CONFIRMED participants who are asked to pay */
  readonly askToPay: ReadonlyArray<{ readonly id: string; readonly userId: UserId; readonly amount: Kopecks }>
  /** held money transferred to the organizer */
  readonly transfer: Kopecks
}

/**
 * Plans the effects of an allowed transition. Refunds are ordered by user id, the global lock order of user rows.
 * Cancelling with a DELIVERED participant is refused by the caller before (goods delivered cannot be undone).
 */
export const planStatusChange = <
  P extends {
    readonly id: string
    readonly userId: UserId
    readonly amount: Kopecks
    readonly status: ParticipantStatus
  }
>(
  to: ProcurementStatus,
  participants: ReadonlyArray<P>,
  held: Kopecks
): StatusPlan => {
  const live = participants.filter((p) => p.status !== "CANCELLED")
  const none = { cancel: [], refund: [], askToPay: [], transfer: Kopecks.make(0n) }
  switch (to) {
    case "PAYMENT":
      return { ...none, askToPay: live.filter((p) => p.status === "CONFIRMED") }
    case "COMPLETED":
      return {
        ...none,
        cancel: live.filter((p) => p.status === "PENDING" || p.status === "CONFIRMED"),
        transfer: held
      }
    case "CANCELLED":
      return {
        ...none,
        cancel: live.filter((p) => p.status === "PENDING" || p.status === "CONFIRMED"),
        refund: live
          .filter((p) => p.status === "PAID")
          .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))
      }
    default:
      return none
  }
}
