/**
 * The columnar form of a procurement list: toProcurementColumns packs the objects once (one pass, numbers into
 * typed arrays, the city column dictionary-encoded) and the `...Columns` kernels of both backends read it. The object
 * API packs the fields it needs with the same packColumns and runs the same kernels, so there is one
 * implementation of each computation.
 */
import { checkSortKeys, statusCode } from "./internal/Shared.js"
import type { CheckedKey } from "./internal/Shared.js"
import { compareCodePoints, fold, text } from "./internal/Text.js"
import type { ColumnSortKey, Procurement, ProcurementColumns } from "./Types.js"

export const requireArray = <T>(items: ReadonlyArray<T>, fn: string): ReadonlyArray<T> => {
  if (!Array.isArray(items)) throw new TypeError(`${fn}: expected an array, got ${typeof items}`)
  return items
}

/** Where packColumns writes: any subset of the columns, each at least items.length long. */
export interface ColumnTargets {
  readonly status?: Uint8Array
  readonly targetAmount?: Float64Array
  readonly collectedAmount?: Float64Array
  readonly participantCount?: Float64Array
  readonly deadline?: Float64Array
  readonly createdAt?: Float64Array
  readonly city?: Uint32Array
}

/**
 * Fills the requested columns from `items` in one pass over the objects (into JS typed arrays or views of wasm
 * memory). Returns the city dictionary (each distinct value once, non-strings as ""), empty unless `city` is
 * requested. Numbers are stored as given (`+value`), the kernels apply the rules.
 */
export const packColumns = (items: ReadonlyArray<Procurement>, out: ColumnTargets): Array<string> => {
  const n = items.length
  const { status, targetAmount, collectedAmount, participantCount, deadline, createdAt, city } = out
  const cities: Array<string> = []
  // A prototype-less object as the dictionary: ~1.5x faster than a Map here (Node 20), and with no prototype
  // every key, "__proto__" included, is an ordinary own property.
  const dictionary = Object.create(null) as Record<string, number | undefined>
  for (let i = 0; i < n; i++) {
    const it = items[i]!
    if (status !== undefined) status[i] = statusCode(it.status)
    if (targetAmount !== undefined) targetAmount[i] = +it.targetAmount
    if (collectedAmount !== undefined) collectedAmount[i] = +it.collectedAmount
    if (participantCount !== undefined) participantCount[i] = +it.participantCount
    if (deadline !== undefined) deadline[i] = +it.deadline
    if (createdAt !== undefined) createdAt[i] = +it.createdAt
    if (city !== undefined) {
      const c = it.city
      const key = typeof c === "string" ? c : ""
      let id = dictionary[key]
      if (id === undefined) {
        id = cities.length
        dictionary[key] = id
        cities.push(key)
      }
      city[i] = id
    }
  }
  return cities
}

/**
 * Packs a procurement list once into columns for the `...Columns` kernels (batchProcessProcurementsColumns,
 * sortProcurementsColumns, aggregateProcurementStatsColumns). Worth it when the same list is processed, sorted
 * or summarised more than once; the object API does the same packing on every call.
 */
export const toProcurementColumns = (items: ReadonlyArray<Procurement>): ProcurementColumns => {
  requireArray(items, "toProcurementColumns")
  const n = items.length
  const columns = columnArrays(n, COLUMN_NAMES)
  const cities = packColumns(items, columns)
  return { length: n, ...columns, cities }
}

const COLUMN_TYPES = [
  ["status", Uint8Array],
  ["targetAmount", Float64Array],
  ["collectedAmount", Float64Array],
  ["participantCount", Float64Array],
  ["deadline", Float64Array],
  ["createdAt", Float64Array],
  ["city", Uint32Array]
] as const

const COLUMN_TYPE = Object.fromEntries(COLUMN_TYPES) as {
  readonly [K in (typeof COLUMN_TYPES)[number] as K[0]]: K[1]
}

const COLUMN_NAMES = COLUMN_TYPES.map(([name]) => name)

/** The columns batchProcessProcurements reads, and those aggregateProcurementStats reads. */
export const PROCESS_COLUMNS = ["targetAmount", "collectedAmount", "deadline"] as const
export const AGGREGATE_COLUMNS = ["status", "targetAmount", "collectedAmount", "deadline", "city"] as const

/** Typed arrays of n entries for the named columns: new ones, or views of `buffer` at the given byte offsets. */
export const columnArrays = <N extends ColumnName>(
  n: number,
  names: ReadonlyArray<N>,
  buffer?: { readonly memory: ArrayBuffer; readonly offsets: Partial<Record<ColumnName, number>> }
): { [K in N]-?: NonNullable<ColumnTargets[K]> } => {
  const out: Partial<Record<ColumnName, ColumnTargets[ColumnName]>> = {}
  for (const name of names) {
    const type = COLUMN_TYPE[name]
    out[name] = buffer === undefined ? new type(n) : new type(buffer.memory, buffer.offsets[name], n)
  }
  return out as { [K in N]-?: NonNullable<ColumnTargets[K]> }
}

/** Checks the shape of columns passed to a `...Columns` kernel (types and lengths, O(1)); returns the length. */
export const requireColumns = (columns: ProcurementColumns, fn: string): number => {
  if (typeof columns !== "object" || columns === null) {
    throw new TypeError(`${fn}: expected ProcurementColumns (from toProcurementColumns), got ${String(columns)}`)
  }
  const n = columns.length
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
    throw new RangeError(`${fn}: columns.length must be a non-negative integer, got ${String(n)}`)
  }
  for (const [name, type] of COLUMN_TYPES) {
    const column: unknown = columns[name]
    if (!(column instanceof type)) throw new TypeError(`${fn}: columns.${name} must be a ${type.name}`)
    if (column.length !== n) {
      throw new RangeError(`${fn}: columns.${name} has ${column.length} entries, columns.length is ${n}`)
    }
  }
  if (!Array.isArray(columns.cities)) throw new TypeError(`${fn}: columns.cities must be an array of strings`)
  return n
}

export const cityIdError = (fn: string, cities: number): RangeError =>
  new RangeError(`${fn}: columns.city holds an index outside columns.cities (${cities} entries)`)

/** Every city index must point into the dictionary (an O(n) pass, for columns that came from outside). */
export const requireCityIds = (columns: ProcurementColumns, fn: string): void => {
  const ids = columns.city
  const d = columns.cities.length
  let max = 0
  for (let i = 0; i < ids.length; i++) if (ids[i]! > max) max = ids[i]!
  if (ids.length > 0 && max >= d) throw cityIdError(fn, d)
}

/**
 * The rank of every dictionary entry in the sort order of city keys (folded text in code point order; spellings
 * that fold alike share a rank), so that a city key sorts as a number.
 */
export const dictionaryRanks = (cities: ReadonlyArray<unknown>): Uint32Array => {
  const d = cities.length
  const folded = new Array<string>(d)
  const order = new Array<number>(d)
  for (let u = 0; u < d; u++) {
    folded[u] = fold(text(cities[u]))
    order[u] = u
  }
  order.sort((a, b) => compareCodePoints(folded[a]!, folded[b]!))
  const ranks = new Uint32Array(d)
  let rank = 0
  for (let k = 0; k < d; k++) {
    if (k > 0 && folded[order[k]!] !== folded[order[k - 1]!]) rank++
    ranks[order[k]!] = rank
  }
  return ranks
}

export type ColumnName = keyof ColumnTargets

/** The raw columns the numeric and city keys of a sort read (title and category are read from the objects). */
export const sortColumnsNeeded = (checked: ReadonlyArray<CheckedKey>): Array<ColumnName> => {
  const names = new Set<ColumnName>()
  for (const { field } of checked) {
    if (field === "progress") names.add("targetAmount").add("collectedAmount")
    else if (field !== "title" && field !== "category") names.add(field)
  }
  return [...names]
}

/** Bytes per entry of a column. */
export const columnWidth = (name: ColumnName): number => (name === "status" ? 1 : name === "city" ? 4 : 8)

/** The sort keys of sortProcurementsColumns: those of sortProcurements without the free-text fields. */
export const checkColumnSortKeys = (keys: ReadonlyArray<ColumnSortKey>): Array<CheckedKey> => {
  const checked = checkSortKeys(keys as never, "sortProcurementsColumns")
  for (const key of checked) {
    if (key.field === "title" || key.field === "category") {
      throw new TypeError(
        `sortProcurementsColumns: cannot sort by ${key.field}: columns hold no free text; use sortProcurements`
      )
    }
  }
  return checked
}
