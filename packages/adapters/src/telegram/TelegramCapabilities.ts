/** What Telegram can show, for the router's `fit`. */
import { Capabilities } from "@groupbuy/router"

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
  toasts: true,
  maxButtonsPerRow: 8,
  maxRows: 12,
  maxButtonLabel: 64,
  maxCallbackBytes: 64
})
