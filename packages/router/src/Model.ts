/**
 * The platform-neutral message model: `Update` in, `Reply` out, and the `Capabilities` an adapter declares.
 * Nothing here knows how a platform draws a reply; `fit` (Fit.ts) shapes replies to capabilities.
 */
import { Schema } from "effect"

/** Platform names are data for adapters and identities; the router never branches on them. */
export const Platform = Schema.Literal("telegram", "vk", "whatsapp", "web")
export type Platform = typeof Platform.Type

/** Where an update came from and where replies go. */
export class ChatRef extends Schema.Class<ChatRef>("ChatRef")({
  /** the bot (account) id, unique across the fleet: sessions and dedupe are keyed by it */
  bot: Schema.String,
  platform: Platform,
  chatId: Schema.String,
  /** the sender's platform user id */
  userId: Schema.String,
  /** the client's language hint, e.g. "ru", "en-US" */
  locale: Schema.optional(Schema.String),
  username: Schema.optional(Schema.String),
  displayName: Schema.optional(Schema.String),
  /** true in group chats (VK peer_id ≥ 2e9, Telegram groups) */
  isGroup: Schema.optional(Schema.Boolean)
}) {}

const base = { ref: ChatRef, updateId: Schema.String }

/** `/start proc_123` → command "start", args "proc_123" (already stripped of the slash and @botname). */
export const CommandUpdate = Schema.TaggedStruct("Command", { ...base, command: Schema.String, args: Schema.String })
export const TextUpdate = Schema.TaggedStruct("Text", { ...base, text: Schema.String })
/** A button press. `data` is the token the adapter received; `messageId` the message that carried the button. */
export const ButtonUpdate = Schema.TaggedStruct("Button", {
  ...base,
  data: Schema.String,
  messageId: Schema.optional(Schema.String)
})
/** A shared contact; `own` when the contact is the sender's own (request-contact button). */
export const ContactUpdate = Schema.TaggedStruct("Contact", {
  ...base,
  phone: Schema.String,
  firstName: Schema.optional(Schema.String),
  lastName: Schema.optional(Schema.String),
  own: Schema.Boolean
})
/** A photo or file, with the URL (or platform file id) the server can fetch, and its caption. */
export const MediaUpdate = Schema.TaggedStruct("Media", {
  ...base,
  kind: Schema.Literal("photo", "file"),
  url: Schema.String,
  caption: Schema.optional(Schema.String)
})

export const Update = Schema.Union(CommandUpdate, TextUpdate, ButtonUpdate, ContactUpdate, MediaUpdate)
export type Update = typeof Update.Type

/** A run of text with the small formatting subset adapters render safely. */
export const Span = Schema.Struct({
  text: Schema.String,
  bold: Schema.optional(Schema.Boolean),
  italic: Schema.optional(Schema.Boolean),
  code: Schema.optional(Schema.Boolean),
  /** http(s) links only */
  href: Schema.optional(Schema.String)
})
export type Span = typeof Span.Type

export const RichText = Schema.Array(Span)
export type RichText = typeof RichText.Type

/** `data` is the router's action before `fit`, and a short payload token after it. */
export const ActionButton = Schema.TaggedStruct("Action", { label: Schema.String, data: Schema.String })
export const UrlButton = Schema.TaggedStruct("Url", { label: Schema.String, url: Schema.String })
/** Asks the platform to share the user's own phone number. */
export const ContactButton = Schema.TaggedStruct("RequestContact", { label: Schema.String })
/**
 * Opens `url` inside the platform as a Mini App where the platform and the chat allow it (the page signs the person
 * in from the platform's signed launch data); everywhere else it is a link to `fallbackUrl` (e.g. a login-code link).
 */
export const WebAppButton = Schema.TaggedStruct("WebApp", {
  label: Schema.String,
  url: Schema.String,
  fallbackUrl: Schema.String
})
export const Button = Schema.Union(ActionButton, UrlButton, ContactButton, WebAppButton)
export type Button = typeof Button.Type

/** A Mini App button drawn as a plain link where no Mini App can open: its fallback URL under the same label. */
export const webAppFallback = (button: typeof WebAppButton.Type): typeof UrlButton.Type => ({
  _tag: "Url",
  label: button.label,
  url: button.fallbackUrl
})

/** The link a button stands for where links are written out as text: a URL button itself, a Mini App's fallback. */
export const linkOf = (button: Button): typeof UrlButton.Type | undefined =>
  button._tag === "Url" ? button : button._tag === "WebApp" ? webAppFallback(button) : undefined

export const Keyboard = Schema.Struct({ rows: Schema.Array(Schema.Array(Button)) })
export type Keyboard = typeof Keyboard.Type

export const TextReply = Schema.TaggedStruct("Text", {
  text: RichText,
  keyboard: Schema.optional(Keyboard),
  /** removes a reply keyboard (e.g. after a contact was shared) */
  removeKeyboard: Schema.optional(Schema.Boolean)
})
export const ImageReply = Schema.TaggedStruct("Image", {
  url: Schema.String,
  caption: RichText,
  keyboard: Schema.optional(Keyboard)
})
/** A file sent as a document (`name` is what the member sees); `fit` makes it its caption and link where the platform
 * cannot send documents (capability `documents`). */
export const DocumentReply = Schema.TaggedStruct("Document", {
  url: Schema.String,
  name: Schema.String,
  caption: RichText,
  keyboard: Schema.optional(Keyboard)
})
/**
 * Replace the message the pressed button was on (pagination in place), or, with `messageId`, the message with that
 * platform id (a relayed chat copy whose original was edited or deleted).
 */
export const EditReply = Schema.TaggedStruct("Edit", {
  text: RichText,
  keyboard: Schema.optional(Keyboard),
  messageId: Schema.optional(Schema.String)
})
/** The answer to a button press (toast / alert). */
export const ToastReply = Schema.TaggedStruct("Toast", { text: Schema.String, alert: Schema.optional(Schema.Boolean) })

export const Reply = Schema.Union(TextReply, ImageReply, EditReply, ToastReply, DocumentReply)
export type Reply = typeof Reply.Type

/** What a platform can show. Declared by each adapter; `fit` makes every reply satisfy it. */
export class Capabilities extends Schema.Class<Capabilities>("Capabilities")({
  maxTextLength: Schema.Int,
  maxCaptionLength: Schema.Int,
  buttons: Schema.Boolean,
  urlButtons: Schema.Boolean,
  requestContact: Schema.Boolean,
  edits: Schema.Boolean,
  media: Schema.Boolean,
  /** whether files can be sent as documents (else a file goes as its caption and link) */
  documents: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  /** whether a button press can be answered with a toast */
  toasts: Schema.Boolean,
  maxButtonsPerRow: Schema.Int,
  maxRows: Schema.Int,
  maxButtonLabel: Schema.Int,
  /** payload bytes a button can carry back */
  maxCallbackBytes: Schema.Int
}) {}
