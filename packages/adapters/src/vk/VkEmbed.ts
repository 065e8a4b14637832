/**
 * GroupBuy inside an existing vk-io bot: `vk.updates.use(yield* groupBuyMiddleware(vk))` before the host's own
 * handlers. GroupBuy takes its commands, its callback buttons (payload `{"d":…}`), and the free text of chats
 * engaged with it (see `EmbedPolicy`); every other event goes on to the host's handlers. Attaching also paces every
 * API call of the host's `vk` through GroupBuy's limiter (one community token, one limit).
 */
import type { VK } from "vk-io"
import { embedding, type EmbedPolicyOptions } from "../shared/EmbedPolicy.js"
import type { OutboundLimits } from "../shared/OutboundQueue.js"
import { attach } from "./VkBot.js"

export interface VkEmbedOptions extends EmbedPolicyOptions {
  /** the fleet id of this bot (default "vk-embedded") */
  readonly id?: string | undefined
  readonly limits?: OutboundLimits | undefined
}

const embedded = embedding((vk: VK, options: VkEmbedOptions, accepts) =>
  attach(vk, { id: options.id ?? "vk-embedded", limits: options.limits, accepts })
)

/** The engine attached to the host's `vk`; mount `engine.middleware` (its `deliver` serves proactive messages). */
export const groupBuyEngine = (vk: VK, options: VkEmbedOptions = {}) => embedded.engine(vk, options)

/** vk-io middleware: GroupBuy's events are handled, everything else goes to `next`. */
export const groupBuyMiddleware = (vk: VK, options: VkEmbedOptions = {}) => embedded.middleware(vk, options)
