/**
 * Opening a referral bot shop from a token (issue #15), the one way the bot (`/myshop`), the cabinet and the REST API
 * do it: the platform names the token's bot (`BotTokenCheck`), the token is sealed (`BotTokens`), and core writes the
 * shop with its bot record in one transaction (`ReferralShops.create`, which refuses a token already in use), and the
 * bot registry starts the new bot from its record before the owner is answered (so "your bot already answers" is
 * true); other instances follow on their periodic pass.
 *
 * Every refusal is a `RuleViolation` with its sentence in Russian and English, so each caller shows it as it is:
 * - `bot.token-invalid` — the platform does not know the token (mistyped, revoked, not a bot's);
 * - `bot.platform-unsupported` — the platform has no bot tokens (WhatsApp, the web widget);
 * - `bot.platform-unreachable` — the platform did not answer; nothing was written, try again;
 * - `bot.token-in-use`, `shop.invalid-name` — from core.
 */
import { type ReferralShop, ReferralShops, RuleViolation, type UserId } from "@groupbuy/core"
import { ShopOpener } from "@groupbuy/router"
import { Context, Effect, Layer, Redacted } from "effect"
import { BotRegistry } from "./BotRegistry.js"
import { BotTokenCheck, TOKEN_PLATFORMS } from "./BotTokenCheck.js"
import { BotTokens } from "./BotTokens.js"

export interface OpenReferralShop {
  readonly ownerId: UserId
  /** the platform the shop's bot lives on (the platform of the chat the owner writes from, or chosen in the cabinet) */
  readonly platform: string
  readonly token: Redacted.Redacted<string>
  readonly name: string
  readonly greeting?: string | undefined
}

export interface ReferralShopOpeningService {
  readonly open: (request: OpenReferralShop) => Effect.Effect<ReferralShop, RuleViolation>
}

export class ReferralShopOpening extends Context.Tag("@groupbuy/server/ReferralShopOpening")<
  ReferralShopOpening,
  ReferralShopOpeningService
>() {}

export const ReferralShopOpeningLive = Layer.effect(
  ReferralShopOpening,
  Effect.gen(function* () {
    const check = yield* BotTokenCheck
    const tokens = yield* BotTokens
    const shops = yield* ReferralShops
    const registry = yield* BotRegistry

    const open = (request: OpenReferralShop) =>
      Effect.gen(function* () {
        const identity = yield* check.check(request.platform, request.token).pipe(
          Effect.catchTags({
            BotTokenRejected: (rejected) =>
              Effect.fail(
                rejected.reason === "unsupported"
                  ? new RuleViolation({
                      code: "bot.platform-unsupported",
                      en: "A shop bot can be created on Telegram or VK: open this from there, or choose one in your cabinet.",
                      ru: "Бота-магазин можно создать в Telegram или ВКонтакте: откройте это там или выберите платформу в кабинете."
                    })
                  : new RuleViolation({
                      code: "bot.token-invalid",
                      en: "This token does not work: copy the bot's token from @BotFather (or the community's access key) and send it again.",
                      ru: "Этот токен не работает: скопируйте токен бота из @BotFather (или ключ доступа сообщества) и пришлите ещё раз."
                    })
              ),
            PlatformUnreachable: (unreachable) =>
              Effect.logWarning("token check: platform unreachable", { platform: unreachable.platform }).pipe(
                Effect.zipRight(
                  Effect.fail(
                    new RuleViolation({
                      code: "bot.platform-unreachable",
                      en: "The platform did not answer, nothing was created: try again in a minute.",
                      ru: "Платформа не ответила, магазин не создан — попробуйте через минуту."
                    })
                  )
                )
              )
          })
        )
        const shop = yield* shops.create(
          {
            ownerId: request.ownerId,
            platform: identity.platform,
            platformBotId: identity.platformBotId,
            username: identity.username,
            name: request.name,
            greeting: request.greeting ?? ""
          },
          tokens.seal(identity.platform, request.token)
        )
        yield* Effect.logInfo("referral shop opened", { shop: shop.id, bot: shop.botId, owner: request.ownerId })
        yield* registry.reconcileNow()
        return shop
      })

    return ReferralShopOpening.of({ open })
  })
)

/** The router's `/myshop` opens shops through the same opening (the token it was sent, as a secret from here on). */
export const ShopOpenerLive = Layer.effect(
  ShopOpener,
  Effect.map(ReferralShopOpening, (opening) =>
    ShopOpener.of({
      platforms: TOKEN_PLATFORMS,
      open: (request) => opening.open({ ...request, token: Redacted.make(request.token) })
    })
  )
)
