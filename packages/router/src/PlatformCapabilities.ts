/**
 * What each platform can show, for `fit`: the adapters declare these (`@groupbuy/adapters` re-exports them beside
 * their encoders) and the router's test profiles start from them, so the limits are written once.
 */
import { Capabilities } from "./Model.js"

/**
 * Telegram Bot API limits: 4096 characters of text and 1024 of caption (counted after HTML parsing), inline
 * keyboards of up to 100 buttons (8 per row here), 64 bytes of `callback_data`, reply keyboards that request the
 * user's contact, edits in place and `answerCallbackQuery` toasts.
 */
export const telegramCapabilities: Capabilities = new Capabilities({
  maxTextLength: 4096,
  maxCaptionLength: 1024,
  buttons: true,
  urlButtons: true,
  requestContact: true,
  edits: true,
  media: true,
  documents: true,
  toasts: true,
  maxButtonsPerRow: 8,
  maxRows: 12,
  maxButtonLabel: 64,
  maxCallbackBytes: 64
})

/**
 * VK community messages: 4096 characters (a photo's text is the message text), inline keyboards of at most 6 rows,
 * 5 buttons per row and 10 buttons in all — declared as 5 rows of 2 so that every keyboard `fit` builds stays within
 * 10 buttons —, 40-character labels, 255-character payloads (the token is wrapped as `{"d":"…"}`), callback buttons
 * answered with a snackbar, edits by `conversation_message_id`. No request-contact button: the router falls back to
 * a typed phone number. No formatting: text is plain.
 */
export const vkCapabilities: Capabilities = new Capabilities({
  ...telegramCapabilities,
  maxCaptionLength: 4096,
  documents: false,
  requestContact: false,
  maxButtonsPerRow: 2,
  maxRows: 5,
  maxButtonLabel: 40,
  maxCallbackBytes: 240
})

/**
 * WhatsApp shows no buttons to unofficial (linked-device) clients: no buttons, no edits, no toasts, so `fit` turns
 * every keyboard into a numbered text menu and answers ("2", or the label) come back as plain text.
 */
export const whatsappCapabilities: Capabilities = new Capabilities({
  ...telegramCapabilities,
  buttons: false,
  urlButtons: false,
  requestContact: false,
  edits: false,
  documents: false,
  toasts: false,
  maxButtonsPerRow: 1
})

/** What the browser widget draws: real buttons (4 per row), edits in place, toasts, images; no request-contact. */
export const webCapabilities: Capabilities = new Capabilities({
  ...telegramCapabilities,
  documents: false,
  requestContact: false,
  maxButtonsPerRow: 4,
  maxCallbackBytes: 256
})
