/** What the web chat widget can show, for the router's `fit`. */
import { Capabilities } from "@groupbuy/router"

/** What the browser widget draws: real buttons, edits in place, toasts, images. */
export const webCapabilities: Capabilities = new Capabilities({
  maxTextLength: 4096,
  maxCaptionLength: 1024,
  buttons: true,
  urlButtons: true,
  requestContact: false,
  edits: true,
  media: true,
  toasts: true,
  maxButtonsPerRow: 4,
  maxRows: 12,
  maxButtonLabel: 64,
  maxCallbackBytes: 256
})
