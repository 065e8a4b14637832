/** The platforms whose bots have tokens (a shop's bot, a fleet bot, a spare token), as a select's options. */
import type { SelectOption } from "./SelectField.js"

export type BotPlatform = "telegram" | "vk"

export const BOT_PLATFORM_OPTIONS: ReadonlyArray<SelectOption<BotPlatform>> = [
  { value: "telegram", label: "Telegram" },
  { value: "vk", label: "VK" }
]
