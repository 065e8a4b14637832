/**
 * The router writes each platform's capabilities once (`PlatformCapabilities.ts`); the adapters declare them and the
 * router's test profiles (`@groupbuy/router/testing`) start from them. This test pins both ends: the profiles differ
 * from what the adapters declare only where `profiles.ts` says so (a change shows the transcripts to regenerate), and
 * what the adapters declare stays within the platforms' hard limits the encoders rely on.
 */
import { assert, describe, it } from "@effect/vitest"
import type { Capabilities } from "@groupbuy/router"
import { profiles } from "@groupbuy/router/testing"
import { telegramCapabilities } from "../../src/telegram/TelegramCapabilities.js"
import { vkCapabilities } from "../../src/vk/VkCapabilities.js"
import { buttonPayload } from "../../src/vk/VkDecode.js"
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
        telegram: {},
        vk: { maxButtonsPerRow: [5, 2], maxRows: [6, 5] },
        whatsapp: {},
        web: {}
      }
    )
  })
})

describe("the adapters' capabilities", () => {
  it("keep VK's keyboards within its 10 buttons and its payloads within 255 characters", () => {
    assert.isAtMost(vkCapabilities.maxButtonsPerRow * vkCapabilities.maxRows, 10)
    assert.isAtMost(buttonPayload("x".repeat(vkCapabilities.maxCallbackBytes)).length, 255)
  })

  it("keep Telegram's callback data within its 64 bytes", () => {
    assert.isAtMost(telegramCapabilities.maxCallbackBytes, 64)
  })

  it("declare no buttons where the platform draws none (WhatsApp)", () => {
    assert.isFalse(whatsappCapabilities.buttons)
    assert.isFalse(whatsappCapabilities.urlButtons)
    assert.isFalse(whatsappCapabilities.requestContact)
  })
})
