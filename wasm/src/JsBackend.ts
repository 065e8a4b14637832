/**
 * The plain TypeScript implementation of every kernel. It is the fallback when WebAssembly is unavailable and
 * the backend of the functions where it is faster (see Routing.ts); its results are identical to the wasm ones.
 */
import {
  amount,
  formatBigMoney,
  formatDay,
  formatMoney,
  formatTimeOfDay,
  signedAmount,
  splitDay,
  toBig
} from "./internal/Format.js"
import { DAY_MS, validDate } from "./internal/Format.js"
import {
  checkColumnSortKeys,
  cityIdError,
  dictionaryRanks,
  packColumns,
  requireArray,
  requireCityIds,
  requireColumns,
  sortColumnsNeeded
} from "./Columns.js"
import type { ColumnName, ColumnTargets } from "./Columns.js"
import { formatText } from "./internal/MessageText.js"
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
import {
  compareCodePoints,
  fnv1aUtf16,
  fold,
  hasHighUnits,
  isSeparator,
  separatorAt,
  separatorBefore,
  text,
  tokenize,
  trimSpaces,
  upperCodePoint
} from "./internal/Text.js"
import type { CheckedKey } from "./internal/Shared.js"
import type { Token } from "./internal/Text.js"
import { checkEmail, checkForm, checkPhone } from "./internal/Validate.js"
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
  SearchHit
} from "./Types.js"
import { NO_DAY } from "./Types.js"

const ACTIVE = 1
const FIELD_WEIGHTS = [4, 1, 2, 3] as const

const progressOf = (target: number, collected: number): number =>
  target > 0 ? Math.floor((collected * 1000) / target) / 10 : 0

/** The kernel of batchProcessProcurements(Columns) over the raw number columns. */
const processColumns = (
  n: number,
  target: Float64Array,
  collected: Float64Array,
  deadline: Float64Array,
  now: number
): ProcessedProcurements => {
  const progressPercent = new Float64Array(n)
  const remainingAmount = new Float64Array(n)
  const daysLeft = new Int32Array(n)
  const formattedTarget = new Array<string>(n)
  const formattedCollected = new Array<string>(n)
  const formattedRemaining = new Array<string>(n)
  for (let i = 0; i < n; i++) {
    const t = amount(target[i]!)
    const c = amount(collected[i]!)
    progressPercent[i] = progressOf(t, c)
    const r = t - c > 0 ? t - c : 0
    remainingAmount[i] = r
    const d = deadline[i]!
    daysLeft[i] = validDate(d) ? (d <= now ? 0 : Math.ceil((d - now) / DAY_MS)) : -1
    formattedTarget[i] = formatMoney(t)
    formattedCollected[i] = formatMoney(c)
    formattedRemaining[i] = formatMoney(r)
  }
  return { progressPercent, remainingAmount, daysLeft, formattedTarget, formattedCollected, formattedRemaining }
}

const batchProcessProcurements = (items: ReadonlyArray<Procurement>, now: number): ProcessedProcurements => {
  requireArray(items, "batchProcessProcurements")
  requireNow(now, "batchProcessProcurements")
  const n = items.length
  const c = { targetAmount: new Float64Array(n), collectedAmount: new Float64Array(n), deadline: new Float64Array(n) }
  packColumns(items, c)
  return processColumns(n, c.targetAmount, c.collectedAmount, c.deadline, now)
}

const batchProcessProcurementsColumns = (columns: ProcurementColumns, now: number): ProcessedProcurements => {
  const n = requireColumns(columns, "batchProcessProcurementsColumns")
  requireNow(now, "batchProcessProcurementsColumns")
  return processColumns(n, columns.targetAmount, columns.collectedAmount, columns.deadline, now)
}

/** Levenshtein distance of two code point ranges is at most 1 (lengths in code points given). */
const withinOneEdit = (
  a: string,
  as: number,
  ae: number,
  aCps: number,
  b: string,
  bs: number,
  be: number,
  bCps: number
): boolean => {
  if (aCps === bCps) {
    let diff = 0
    while (as < ae) {
      const ca = a.codePointAt(as)!
      const cb = b.codePointAt(bs)!
      as += ca > 0xffff ? 2 : 1
      bs += cb > 0xffff ? 2 : 1
      if (ca !== cb && ++diff > 1) return false
    }
    return true
  }
  if (aCps < bCps) return withinOneEdit(b, bs, be, bCps, a, as, ae, aCps)
  if (aCps !== bCps + 1) return false
  while (bs < be) {
    const ca = a.codePointAt(as)!
    const cb = b.codePointAt(bs)!
    if (ca !== cb) break
    as += ca > 0xffff ? 2 : 1
    bs += cb > 0xffff ? 2 : 1
  }
  if (bs === be) return true
  as += a.codePointAt(as)! > 0xffff ? 2 : 1
  return ae - as === be - bs && a.startsWith(b.slice(bs, be), as)
}

/** 10 whole word, 7 word prefix, 4 substring, 2 a word within one edit (tokens of 4+ code points), else 0. */
const fieldScore = (f: string, token: Token): number => {
  const tok = token.text
  let best = 0
  for (let q = f.indexOf(tok); q >= 0; q = f.indexOf(tok, q + 1)) {
    let kind = 4
    if (q === 0 || separatorBefore(f, q)) {
      kind = 7
      const e = q + tok.length
      if (e === f.length || separatorAt(f, e)) return 10
    }
    if (kind > best) best = kind
  }
  if (best > 0) return best
  const cps = token.codePoints
  if (cps < 4) return 0
  let p = 0
  while (p < f.length) {
    if (separatorAt(f, p)) {
      p++
      continue
    }
    const ws = p
    let wc = 0
    while (p < f.length && !separatorAt(f, p)) {
      const c = f.charCodeAt(p)
      p += c >= 0xd800 && c <= 0xdbff ? 2 : 1
      wc++
    }
    const d = wc - cps
    if (d >= -1 && d <= 1 && withinOneEdit(f, ws, p, wc, tok, 0, tok.length, cps)) return 2
  }
  return 0
}

const byScore = (a: SearchHit, b: SearchHit) => b.score - a.score || a.index - b.index

const searchProcurements = (
  items: ReadonlyArray<Procurement>,
  query: string,
  options?: { readonly limit?: number }
): Array<SearchHit> => {
  requireArray(items, "searchProcurements")
  const limit = searchLimit(options)
  const tokens = tokenize(text(query))
  const hits: Array<SearchHit> = []
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!
    let fields: Array<string> | undefined
    let total = 0
    let all = true
    for (const token of tokens) {
      fields ??= [fold(text(it.title)), fold(text(it.description)), fold(text(it.city)), fold(text(it.category))]
      let score = 0
      for (let f = 0; f < 4; f++) score += fieldScore(fields[f]!, token) * FIELD_WEIGHTS[f as 0 | 1 | 2 | 3]
      if (score === 0) {
        all = false
        break
      }
      total += score
    }
    if (all) hits.push({ index: i, score: total })
  }
  hits.sort(byScore)
  return limit >= 0 && hits.length > limit ? hits.slice(0, limit) : hits
}

/** Raw columns a sort reads: those its numeric keys need (plus the city ranks for a city key). */
interface SortColumns extends ColumnTargets {
  readonly ranks?: Uint32Array
}

/** The comparison column of a numeric key (NaN = missing, sorted last) or of a city key (its dictionary rank). */
const numericKey = (code: number, n: number, c: SortColumns): Float64Array => {
  const col = new Float64Array(n)
  switch (code) {
    case 0:
    case 1:
    case 2: {
      const a = code === 0 ? c.targetAmount! : code === 1 ? c.collectedAmount! : c.participantCount!
      for (let i = 0; i < n; i++) col[i] = amount(a[i]!)
      break
    }
    case 3:
    case 4: {
      const a = code === 3 ? c.deadline! : c.createdAt!
      for (let i = 0; i < n; i++) {
        const d = a[i]!
        col[i] = validDate(d) ? d : NaN
      }
      break
    }
    case 5: {
      const a = c.status!
      for (let i = 0; i < n; i++) col[i] = a[i]! < 6 ? a[i]! : NaN
      break
    }
    case 6: {
      const t = c.targetAmount!
      const k = c.collectedAmount!
      for (let i = 0; i < n; i++) col[i] = progressOf(amount(t[i]!), amount(k[i]!))
      break
    }
    default: {
      const ids = c.city!
      const ranks = c.ranks!
      for (let i = 0; i < n; i++) col[i] = ranks[ids[i]!]!
    }
  }
  return col
}

/** A folded free-text key (title or category); `exact` when `<` would not give code point order. */
interface TextKey {
  readonly strings: Array<string>
  readonly exact: boolean
}

const textKey = (items: ReadonlyArray<Procurement>, field: "title" | "category"): TextKey => {
  const n = items.length
  const strings = new Array<string>(n)
  let exact = false
  for (let i = 0; i < n; i++) {
    const s = fold(text(field === "title" ? items[i]!.title : items[i]!.category))
    strings[i] = s
    if (!exact && hasHighUnits(s)) exact = true
  }
  return { strings, exact }
}

/** The stable sort of 0..n-1 by the keys (first key most significant; ties keep index order). */
const sortOrder = (n: number, checked: ReadonlyArray<CheckedKey>, cols: ReadonlyArray<Float64Array | TextKey>) => {
  // Separate arrays keep the comparator monomorphic (an instanceof per comparison cost ~20% at 100k items).
  const numeric = cols.map((c) => (c instanceof Float64Array ? c : undefined))
  const strings = cols.map((c) => (c instanceof Float64Array ? undefined : c.strings))
  const exact = cols.map((c) => !(c instanceof Float64Array) && c.exact)
  const desc = checked.map((k) => k.desc)
  const keys = checked.length
  const compare = (a: number, b: number): number => {
    for (let k = 0; k < keys; k++) {
      const col = numeric[k]
      if (col !== undefined) {
        const x = col[a]!
        const y = col[b]!
        if (x === y) continue
        if (x !== x) {
          if (y !== y) continue
          return 1
        }
        if (y !== y) return -1
        return x < y !== desc[k] ? -1 : 1
      }
      const sc = strings[k]!
      const x = sc[a]!
      const y = sc[b]!
      if (x === y) continue
      const c = exact[k] ? compareCodePoints(x, y) : x < y ? -1 : 1
      return desc[k] ? -c : c
    }
    return a - b
  }
  const order = new Array<number>(n)
  for (let i = 0; i < n; i++) order[i] = i
  return order.sort(compare)
}

const sortProcurements = <T extends Procurement>(
  items: ReadonlyArray<T>,
  keys: ReadonlyArray<{ readonly field: string; readonly direction?: "asc" | "desc" }>
): Array<T> => {
  requireArray(items, "sortProcurements")
  const checked = checkSortKeys(keys as never)
  const n = items.length
  // Pack the number columns the keys need in one pass (the city as dictionary ids), then sort as the columns do.
  const targets: { -readonly [K in ColumnName]?: ColumnTargets[K] } = {}
  for (const name of sortColumnsNeeded(checked)) {
    if (name === "status") targets.status = new Uint8Array(n)
    else if (name === "city") targets.city = new Uint32Array(n)
    else targets[name] = new Float64Array(n)
  }
  const cities = packColumns(items, targets)
  const cols: SortColumns = targets.city !== undefined ? { ...targets, ranks: dictionaryRanks(cities) } : targets
  const keyCols = checked.map((key) =>
    key.code === 7 || key.code === 9
      ? textKey(items, key.code === 7 ? "title" : "category")
      : numericKey(key.code, n, cols)
  )
  const order = sortOrder(n, checked, keyCols)
  // A loop: Array.prototype.map over a shuffled order measured ~15x slower at 100k items (Node 20).
  const out = new Array<T>(n)
  for (let i = 0; i < n; i++) out[i] = items[order[i]!]!
  return out
}

const sortProcurementsColumns = (columns: ProcurementColumns, keys: ReadonlyArray<ColumnSortKey>): Uint32Array => {
  const n = requireColumns(columns, "sortProcurementsColumns")
  const checked = checkColumnSortKeys(keys)
  let cols: SortColumns = columns
  if (checked.some((k) => k.code === 8)) {
    requireCityIds(columns, "sortProcurementsColumns")
    cols = { city: columns.city, ranks: dictionaryRanks(columns.cities) }
  }
  const keyCols = checked.map((key) => numericKey(key.code, n, key.code === 8 ? cols : columns))
  return Uint32Array.from(sortOrder(n, checked, keyCols))
}

const TWO_32 = 4294967296
/** Item chunk after which the low halves of the sums are carried (each low half stays below 2^52: exact). */
const CARRY_CHUNK = 1 << 20

/**
 * The kernel of aggregateProcurementStats(Columns). Sums are kept as 32-bit high and low halves in doubles (as
 * the wasm kernel does in u64), so they are exact for any number of safe amounts. Each distinct city spelling is
 * folded once and mapped to its group.
 */
const aggregateColumns = (
  n: number,
  status: Uint8Array,
  target: Float64Array,
  collected: Float64Array,
  deadline: Float64Array,
  cityIds: Uint32Array,
  cities: ReadonlyArray<unknown>,
  now: number,
  fn: string
): ProcurementStats => {
  const d = cities.length
  const groupOf = new Int32Array(d)
  const keys: Array<string> = []
  const byKey = new Map<string, number>()
  for (let u = 0; u < d; u++) {
    const key = trimSpaces(fold(text(cities[u])))
    let g = byKey.get(key)
    if (g === undefined) {
      g = keys.length
      byKey.set(key, g)
      keys.push(key)
    }
    groupOf[u] = g
  }
  const groups = keys.length
  const count = new Float64Array(groups)
  const active = new Float64Array(groups)
  const first = new Int32Array(groups)
  // Per group: target high, target low, collected high, collected low.
  const sums = new Float64Array(groups * 4)
  const counts = new Float64Array(8)
  let overdue = 0
  let tHi = 0
  let tLo = 0
  let cHi = 0
  let cLo = 0
  for (let start = 0; start < n; start += CARRY_CHUNK) {
    const end = Math.min(n, start + CARRY_CHUNK)
    for (let i = start; i < end; i++) {
      const s = status[i]!
      const isActive = s === ACTIVE
      counts[s < 6 ? s : 6]!++
      if (isActive) {
        const dl = deadline[i]!
        if (validDate(dl) && dl <= now) overdue++
      }
      const t = amount(target[i]!)
      const c = amount(collected[i]!)
      const th = Math.floor(t / TWO_32)
      const tl = t - th * TWO_32
      const ch = Math.floor(c / TWO_32)
      const cl = c - ch * TWO_32
      tHi += th
      tLo += tl
      cHi += ch
      cLo += cl
      const id = cityIds[i]!
      if (id >= d) throw cityIdError(fn, d)
      const g = groupOf[id]!
      if (count[g]++ === 0) first[g] = i
      if (isActive) active[g]!++
      const q = g << 2
      sums[q] += th
      sums[q + 1] += tl
      sums[q + 2] += ch
      sums[q + 3] += cl
    }
    for (let q = 1; q < sums.length; q += 2) {
      const carry = Math.floor(sums[q]! / TWO_32)
      sums[q - 1] += carry
      sums[q] -= carry * TWO_32
    }
    const tCarry = Math.floor(tLo / TWO_32)
    tHi += tCarry
    tLo -= tCarry * TWO_32
    const cCarry = Math.floor(cLo / TWO_32)
    cHi += cCarry
    cLo -= cCarry * TWO_32
  }
  const used: Array<number> = []
  for (let g = 0; g < groups; g++) if (count[g]! > 0) used.push(g)
  used.sort((a, b) => count[b]! - count[a]! || compareCodePoints(keys[a]!, keys[b]!))
  const list = used.map((g): CityStats => {
    const q = g << 2
    return {
      city: trimSpaces(text(cities[cityIds[first[g]!]!])),
      count: count[g]!,
      active: active[g]!,
      totalTarget: toBig(sums[q]!, sums[q + 1]!),
      totalCollected: toBig(sums[q + 2]!, sums[q + 3]!)
    }
  })
  return {
    total: n,
    byStatus: statusCounts(counts),
    unknownStatus: counts[6]!,
    overdueActive: overdue,
    totalTarget: toBig(tHi, tLo),
    totalCollected: toBig(cHi, cLo),
    cities: list
  }
}

const aggregateProcurementStats = (items: ReadonlyArray<Procurement>, now: number): ProcurementStats => {
  requireArray(items, "aggregateProcurementStats")
  requireNow(now, "aggregateProcurementStats")
  const n = items.length
  const c = {
    status: new Uint8Array(n),
    targetAmount: new Float64Array(n),
    collectedAmount: new Float64Array(n),
    deadline: new Float64Array(n),
    city: new Uint32Array(n)
  }
  const cities = packColumns(items, c)
  return aggregateColumns(n, c.status, c.targetAmount, c.collectedAmount, c.deadline, c.city, cities, now, "")
}

const aggregateProcurementStatsColumns = (columns: ProcurementColumns, now: number): ProcurementStats => {
  const n = requireColumns(columns, "aggregateProcurementStatsColumns")
  requireNow(now, "aggregateProcurementStatsColumns")
  const c = columns
  const fn = "aggregateProcurementStatsColumns"
  return aggregateColumns(n, c.status, c.targetAmount, c.collectedAmount, c.deadline, c.city, c.cities, now, fn)
}

/** Up to two initials: first letters of the first and the last word, upper-cased. */
export const initialsOf = (name: string): string => {
  let first = 0
  let last = 0
  let words = 0
  let inWord = false
  for (let i = 0; i < name.length;) {
    const cp = name.codePointAt(i)!
    i += cp > 0xffff ? 2 : 1
    if (isSeparator(cp)) {
      inWord = false
    } else if (!inWord) {
      inWord = true
      words++
      if (words === 1) first = cp
      last = cp
    }
  }
  if (words === 0) return ""
  const a = String.fromCodePoint(upperCodePoint(first))
  return words === 1 ? a : a + String.fromCodePoint(upperCodePoint(last))
}

export const colorIndexOf = (name: string): number => fnv1aUtf16(trimSpaces(fold(name))) % AVATAR_PALETTE.length

const batchProcessMessages = (
  messages: ReadonlyArray<ChatMessage>,
  options?: { readonly tzOffsetMinutes?: number }
): ProcessedMessages => {
  requireArray(messages, "batchProcessMessages")
  const tzMs = tzOffset(options) * 60000
  const n = messages.length
  const html = new Array<string>(n)
  const date = new Array<string>(n)
  const time = new Array<string>(n)
  const initials = new Array<string>(n)
  const avatarColor = new Array<string>(n)
  const dayKey = new Int32Array(n)
  const newDay = new Uint8Array(n)
  let previous = 0
  let havePrevious = false
  for (let i = 0; i < n; i++) {
    const m = messages[i]!
    html[i] = formatText(text(m.text))
    const ms = +m.createdAt
    if (validDate(ms)) {
      const local = splitDay(Math.floor(ms) + tzMs)
      dayKey[i] = local.day
      newDay[i] = !havePrevious || local.day !== previous ? 1 : 0
      havePrevious = true
      previous = local.day
      date[i] = formatDay(local.day)
      time[i] = formatTimeOfDay(local.msOfDay)
    } else {
      dayKey[i] = NO_DAY
      date[i] = ""
      time[i] = ""
    }
    const author = text(m.author)
    initials[i] = initialsOf(author)
    avatarColor[i] = AVATAR_PALETTE[colorIndexOf(author)]!
  }
  return { html, date, time, initials, avatarColor, dayKey, newDay }
}

const searchMessages = (messages: ReadonlyArray<ChatMessage>, query: string): Array<number> => {
  requireArray(messages, "searchMessages")
  const tokens = tokenize(text(query))
  const out: Array<number> = []
  for (let i = 0; i < messages.length; i++) {
    if (tokens.length === 0) {
      out.push(i)
      continue
    }
    const m = messages[i]!
    const body = fold(text(m.text))
    const author = fold(text(m.author))
    if (tokens.every((t) => body.includes(t.text) || author.includes(t.text))) out.push(i)
  }
  return out
}

/** The JavaScript backend. */
export const JsBackend: KernelFunctions = {
  batchProcessProcurements,
  searchProcurements,
  sortProcurements,
  aggregateProcurementStats,
  batchProcessProcurementsColumns,
  sortProcurementsColumns,
  aggregateProcurementStatsColumns,
  batchProcessMessages,
  searchMessages,
  formatMessageText: (input) => formatText(text(input)),
  validateProcurementForm: (form, options) => {
    const f = formInput(form, options)
    return formResult(checkForm(f.strings, f.targetAmount, f.deadline, f.now), f.locale)
  },
  validatePhone: (input) => {
    const r = checkPhone(text(input))
    return phoneResult(r.code, r.normalized)
  },
  validateEmail: (input) => {
    const r = checkEmail(text(input))
    return emailResult(r.code, r.normalized)
  },
  formatCurrency: (kopecks) =>
    typeof kopecks === "bigint" ? formatBigMoney(kopecks) : formatMoney(signedAmount(+kopecks)),
  getAvatarColor: (name) => AVATAR_PALETTE[colorIndexOf(text(name))]!,
  getInitials: (name) => initialsOf(text(name))
}
