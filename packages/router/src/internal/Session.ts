/** The per-chat session the engine persists after every update (JSON only). */
import type { Binding, MenuEntry } from "../Fit.js"
import type { Language } from "../Messages.js"
import type { Reply } from "../Model.js"

export type FlowName = "registration" | "createProcurement" | "deposit" | "join"

export interface FlowState {
  readonly name: FlowName
  readonly version: number
  readonly input: unknown
  readonly snapshot: unknown
  /** epoch ms of the last turn: abandoned flows expire */
  readonly updatedAt: number
}

/** The buttons and menu answers of the last menu shown in this chat. */
export interface MenuState {
  /** random per menu generation: tokens of older generations are stale */
  readonly nonce: string
  readonly bindings: Readonly<Record<string, Binding>>
  readonly menu: ReadonlyArray<MenuEntry>
  /** whether the menu was drawn as a numbered text menu (then bare numbers answer it) */
  readonly numbered: boolean
  /** the un-fitted replies that carried it, shown again (with fresh tokens) when a stale button is pressed */
  readonly shown: ReadonlyArray<Reply>
}

/** A one-question prompt the engine asked itself (no flow machine needed). */
export type Awaiting =
  | { readonly kind: "profile"; readonly field: "firstName" | "lastName" | "phone" | "email" }
  | { readonly kind: "search" }
  | { readonly kind: "city" }

export interface ListFilter {
  readonly categoryId?: string
  readonly categoryName?: string
  readonly city?: string
  readonly query?: string
}

export interface Session {
  readonly v: 1
  readonly language?: Language
  readonly flow?: FlowState
  readonly menu?: MenuState
  readonly awaiting?: Awaiting
  /** chat mode: the procurement chat the user's messages go to */
  readonly chat?: { readonly procurementId: string; readonly title: string }
  readonly filter?: ListFilter
  /** the page of the procurement list last shown ("back to the list") */
  readonly listOffset?: number
  /** a /start payload to honour once registration is done */
  readonly pendingStart?: string
  readonly updatedAt: number
}

export const emptySession = (now: number): Session => ({ v: 1, updatedAt: now })

/** A stored value as a session; anything unreadable starts afresh (a user can never be stuck on bad data). */
export const decodeSession = (value: unknown, now: number): Session =>
  typeof value === "object" && value !== null && (value as { v?: unknown }).v === 1
    ? (value as Session)
    : emptySession(now)

export const sessionKey = (bot: string, chatId: string) => `session:${bot}:${chatId}`
export const dedupeKey = (bot: string, updateId: string) => `dedupe:${bot}:${updateId}`
/** where a user was last seen, per bot: proactive messages go there */
export const lastRefKey = (userId: string) => `lastref:${userId}`
