/** What VK can show, for the router's `fit`. */
import { Capabilities } from "@groupbuy/router"

/**
 * VK community messages: 4096 characters (a photo's text is the message text), inline keyboards of at most 6 rows,
 * 5 buttons per row and 10 buttons in all — declared as 5 rows of 2 so that every keyboard `fit` builds stays within
 * 10 buttons —, 40-character labels, 255-character payloads (the token is wrapped as `{"d":"…"}`), callback buttons
 * answered with a snackbar, edits by `conversation_message_id`. No request-contact button: the router falls back to
 * a typed phone number. No formatting: text is plain.
 */
export const vkCapabilities: Capabilities = new Capabilities({
  maxTextLength: 4096,
  maxCaptionLength: 4096,
  buttons: true,
  urlButtons: true,
  requestContact: false,
  edits: true,
  media: true,
  toasts: true,
  maxButtonsPerRow: 2,
  maxRows: 5,
  maxButtonLabel: 40,
  maxCallbackBytes: 240
})
