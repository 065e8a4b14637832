/**
 * The WebAssembly backend: packs a whole batch into linear memory once (numeric columns as f64/u8 arrays, all
 * strings joined and copied once as UTF-16 code units with a cumulative offsets array), calls one kernel, and
 * unpacks the result once (one decode of the output units, then slices at the offsets the kernel wrote).
 * UTF-16 is what JavaScript strings are made of, so in Node both directions are a memory copy (Buffer's utf16le).
 * The heap is reset at the start of every call, so memory never grows past the largest batch.
 */
import {
  AGGREGATE_COLUMNS,
  checkColumnSortKeys,
  cityIdError,
  columnArrays,
  columnWidth,
  dictionaryRanks,
  packColumns,
  PROCESS_COLUMNS,
  requireArray,
  requireCityIds,
  requireColumns,
  sortColumnsNeeded
} from "./Columns.js"
import type { ColumnName, ColumnTargets } from "./Columns.js"
import { formatBigMoney } from "./internal/Format.js"
import {
  AVATAR_PALETTE,
  checkSortKeys,
  emailResult,
  formInput,
  formResult,
  phoneResult,
  requireNow,
  searchLimit,
  statusCounts,
  tzOffset
} from "./internal/Shared.js"
import type { CheckedKey } from "./internal/Shared.js"
import { text, trimSpaces } from "./internal/Text.js"
import type {
  ChatMessage,
  CityStats,
  ColumnSortKey,
  KernelFunctions,
  ProcessedMessages,
  ProcessedProcurements,
  Procurement,
  ProcurementColumns,
  ProcurementStats,
  SearchHit,
  SortKey
} from "./Types.js"

/** The ABI this bridge speaks; assembly/index.ts abiVersion() must return it. */
export const ABI_VERSION = 4

/** The sort kernel's code for a key given as u32 dictionary ids plus a u32 rank per dictionary entry (the city). */
const FIELD_CITY_RANK = 10

type Ptr = number

/** The exports of build/kernels.wasm (see assembly/index.ts). */
export interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer }
  abiVersion(): number
  heapReset(): void
  heapAlloc(size: number): Ptr
  heapSetTop(end: Ptr): void
  heapTop(): Ptr
  sanitizeStrings(units: Ptr, offsets: Ptr, count: number): void
  processProcurements(n: number, target: Ptr, collected: Ptr, deadline: Ptr, now: number): Ptr
  sortProcurements(n: number, keyCount: number, keys: Ptr): Ptr
  aggregateProcurements(
    n: number,
    status: Ptr,
    target: Ptr,
    collected: Ptr,
    deadline: Ptr,
    now: number,
    cityIds: Ptr,
    cityCount: number,
    cityUnits: Ptr,
    cityOffsets: Ptr
  ): Ptr
  searchProcurements(n: number, bytes: Ptr, offsets: Ptr, query: Ptr, queryLength: number, limit: number): Ptr
  processMessages(n: number, bytes: Ptr, offsets: Ptr, created: Ptr, tzMinutes: number): Ptr
  formatTexts(n: number, bytes: Ptr, offsets: Ptr): Ptr
  searchMessages(n: number, bytes: Ptr, offsets: Ptr, query: Ptr, queryLength: number): Ptr
  validatePhone(p: Ptr, length: number): Ptr
  validateEmail(p: Ptr, length: number): Ptr
  validateForm(bytes: Ptr, offsets: Ptr, target: number, deadline: number, now: number): Ptr
  formatCurrency(kopecks: number): Ptr
  avatarColor(p: Ptr, length: number): number
  initials(p: Ptr, length: number): Ptr
}

const EXPORT_NAMES: ReadonlyArray<keyof KernelExports> = [
  "abiVersion",
  "heapReset",
  "heapAlloc",
  "heapSetTop",
  "heapTop",
  "sanitizeStrings",
  "processProcurements",
  "sortProcurements",
  "aggregateProcurements",
  "searchProcurements",
  "processMessages",
  "formatTexts",
  "searchMessages",
  "validatePhone",
  "validateEmail",
  "validateForm",
  "formatCurrency",
  "avatarColor",
  "initials"
]

/** Checks that an instance's exports are the kernels this bridge expects; returns why not, or undefined. */
export const checkExports = (exports: Record<string, unknown>): string | undefined => {
  const missing = EXPORT_NAMES.filter((name) => typeof exports[name] !== "function")
  if (missing.length > 0) return `kernels.wasm lacks exports: ${missing.join(", ")}`
  const memory = exports["memory"] as { buffer?: unknown } | undefined
  if (!(memory?.buffer instanceof ArrayBuffer)) return "kernels.wasm does not export its memory"
  const abi = (exports["abiVersion"] as () => number)()
  if (abi !== ABI_VERSION) return `kernels.wasm speaks ABI ${abi}, the loader expects ${ABI_VERSION}: rebuild it`
  return undefined
}

interface NodeBufferApi {
  from(
    buffer: ArrayBuffer,
    byteOffset: number,
    length: number
  ): {
    write(s: string, offset: number, encoding: "utf16le"): number
    toString(encoding: "utf16le"): string
  }
}

// Node's Buffer copies UTF-16 in and out natively; browsers get a code unit loop in and TextDecoder out.
const NodeBuffer = (globalThis as { Buffer?: NodeBufferApi }).Buffer
// ignoreBOM keeps a leading U+FEFF in the text instead of swallowing it (which would shift every offset).
const utf16Decoder = NodeBuffer === undefined ? new TextDecoder("utf-16le", { ignoreBOM: true }) : undefined

interface WellFormedCheck {
  isWellFormed?: () => boolean
}

interface StringBlock {
  readonly units: Ptr
  readonly offsets: Ptr
}

class Bridge {
  private buffer: ArrayBuffer
  u8: Uint8Array
  u32: Uint32Array
  i32: Int32Array
  f64: Float64Array
  u64: BigUint64Array

  constructor(readonly x: KernelExports) {
    this.buffer = x.memory.buffer
    this.u8 = new Uint8Array(this.buffer)
    this.u32 = new Uint32Array(this.buffer)
    this.i32 = new Int32Array(this.buffer)
    this.f64 = new Float64Array(this.buffer)
    this.u64 = new BigUint64Array(this.buffer)
  }

  /** Re-creates the views after the memory grew (growth detaches the old buffer). */
  views(): this {
    const buffer = this.x.memory.buffer
    if (buffer !== this.buffer) {
      this.buffer = buffer
      this.u8 = new Uint8Array(buffer)
      this.u32 = new Uint32Array(buffer)
      this.i32 = new Int32Array(buffer)
      this.f64 = new Float64Array(buffer)
      this.u64 = new BigUint64Array(buffer)
    }
    return this
  }

  alloc(size: number): Ptr {
    const p = this.x.heapAlloc(size)
    this.views()
    return p
  }

  column<T>(items: ReadonlyArray<T>, get: (item: T) => number): Ptr {
    const n = items.length
    const p = this.alloc(n * 8)
    const f = this.f64
    const o = p >>> 3
    for (let i = 0; i < n; i++) f[o + i] = get(items[i]!)
    return p
  }

  /** Copies the UTF-16 code units of s to p. */
  private writeUnits(s: string, p: Ptr): void {
    if (NodeBuffer !== undefined) {
      NodeBuffer.from(this.buffer, p, s.length * 2).write(s, 0, "utf16le")
      return
    }
    const u16 = new Uint16Array(this.buffer, p, s.length)
    for (let i = 0; i < s.length; i++) u16[i] = s.charCodeAt(i)
  }

  /** One string (already well-formed) at the heap top; returns [pointer, units]. */
  string(s: string): [Ptr, number] {
    const p = this.alloc(s.length * 2)
    this.writeUnits(s, p)
    return [p, s.length]
  }

  /**
   * `count` strings (string i is get(i), non-strings count as "") concatenated and copied once, with cumulative
   * unit offsets (count + 1 entries). Concatenation builds a rope that the single copy flattens, which is
   * cheaper than collecting an array and joining it.
   */
  strings(count: number, get: (i: number) => unknown): StringBlock {
    const offsets = this.alloc((count + 1) * 4)
    const u32 = this.u32
    const o = offsets >>> 2
    let joined = ""
    let suspicious = false
    u32[o] = 0
    for (let i = 0; i < count; i++) {
      const v = get(i)
      if (typeof v !== "string") {
        u32[o + i + 1] = joined.length
        continue
      }
      joined += v
      u32[o + i + 1] = joined.length
      // A string ending in a high surrogate could pair with the next one's low surrogate across the join.
      const last = v.charCodeAt(v.length - 1)
      if (last >= 0xd800 && last <= 0xdbff) suspicious = true
    }
    const units = this.alloc(joined.length * 2)
    this.writeUnits(joined, units)
    const check = (joined as unknown as WellFormedCheck).isWellFormed
    if (suspicious || check === undefined || !check.call(joined)) {
      // Lone surrogates become U+FFFD inside each string, exactly as the JS backend's wellFormed() does.
      this.x.sanitizeStrings(units, offsets, count)
    }
    return { units, offsets }
  }

  /** One decode of `count` output units at p. */
  decodeAll(p: Ptr, count: number): string {
    if (NodeBuffer !== undefined) return NodeBuffer.from(this.buffer, p, count * 2).toString("utf16le")
    return utf16Decoder!.decode(this.u8.subarray(p, p + count * 2))
  }

  header(p: Ptr, i: number): number {
    return this.u32[(p >>> 2) + i]!
  }
}

/** A kernel total: a u64 sum and the number of times it wrapped around. */
const wide = (sum: bigint, carry: bigint): bigint => (carry << 64n) + sum

/** Splits `all` at `ends` (cumulative UTF-16 offsets, `stride` strings per item) into `stride` columns. */
const columns = (all: string, ends: Uint32Array, start: number, n: number, stride: number): Array<Array<string>> => {
  const out: Array<Array<string>> = []
  for (let k = 0; k < stride; k++) out.push(new Array<string>(n))
  let prev = 0
  let e = start
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < stride; k++) {
      const end = ends[e++]!
      out[k]![i] = all.slice(prev, end)
      prev = end
    }
  }
  return out
}

/** Builds the wasm backend over an instantiated kernels.wasm (exports already checked with checkExports). */
export const makeWasmBackend = (exports: KernelExports): KernelFunctions => {
  const b = new Bridge(exports)
  const x = exports
  const begin = () => {
    x.heapReset()
    return b.views()
  }

  type ColumnPointers = Partial<Record<ColumnName, Ptr>>

  /** Packs the named columns of `items` straight into wasm memory in one pass; returns the city dictionary. */
  const packInto = (items: ReadonlyArray<Procurement>, names: ReadonlyArray<ColumnName>) => {
    const n = items.length
    const ptrs: ColumnPointers = {}
    for (const name of names) ptrs[name] = b.alloc(n * columnWidth(name))
    // Views only after the last allocation: growing the memory detaches views made before it.
    const targets: ColumnTargets = columnArrays(n, names, { memory: x.memory.buffer, offsets: ptrs })
    return { ptrs, cities: packColumns(items, targets) }
  }

  /** Copies the named columns into wasm memory (one memcpy each). */
  const copyIn = (columns: ProcurementColumns, names: ReadonlyArray<ColumnName>): ColumnPointers => {
    const ptrs: ColumnPointers = {}
    for (const name of names) {
      const column = columns[name]
      const p = b.alloc(column.byteLength)
      if (column instanceof Float64Array) b.f64.set(column, p >>> 3)
      else if (column instanceof Uint32Array) b.u32.set(column, p >>> 2)
      else b.u8.set(column, p)
      ptrs[name] = p
    }
    return ptrs
  }

  const copyU32 = (values: Uint32Array): Ptr => {
    const p = b.alloc(values.byteLength)
    b.u32.set(values, p >>> 2)
    return p
  }

  const processRun = (n: number, ptrs: ColumnPointers, now: number): ProcessedProcurements => {
    const h = x.processProcurements(n, ptrs.targetAmount!, ptrs.collectedAmount!, ptrs.deadline!, now)
    b.views()
    const progressPercent = b.f64.slice(b.header(h, 0) >>> 3, (b.header(h, 0) >>> 3) + n)
    const remainingAmount = b.f64.slice(b.header(h, 1) >>> 3, (b.header(h, 1) >>> 3) + n)
    const daysLeft = b.i32.slice(b.header(h, 2) >>> 2, (b.header(h, 2) >>> 2) + n)
    const all = b.decodeAll(b.header(h, 4), b.header(h, 5))
    const [formattedTarget, formattedCollected, formattedRemaining] = columns(all, b.u32, b.header(h, 3) >>> 2, n, 3)
    return {
      progressPercent,
      remainingAmount,
      daysLeft,
      formattedTarget: formattedTarget!,
      formattedCollected: formattedCollected!,
      formattedRemaining: formattedRemaining!
    }
  }

  const batchProcessProcurements = (items: ReadonlyArray<Procurement>, now: number): ProcessedProcurements => {
    requireArray(items, "batchProcessProcurements")
    requireNow(now, "batchProcessProcurements")
    begin()
    return processRun(items.length, packInto(items, PROCESS_COLUMNS).ptrs, now)
  }

  const batchProcessProcurementsColumns = (columns: ProcurementColumns, now: number): ProcessedProcurements => {
    const n = requireColumns(columns, "batchProcessProcurementsColumns")
    requireNow(now, "batchProcessProcurementsColumns")
    begin()
    return processRun(n, copyIn(columns, PROCESS_COLUMNS), now)
  }

  const searchProcurements = (
    items: ReadonlyArray<Procurement>,
    query: string,
    options?: { readonly limit?: number }
  ): Array<SearchHit> => {
    requireArray(items, "searchProcurements")
    const limit = searchLimit(options)
    const n = items.length
    begin()
    const block = b.strings(n * 4, (k) => {
      const it = items[k >>> 2]!
      const f = k & 3
      return f === 0 ? it.title : f === 1 ? it.description : f === 2 ? it.city : it.category
    })
    const [q, ql] = b.string(text(query))
    const h = x.searchProcurements(n, block.units, block.offsets, q, ql, limit)
    b.views()
    const count = b.header(h, 0)
    const idx = b.header(h, 1) >>> 2
    const sc = b.header(h, 2) >>> 2
    const hits = new Array<SearchHit>(count)
    for (let k = 0; k < count; k++) hits[k] = { index: b.u32[idx + k]!, score: b.i32[sc + k]! }
    return hits
  }

  /**
   * Runs the sort kernel over columns already in memory (city keys as dictionary ids plus the rank of each entry,
   * title/category as text blocks); returns the pointer of the n sorted indices.
   */
  const sortRun = (
    n: number,
    checked: ReadonlyArray<CheckedKey>,
    ptrs: ColumnPointers,
    ranks: Ptr,
    text: (field: "title" | "category") => StringBlock
  ): Ptr => {
    const quads: Array<number> = []
    for (const key of checked) {
      const desc = key.desc ? 1 : 0
      const field = key.field
      if (field === "title" || field === "category") {
        const block = text(field)
        quads.push(key.code, desc, block.units, block.offsets)
      } else if (field === "city") quads.push(FIELD_CITY_RANK, desc, ptrs.city!, ranks)
      else if (field === "progress") quads.push(key.code, desc, ptrs.targetAmount!, ptrs.collectedAmount!)
      else quads.push(key.code, desc, ptrs[field]!, 0)
    }
    const keysPtr = b.alloc(quads.length * 4)
    b.u32.set(quads, keysPtr >>> 2)
    const order = x.sortProcurements(n, checked.length, keysPtr)
    b.views()
    return order
  }

  const sortProcurements = <T extends Procurement>(items: ReadonlyArray<T>, keys: ReadonlyArray<SortKey>): Array<T> => {
    requireArray(items, "sortProcurements")
    const checked = checkSortKeys(keys)
    const n = items.length
    begin()
    const { ptrs, cities } = packInto(items, sortColumnsNeeded(checked))
    const ranks = ptrs.city !== undefined ? copyU32(dictionaryRanks(cities)) : 0
    const order = sortRun(n, checked, ptrs, ranks, (field) => b.strings(n, (i) => items[i]![field])) >>> 2
    const out = new Array<T>(n)
    const u32 = b.u32
    for (let i = 0; i < n; i++) out[i] = items[u32[order + i]!]!
    return out
  }

  const sortProcurementsColumns = (columns: ProcurementColumns, keys: ReadonlyArray<ColumnSortKey>): Uint32Array => {
    const n = requireColumns(columns, "sortProcurementsColumns")
    const checked = checkColumnSortKeys(keys)
    const names = sortColumnsNeeded(checked)
    if (names.includes("city")) requireCityIds(columns, "sortProcurementsColumns")
    begin()
    const ptrs = copyIn(columns, names)
    const ranks = ptrs.city !== undefined ? copyU32(dictionaryRanks(columns.cities)) : 0
    const order = sortRun(n, checked, ptrs, ranks, () => {
      throw new TypeError("sortProcurementsColumns: no text columns")
    })
    return b.u32.slice(order >>> 2, (order >>> 2) + n)
  }

  const aggregateRun = (n: number, ptrs: ColumnPointers, cities: ReadonlyArray<unknown>, now: number, fn: string) => {
    // Each distinct city crosses the boundary once.
    const dictionary = b.strings(cities.length, (i) => cities[i])
    const ids = ptrs.city!
    const h = x.aggregateProcurements(
      n,
      ptrs.status!,
      ptrs.targetAmount!,
      ptrs.collectedAmount!,
      ptrs.deadline!,
      now,
      ids,
      cities.length,
      dictionary.units,
      dictionary.offsets
    )
    if (h === 0) throw cityIdError(fn, cities.length)
    b.views()
    const counts = b.u32.slice(h >>> 2, (h >>> 2) + 7)
    const groups = b.header(h, 8)
    const records = b.header(h, 9)
    const totals = b.header(h, 10) >>> 3
    const { u32, u64 } = b
    const list = new Array<CityStats>(groups)
    for (let g = 0; g < groups; g++) {
      const r = records + g * 48
      const w = r >>> 2
      const q = r >>> 3
      list[g] = {
        // The trimmed spelling of the group's first item (its id is still in memory: the kernel only appends).
        city: trimSpaces(text(cities[u32[(ids >>> 2) + u32[w]!]!])),
        count: u32[w + 1]!,
        active: u32[w + 2]!,
        totalTarget: wide(u64[q + 2]!, u64[q + 3]!),
        totalCollected: wide(u64[q + 4]!, u64[q + 5]!)
      }
    }
    return {
      total: n,
      byStatus: statusCounts(counts),
      unknownStatus: counts[6]!,
      overdueActive: b.header(h, 7),
      totalTarget: wide(u64[totals]!, u64[totals + 1]!),
      totalCollected: wide(u64[totals + 2]!, u64[totals + 3]!),
      cities: list
    }
  }

  const aggregateProcurementStats = (items: ReadonlyArray<Procurement>, now: number): ProcurementStats => {
    requireArray(items, "aggregateProcurementStats")
    requireNow(now, "aggregateProcurementStats")
    begin()
    const { ptrs, cities } = packInto(items, AGGREGATE_COLUMNS)
    return aggregateRun(items.length, ptrs, cities, now, "aggregateProcurementStats")
  }

  const aggregateProcurementStatsColumns = (columns: ProcurementColumns, now: number): ProcurementStats => {
    const n = requireColumns(columns, "aggregateProcurementStatsColumns")
    requireNow(now, "aggregateProcurementStatsColumns")
    begin()
    const fn = "aggregateProcurementStatsColumns"
    return aggregateRun(n, copyIn(columns, AGGREGATE_COLUMNS), columns.cities, now, fn)
  }

  const messageStrings = (messages: ReadonlyArray<ChatMessage>): StringBlock =>
    b.strings(messages.length * 2, (k) => (k & 1 ? messages[k >>> 1]!.author : messages[k >>> 1]!.text))

  const batchProcessMessages = (
    messages: ReadonlyArray<ChatMessage>,
    options?: { readonly tzOffsetMinutes?: number }
  ): ProcessedMessages => {
    requireArray(messages, "batchProcessMessages")
    const tz = tzOffset(options)
    const n = messages.length
    begin()
    const block = messageStrings(messages)
    const created = b.column(messages, (m) => m.createdAt)
    const h = x.processMessages(n, block.units, block.offsets, created, tz)
    b.views()
    const all = b.decodeAll(b.header(h, 1), b.header(h, 2))
    const [html, date, time, initials] = columns(all, b.u32, b.header(h, 0) >>> 2, n, 4)
    const dayKey = b.i32.slice(b.header(h, 3) >>> 2, (b.header(h, 3) >>> 2) + n)
    const newDay = b.u8.slice(b.header(h, 4), b.header(h, 4) + n)
    const colors = b.header(h, 5)
    const avatarColor = new Array<string>(n)
    for (let i = 0; i < n; i++) avatarColor[i] = AVATAR_PALETTE[b.u8[colors + i]!]!
    return { html: html!, date: date!, time: time!, initials: initials!, avatarColor, dayKey, newDay }
  }

  const searchMessages = (messages: ReadonlyArray<ChatMessage>, query: string): Array<number> => {
    requireArray(messages, "searchMessages")
    begin()
    const block = messageStrings(messages)
    const [q, ql] = b.string(text(query))
    const h = x.searchMessages(messages.length, block.units, block.offsets, q, ql)
    b.views()
    const start = b.header(h, 1) >>> 2
    return Array.from(b.u32.subarray(start, start + b.header(h, 0)))
  }

  const formatMessageText = (input: string): string => {
    begin()
    const block = b.strings(1, () => input)
    const h = x.formatTexts(1, block.units, block.offsets)
    b.views()
    return b.decodeAll(b.header(h, 1), b.header(h, 2))
  }

  const result = (h: Ptr): string => b.views().decodeAll(b.header(h, 0), b.header(h, 1))

  /** Runs a kernel over one string argument (`text(input)`); returns what it returned, with the views current. */
  const onString = (input: unknown, kernel: (p: Ptr, length: number) => number): number => {
    begin()
    const [p, len] = b.string(text(input))
    const h = kernel(p, len)
    b.views()
    return h
  }

  /** A validation result at h: its code, then the normalized text. */
  const validation = <R>(h: Ptr, make: (code: number, normalized: string) => R): R =>
    make(b.header(h, 0), b.decodeAll(b.header(h, 1), b.header(h, 2)))

  return {
    batchProcessProcurements,
    searchProcurements,
    sortProcurements,
    aggregateProcurementStats,
    batchProcessProcurementsColumns,
    sortProcurementsColumns,
    aggregateProcurementStatsColumns,
    batchProcessMessages,
    searchMessages,
    formatMessageText,
    validateProcurementForm: (form, options) => {
      const f = formInput(form, options)
      begin()
      const block = b.strings(f.strings.length, (i) => f.strings[i])
      const codes = x.validateForm(block.units, block.offsets, f.targetAmount, f.deadline, f.now)
      return formResult(b.views().u8.subarray(codes, codes + 8), f.locale)
    },
    validatePhone: (input) => validation(onString(input, x.validatePhone), phoneResult),
    validateEmail: (input) => validation(onString(input, x.validateEmail), emailResult),
    formatCurrency: (kopecks) => {
      if (typeof kopecks === "bigint") return formatBigMoney(kopecks)
      begin()
      return result(x.formatCurrency(+kopecks))
    },
    getAvatarColor: (name) => AVATAR_PALETTE[onString(name, x.avatarColor)]!,
    getInitials: (name) => result(onString(name, x.initials))
  }
}
