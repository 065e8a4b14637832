/**
 * The port through which `/myshop` opens a user's referral bot shop from a bot token (issue #15). The host implements
 * it (the server: the platform names the token's bot, the token is sealed, core writes the shop with its bot record,
 * the registry starts the bot); a host without it (a custom embedding) says shops cannot be created here.
 *
 * `platform` is the platform of the chat the owner writes from, passed through as the adapter named it: the router
 * never looks at it. A refusal (a wrong token, one already in use, a platform without tokens, a platform that did not
 * answer, a bad name) is a `RuleViolation` with its sentence in Russian and English.
 */
import type { ReferralShop, RuleViolation, UserId } from "@groupbuy/core"
import { Context, type Effect } from "effect"

export interface OpenShopRequest {
  readonly ownerId: UserId
  readonly platform: string
  readonly token: string
  readonly name: string
  readonly greeting: string
}

export interface ShopOpenerService {
  /** the platforms a shop's bot can live on (those with bot tokens); `/myshop` elsewhere says so before asking */
  readonly platforms: ReadonlyArray<string>
  readonly open: (request: OpenShopRequest) => Effect.Effect<ReferralShop, RuleViolation>
}

export class ShopOpener extends Context.Tag("@groupbuy/router/ShopOpener")<ShopOpener, ShopOpenerService>() {}
