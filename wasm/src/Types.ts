/** Public types of @groupbuy/wasm. Money is integer kopecks held in safe-integer numbers; totals are bigint. */

export const PROCUREMENT_STATUSES = ["DRAFT", "ACTIVE", "STOPPED", "PAYMENT", "COMPLETED", "CANCELLED"] as const

export type ProcurementStatus = (typeof PROCUREMENT_STATUSES)[number]

/** The status code of a status that is not one of PROCUREMENT_STATUSES (the others are their index, 0..5). */
export const UNKNOWN_STATUS = 255

export interface Procurement {
  readonly id: string
  readonly title: string
  readonly description: string
  readonly city: string
  readonly category: string
  readonly status: ProcurementStatus
  /** Kopecks. NaN and negatives count as 0; values above Number.MAX_SAFE_INTEGER are capped. */
  readonly targetAmount: number
  /** Kopecks, same rules as targetAmount. */
  readonly collectedAmount: number
  readonly participantCount: number
  /** Epoch milliseconds; NaN, infinities and values outside the Date range mean "no valid deadline". */
  readonly deadline: number
  /** Epoch milliseconds. */
  readonly createdAt: number
}

/**
 * A procurement list in columnar form, built once per list with toProcurementColumns(items) and then passed to
 * the `...Columns` kernels as often as needed (entry i of every column belongs to item i). The numbers are the
 * items' values as given: the kernels apply the same rules (NaN, negatives, huge values, invalid dates) as the
 * object API, so both forms give identical results. Plain typed arrays owned by the caller: they work with either
 * backend and can be posted to a worker.
 */
export interface ProcurementColumns {
  /** The number of procurements; every column has this length. */
  readonly length: number
  /** The index of the status in PROCUREMENT_STATUSES (0..5), or UNKNOWN_STATUS (any code above 5 counts as unknown). */
  readonly status: Uint8Array
  readonly targetAmount: Float64Array
  readonly collectedAmount: Float64Array
  readonly participantCount: Float64Array
  readonly deadline: Float64Array
  readonly createdAt: Float64Array
  /** The city of each procurement as an index into `cities`. */
  readonly city: Uint32Array
  /** The dictionary of the city column: each distinct city value once, in order of first occurrence, as written. */
  readonly cities: ReadonlyArray<string>
}

/** The fields sortProcurementsColumns can sort by: every SortField except the free-text title and category. */
export type ColumnSortField = Exclude<SortField, "title" | "category">

export interface ColumnSortKey {
  readonly field: ColumnSortField
  readonly direction?: "asc" | "desc"
}

/** Columnar result of batchProcessProcurements: entry i belongs to items[i]. */
export interface ProcessedProcurements {
  /** floor(collected * 1000 / target) / 10, not capped at 100; 0 when the target is 0. */
  readonly progressPercent: Float64Array
  /** max(0, target - collected) in kopecks. */
  readonly remainingAmount: Float64Array
  /** Whole days until the deadline rounded up, 0 once it has passed, -1 when the deadline is invalid. */
  readonly daysLeft: Int32Array
  readonly formattedTarget: ReadonlyArray<string>
  readonly formattedCollected: ReadonlyArray<string>
  readonly formattedRemaining: ReadonlyArray<string>
}

export type SortField =
  | "targetAmount"
  | "collectedAmount"
  | "participantCount"
  | "deadline"
  | "createdAt"
  | "status"
  | "progress"
  | "title"
  | "city"
  | "category"

export interface SortKey {
  readonly field: SortField
  readonly direction?: "asc" | "desc"
}

export interface SearchHit {
  readonly index: number
  readonly score: number
}

export interface SearchOptions {
  /** Maximum number of hits (best first); all hits when omitted. */
  readonly limit?: number
}

export interface CityStats {
  /** The trimmed spelling of the city's first occurrence; cities are grouped by their folded, trimmed name. */
  readonly city: string
  readonly count: number
  readonly active: number
  readonly totalTarget: bigint
  readonly totalCollected: bigint
}

export interface ProcurementStats {
  readonly total: number
  readonly byStatus: Readonly<Record<ProcurementStatus, number>>
  /** Items whose status is not one of PROCUREMENT_STATUSES. */
  readonly unknownStatus: number
  /** ACTIVE procurements whose valid deadline is at or before `now`. */
  readonly overdueActive: number
  readonly totalTarget: bigint
  readonly totalCollected: bigint
  /** Most procurements first, then by folded name in code point order. */
  readonly cities: ReadonlyArray<CityStats>
}

export interface ChatMessage {
  readonly id: string
  readonly author: string
  readonly text: string
  /** Epoch milliseconds. */
  readonly createdAt: number
}

export interface MessageOptions {
  /** Minutes east of UTC used for dates and times (Moscow is 180); an integer in [-840, 840], default 0. */
  readonly tzOffsetMinutes?: number
}

/** The dayKey of a message whose date is invalid. */
export const NO_DAY = -2147483648

/** Columnar result of batchProcessMessages: entry i belongs to messages[i]. */
export interface ProcessedMessages {
  /** formatMessageText(text): escaped, with http(s) links. */
  readonly html: ReadonlyArray<string>
  /** "DD.MM.YYYY", or "" when the date is invalid. */
  readonly date: ReadonlyArray<string>
  /** "HH:MM", or "" when the date is invalid. */
  readonly time: ReadonlyArray<string>
  readonly initials: ReadonlyArray<string>
  readonly avatarColor: ReadonlyArray<string>
  /** Local days since 1970-01-01, or NO_DAY. */
  readonly dayKey: Int32Array
  /** 1 when the message starts a new day compared with the previous message that has a valid date. */
  readonly newDay: Uint8Array
}

export type Locale = "ru" | "en"

export interface ProcurementForm {
  readonly title: string
  readonly description?: string
  readonly city: string
  readonly category: string
  /** Kopecks. */
  readonly targetAmount: number
  /** Epoch milliseconds. */
  readonly deadline: number
  readonly contactPhone?: string
  readonly contactEmail?: string
}

export type FormField =
  "title" | "description" | "city" | "category" | "targetAmount" | "deadline" | "contactPhone" | "contactEmail"

export type FormErrorCode =
  "required" | "tooShort" | "tooLong" | "invalid" | "notPositive" | "tooLarge" | "notFuture" | "tooFar"

export interface FieldError {
  readonly field: FormField
  readonly code: FormErrorCode
  readonly message: string
}

export interface FormValidation {
  readonly valid: boolean
  readonly errors: ReadonlyArray<FieldError>
}

export interface FormOptions {
  readonly now: number
  readonly locale?: Locale
}

export type PhoneError = "empty" | "invalidCharacters" | "wrongLength" | "wrongCountry"

export type PhoneValidation =
  { readonly valid: true; readonly normalized: string } | { readonly valid: false; readonly error: PhoneError }

export type EmailValidation =
  { readonly valid: true; readonly normalized: string } | { readonly valid: false; readonly error: "empty" | "invalid" }

export type Backend = "wasm" | "js"

/** The functions both backends implement with identical results. */
export interface KernelFunctions {
  batchProcessProcurements(items: ReadonlyArray<Procurement>, now: number): ProcessedProcurements
  searchProcurements(items: ReadonlyArray<Procurement>, query: string, options?: SearchOptions): Array<SearchHit>
  sortProcurements<T extends Procurement>(items: ReadonlyArray<T>, keys: ReadonlyArray<SortKey>): Array<T>
  aggregateProcurementStats(items: ReadonlyArray<Procurement>, now: number): ProcurementStats
  /** batchProcessProcurements over prepared columns (reads targetAmount, collectedAmount, deadline). */
  batchProcessProcurementsColumns(columns: ProcurementColumns, now: number): ProcessedProcurements
  /** sortProcurements over prepared columns: the item indices in sorted order. */
  sortProcurementsColumns(columns: ProcurementColumns, keys: ReadonlyArray<ColumnSortKey>): Uint32Array
  /** aggregateProcurementStats over prepared columns (reads status, amounts, deadline, city). */
  aggregateProcurementStatsColumns(columns: ProcurementColumns, now: number): ProcurementStats
  batchProcessMessages(messages: ReadonlyArray<ChatMessage>, options?: MessageOptions): ProcessedMessages
  searchMessages(messages: ReadonlyArray<ChatMessage>, query: string): Array<number>
  formatMessageText(text: string): string
  validateProcurementForm(form: ProcurementForm, options: FormOptions): FormValidation
  validatePhone(input: string): PhoneValidation
  validateEmail(input: string): EmailValidation
  /** Numbers are truncated and clamped to ±MAX_SAFE_INTEGER (NaN is 0); bigints are formatted exactly. */
  formatCurrency(kopecks: number | bigint): string
  getAvatarColor(name: string): string
  getInitials(name: string): string
}

export const KERNEL_NAMES = [
  "batchProcessProcurements",
  "searchProcurements",
  "sortProcurements",
  "aggregateProcurementStats",
  "batchProcessProcurementsColumns",
  "sortProcurementsColumns",
  "aggregateProcurementStatsColumns",
  "batchProcessMessages",
  "searchMessages",
  "formatMessageText",
  "validateProcurementForm",
  "validatePhone",
  "validateEmail",
  "formatCurrency",
  "getAvatarColor",
  "getInitials"
] as const satisfies ReadonlyArray<keyof KernelFunctions>

export type KernelName = (typeof KERNEL_NAMES)[number]
