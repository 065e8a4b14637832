/** What WhatsApp can show, for the router's `fit`. */
import { Capabilities } from "@groupbuy/router"

/**
 * WhatsApp shows no buttons to unofficial (linked-device) clients: no buttons, no edits, no toasts, so `fit` turns
 * every keyboard into a numbered text menu and answers ("2", or the label) come back as plain text.
 */
export const whatsappCapabilities = new Capabilities({
  maxTextLength: 4096,
  maxCaptionLength: 1024,
  buttons: false,
  urlButtons: false,
  requestContact: false,
  edits: false,
  media: true,
  toasts: false,
  maxButtonsPerRow: 1,
  maxRows: 12,
  maxButtonLabel: 64,
  maxCallbackBytes: 64
})
