/**
 * GroupBuy inside an existing grammY bot: `bot.use(yield* groupBuyMiddleware(bot))` before the host's own handlers.
 * GroupBuy takes its commands, its buttons (their data carry a prefix), shared contacts and the free text of chats
 * engaged with it (see `EmbedPolicy`); every other update goes on to the host's handlers.
 */
import type { Bot } from "grammy"
import { embedding, type EmbedPolicyOptions } from "../shared/EmbedPolicy.js"
import type { OutboundLimits } from "../shared/OutboundQueue.js"
import { attach, type TelegramCommands } from "./TelegramBot.js"

export interface TelegramEmbedOptions extends EmbedPolicyOptions {
  /** the fleet id of this bot (default "telegram-embedded") */
  readonly id?: string | undefined
  /** marks GroupBuy's button data (default "gb:") */
  readonly callbackPrefix?: string | undefined
  /** command menus to register; none by default, the host owns its menu */
  readonly registerCommands?: TelegramCommands | undefined
  readonly limits?: OutboundLimits | undefined
}

const embedded = embedding((bot: Bot, options: TelegramEmbedOptions, accepts) =>
  attach(bot, {
    id: options.id ?? "telegram-embedded",
    callbackPrefix: options.callbackPrefix ?? "gb:",
    commands: options.registerCommands,
    limits: options.limits,
    accepts
  })
)

/** The engine attached to the host's bot; mount `engine.middleware` (its `deliver` serves proactive messages). */
export const groupBuyEngine = (bot: Bot, options: TelegramEmbedOptions = {}) => embedded.engine(bot, options)

/** grammY middleware: GroupBuy's updates are handled, everything else goes to `next`. */
export const groupBuyMiddleware = (bot: Bot, options: TelegramEmbedOptions = {}) => embedded.middleware(bot, options)
