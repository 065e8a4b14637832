/** The per-chat session the engine persists after every update (JSON), and the other keys it keeps in the store. */
import { CategoryId, ProcurementId, ProductId } from "@groupbuy/core"
import { Schema } from "effect"
import { FlowName } from "../flows/index.js"
import { ChatRef, Keyboard, Reply, RichText } from "../Model.js"

const FlowState = Schema.Struct({
  name: FlowName,
  version: Schema.Number,
  input: Schema.Unknown,
  snapshot: Schema.Unknown,
  /** epoch ms of the last turn: abandoned flows expire */
  updatedAt: Schema.Number
})
export type FlowState = typeof FlowState.Type

const Binding = Schema.Union(
  Schema.TaggedStruct("Action", { action: Schema.String }),
  Schema.TaggedStruct("Page", { text: RichText, keyboard: Keyboard })
)

/** The buttons and menu answers of the last menu shown in this chat. */
const MenuState = Schema.Struct({
  /** random per menu generation: tokens of older generations are stale */
  nonce: Schema.String,
  bindings: Schema.Record({ key: Schema.String, value: Binding }),
  menu: Schema.Array(
    Schema.Struct({ number: Schema.NullOr(Schema.Number), label: Schema.String, action: Schema.String })
  ),
  /** whether the menu was drawn as a numbered text menu (then bare numbers answer it) */
  numbered: Schema.Boolean,
  /** the un-fitted replies that carried it, shown again (with fresh tokens) when a stale button is pressed */
  shown: Schema.Array(Reply)
})
export type MenuState = typeof MenuState.Type

/** A one-question prompt the engine asked itself (no flow machine needed). */
const Awaiting = Schema.Union(
  Schema.Struct({ kind: Schema.Literal("profile"), field: Schema.Literal("firstName", "lastName", "phone", "email") }),
  Schema.Struct({ kind: Schema.Literal("search") }),
  Schema.Struct({ kind: Schema.Literal("city") }),
  /** how many of a product to buy (after its card) */
  Schema.Struct({ kind: Schema.Literal("shopQuantity"), productId: ProductId }),
  /** `/myshop` → create: the shop's name, its greeting, then the bot's token */
  Schema.Struct({
    kind: Schema.Literal("myShop"),
    step: Schema.Literal("name", "greeting", "token"),
    name: Schema.optional(Schema.String),
    greeting: Schema.optional(Schema.String)
  })
)
export type Awaiting = typeof Awaiting.Type

const ListFilter = Schema.Struct({
  categoryId: Schema.optional(CategoryId),
  categoryName: Schema.optional(Schema.String),
  city: Schema.optional(Schema.String),
  query: Schema.optional(Schema.String)
})
export type ListFilter = typeof ListFilter.Type

export const Session = Schema.Struct({
  v: Schema.Literal(1),
  language: Schema.optional(Schema.Literal("ru", "en")),
  flow: Schema.optional(FlowState),
  menu: Schema.optional(MenuState),
  awaiting: Schema.optional(Awaiting),
  /** chat mode: the procurement chat the user's messages go to */
  chat: Schema.optional(Schema.Struct({ procurementId: ProcurementId, title: Schema.String })),
  filter: Schema.optional(ListFilter),
  /** the page of the procurement list last shown ("back to the list") */
  listOffset: Schema.optional(Schema.Number),
  /** the shop's top-up for a purchase: when this payment is credited, the purchase's confirm step comes back */
  shopPending: Schema.optional(
    Schema.Struct({
      paymentId: Schema.String,
      productId: ProductId,
      quantity: Schema.Number,
      title: Schema.String,
      /** kopecks per unit when the top-up was asked */
      price: Schema.String
    })
  ),
  /** a /start payload to honour once registration is done */
  pendingStart: Schema.optional(Schema.String),
  /** when this chat was last remembered as the user's (`lastref:`): it is written again only after a while */
  seen: Schema.optional(Schema.Struct({ userId: Schema.String, at: Schema.Number })),
  updatedAt: Schema.Number
})
export type Session = typeof Session.Type

export const emptySession = (now: number): Session => ({ v: 1, updatedAt: now })

/** Where a user was last seen, per bot (the chat, and when): proactive messages go there. */
export const LastRefs = Schema.Record({
  key: Schema.String,
  value: Schema.Struct({ ref: ChatRef, at: Schema.Number })
})
export type LastRefs = typeof LastRefs.Type

export const sessionKey = (bot: string, chatId: string) => `session:${bot}:${chatId}`
export const dedupeKey = (bot: string, updateId: string) => `dedupe:${bot}:${updateId}`
export const lastRefKey = (userId: string) => `lastref:${userId}`
