/**
 * Which updates GroupBuy takes when it is embedded in someone else's bot: its own commands, its own buttons
 * (adapters only decode button data they wrote), shared contacts, and free text or media while the chat is engaged
 * with GroupBuy — within `engagedForMs` of the last update GroupBuy took there. Everything else is the host's.
 */
import type { Update } from "@groupbuy/router"
import { Effect } from "effect"
import { groupBuyCommandNames } from "./CommandMenu.js"

export interface EmbedPolicyOptions {
  /** the commands GroupBuy answers (default: its whole menu) */
  readonly commands?: Iterable<string> | undefined
  /** how long after GroupBuy's last update a chat's free text still goes to GroupBuy (default 10 minutes) */
  readonly engagedForMs?: number | undefined
  readonly now?: (() => number) | undefined
}

export interface EmbedPolicy {
  readonly accepts: (update: Update) => boolean
}

export const makeEmbedPolicy = (options: EmbedPolicyOptions = {}): EmbedPolicy => {
  const commands = new Set(options.commands ?? groupBuyCommandNames())
  const engagedForMs = options.engagedForMs ?? 10 * 60_000
  const now = options.now ?? Date.now
  const engagedUntil = new Map<string, number>()
  const key = (update: Update) => `${update.ref.bot}:${update.ref.chatId}`
  const engage = (update: Update) => {
    engagedUntil.set(key(update), now() + engagedForMs)
    if (engagedUntil.size > 50_000) {
      const t = now()
      for (const [k, until] of engagedUntil) if (until < t) engagedUntil.delete(k)
    }
    return true
  }
  return {
    accepts: (update) => {
      switch (update._tag) {
        case "Command":
          return commands.has(update.command) ? engage(update) : false
        case "Button":
        case "Contact":
          return engage(update)
        case "Text":
        case "Media": {
          const until = engagedUntil.get(key(update))
          return until !== undefined && until >= now() ? engage(update) : false
        }
      }
    }
  }
}

/**
 * An adapter's two entry points for embedding in a host bot: `engine` attaches the adapter to the host's SDK object
 * under this policy (`attach` gets the options and the policy's `accepts`), `middleware` is that engine's middleware.
 */
export const embedding = <
  Host,
  Options extends EmbedPolicyOptions,
  Engine extends { readonly middleware: unknown },
  E,
  R
>(
  attach: (host: Host, options: Options, accepts: EmbedPolicy["accepts"]) => Effect.Effect<Engine, E, R>
) => {
  const engine = (host: Host, options: Options): Effect.Effect<Engine, E, R> =>
    attach(host, options, makeEmbedPolicy(options).accepts)
  const middleware = (host: Host, options: Options): Effect.Effect<Engine["middleware"], E, R> =>
    Effect.map(engine(host, options), (attached) => attached.middleware)
  return { engine, middleware }
}
