/**
 * The router's test profiles (`@groupbuy/router/testing`) are modelled on the adapters' capabilities; the router may
 * not import the adapters, so this test (on the adapters' side) pins every field where a profile differs from the
 * adapter it stands for. A change to an adapter's capabilities shows up here, with the profile to update and the
 * transcripts to regenerate.
 */
import { assert, describe, it } from "@effect/vitest"
import type { Capabilities } from "@groupbuy/router"
import { profiles } from "@groupbuy/router/testing"
import { telegramCapabilities } from "../../src/telegram/TelegramCapabilities.js"
import { vkCapabilities } from "../../src/vk/VkCapabilities.js"
import { webCapabilities } from "../../src/websocket/WebCapabilities.js"
import { whatsappCapabilities } from "../../src/whatsapp/WhatsAppCapabilities.js"

const adapters: Record<(typeof profiles)[number]["name"], Capabilities> = {
  telegram: telegramCapabilities,
  vk: vkCapabilities,
  whatsapp: whatsappCapabilities,
  web: webCapabilities
}

/** profile value vs adapter value, for each field that differs (deliberately: see profiles.ts) */
const differences = (profile: Capabilities, adapter: Capabilities) =>
  Object.fromEntries(
    (Object.keys(adapter) as Array<keyof Capabilities>)
      .filter((key) => profile[key] !== adapter[key])
      .map((key) => [key, [profile[key], adapter[key]]])
  )

describe("capability profiles of the router's scenarios", () => {
  it("differ from the adapters' capabilities only where profiles.ts says so", () => {
    assert.deepStrictEqual(
      Object.fromEntries(profiles.map((p) => [p.name, differences(p.capabilities, adapters[p.name])])),
      {
        telegram: { maxRows: [10, 12] },
        vk: { maxButtonsPerRow: [5, 2], maxRows: [6, 5], maxCallbackBytes: [255, 240] },
        whatsapp: { maxButtonsPerRow: [0, 1], maxRows: [0, 12], maxButtonLabel: [0, 64], maxCallbackBytes: [0, 64] },
        web: { maxTextLength: [10000, 4096], maxCaptionLength: [2000, 1024], maxCallbackBytes: [64, 256] }
      }
    )
  })
})
