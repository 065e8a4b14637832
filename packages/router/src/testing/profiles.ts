/**
 * Capability profiles for tests, modelled on the adapters' capabilities (`telegramCapabilities`, `vkCapabilities`,
 * `whatsappCapabilities`, `webCapabilities` in `@groupbuy/adapters`); the scripted scenarios and the committed
 * transcripts run against each of them. The router may not import the adapters, so the adapters' test
 * `test/shared/CapabilityProfiles.test.ts` pins every field where a profile differs from its adapter:
 * - telegram: 10 rows instead of 12;
 * - vk: 5 buttons per row in 6 rows and 255 callback bytes (VK's raw limits) instead of the adapter's 2 × 5 (which
 *   keeps every keyboard under VK's 10-button cap) and 240 bytes (room for the `{"d":…}` wrapper);
 * - whatsapp: no button limits at all (0) where the adapter declares 1/12/64/64 — irrelevant while `buttons` is false;
 * - web: longer texts (10,000 / 2,000) and 64 callback bytes instead of 4,096 / 1,024 / 256.
 * Making a profile equal to its adapter changes its transcript: regenerate it in the same commit.
 */
import { Capabilities } from "../Model.js"

/** Inline keyboards, request-contact, edits, toasts; 64-byte callback data. */
export const telegramLike = new Capabilities({
  maxTextLength: 4096,
  maxCaptionLength: 1024,
  buttons: true,
  urlButtons: true,
  requestContact: true,
  edits: true,
  media: true,
  toasts: true,
  maxButtonsPerRow: 8,
  maxRows: 10,
  maxButtonLabel: 64,
  maxCallbackBytes: 64
})

/** Small inline keyboards (5 per row, 6 rows), 40-character labels, no request-contact. */
export const vkLike = new Capabilities({
  maxTextLength: 4096,
  maxCaptionLength: 4096,
  buttons: true,
  urlButtons: true,
  requestContact: false,
  edits: true,
  media: true,
  toasts: true,
  maxButtonsPerRow: 5,
  maxRows: 6,
  maxButtonLabel: 40,
  maxCallbackBytes: 255
})

/** No buttons at all: every keyboard becomes a numbered text menu; no edits, no toasts. */
export const whatsappLike = new Capabilities({
  maxTextLength: 4096,
  maxCaptionLength: 1024,
  buttons: false,
  urlButtons: false,
  requestContact: false,
  edits: false,
  media: true,
  toasts: false,
  maxButtonsPerRow: 0,
  maxRows: 0,
  maxButtonLabel: 0,
  maxCallbackBytes: 0
})

/** The web widget: generous limits, buttons and links, no request-contact. */
export const webLike = new Capabilities({
  maxTextLength: 10000,
  maxCaptionLength: 2000,
  buttons: true,
  urlButtons: true,
  requestContact: false,
  edits: true,
  media: true,
  toasts: true,
  maxButtonsPerRow: 4,
  maxRows: 12,
  maxButtonLabel: 64,
  maxCallbackBytes: 64
})

export const profiles = [
  { name: "telegram", capabilities: telegramLike },
  { name: "vk", capabilities: vkLike },
  { name: "whatsapp", capabilities: whatsappLike },
  { name: "web", capabilities: webLike }
] as const

export type ProfileName = (typeof profiles)[number]["name"]
