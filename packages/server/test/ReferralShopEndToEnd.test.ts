/**
 * A referral bot shop end to end on the whole platform (`AppLive`), through the real grammY client against the fake
 * Telegram server: the owner creates the shop from the main bot with /myshop (a wrong token refused and asked again),
 * the shop's own bot starts without a restart and greets with the shop's name and greeting, a buyer buys through it,
 * the owner's commission is on their balance in the purchase's transaction, an administrator's refund takes it back
 * once, and the owner's pause silences the shop's bot.
 */
import { FakeTelegram } from "@groupbuy/adapters/testing"
import {
  Catalog,
  CreateProduct,
  Credit,
  Kopecks,
  Ledger,
  Orders,
  OrderFilter,
  ReferralShops,
  ShopSettings,
  UpdateShopSettings
} from "@groupbuy/core"
import { coreProfiles } from "@groupbuy/core/testing"
import { afterAll, assert, describe, layer as layerOf } from "@effect/vitest"
import { Context, Effect, Layer, Option, Redacted } from "effect"
import { BotRegistry } from "../src/bots/BotRegistry.js"
import { ServerConfig } from "../src/config/ServerConfig.js"
import { AppLive } from "../src/Server.js"
import { eventually, expectNow } from "./utils/AppHarness.js"
import { linkedAccount } from "./utils/MiniAppLaunch.js"
import { testSettings } from "./utils/TestServer.js"

const telegram = await FakeTelegram.start({ limits: false })
afterAll(() => telegram.close())

const textsOf = (token: string, user: number) => telegram.sentMessages(token, user).map((m) => m.text ?? "")
const answered = (token: string, user: number, part: string) =>
  eventually(
    expectNow(
      () => textsOf(token, user).some((t) => t.includes(part)),
      () => `no “${part}” in ${JSON.stringify(textsOf(token, user).slice(-3))}`
    )
  )
/** Presses the newest button of `user`'s chat with `token` whose label contains `label`. */
const press = (token: string, user: number, label: string) => {
  for (const message of telegram.sentMessages(token, user).reverse()) {
    const rows = (message.reply_markup as { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> })
      ?.inline_keyboard
    const found = rows?.flat().find((b) => b.callback_data !== undefined && b.text.includes(label))
    if (found !== undefined) return telegram.press(token, user, message.message_id, found.callback_data!)
  }
  throw new Error(`no button “${label}” for ${user}`)
}

for (const [index, profile] of coreProfiles().entries()) {
  const MAIN = `72000000${index}1:referral-e2e-main`
  const SHOP = `72000000${index}2:referral-e2e-shop`
  const OWNER = 7300 + index * 10
  const BUYER = OWNER + 1
  telegram.addBot(MAIN, { username: `referral_main_${index}_bot` })
  const settings = {
    ...testSettings(),
    telegram: Option.some({ token: Redacted.make(MAIN), apiRoot: Option.some(telegram.apiRoot) }),
    telegramApiRoot: Option.some(telegram.apiRoot)
  }
  const instance = Effect.map(
    Layer.build(Layer.fresh(AppLive.pipe(Layer.provideMerge(Layer.succeed(ServerConfig, settings))))),
    (context) => ({
      registry: Context.get(context, BotRegistry),
      settings: Context.get(context, ShopSettings),
      catalog: Context.get(context, Catalog),
      orders: Context.get(context, Orders)
    })
  )

  describe(`referral shop end to end (${profile.name})`, () => {
    layerOf(profile.layer, { timeout: "240 seconds", excludeTestServices: true })((it) => {
      it.scoped("created from the bot, sells through its own bot, earns, loses a refunded commission, pauses", () =>
        Effect.gen(function* () {
          const { catalog, orders: shopOrders, registry, settings: shopSettings } = yield* instance
          yield* shopSettings.update(new UpdateShopSettings({ offer: { shop: true }, referralCommissionPercent: 10 }))
          yield* catalog.create(
            new CreateProduct({ title: "Чай улун", price: Kopecks.make(15_000n), kind: "STOCKED", stock: 5 })
          )
          const owner = yield* linkedAccount("telegram", OWNER, "Ольга")
          const buyer = yield* linkedAccount("telegram", BUYER, "Пётр")
          yield* (yield* Ledger).deposit(
            new Credit({ userId: buyer.id, amount: Kopecks.make(100_000n), idempotencyKey: `e2e-${index}` })
          )

          // the owner creates the shop from the main bot
          telegram.text(MAIN, OWNER, "/myshop")
          yield* answered(MAIN, OWNER, "Свой бот-магазин")
          press(MAIN, OWNER, "Создать магазин")
          yield* answered(MAIN, OWNER, "Как назовётся ваш магазин")
          telegram.text(MAIN, OWNER, "Чайная Ольги")
          yield* answered(MAIN, OWNER, "Приветствие для покупателей")
          telegram.text(MAIN, OWNER, "Лучший чай в городе")
          yield* answered(MAIN, OWNER, "Пришлите токен бота")
          telegram.text(MAIN, OWNER, `72000000${index}9:nobody-has-this-token`)
          yield* answered(MAIN, OWNER, "Этот токен не работает")
          telegram.addBot(SHOP, { username: `olga_tea_${index}_bot` })
          telegram.text(MAIN, OWNER, SHOP)
          yield* answered(MAIN, OWNER, `ваш бот @olga_tea_${index}_bot уже отвечает`)
          const [shop] = yield* (yield* ReferralShops).mine(owner.id)
          assert.strictEqual(shop?.name, "Чайная Ольги")
          yield* registry.reconcileNow()

          // the buyer meets the shop's bot: its name and greeting, then buys
          telegram.text(SHOP, BUYER, "/start")
          yield* answered(SHOP, BUYER, "С возвращением, Пётр")
          telegram.text(SHOP, BUYER, "/catalog")
          yield* answered(SHOP, BUYER, "Каталог")
          press(SHOP, BUYER, "Прочее")
          yield* answered(SHOP, BUYER, "Чай улун — 150")
          press(SHOP, BUYER, "Чай улун")
          yield* answered(SHOP, BUYER, "Сколько штук")
          press(SHOP, BUYER, "2 шт.")
          yield* answered(SHOP, BUYER, "Подтвердите покупку")
          press(SHOP, BUYER, "Купить")
          yield* answered(SHOP, BUYER, "оплачен")
          // a second tap on the same Buy button buys nothing more
          press(SHOP, BUYER, "Купить")

          const ledger = yield* Ledger
          yield* eventually(
            Effect.flatMap(ledger.balance(owner.id), (balance) =>
              balance === 3_000n ? Effect.void : Effect.fail(`owner balance ${balance}`)
            )
          )
          const orders = yield* shopOrders.list(new OrderFilter({ shopBotId: shop!.botId }))
          assert.strictEqual(orders.items.length, 1)
          assert.strictEqual(yield* ledger.balance(buyer.id), 70_000n)

          // an administrator refunds the order: the commission goes back once
          yield* shopOrders.refund(orders.items[0]!.id, null, "e2e")
          yield* shopOrders.refund(orders.items[0]!.id, null, "e2e")
          assert.strictEqual(yield* ledger.balance(owner.id), 0n)
          assert.strictEqual(yield* ledger.balance(buyer.id), 100_000n)

          // the owner pauses the shop: its bot stops answering
          telegram.text(MAIN, OWNER, "/myshop")
          yield* answered(MAIN, OWNER, "Мои магазины")
          press(MAIN, OWNER, "Приостановить")
          yield* answered(MAIN, OWNER, "приостановлен")
          yield* registry.reconcileNow()
          yield* eventually(
            Effect.flatMap(registry.running(), (running) =>
              running.includes(shop!.botId) ? Effect.fail("still running") : Effect.void
            )
          )
          const before = textsOf(SHOP, BUYER).length
          telegram.text(SHOP, BUYER, "/catalog")
          yield* Effect.sleep("1500 millis")
          assert.strictEqual(textsOf(SHOP, BUYER).length, before, "a paused shop's bot does not answer")
        })
      )
    })
  })
}
