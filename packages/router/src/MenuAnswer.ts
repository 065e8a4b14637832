/**
 * `parseMenuAnswer` — the shared reader of answers to a menu: "2", "2.", "2)", "#2", "№ 2", the label itself or its
 * obvious variants (any case, without emoji and punctuation, ё = е). Used for numbered text menus on platforms without
 * buttons and for reply keyboards that send the label as text.
 */
import type { MenuEntry } from "./Fit.js"

/** Lower case, ё → е, without emoji, punctuation and extra spaces. */
export const normalizeAnswer = (text: string): string =>
  text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/ё/g, "е")
    .replace(/[^\p{L}\p{N}\s]/gu, " ")
    .replace(/\s+/g, " ")
    .trim()

const NUMBER = /^\s*(?:#|№|n|no\.?)?\s*(\d{1,7})\s*[.):]?\s*$/iu
const BARE_NUMBER = /^\d{1,7}\s*[.):]?$/u

/** The number a label starts with ("2 кг" → 2, "1 000 ₽" → 1000), if any. */
const leadingNumber = (label: string): number | undefined => {
  const match = /^(\d[\d \u00a0\u202f]*)(?:\D|$)/u.exec(label.trim())
  return match === null ? undefined : Number(match[1]!.replace(/\D/g, ""))
}

/**
 * A menu of values: some labels start with a number, those numbers are distinct, and every other entry can be
 * answered by its label (so giving up positions loses nothing).
 */
const isValueMenu = (menu: ReadonlyArray<MenuEntry>): boolean => {
  const values = menu.map((entry) => leadingNumber(entry.label)).filter((n): n is number => n !== undefined)
  if (values.length === 0 || new Set(values).size !== values.length) return false
  const others = menu.filter((entry) => leadingNumber(entry.label) === undefined).map((e) => normalizeAnswer(e.label))
  return others.every((label) => label !== "" && others.filter((o) => o === label).length === 1)
}

/**
 * The action the answer selects, or undefined when it selects none (or more than one). In a menu of values
 * ("1 кг", "2 кг", "5 кг") a bare number means the value, never the position: "3" is then not a menu answer at all
 * (the flow reads it as 3), instead of silently picking the third entry.
 */
export const parseMenuAnswer = (text: string, menu: ReadonlyArray<MenuEntry>): string | undefined => {
  // a label typed exactly as shown is that entry, even when it also reads as a number ("N0", "№2"); a bare number
  // ("1", "2.") keeps meaning a position or a value
  const typed = text.trim().toLowerCase()
  if (typed !== "" && !BARE_NUMBER.test(typed)) {
    const literal = new Set(menu.filter((entry) => entry.label.trim().toLowerCase() === typed).map((e) => e.action))
    if (literal.size === 1) return [...literal][0]
  }
  const number = NUMBER.exec(text)
  if (number !== null) {
    const n = Number(number[1])
    if (isValueMenu(menu)) return menu.find((entry) => leadingNumber(entry.label) === n)?.action
    const hit = menu.find((entry) => entry.number === n)
    if (hit !== undefined) return hit.action
  }
  const answer = normalizeAnswer(text)
  if (answer === "") return undefined
  const exact = new Set(menu.filter((entry) => normalizeAnswer(entry.label) === answer).map((entry) => entry.action))
  if (exact.size === 1) return [...exact][0]
  if (exact.size > 1) return undefined
  // "2. Label" typed back in full
  const numbered = /^(\d{1,3})\s+(.*)$/u.exec(answer)
  if (numbered !== null) {
    const hit = menu.find(
      (entry) => entry.number === Number(numbered[1]) && normalizeAnswer(entry.label) === numbered[2]
    )
    if (hit !== undefined) return hit.action
  }
  return undefined
}
