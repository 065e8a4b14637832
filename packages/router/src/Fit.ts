/**
 * `fit(reply, capabilities)` — the one generic, platform-neutral function that makes a reply satisfy what a platform
 * can show: splits long text on paragraph/line/word boundaries (formatting is kept on both sides of a cut), wraps and
 * pages keyboards, shortens labels, replaces button actions by short tokens (backed by the returned `bindings`), and
 * where buttons do not exist turns the keyboard into a numbered text menu that `parseMenuAnswer` reads back.
 * No action is ever dropped: every action of the input is reachable from the output.
 */
import { type Button, type Capabilities, type Keyboard, linkOf, type Reply, type RichText, type Span } from "./Model.js"
import { fill, normalize, toPlain } from "./RichTexts.js"
import { shortenLabel, splitText } from "./internal/TextFit.js"

export { shortenLabel, splitText } from "./internal/TextFit.js"

/** One way to answer a menu: its number (text menus only), its label and the action it stands for. */
export interface MenuEntry {
  readonly number: number | null
  readonly label: string
  readonly action: string
}

/** What a button token stands for: an action, or another page of an overflowing keyboard. */
export type Binding =
  | { readonly _tag: "Action"; readonly action: string }
  | { readonly _tag: "Page"; readonly text: RichText; readonly keyboard: Keyboard }

export interface FitLabels {
  /** the button that shows the next page of an overflowing keyboard */
  readonly more: string
  /** the button on the last page that goes back to the first one */
  readonly first: string
  /** shown under a numbered menu */
  readonly numberHint: string
  /** replaces a request-contact button where it does not exist; `{label}` is the button's label */
  readonly contactHint: string
}

export interface FitOptions {
  /** prepended to every token; the engine uses a fresh random nonce per menu generation */
  readonly tokenPrefix?: string
  /** the first token index (continues numbering across the replies of one turn) */
  readonly firstIndex?: number
  /** the first menu number (continues numbering across the replies of one turn) */
  readonly firstNumber?: number
  readonly labels?: Partial<FitLabels>
}

export interface Fitted {
  readonly replies: ReadonlyArray<Reply>
  /** token → what it stands for; a token never exceeds `MAX_TOKEN_BYTES` nor the callback limit */
  readonly bindings: Readonly<Record<string, Binding>>
  /** every action of the input with the labels (and numbers, for text menus) that select it */
  readonly menu: ReadonlyArray<MenuEntry>
  readonly nextIndex: number
  readonly nextNumber: number
}

/** Tokens stay within the smallest callback payload of any platform we know. */
export const MAX_TOKEN_BYTES = 16
/** Longer toasts become messages (platforms cut them around 200 characters). */
export const MAX_TOAST_LENGTH = 200

const defaultLabels: FitLabels = {
  more: "»",
  first: "«",
  numberHint: "Reply with a number.",
  contactHint: "{label}: send your phone number as a message."
}

const EMPTY_LABEL = "•"

const utf8Bytes = (s: string) => Buffer.byteLength(s, "utf8")

// ---------------------------------------------------------------------------------------------------------------
// Keyboards

interface State {
  index: number
  number: number
  readonly prefix: string
  readonly bindings: Record<string, Binding>
  readonly menu: Array<MenuEntry>
  readonly labels: FitLabels
}

const nextToken = (state: State): string => {
  const token = `${state.prefix}${state.index.toString(36)}`
  state.index += 1
  return token
}

const buttonsUsable = (caps: Capabilities) =>
  caps.buttons && caps.maxButtonsPerRow >= 1 && caps.maxRows >= 1 && caps.maxButtonLabel >= 1

/** Whether `count` more tokens, numbered from the next index, all fit the payload limit. */
const tokensFit = (caps: Capabilities, state: State, count: number) => {
  const worst = `${state.prefix}${Math.max(0, state.index + count - 1).toString(36)}`
  return utf8Bytes(worst) <= Math.min(MAX_TOKEN_BYTES, caps.maxCallbackBytes)
}

/** Splits a flat list of buttons into rows of at most `width`. */
const chunk = <A>(items: ReadonlyArray<A>, width: number): Array<Array<A>> => {
  const rows: Array<Array<A>> = []
  for (let i = 0; i < items.length; i += width) rows.push(items.slice(i, i + width))
  return rows
}

interface Laid {
  readonly keyboard: Keyboard | undefined
  readonly extra: Extra
  /** the page tokens of an overflowing keyboard; their bindings get the text of the message that carries it */
  readonly pages: ReadonlyArray<string>
}

/** The text line that replaces a link button where the platform shows none: "label: url" (a Mini App's fallback). */
const linkLine = (button: Button): RichText => {
  const { label, url } = linkOf(button)!
  return [{ text: `${label}: ` }, { text: url, href: url }]
}

interface Extra {
  /** lines appended to the text: links for url buttons, hints for contact buttons, numbered menu entries */
  readonly lines: Array<RichText>
  readonly numbered: boolean
}

/**
 * Lays out a keyboard: returns the keyboard to show (or undefined) and the text lines that replace what cannot be
 * shown as buttons.
 */
const layKeyboard = (keyboard: Keyboard | undefined, caps: Capabilities, state: State): Laid => {
  const extra: Extra = { lines: [], numbered: false }
  if (keyboard === undefined) return { keyboard: undefined, extra, pages: [] }
  // A button without a label would be refused by platforms; it still gets a visible one.
  const rows = keyboard.rows.map((row) =>
    row.map((b): Button => (b.label.trim() === "" ? { ...b, label: EMPTY_LABEL } : b))
  )
  const all = rows.flat()
  const actions = all.filter((b) => b._tag === "Action")
  const width = caps.maxButtonsPerRow
  // What would stay a button, row by row (the rest becomes text lines); decided before anything is bound, so the
  // choice between buttons and a text menu counts the tokens the layout really needs (actions and pages).
  const staysButton = (button: Button) =>
    button._tag === "Action" ||
    ((button._tag === "Url" || button._tag === "WebApp") && caps.urlButtons) ||
    (button._tag === "RequestContact" && caps.requestContact)
  const keptRows = rows.map((row) => row.filter(staysButton)).filter((row) => row.length > 0)
  const shownCount = keptRows.reduce((n, row) => n + Math.ceil(row.length / Math.max(1, width)), 0)
  // With one slot per page nothing can be paged (the "more" button needs one of the slots).
  const pageable = caps.maxRows >= 2 || width >= 2
  const pageCount =
    shownCount <= caps.maxRows
      ? 0
      : caps.maxRows >= 2
        ? Math.ceil(shownCount / (caps.maxRows - 1))
        : Math.ceil(keptRows.flat().length / Math.max(1, width - 1))
  const useButtons =
    buttonsUsable(caps) && (pageCount === 0 || pageable) && tokensFit(caps, state, actions.length + pageCount)

  if (!useButtons) {
    for (const button of all) {
      switch (button._tag) {
        case "Action": {
          const number = state.number
          state.number += 1
          state.menu.push({ number, label: button.label, action: button.data })
          extra.lines.push([{ text: `${number}. ${button.label}` }])
          break
        }
        case "Url":
        case "WebApp":
          extra.lines.push(linkLine(button))
          break
        case "RequestContact":
          extra.lines.push([{ text: fill(state.labels.contactHint, { label: button.label }) }])
          break
      }
    }
    if (actions.length > 0) {
      extra.lines.push([{ text: state.labels.numberHint, italic: true }])
      return { keyboard: undefined, extra: { lines: extra.lines, numbered: true }, pages: [] }
    }
    return { keyboard: undefined, extra, pages: [] }
  }

  // Buttons exist: move what the platform cannot show into text, shorten labels, bind tokens.
  const shown: Array<Array<Button>> = []
  for (const row of rows) {
    const kept: Array<Button> = []
    for (const button of row) {
      if ((button._tag === "Url" || button._tag === "WebApp") && !caps.urlButtons) {
        extra.lines.push(linkLine(button))
      } else if (button._tag === "RequestContact" && !caps.requestContact) {
        extra.lines.push([{ text: fill(state.labels.contactHint, { label: button.label }) }])
      } else {
        const label = shortenLabel(button.label, caps.maxButtonLabel)
        if (button._tag === "Action") {
          state.menu.push({ number: null, label, action: button.data })
          if (label !== button.label.trim()) state.menu.push({ number: null, label: button.label, action: button.data })
          const token = nextToken(state)
          state.bindings[token] = { _tag: "Action", action: button.data }
          kept.push({ _tag: "Action", label, data: token })
        } else kept.push({ ...button, label })
      }
    }
    if (kept.length > 0) shown.push(...chunk(kept, width))
  }
  if (shown.length === 0) return { keyboard: undefined, extra, pages: [] }
  if (shown.length <= caps.maxRows) return { keyboard: { rows: shown }, extra, pages: [] }

  // Overflow: pages of (maxRows - 1) rows plus a row with the "more" button; with a single row allowed, each page is
  // one row of (width - 1) buttons plus "more".
  const flat = shown.flat()
  const pageRows: Array<Array<Array<Button>>> = []
  if (caps.maxRows >= 2) {
    for (let i = 0; i < shown.length; i += caps.maxRows - 1) pageRows.push(shown.slice(i, i + caps.maxRows - 1))
  } else {
    for (const row of chunk(flat, width - 1)) pageRows.push([row])
  }
  const moreLabel = shortenLabel(state.labels.more, caps.maxButtonLabel)
  const firstLabel = shortenLabel(state.labels.first, caps.maxButtonLabel)
  const tokens = pageRows.map(() => nextToken(state))
  const pages: Array<Keyboard> = pageRows.map((page, i) => {
    const last = i === pageRows.length - 1
    const nav: Button = { _tag: "Action", label: last ? firstLabel : moreLabel, data: tokens[(i + 1) % tokens.length]! }
    if (caps.maxRows >= 2) return { rows: [...page, [nav]] }
    return { rows: [[...page[0]!, nav]] }
  })
  pages.forEach((page, i) => {
    state.bindings[tokens[i]!] = { _tag: "Page", text: [], keyboard: page }
  })
  return { keyboard: pages[0], extra, pages: tokens }
}

// ---------------------------------------------------------------------------------------------------------------
// Replies

const withLines = (text: RichText, extra: Extra): RichText => {
  if (extra.lines.length === 0) return text
  const lines: Array<Span> = []
  extra.lines.forEach((line, i) => {
    if (i > 0) lines.push({ text: "\n" })
    lines.push(...line)
  })
  return toPlain(text) === "" ? normalize(lines) : normalize([...text, { text: "\n\n" }, ...lines])
}

const textReplies = (
  text: RichText,
  keyboard: Keyboard | undefined,
  caps: Capabilities,
  first: "Text" | "Edit",
  removeKeyboard: boolean,
  /** the message an edit replaces by its platform id (kept on the edit) */
  messageId?: string
): Array<Reply> => {
  const parts = splitText(text, caps.maxTextLength)
  return parts.map((part, i) => {
    const last = i === parts.length - 1
    const kb = last && keyboard !== undefined ? { keyboard } : {}
    if (i === 0 && first === "Edit")
      return { _tag: "Edit", text: part, ...kb, ...(messageId === undefined ? {} : { messageId }) }
    const remove = i === 0 && removeKeyboard ? { removeKeyboard: true } : {}
    return { _tag: "Text", text: part, ...kb, ...remove }
  })
}

/** Page bindings show the text of the message that carries the keyboard (the last part of a split text). */
const bindPages = (state: State, laid: Laid, replies: ReadonlyArray<Reply>): Array<Reply> => {
  const carrier = [...replies].reverse().find((r) => r._tag !== "Toast" && r.keyboard !== undefined)
  if (carrier !== undefined && carrier._tag !== "Toast") {
    const text = carrier._tag === "Image" || carrier._tag === "Document" ? carrier.caption : carrier.text
    for (const token of laid.pages) {
      const binding = state.bindings[token]
      if (binding?._tag === "Page") state.bindings[token] = { ...binding, text }
    }
  }
  return [...replies]
}

const fitOne = (reply: Reply, caps: Capabilities, state: State): Array<Reply> => {
  switch (reply._tag) {
    case "Toast": {
      if (caps.toasts && reply.text.length <= MAX_TOAST_LENGTH) return [reply]
      return textReplies([{ text: reply.text }], undefined, caps, "Text", false)
    }
    case "Text": {
      const laid = layKeyboard(reply.keyboard, caps, state)
      const text = withLines(reply.text, laid.extra)
      return bindPages(state, laid, textReplies(text, laid.keyboard, caps, "Text", reply.removeKeyboard === true))
    }
    case "Edit": {
      const laid = layKeyboard(reply.keyboard, caps, state)
      const text = withLines(reply.text, laid.extra)
      return bindPages(
        state,
        laid,
        textReplies(text, laid.keyboard, caps, caps.edits ? "Edit" : "Text", false, reply.messageId)
      )
    }
    case "Image": {
      if (!caps.media) {
        const caption = toPlain(reply.caption) === "" ? [] : [...reply.caption, { text: "\n" }]
        const text = normalize([...caption, { text: reply.url, href: reply.url }])
        return fitOne({ _tag: "Text", text, ...(reply.keyboard ? { keyboard: reply.keyboard } : {}) }, caps, state)
      }
      const laid = layKeyboard(reply.keyboard, caps, state)
      const caption = withLines(reply.caption, laid.extra)
      if (toPlain(caption).length <= caps.maxCaptionLength) {
        const kb = laid.keyboard ? { keyboard: laid.keyboard } : {}
        return bindPages(state, laid, [{ _tag: "Image", url: reply.url, caption, ...kb }])
      }
      const rest = textReplies(caption, laid.keyboard, caps, "Text", false)
      return bindPages(state, laid, [{ _tag: "Image", url: reply.url, caption: [] }, ...rest])
    }
    case "Document": {
      if (!caps.documents) {
        const caption = toPlain(reply.caption) === "" ? [] : [...reply.caption, { text: "\n" }]
        const text = normalize([...caption, { text: reply.name, href: reply.url }])
        return fitOne({ _tag: "Text", text, ...(reply.keyboard ? { keyboard: reply.keyboard } : {}) }, caps, state)
      }
      const laid = layKeyboard(reply.keyboard, caps, state)
      const caption = withLines(reply.caption, laid.extra)
      const document = { _tag: "Document" as const, url: reply.url, name: reply.name }
      if (toPlain(caption).length <= caps.maxCaptionLength) {
        const kb = laid.keyboard ? { keyboard: laid.keyboard } : {}
        return bindPages(state, laid, [{ ...document, caption, ...kb }])
      }
      const rest = textReplies(caption, laid.keyboard, caps, "Text", false)
      return bindPages(state, laid, [{ ...document, caption: [] }, ...rest])
    }
  }
}

/** Fits one reply to the capabilities. */
export const fit = (reply: Reply, capabilities: Capabilities, options: FitOptions = {}): Fitted =>
  fitAll([reply], capabilities, options)

/** Fits the replies of one turn, numbering tokens and menu entries across them. */
export const fitAll = (replies: ReadonlyArray<Reply>, capabilities: Capabilities, options: FitOptions = {}): Fitted => {
  const state: State = {
    index: options.firstIndex ?? 0,
    number: options.firstNumber ?? 1,
    prefix: options.tokenPrefix ?? "",
    bindings: {},
    menu: [],
    labels: { ...defaultLabels, ...options.labels }
  }
  const out = replies.flatMap((reply) => fitOne(reply, capabilities, state))
  return { replies: out, bindings: state.bindings, menu: state.menu, nextIndex: state.index, nextNumber: state.number }
}
