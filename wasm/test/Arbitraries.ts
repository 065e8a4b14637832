// fast-check arbitraries with the inputs that break text and number code: Cyrillic (upper, lower, Ё/ё, U+0400
// block), emoji and astral characters, lone surrogates, separators, HTML specials, URL pieces, huge/NaN numbers.
import fc from "fast-check"
import { PROCUREMENT_STATUSES } from "../src/index.js"
import type {
  ChatMessage,
  ColumnSortField,
  Procurement,
  ProcurementColumns,
  ProcurementForm,
  ProcurementStatus,
  SortField
} from "../src/index.js"

const PIECES = [
  "А",
  "Я",
  "Ё",
  "ё",
  "е",
  "а",
  "я",
  "Ѐ",
  "Џ",
  "ѐ",
  "џ",
  "Мёд",
  "москва",
  "A",
  "Z",
  "a",
  "z",
  "0",
  "7",
  "8",
  "+",
  "-",
  "(",
  ")",
  " ",
  "  ",
  "\u00a0",
  "\u2003",
  "\u200d",
  "\ufeff",
  "\t",
  "\n",
  "«",
  "»",
  "<",
  ">",
  "&",
  '"',
  "'",
  "`",
  "/",
  ":",
  ".",
  ",",
  "?",
  "!",
  "@",
  "#",
  "=",
  "%",
  "😀",
  "👩‍🍳",
  "\u{10ffff}",
  "\ue000",
  "\uffff",
  "\ud83d",
  "\ude00",
  "http://",
  "https://",
  "HTTPS://",
  "a.ru",
  "javascript:",
  "data:",
  "<script>",
  "&amp;"
]

/** Strings built from interesting pieces, arbitrary code points and arbitrary UTF-16 code units. */
export const text = (maxLength = 24): fc.Arbitrary<string> =>
  fc.string({
    unit: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...PIECES) },
      { weight: 2, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)) }
    ),
    maxLength
  })

const MAX = Number.MAX_SAFE_INTEGER

/** Numbers as untrusted data delivers them: NaN, ±Infinity, -0, fractions, beyond-safe and negative values. */
export const anyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 0, max: 100_000_000 }),
  fc.maxSafeInteger(),
  fc.double(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, MAX, MAX + 1, -MAX, 2 ** 63, 1e300, 0.5, -0.5, 99.99, 1e21)
)

const NOW = Date.UTC(2026, 0, 15, 9, 0, 0)

/** Dates: near `now`, anywhere in the Date range, just outside it, and malformed. */
export const anyDate: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: NOW - 400 * 86_400_000, max: NOW + 400 * 86_400_000 }),
  fc.integer({ min: -8.64e15, max: 8.64e15 }),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, 8.64e15, -8.64e15, 8.64e15 + 1, -8.64e15 - 1, 0, -1, NOW, NOW + 0.5)
)

export const status: fc.Arbitrary<ProcurementStatus> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...PROCUREMENT_STATUSES) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("active", "", "toString", "__proto__") as unknown as fc.Arbitrary<ProcurementStatus>
  }
)

const city = fc.oneof(
  text(8),
  fc.constantFrom("Москва", " москва", "МОСКВА ", "Орёл", "орел", "", "__proto__", "constructor", "toString", "0", "1")
)

export const procurement: fc.Arbitrary<Procurement> = fc.record({
  id: fc.string(),
  title: text(),
  description: text(40),
  city,
  category: text(8),
  status,
  targetAmount: anyNumber,
  collectedAmount: anyNumber,
  participantCount: anyNumber,
  deadline: anyDate,
  createdAt: anyDate
})

export const procurements = fc.array(procurement, { maxLength: 30 })

export const chatMessage: fc.Arbitrary<ChatMessage> = fc.record({
  id: fc.string(),
  author: text(12),
  text: text(40),
  createdAt: anyDate
})

export const chatMessages = fc.array(chatMessage, { maxLength: 20 })

export const form: fc.Arbitrary<ProcurementForm> = fc.record(
  {
    title: fc.oneof(text(), fc.string({ minLength: 118, maxLength: 125 })),
    description: text(),
    city: text(),
    category: text(),
    targetAmount: anyNumber,
    deadline: anyDate,
    contactPhone: fc.oneof(text(), fc.constantFrom("+7 999 123-45-67", "8 (999) 123 45 67", "+7 999 123")),
    contactEmail: fc.oneof(text(), fc.constantFrom("a@b.ru", "Ivan@Mail.RU", "a@b", "a..b@c.ru"))
  },
  { requiredKeys: ["title", "city", "category", "targetAmount", "deadline"] }
)

export { NOW }

/** Every sort field, listed here so that a new field is noticed by the differential test. */
export const SORT_FIELDS: ReadonlyArray<SortField> = [
  "targetAmount",
  "collectedAmount",
  "participantCount",
  "deadline",
  "createdAt",
  "status",
  "progress",
  "title",
  "city",
  "category"
]

/** Sort fields of the columnar sort (no free text). */
export const COLUMN_SORT_FIELDS: ReadonlyArray<ColumnSortField> = SORT_FIELDS.filter(
  (f): f is ColumnSortField => f !== "title" && f !== "category"
)

/**
 * Columns as a caller may build them without toProcurementColumns: any status byte (not only 0..5 and 255), a
 * dictionary with repeated and colliding spellings, and the same hostile numbers and dates as the objects.
 */
export const procurementColumns: fc.Arbitrary<ProcurementColumns> = fc
  .tuple(
    fc.array(
      fc.record({
        status: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 255 })),
        targetAmount: anyNumber,
        collectedAmount: anyNumber,
        participantCount: anyNumber,
        deadline: anyDate,
        createdAt: anyDate,
        city: fc.nat()
      }),
      { maxLength: 30 }
    ),
    fc.array(city, { minLength: 1, maxLength: 8 })
  )
  .map(([rows, cities]) => ({
    length: rows.length,
    status: Uint8Array.from(rows, (r) => r.status),
    targetAmount: Float64Array.from(rows, (r) => r.targetAmount),
    collectedAmount: Float64Array.from(rows, (r) => r.collectedAmount),
    participantCount: Float64Array.from(rows, (r) => r.participantCount),
    deadline: Float64Array.from(rows, (r) => r.deadline),
    createdAt: Float64Array.from(rows, (r) => r.createdAt),
    city: Uint32Array.from(rows, (r) => r.city % cities.length),
    cities
  }))
