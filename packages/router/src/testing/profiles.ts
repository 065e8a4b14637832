/**
 * Capability profiles for tests: plain data modelled on the platforms (the real adapters declare their own). The
 * scripted scenarios run against each of them.
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
