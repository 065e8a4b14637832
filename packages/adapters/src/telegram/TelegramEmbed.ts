/**
 * GroupBuy inside an existing grammY bot: `bot.use(yield* groupBuyMiddleware(bot))` before the host's own handlers.
 * GroupBuy takes its commands, its buttons (their data carry a prefix), shared contacts and the free text of chats
 * engaged with it (see `EmbedPolicy`); every other update goes on to the host's handlers.
 */
import { Effect, type Scope } from "effect"
import type { Bot, Context as GrammyContext, MiddlewareFn } from "grammy"
import type { AdapterEvents } from "../shared/AdapterEvents.js"
import { type EmbedPolicyOptions, makeEmbedPolicy } from "../shared/EmbedPolicy.js"
import type { OutboundLimits } from "../shared/OutboundQueue.js"
import type { TurnHandler } from "../shared/TurnHandler.js"
import { attach, type TelegramCommands, type TelegramEngine, type TelegramStartError } from "./TelegramBot.js"

export interface TelegramEmbedOptions extends EmbedPolicyOptions {
  /** the fleet id of this bot (default "telegram-embedded") */
  readonly id?: string | undefined
  /** marks GroupBuy's button data (default "gb:") */
  readonly callbackPrefix?: string | undefined
  /** command menus to register; none by default, the host owns its menu */
  readonly registerCommands?: TelegramCommands | undefined
  readonly limits?: OutboundLimits | undefined
}

/** The engine attached to the host's bot; mount `engine.middleware` (its `deliver` serves proactive messages). */
export const groupBuyEngine = (
  bot: Bot,
  options: TelegramEmbedOptions = {}
): Effect.Effect<TelegramEngine, TelegramStartError, AdapterEvents | TurnHandler | Scope.Scope> =>
  attach(bot, {
    id: options.id ?? "telegram-embedded",
    callbackPrefix: options.callbackPrefix ?? "gb:",
    commands: options.registerCommands,
    limits: options.limits,
    accepts: makeEmbedPolicy(options).accepts
  })

/** grammY middleware: GroupBuy's updates are handled, everything else goes to `next`. */
export const groupBuyMiddleware = (
  bot: Bot,
  options: TelegramEmbedOptions = {}
): Effect.Effect<MiddlewareFn<GrammyContext>, TelegramStartError, AdapterEvents | TurnHandler | Scope.Scope> =>
  Effect.map(groupBuyEngine(bot, options), (engine) => engine.middleware)
