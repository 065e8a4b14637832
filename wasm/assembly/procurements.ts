// Procurement kernels: batch processing, sorting, aggregation and search over columns packed by src/WasmBackend.ts.
import { heapAlloc } from "./heap"
import { amount, DAY_MS, MAX_DATE_MS, putMoney, validDate } from "./format"
import { mergeSort, radixSortColumns } from "./sort"
import {
  compareUnits,
  decode,
  decodedLength,
  fnv1a,
  foldInPlace,
  isSeparator,
  sameUnits,
  separatorAt,
  separatorBefore,
  trim,
  trimEnd
} from "./text"
import { writerBegin, writerEnd, writerUnits } from "./writer"

/** Address of string i of a block: units at `bytes`, cumulative unit offsets (count + 1 u32) at `offsets`. */
export function strAt(bytes: usize, offsets: usize, i: usize): usize {
  return bytes + ((<usize>load<u32>(offsets + (i << 2))) << 1)
}

const ACTIVE: u32 = 1
const STATUS_COUNT: u32 = 6

/**
 * Progress, remaining amount, days left and three formatted amounts per procurement.
 * Returns a header of u32: [progress f64*, remaining f64*, daysLeft i32*, unit ends u32* (3n), units*, unitCount].
 */
export function processProcurements(n: i32, target: usize, collected: usize, deadline: usize, now: f64): usize {
  const header = heapAlloc(6 << 2)
  const progress = heapAlloc((<usize>n) << 3)
  const remaining = heapAlloc((<usize>n) << 3)
  const days = heapAlloc((<usize>n) << 2)
  const ends = heapAlloc(<usize>n * 12)
  const units = heapAlloc(0)
  writerBegin(units)
  for (let i = 0; i < n; i++) {
    const o = (<usize>i) << 3
    const t = amount(load<f64>(target + o))
    const c = amount(load<f64>(collected + o))
    store<f64>(progress + o, t > 0 ? Math.floor((c * 1000) / t) / 10 : 0)
    const r = t - c
    store<f64>(remaining + o, r > 0 ? r : 0)
    const d = load<f64>(deadline + o)
    let left: i32 = -1
    if (validDate(d)) left = d <= now ? 0 : <i32>Math.ceil((d - now) / DAY_MS)
    store<i32>(days + ((<usize>i) << 2), left)
    const e = ends + <usize>i * 12
    putMoney(t)
    store<u32>(e, writerUnits())
    putMoney(c)
    store<u32>(e, writerUnits(), 4)
    putMoney(r > 0 ? r : 0)
    store<u32>(e, writerUnits(), 8)
  }
  const unitCount = writerUnits()
  writerEnd()
  store<u32>(header, <u32>progress)
  store<u32>(header, <u32>remaining, 4)
  store<u32>(header, <u32>days, 8)
  store<u32>(header, <u32>ends, 12)
  store<u32>(header, <u32>units, 16)
  store<u32>(header, unitCount, 20)
  return header
}

// ---- sorting ----

const FIELD_TARGET: u32 = 0
const FIELD_COLLECTED: u32 = 1
const FIELD_PARTICIPANTS: u32 = 2
const FIELD_DEADLINE: u32 = 3
const FIELD_CREATED: u32 = 4
const FIELD_STATUS: u32 = 5
const FIELD_PROGRESS: u32 = 6
const FIELD_TITLE: u32 = 7
const FIELD_CATEGORY: u32 = 9
/** A key given as u32 dictionary ids (a) and a u32 rank per dictionary entry (b): the city, sorted numerically. */
const FIELD_RANK: u32 = 10

let sortKeys: i32 = 0
let sortKind: usize = 0 // u32 per key: 0 numeric, 1 text
let sortDesc: usize = 0 // u32 per key
let sortA: usize = 0 // numeric column (f64, NaN = missing) or text bytes
let sortB: usize = 0 // text byte offsets

function compareProcurements(a: u32, b: u32): i32 {
  for (let k = 0; k < sortKeys; k++) {
    const ko = (<usize>k) << 2
    const desc = load<u32>(sortDesc + ko) != 0
    const colA = <usize>load<u32>(sortA + ko)
    if (load<u32>(sortKind + ko) == 0) {
      const x = load<f64>(colA + ((<usize>a) << 3))
      const y = load<f64>(colA + ((<usize>b) << 3))
      if (x == y) continue
      const xMissing = x != x
      const yMissing = y != y
      if (xMissing) {
        if (yMissing) continue
        return 1
      }
      if (yMissing) return -1
      return x < y != desc ? -1 : 1
    } else {
      const offs = <usize>load<u32>(sortB + ko)
      const as = strAt(colA, offs, a)
      const bs = strAt(colA, offs, b)
      const c = compareUnits(as, strAt(colA, offs, a + 1) - as, bs, strAt(colA, offs, b + 1) - bs)
      if (c != 0) return desc ? -c : c
    }
  }
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Sort keys: u32 quadruples [field, desc, a, b]. Numeric fields pass their column in a (f64, or u8 for status;
 * progress passes target in a and collected in b); text fields (title 7, category 9) pass UTF-16 units in a and
 * unit offsets in b; a rank key (10, the city) passes u32 dictionary ids in a and a u32 rank per dictionary entry
 * in b (the caller guarantees every id is in range). Returns a pointer to n u32 indices in sorted order.
 */
export function sortProcurements(n: i32, keyCount: i32, keys: usize): usize {
  sortKeys = keyCount
  sortKind = heapAlloc((<usize>keyCount) << 2)
  sortDesc = heapAlloc((<usize>keyCount) << 2)
  sortA = heapAlloc((<usize>keyCount) << 2)
  sortB = heapAlloc((<usize>keyCount) << 2)
  for (let k = 0; k < keyCount; k++) {
    const q = keys + ((<usize>k) << 4)
    const field = load<u32>(q)
    const a = <usize>load<u32>(q, 8)
    const b = <usize>load<u32>(q, 12)
    const ko = (<usize>k) << 2
    store<u32>(sortDesc + ko, load<u32>(q, 4))
    if (field >= FIELD_TITLE && field <= FIELD_CATEGORY) {
      store<u32>(sortKind + ko, 1)
      foldInPlace(a, strAt(a, b, <usize>n))
      store<u32>(sortA + ko, <u32>a)
      store<u32>(sortB + ko, <u32>b)
      continue
    }
    const col = heapAlloc((<usize>n) << 3)
    for (let i = 0; i < n; i++) {
      const o = (<usize>i) << 3
      let v: f64
      if (field == FIELD_TARGET || field == FIELD_COLLECTED || field == FIELD_PARTICIPANTS) {
        v = amount(load<f64>(a + o))
      } else if (field == FIELD_DEADLINE || field == FIELD_CREATED) {
        const d = load<f64>(a + o)
        v = validDate(d) ? d : NaN
      } else if (field == FIELD_STATUS) {
        const s = <u32>load<u8>(a + <usize>i)
        v = s < STATUS_COUNT ? <f64>s : NaN
      } else if (field == FIELD_RANK) {
        v = <f64>load<u32>(b + ((<usize>load<u32>(a + ((<usize>i) << 2))) << 2))
      } else {
        const t = amount(load<f64>(a + o))
        v = t > 0 ? Math.floor((amount(load<f64>(b + o)) * 1000) / t) / 10 : 0
      }
      store<f64>(col + o, v)
    }
    store<u32>(sortKind + ko, 0)
    store<u32>(sortA + ko, <u32>col)
  }
  const idx = heapAlloc((<usize>n) << 2)
  const tmp = heapAlloc((<usize>n) << 2)
  for (let i = 0; i < n; i++) store<u32>(idx + ((<usize>i) << 2), <u32>i)
  let numeric = true
  for (let k = 0; k < keyCount; k++) if (load<u32>(sortKind + ((<usize>k) << 2)) != 0) numeric = false
  if (numeric) {
    // Numeric keys only: a radix sort over order-preserving bit patterns, no comparisons at all.
    radixSortColumns(idx, tmp, n, keyCount, sortA, sortDesc, heapAlloc((<usize>n) << 3), heapAlloc(8 * 256 * 4))
  } else {
    mergeSort(idx, tmp, n, compareProcurements)
  }
  return idx
}

// ---- aggregation ----

let groupKeyStart: usize = 0
let groupKeyLen: usize = 0
let groupRecords: usize = 0

const RECORD: usize = 48

function compareGroups(a: u32, b: u32): i32 {
  const ca = load<u32>(groupRecords + <usize>a * RECORD, 4)
  const cb = load<u32>(groupRecords + <usize>b * RECORD, 4)
  if (ca != cb) return ca > cb ? -1 : 1
  const c = compareUnits(
    <usize>load<u32>(groupKeyStart + ((<usize>a) << 2)),
    <usize>load<u32>(groupKeyLen + ((<usize>a) << 2)),
    <usize>load<u32>(groupKeyStart + ((<usize>b) << 2)),
    <usize>load<u32>(groupKeyLen + ((<usize>b) << 2))
  )
  if (c != 0) return c
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Counts by status, totals, overdue active procurements and per-city figures grouped by the folded, trimmed
 * city name. Amounts are summed in u64 with a count of wrap-arounds (carry), so any number of safe amounts adds
 * up exactly: the total is carry * 2^64 + sum.
 * Cities arrive dictionary-encoded: item i has city cityIds[i], an index into a block of cityCount strings; an
 * index outside it makes the kernel return 0 (no header).
 * Header u32: [counts x7 (6 statuses + unknown), overdue, groups, groupRecords*, totals*]; totals are u64
 * [targetSum, targetCarry, collectedSum, collectedCarry]; a group record is 48 bytes:
 * u32 firstIndex, count, active, 0, then u64 targetSum, targetCarry, collectedSum, collectedCarry.
 */
export function aggregateProcurements(
  n: i32,
  status: usize,
  target: usize,
  collected: usize,
  deadline: usize,
  now: f64,
  cityIds: usize,
  cityCount: i32,
  cityUnits: usize,
  cityOffsets: usize
): usize {
  const header = heapAlloc(11 << 2)
  memory.fill(header, 0, 11 << 2)
  const totals = heapAlloc(32)
  foldInPlace(cityUnits, strAt(cityUnits, cityOffsets, <usize>cityCount))
  let capacity: usize = 16
  while (capacity < (<usize>cityCount) << 1) capacity <<= 1
  const table = heapAlloc(capacity << 2)
  memory.fill(table, 0, capacity << 2)
  const maxGroups: usize = cityCount > 0 ? <usize>cityCount : 1
  groupKeyStart = heapAlloc(maxGroups << 2)
  groupKeyLen = heapAlloc(maxGroups << 2)
  const records = heapAlloc(maxGroups * RECORD)
  groupRecords = records
  const cityRecord = heapAlloc(maxGroups << 2)
  let groups: u32 = 0
  for (let u = 0; u < cityCount; u++) {
    const ks = trim(strAt(cityUnits, cityOffsets, <usize>u), strAt(cityUnits, cityOffsets, <usize>u + 1))
    const kl = trimEnd() - ks
    let slot = (<usize>fnv1a(ks, ks + kl)) & (capacity - 1)
    let g: u32 = 0
    while (true) {
      const entry = load<u32>(table + (slot << 2))
      if (entry == 0) {
        g = groups++
        store<u32>(table + (slot << 2), g + 1)
        store<u32>(groupKeyStart + ((<usize>g) << 2), <u32>ks)
        store<u32>(groupKeyLen + ((<usize>g) << 2), <u32>kl)
        memory.fill(records + <usize>g * RECORD, 0, RECORD)
        break
      }
      const e = entry - 1
      if (
        load<u32>(groupKeyLen + ((<usize>e) << 2)) == <u32>kl &&
        sameUnits(<usize>load<u32>(groupKeyStart + ((<usize>e) << 2)), ks, kl)
      ) {
        g = e
        break
      }
      slot = (slot + 1) & (capacity - 1)
    }
    // Items go straight from their city id to their group's record.
    store<u32>(cityRecord + ((<usize>u) << 2), <u32>(records + <usize>g * RECORD))
  }
  let overdue: u32 = 0
  let tSum: u64 = 0
  let tCarry: u64 = 0
  let cSum: u64 = 0
  let cCarry: u64 = 0
  for (let i = 0; i < n; i++) {
    const o = (<usize>i) << 3
    const s = <u32>load<u8>(status + <usize>i)
    const sc: usize = s < STATUS_COUNT ? <usize>s : <usize>STATUS_COUNT
    store<u32>(header + (sc << 2), load<u32>(header + (sc << 2)) + 1)
    const d = load<f64>(deadline + o)
    const active = <u32>(s == ACTIVE)
    overdue += active & (<u32>(d >= -MAX_DATE_MS)) & (<u32>(d <= MAX_DATE_MS)) & (<u32>(d <= now))
    const t = <u64>amount(load<f64>(target + o))
    const c = <u64>amount(load<f64>(collected + o))
    tSum += t
    tCarry += <u64>(tSum < t)
    cSum += c
    cCarry += <u64>(cSum < c)
    const id = load<u32>(cityIds + ((<usize>i) << 2))
    if (id >= <u32>cityCount) return 0
    const r = <usize>load<u32>(cityRecord + ((<usize>id) << 2))
    const count = load<u32>(r, 4)
    if (count == 0) store<u32>(r, <u32>i)
    store<u32>(r, count + 1, 4)
    store<u32>(r, load<u32>(r, 8) + active, 8)
    const rt = load<u64>(r, 16) + t
    store<u64>(r, rt, 16)
    store<u64>(r, load<u64>(r, 24) + <u64>(rt < t), 24)
    const rc = load<u64>(r, 32) + c
    store<u64>(r, rc, 32)
    store<u64>(r, load<u64>(r, 40) + <u64>(rc < c), 40)
  }
  // Spellings that fold to one name share a group; groups no item used (n = 0) are dropped by the count sort.
  const order = heapAlloc((<usize>groups) << 2)
  const tmp = heapAlloc((<usize>groups) << 2)
  let used: u32 = 0
  for (let g: u32 = 0; g < groups; g++) {
    if (load<u32>(records + <usize>g * RECORD, 4) > 0) {
      store<u32>(order + ((<usize>used) << 2), g)
      used++
    }
  }
  mergeSort(order, tmp, <i32>used, compareGroups)
  const sorted = heapAlloc(<usize>used * RECORD)
  for (let g: u32 = 0; g < used; g++) {
    memory.copy(sorted + <usize>g * RECORD, records + <usize>load<u32>(order + ((<usize>g) << 2)) * RECORD, RECORD)
  }
  store<u64>(totals, tSum)
  store<u64>(totals, tCarry, 8)
  store<u64>(totals, cSum, 16)
  store<u64>(totals, cCarry, 24)
  store<u32>(header, overdue, 28)
  store<u32>(header, used, 32)
  store<u32>(header, <u32>sorted, 36)
  store<u32>(header, <u32>totals, 40)
  return header
}

// ---- search ----

export const MAX_TOKENS: i32 = 16

let tokenCount: i32 = 0
let tokenStart: usize = 0
let tokenLen: usize = 0
let tokenCps: usize = 0

/** Folds the query in place and splits it into at most MAX_TOKENS words. */
export function tokenize(query: usize, queryEnd: usize): i32 {
  foldInPlace(query, queryEnd)
  tokenStart = heapAlloc((<usize>MAX_TOKENS) << 2)
  tokenLen = heapAlloc((<usize>MAX_TOKENS) << 2)
  tokenCps = heapAlloc((<usize>MAX_TOKENS) << 2)
  tokenCount = 0
  let p = query
  while (p < queryEnd && tokenCount < MAX_TOKENS) {
    if (separatorAt(p)) {
      p += 2
      continue
    }
    const s = p
    let cps = 0
    while (p < queryEnd && !separatorAt(p)) {
      decode(p)
      p += decodedLength()
      cps++
    }
    store<u32>(tokenStart + ((<usize>tokenCount) << 2), <u32>s)
    store<u32>(tokenLen + ((<usize>tokenCount) << 2), <u32>(p - s))
    store<u32>(tokenCps + ((<usize>tokenCount) << 2), <u32>cps)
    tokenCount++
  }
  return tokenCount
}

export function tokenAt(t: i32): usize {
  return <usize>load<u32>(tokenStart + ((<usize>t) << 2))
}

/** Byte length of token t. */
export function tokenLength(t: i32): usize {
  return <usize>load<u32>(tokenLen + ((<usize>t) << 2))
}

/** First occurrence of the units [tok, tok + len) in [p, end) at or after p, or 0. */
export function find(p: usize, end: usize, tok: usize, len: usize): usize {
  const first = load<u16>(tok)
  while (p + len <= end) {
    if (load<u16>(p) == first && sameUnits(p, tok, len)) return p
    p += 2
  }
  return 0
}

/** Levenshtein distance of two code point sequences is at most 1 (lengths in code points given). */
function withinOneEdit(a: usize, aEnd: usize, aCps: i32, b: usize, bEnd: usize, bCps: i32): bool {
  if (aCps == bCps) {
    let diff = 0
    while (a < aEnd) {
      const ca = decode(a)
      a += decodedLength()
      const cb = decode(b)
      b += decodedLength()
      if (ca != cb && ++diff > 1) return false
    }
    return true
  }
  if (aCps < bCps) return withinOneEdit(b, bEnd, bCps, a, aEnd, aCps)
  if (aCps != bCps + 1) return false
  while (b < bEnd) {
    const ca = decode(a)
    const la = decodedLength()
    const cb = decode(b)
    if (ca != cb) break
    a += la
    b += decodedLength()
  }
  if (b == bEnd) return true
  decode(a)
  a += decodedLength()
  return aEnd - a == bEnd - b && sameUnits(a, b, aEnd - a)
}

/** Match quality of token t in folded field [s, e): 10 whole word, 7 word prefix, 4 substring, 2 fuzzy word, 0. */
function fieldScore(s: usize, e: usize, t: i32): i32 {
  const tok = <usize>load<u32>(tokenStart + ((<usize>t) << 2))
  const len = <usize>load<u32>(tokenLen + ((<usize>t) << 2))
  let best = 0
  let p = s
  while (true) {
    const q = find(p, e, tok, len)
    if (q == 0) break
    let kind = 4
    if (q == s || separatorBefore(q)) {
      kind = 7
      if (q + len == e || separatorAt(q + len)) return 10
    }
    if (kind > best) best = kind
    p = q + 2
  }
  if (best > 0) return best
  const cps = <i32>load<u32>(tokenCps + ((<usize>t) << 2))
  if (cps < 4) return 0
  p = s
  while (p < e) {
    if (separatorAt(p)) {
      p += 2
      continue
    }
    const ws = p
    let wc = 0
    while (p < e && !separatorAt(p)) {
      decode(p)
      p += decodedLength()
      wc++
    }
    const d = wc - cps
    if (d >= -1 && d <= 1 && withinOneEdit(ws, p, wc, tok, tok + len, cps)) return 2
  }
  return 0
}

let hitScores: usize = 0

function compareHits(a: u32, b: u32): i32 {
  const sa = load<i32>(hitScores + ((<usize>a) << 2))
  const sb = load<i32>(hitScores + ((<usize>b) << 2))
  if (sa != sb) return sa > sb ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Weighted fuzzy search over four text fields per item (title x4, description x1, city x2, category x3).
 * Every query token must match some field. Header u32: [count, indices*, scores*], best first, at most `limit`.
 */
export function searchProcurements(
  n: i32,
  bytes: usize,
  offsets: usize,
  query: usize,
  queryUnits: usize,
  limit: i32
): usize {
  const header = heapAlloc(12)
  foldInPlace(bytes, strAt(bytes, offsets, (<usize>n) << 2))
  const tokens = tokenize(query, query + (queryUnits << 1))
  const scores = heapAlloc((<usize>n) << 2)
  const hits = heapAlloc((<usize>n) << 2)
  let count = 0
  for (let i = 0; i < n; i++) {
    let total = 0
    let all = true
    for (let t = 0; t < tokens; t++) {
      let score = 0
      for (let f = 0; f < 4; f++) {
        const k = ((<usize>i) << 2) + <usize>f
        const fs = fieldScore(strAt(bytes, offsets, k), strAt(bytes, offsets, k + 1), t)
        score += fs * (f == 0 ? 4 : f == 1 ? 1 : f == 2 ? 2 : 3)
      }
      if (score == 0) {
        all = false
        break
      }
      total += score
    }
    if (!all) continue
    store<i32>(scores + ((<usize>i) << 2), total)
    store<u32>(hits + ((<usize>count) << 2), <u32>i)
    count++
  }
  hitScores = scores
  mergeSort(hits, heapAlloc((<usize>count) << 2), count, compareHits)
  if (limit >= 0 && count > limit) count = limit
  const outScores = heapAlloc((<usize>count) << 2)
  for (let k = 0; k < count; k++) {
    store<i32>(outScores + ((<usize>k) << 2), load<i32>(scores + ((<usize>load<u32>(hits + ((<usize>k) << 2))) << 2)))
  }
  store<u32>(header, <u32>count)
  store<u32>(header, <u32>hits, 4)
  store<u32>(header, <u32>outScores, 8)
  return header
}
