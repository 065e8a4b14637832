/** Fitting replies to a chat: the payload table of a new menu generation goes into the session. */
import { Effect, Random } from "effect"
import { fitAll } from "../Fit.js"
import { type Language, text } from "../Messages.js"
import { Capabilities, type Reply } from "../Model.js"
import type { MenuState, Session } from "./Session.js"
import { say } from "./Views.js"

/** Used for a bot that never declared capabilities: plain text only, so nothing is ever refused. */
export const PLAIN_TEXT = new Capabilities({
  maxTextLength: 1000,
  maxCaptionLength: 0,
  buttons: false,
  urlButtons: false,
  requestContact: false,
  edits: false,
  media: false,
  toasts: false,
  maxButtonsPerRow: 0,
  maxRows: 0,
  maxButtonLabel: 0,
  maxCallbackBytes: 0
})

export const fitLabels = (language: Language) => ({
  more: text(language, "fit.more"),
  first: text(language, "fit.first"),
  numberHint: text(language, "fit.numberHint"),
  contactHint: text(language, "fit.contactHint")
})

export const hasKeyboard = (reply: Reply) => reply._tag !== "Toast" && reply.keyboard !== undefined

const NONCE_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
const nonce = Effect.map(
  Effect.all(Array.from({ length: 4 }, () => Random.nextIntBetween(0, NONCE_ALPHABET.length))),
  (ns) => ns.map((n) => NONCE_ALPHABET[n]).join("")
)

/** Fits the replies; when they carry a keyboard, a new menu generation replaces the session's payload table. */
export const present = (
  replies: ReadonlyArray<Reply>,
  capabilities: Capabilities,
  language: Language,
  session: Session
) =>
  Effect.gen(function* () {
    if (!replies.some(hasKeyboard)) {
      const fitted = fitAll(replies, capabilities, { labels: fitLabels(language) })
      return { replies: fitted.replies, session }
    }
    const prefix = yield* nonce
    const fitted = fitAll(replies, capabilities, { tokenPrefix: prefix, labels: fitLabels(language) })
    const menu: MenuState = {
      nonce: prefix,
      bindings: fitted.bindings,
      menu: fitted.menu,
      numbered: fitted.menu.some((entry) => entry.number !== null),
      shown: replies.filter(hasKeyboard)
    }
    return { replies: fitted.replies, session: { ...session, menu } }
  })

/** How many buttons of earlier menus a message sent unasked keeps working (the most recent ones). */
export const KEPT_BINDINGS = 120

/**
 * As `present`, for a message the user did not ask for (a notification, a chat notice, a payment arriving): its
 * buttons start a new menu generation, but the buttons of the menus already on the screen keep working — a notice
 * that arrives while the user reads a procurement card must not turn the card's buttons into "this menu is outdated".
 * Where the menu is a numbered text menu, the numbers answer the newest one, as after any reply.
 */
export const presentUnasked = (
  replies: ReadonlyArray<Reply>,
  capabilities: Capabilities,
  language: Language,
  session: Session
) =>
  Effect.map(present(replies, capabilities, language, session), (presented) => {
    const before = session.menu
    const after = presented.session.menu
    if (before === undefined || after === undefined || after === before || after.numbered) return presented
    const kept = Object.entries(before.bindings).slice(-KEPT_BINDINGS)
    const menu: MenuState = { ...after, bindings: { ...Object.fromEntries(kept), ...after.bindings } }
    return { ...presented, session: { ...presented.session, menu } }
  })

/** The answer when a turn could not run: fitted, with no menu (nothing of the session is trusted). */
export const apology = (language: Language, capabilities: Capabilities) =>
  fitAll([say(language, "apology")], capabilities).replies
