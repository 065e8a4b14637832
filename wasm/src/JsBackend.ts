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
  Sum
} from "./internal/Format.js"
import { DAY_MS, validDate } from "./internal/Format.js"
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
  statusCode,
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
import type { Token } from "./internal/Text.js"
import { checkEmail, checkForm, checkPhone } from "./internal/Validate.js"
import type {
  ChatMessage,
  CityStats,
  KernelFunctions,
  ProcessedMessages,
  ProcessedProcurements,
  Procurement,
  ProcurementStats,
  SearchHit
} from "./Types.js"
import { NO_DAY } from "./Types.js"

export const requireArray = <T>(items: ReadonlyArray<T>, fn: string): ReadonlyArray<T> => {
  if (!Array.isArray(items)) throw new TypeError(`${fn}: expected an array, got ${typeof items}`)
  return items
}

const ACTIVE = 1
const FIELD_WEIGHTS = [4, 1, 2, 3] as const

const progressOf = (target: number, collected: number): number =>
  target > 0 ? Math.floor((collected * 1000) / target) / 10 : 0

const batchProcessProcurements = (items: ReadonlyArray<Procurement>, now: number): ProcessedProcurements => {
  requireArray(items, "batchProcessProcurements")
  requireNow(now, "batchProcessProcurements")
  const n = items.length
  const progressPercent = new Float64Array(n)
  const remainingAmount = new Float64Array(n)
  const daysLeft = new Int32Array(n)
  const formattedTarget = new Array<string>(n)
  const formattedCollected = new Array<string>(n)
  const formattedRemaining = new Array<string>(n)
  for (let i = 0; i < n; i++) {
    const it = items[i]!
    const t = amount(+it.targetAmount)
    const c = amount(+it.collectedAmount)
    progressPercent[i] = progressOf(t, c)
    const r = t - c > 0 ? t - c : 0
    remainingAmount[i] = r
    const d = +it.deadline
    daysLeft[i] = validDate(d) ? (d <= now ? 0 : Math.ceil((d - now) / DAY_MS)) : -1
    formattedTarget[i] = formatMoney(t)
    formattedCollected[i] = formatMoney(c)
    formattedRemaining[i] = formatMoney(r)
  }
  return { progressPercent, remainingAmount, daysLeft, formattedTarget, formattedCollected, formattedRemaining }
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

const sortProcurements = <T extends Procurement>(
  items: ReadonlyArray<T>,
  keys: ReadonlyArray<{ readonly field: string; readonly direction?: "asc" | "desc" }>
): Array<T> => {
  requireArray(items, "sortProcurements")
  const checked = checkSortKeys(keys as never)
  const n = items.length
  const numeric: Array<Float64Array | undefined> = []
  const strings: Array<Array<string> | undefined> = []
  const exact: Array<boolean> = []
  for (const key of checked) {
    if (key.code >= 7) {
      const col = new Array<string>(n)
      let high = false
      for (let i = 0; i < n; i++) {
        const it = items[i]!
        const s = fold(text(key.field === "title" ? it.title : key.field === "city" ? it.city : it.category))
        col[i] = s
        if (!high && hasHighUnits(s)) high = true
      }
      strings.push(col)
      numeric.push(undefined)
      exact.push(high)
      continue
    }
    const col = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const it = items[i]!
      let v: number
      switch (key.field) {
        case "targetAmount":
          v = amount(+it.targetAmount)
          break
        case "collectedAmount":
          v = amount(+it.collectedAmount)
          break
        case "participantCount":
          v = amount(+it.participantCount)
          break
        case "deadline":
        case "createdAt": {
          const d = +(key.field === "deadline" ? it.deadline : it.createdAt)
          v = validDate(d) ? d : NaN
          break
        }
        case "status": {
          const s = statusCode(it.status)
          v = s < 6 ? s : NaN
          break
        }
        default:
          v = progressOf(amount(+it.targetAmount), amount(+it.collectedAmount))
      }
      col[i] = v
    }
    numeric.push(col)
    strings.push(undefined)
    exact.push(false)
  }
  const compare = (a: number, b: number): number => {
    for (let k = 0; k < checked.length; k++) {
      const desc = checked[k]!.desc
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
        return x < y !== desc ? -1 : 1
      }
      const sc = strings[k]!
      const x = sc[a]!
      const y = sc[b]!
      if (x === y) continue
      const c = exact[k] ? compareCodePoints(x, y) : x < y ? -1 : 1
      return desc ? -c : c
    }
    return a - b
  }
  const order = new Array<number>(n)
  for (let i = 0; i < n; i++) order[i] = i
  order.sort(compare)
  return order.map((i) => items[i]!)
}

interface Group {
  readonly key: string
  readonly first: number
  count: number
  active: number
  readonly target: Sum
  readonly collected: Sum
}

const aggregateProcurementStats = (items: ReadonlyArray<Procurement>, now: number): ProcurementStats => {
  requireArray(items, "aggregateProcurementStats")
  requireNow(now, "aggregateProcurementStats")
  const counts = [0, 0, 0, 0, 0, 0, 0]
  let overdue = 0
  const target = new Sum()
  const collected = new Sum()
  const groups = new Map<string, Group>()
  const keys = new Map<unknown, string>()
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!
    const s = statusCode(it.status)
    counts[s < 6 ? s : 6]!++
    const d = +it.deadline
    if (s === ACTIVE && validDate(d) && d <= now) overdue++
    const t = amount(+it.targetAmount)
    const c = amount(+it.collectedAmount)
    target.add(t)
    collected.add(c)
    // Fold and trim each distinct spelling once (the wasm bridge likewise sends each distinct city once).
    let key = keys.get(it.city)
    if (key === undefined) {
      key = trimSpaces(fold(text(it.city)))
      keys.set(it.city, key)
    }
    let g = groups.get(key)
    if (g === undefined) {
      g = { key, first: i, count: 0, active: 0, target: new Sum(), collected: new Sum() }
      groups.set(key, g)
    }
    g.count++
    if (s === ACTIVE) g.active++
    g.target.add(t)
    g.collected.add(c)
  }
  const sorted = [...groups.values()].sort((a, b) => b.count - a.count || compareCodePoints(a.key, b.key))
  const cities = sorted.map((g): CityStats => ({
    city: trimSpaces(text(items[g.first]!.city)),
    count: g.count,
    active: g.active,
    totalTarget: g.target.value(),
    totalCollected: g.collected.value()
  }))
  return {
    total: items.length,
    byStatus: statusCounts(counts),
    unknownStatus: counts[6]!,
    overdueActive: overdue,
    totalTarget: target.value(),
    totalCollected: collected.value(),
    cities
  }
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
