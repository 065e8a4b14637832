/**
 * Capability profiles for tests: the platforms' own capabilities (`PlatformCapabilities.ts`, which the adapters
 * declare), changed only where the committed transcripts need it; the scripted scenarios run against each of them.
 * The one change: VK's raw keyboard limits (5 buttons per row in 6 rows) instead of the 2 × 5 its adapter declares to
 * stay within VK's 10 buttons a keyboard, so the scenarios also show wide keyboards reshaped. The adapters' test
 * `test/shared/CapabilityProfiles.test.ts` pins it. Changing a profile changes its transcript: regenerate it in the
 * same commit.
 */
import { Capabilities } from "../Model.js"
import { telegramCapabilities, vkCapabilities, webCapabilities, whatsappCapabilities } from "../PlatformCapabilities.js"

/** Inline keyboards, request-contact, edits, toasts; 64-byte callback data. */
export const telegramLike = telegramCapabilities

/** Inline keyboards of up to 5 buttons per row in 6 rows, 40-character labels, no request-contact. */
export const vkLike = new Capabilities({ ...vkCapabilities, maxButtonsPerRow: 5, maxRows: 6 })

/** No buttons at all: every keyboard becomes a numbered text menu; no edits, no toasts. */
export const whatsappLike = whatsappCapabilities

/** The web widget: buttons and links, edits, toasts, no request-contact. */
export const webLike = webCapabilities

export const profiles = [
  { name: "telegram", capabilities: telegramLike },
  { name: "vk", capabilities: vkLike },
  { name: "whatsapp", capabilities: whatsappLike },
  { name: "web", capabilities: webLike }
] as const

export type ProfileName = (typeof profiles)[number]["name"]
