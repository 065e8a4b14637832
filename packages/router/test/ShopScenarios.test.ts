/**
 * The shop in the bots, scripted on every capability profile against the real core (PGlite): browse → buy →
 * delivered, quantity errors, sold out and deactivated meanwhile, too little balance → a deposit of exactly the
 * missing amount → back to the confirm step → bought, a double tap, the orders list; `/myshop`: a referral shop created
 * from a bot token (a wrong one refused and asked again), paused, resumed, deleted after a confirmation (a double tap
 * deletes nothing more), its token free again. Each profile's transcript is a committed snapshot
 * (`__transcripts__/shop-<profile>.txt`).
 */
import { it } from "@effect/vitest"
import {
  Catalog,
  Categories,
  CoreServicesLive,
  CreateCategory,
  CreateProduct,
  Kopecks,
  Ledger,
  PageRequest,
  ShopLive,
  ShopSettings,
  UpdateProduct,
  UpdateShopSettings,
  CreateReferralShop,
  IdentityRef,
  Orders,
  ReferralShops,
  RuleViolation,
  Users
} from "@groupbuy/core"
import { PgliteTest, ScriptedProviders, scriptedOffer } from "@groupbuy/core/testing"
import { DateTime, Effect, Layer, Option, TestClock } from "effect"
import { assert, expect } from "vitest"
import type { Platform } from "../src/Model.js"
import { ShopOpener } from "../src/ShopOpener.js"
import {
  type Conversation,
  makeConversation,
  only,
  profiles,
  RouterTest,
  runScenario,
  type ScenarioStep,
  user
} from "../src/testing/index.js"

const START = "2030-01-15T09:00:00Z"
const slug = (name: string) => name.replace(/\s+/g, "-")
/** Orders are dated by the database's clock, not the test clock: the transcript shows <date> instead. */
const withoutDates = (transcript: string) => transcript.replace(/\b\d{2}\.\d{2}\.\d{4}\b/g, "<date>")
const ivan = user("ivan")

/** The steps, replayed in the conversation (a scenario of one part). */
const play = (conversation: Conversation, ...steps: ReadonlyArray<ScenarioStep | ReadonlyArray<ScenarioStep>>) =>
  runScenario({ name: "part", startAt: START, steps: steps.flat() }, conversation)

/** Ivan registers as a buyer (a phone of his own in each scenario: they share one database). */
const registerIvan = (tag: string) =>
  ivan.register({ name: "Иван Покупатель", phone: `+7 900 200-00-0${tag}`, role: "Покупатель" })

/** Ivan tops up `rubles` through /deposit and the payment is settled. */
const depositSteps = (rubles: number): ReadonlyArray<ScenarioStep> => [
  ivan.send("/deposit"),
  ivan.send(String(rubles)),
  ivan.press("Перейти к оплате"),
  { system: "settleDeposit", user: "ivan" },
  ivan.expect("Оплата получена")
]

/** A category of its own for a scenario, with one product in it. */
const seed = (category: string, product: Omit<ConstructorParameters<typeof CreateProduct>[0], "categoryId">) =>
  Effect.gen(function* () {
    const created = yield* (yield* Categories).create(new CreateCategory({ name: category }))
    return yield* (yield* Catalog).create(new CreateProduct({ ...product, categoryId: created.id }))
  }).pipe(Effect.orDie)

const accountOf = (conversation: Conversation, name: string) =>
  Effect.gen(function* () {
    const ref = conversation.refOf(name)
    const resolved = yield* (yield* Users).resolve(new IdentityRef({ platform: ref.platform, externalId: ref.userId }))
    return Option.getOrThrow(resolved).user
  })

const price = (rubles: number) => Kopecks.make(BigInt(rubles * 100))

/**
 * The host's side of `/myshop` as the server does it, with a pretend platform (every conversation here is on
 * "telegram"): a token `<digits>:good-<name>` is the bot `@<name>_bot` (its platform id the digits), anything else is
 * refused with the server's own sentence. The shop is
 * written by the real `ReferralShops`, so "already in use", the figures and pause / delete are core's.
 */
const FakeShopOpener = Layer.effect(
  ShopOpener,
  Effect.map(ReferralShops, (shops) =>
    ShopOpener.of({
      platforms: ["telegram", "vk"],
      open: (request) => {
        const known = /^(\d+):good-([a-z0-9_]+)$/u.exec(request.token)
        if (known === null)
          return Effect.fail(
            new RuleViolation({
              code: "bot.token-invalid",
              en: "This token does not work: copy the bot's token from @BotFather (or the community's access key) and send it again.",
              ru: "Этот токен не работает: скопируйте токен бота из @BotFather (или ключ доступа сообщества) и пришлите ещё раз."
            })
          )
        return shops.create(
          new CreateReferralShop({
            ownerId: request.ownerId,
            platform: request.platform,
            platformBotId: known[1]!,
            username: `${known[2]}_bot`,
            name: request.name,
            greeting: request.greeting
          }),
          { ciphertext: `sealed:${request.token}`, fingerprint: `fingerprint:${request.token}` }
        )
      }
    })
  )
)

/** Core with the shop (a scripted provider) on PGlite, the router over it, shops opened by `FakeShopOpener`. */
const shopRouter = RouterTest().pipe(
  Layer.provideMerge(
    Layer.fresh(
      FakeShopOpener.pipe(
        Layer.provideMerge(ShopLive),
        Layer.provideMerge(ScriptedProviders.layer("proxy6")),
        Layer.provideMerge(CoreServicesLive)
      )
    ).pipe(Layer.provideMerge(PgliteTest))
  )
)

interface ShopScenario {
  readonly name: string
  /** the platform the adapter names (default "telegram"), whatever buttons the profile has */
  readonly platform?: Platform
  readonly run: (
    conversation: Conversation,
    tag: string
  ) => Effect.Effect<void, unknown, Layer.Layer.Success<typeof shopRouter>>
}

const scenarios: ReadonlyArray<ShopScenario> = [
  {
    name: "browse, buy, delivered, double tap, orders",
    run: (c, tag) =>
      Effect.gen(function* () {
        const product = yield* seed(`Ключи ${tag}`, {
          title: "Ключ Steam",
          description: "Ключ активации игры.",
          price: price(150),
          images: ["https://cdn.example.com/steam-key.png"],
          kind: "DIGITAL"
        })
        // one upload each, so the items are sold (and listed) in a fixed order
        for (const item of ["KEY-AAA-111", "KEY-BBB-222", "KEY-CCC-333"])
          yield* Effect.orDie((yield* Catalog).uploadItems(product.id, item))
        yield* play(
          c,
          registerIvan(tag),
          ivan.expect("Каталог", "Мои заказы"),
          depositSteps(1000),
          ivan.send("/help"),
          ivan.expect("/catalog", "/orders"),
          // a message the bot does not understand lists what it offers, the shop's commands too
          ivan.send("хочу чай"),
          ivan.expect("не понял", "/catalog"),
          ivan.send("/catalog"),
          ivan.expect("Каталог", `Ключи ${tag}`),
          ivan.press(`Ключи ${tag}`),
          ivan.expect("Ключ Steam — 150", "в наличии: 3"),
          ivan.press("Ключ Steam"),
          ivan.expect("Ключ активации игры.", "Цена: 150", "Сколько штук"),
          ivan.press("2 шт."),
          ivan.expect(
            "Подтвердите покупку",
            "Ключ Steam × 2",
            "Итого: 300",
            "Ваш баланс: 1\u202f000",
            "После покупки: 700"
          ),
          ivan.press("Купить за 300"),
          ivan.expect("Заказ №", "оплачен", "Ваш товар", "KEY-")
        )
        // a second tap on the same "Buy" (the menu it was on is old by now) buys nothing more
        yield* play(c, ivan.pressStale("Купить за 300"), { as: "ivan", expect: ["устарело"], when: "buttons" })
        const account = yield* accountOf(c, "ivan")
        const orders = yield* (yield* Orders).mine(account.id, new PageRequest({ offset: 0, limit: 10 }))
        assert.strictEqual(orders.total, 1, "one order")
        assert.strictEqual(yield* (yield* Ledger).balance(account.id), 70_000n, "charged once")
        assert.strictEqual((yield* Effect.orDie((yield* Catalog).product(product.id))).available, 1, "two items sold")
        yield* play(
          c,
          ivan.send("/orders"),
          ivan.expect("Мои заказы", "300", "доставлен"),
          ivan.press("Ключ Steam"),
          ivan.expect("Заказ №", "Ключ Steam × 2 — 300", "Статус: доставлен", "Ваш товар", "KEY-"),
          ivan.press("К заказам"),
          ivan.expect("Мои заказы")
        )
      })
  },
  {
    name: "quantity errors",
    run: (c, tag) =>
      Effect.gen(function* () {
        yield* seed(`Посуда ${tag}`, {
          title: "Кружка",
          description: "Белая.",
          price: price(300),
          kind: "STOCKED",
          stock: 2
        })
        yield* play(
          c,
          registerIvan(tag),
          ivan.send("/catalog"),
          ivan.press(`Посуда ${tag}`),
          ivan.press("Кружка"),
          ivan.expect("в наличии: 2", "от 1 до 2"),
          ivan.send("0"),
          ivan.expect("больше нуля"),
          ivan.send("-3"),
          ivan.expect("больше нуля"),
          ivan.send("много"),
          ivan.expect("целым числом"),
          ivan.send("1,5"),
          ivan.expect("целым числом"),
          ivan.send("5"),
          ivan.expect("В наличии только 2"),
          ivan.send("2"),
          ivan.expect("Не хватает денег", "Итого: 600", "Не хватает: 600")
        )
      })
  },
  {
    name: "sold out and taken off sale meanwhile",
    run: (c, tag) =>
      Effect.gen(function* () {
        const catalog = yield* Catalog
        const lamp = yield* seed(`Свет ${tag}`, {
          title: "Лампа",
          description: "",
          price: price(100),
          kind: "STOCKED",
          stock: 1
        })
        const vase = yield* Effect.orDie(
          catalog.create(
            new CreateProduct({
              title: "Ваза",
              description: "",
              price: price(100),
              kind: "STOCKED",
              stock: 4,
              categoryId: lamp.categoryId
            })
          )
        )
        yield* play(c, registerIvan(tag), depositSteps(500), ivan.send("/catalog"), ivan.press(`Свет ${tag}`))
        yield* play(c, ivan.press("Лампа"), ivan.press("1 шт."), ivan.expect("Подтвердите покупку"))
        // the last lamp goes to somebody else before Ivan presses Buy
        yield* Effect.orDie(catalog.update(lamp.id, new UpdateProduct({ stock: 0 })))
        c.note("system: the last “Лампа” is sold elsewhere")
        yield* play(c, ivan.press("Купить"), ivan.expect("товар «Лампа» только что закончился", "Каталог"))
        yield* play(c, ivan.press(`Свет ${tag}`), ivan.expect("Лампа — 100", "нет в наличии"), ivan.press("Ваза"))
        yield* Effect.orDie(catalog.deactivate(vase.id))
        c.note("system: “Ваза” is taken off sale")
        yield* play(c, ivan.press("2 шт."), ivan.expect("больше не продаётся", "Каталог"))
        const account = yield* accountOf(c, "ivan")
        assert.strictEqual(yield* (yield* Ledger).balance(account.id), 50_000n, "nothing charged")
      })
  },
  {
    name: "too little balance: a deposit of the missing amount, then back to the purchase",
    run: (c, tag) =>
      Effect.gen(function* () {
        const puer = yield* seed(`Чай ${tag}`, {
          title: "Пуэр",
          description: "Прессованный.",
          price: price(450),
          kind: "STOCKED",
          stock: 5
        })
        yield* Effect.orDie(
          (yield* Catalog).create(
            new CreateProduct({
              title: "Чайник",
              price: price(105),
              kind: "STOCKED",
              stock: 1,
              categoryId: puer.categoryId
            })
          )
        )
        yield* play(
          c,
          registerIvan(tag),
          depositSteps(100),
          ivan.send("/catalog"),
          ivan.press(`Чай ${tag}`),
          // 5 ₽ short: the smallest top-up there is (10 ₽) is offered, and said so
          ivan.press("Чайник"),
          ivan.press("1 шт."),
          ivan.expect("Не хватает: 5", "Пополнить меньше чем на 10", "Пополнить на 10"),
          ivan.press("К товару"),
          // under a card, a typed number is a quantity (its menu is one of values): a person types the label instead
          only("buttons", ivan.press("К товарам")),
          only("text", ivan.send("к товарам")),
          ivan.press("Пуэр"),
          ivan.press("2 шт."),
          ivan.expect("Не хватает денег", "Итого: 900", "Ваш баланс: 100", "Не хватает: 800"),
          ivan.press("Пополнить на 800"),
          ivan.expect("Пополните баланс на 800"),
          { system: "settleDeposit", user: "ivan" },
          ivan.expect("Оплата получена", "вернёмся к покупке", "Подтвердите покупку", "Пуэр × 2", "После покупки: 0"),
          ivan.press("Купить за 900"),
          ivan.expect("Заказ №", "Пуэр × 2 — 900")
        )
        const account = yield* accountOf(c, "ivan")
        assert.strictEqual(yield* (yield* Ledger).balance(account.id), 0n)
      })
  },
  {
    name: "subscriptions: the list, the card, auto-renewal, renew once, a short balance",
    run: (c, tag) =>
      Effect.gen(function* () {
        // a provider's offer becomes a PROVIDER product (30 days); buying it creates the subscription
        const offerKey = `v4:s${tag}:30`
        const offers = [scriptedOffer(offerKey, price(300), { title: "Прокси IPv4", periodDays: 30 })]
        yield* (yield* ScriptedProviders).get("proxy6")!.setOffers(offers)
        const synced = yield* Effect.orDie((yield* Catalog).syncProviderOffers("proxy6", offers, 0))
        const category = yield* (yield* Categories).create(new CreateCategory({ name: `Прокси ${tag}` }))
        yield* Effect.orDie(
          (yield* Catalog).update(synced.created[0]!.id, new UpdateProduct({ categoryId: category.id }))
        )
        yield* play(
          c,
          registerIvan(tag),
          ivan.expect("Подписки"),
          ivan.send("/subscriptions"),
          ivan.expect("нет подписок"),
          depositSteps(600),
          ivan.send("/catalog"),
          ivan.press(`Прокси ${tag}`),
          ivan.press("Прокси IPv4"),
          ivan.press("1 шт."),
          ivan.press("Купить за 300"),
          ivan.expect("Заказ №", "оплачен"),
          ivan.send("/subscriptions"),
          ivan.expect("Мои подписки", "Прокси IPv4", "осталось 30 дн."),
          ivan.press("Прокси IPv4"),
          ivan.expect("Действует до", "Автопродление: включено", "Доступ:", "Продлить за 300"),
          ivan.press("Выключить автопродление"),
          ivan.expect("Автопродление: выключено"),
          ivan.press("Включить автопродление"),
          ivan.expect("Автопродление: включено"),
          ivan.press("Продлить за 300"),
          ivan.expect("Подписка продлена", "осталось 60 дн.")
        )
        // the same "Renew" again (shown for the old expiry): nothing more is charged
        yield* play(c, ivan.pressStale("Продлить за 300"), { as: "ivan", expect: ["устарело"], when: "buttons" })
        const account = yield* accountOf(c, "ivan")
        assert.strictEqual(yield* (yield* Ledger).balance(account.id), 0n, "bought once, renewed once")
        // with the balance spent, a renewal offers a deposit of exactly what is missing
        yield* play(c, ivan.press("Продлить за 300"), ivan.expect("не хватает 300"))
      })
  },
  {
    name: "the shop switched off",
    run: (c, tag) =>
      Effect.gen(function* () {
        const settings = yield* ShopSettings
        yield* Effect.orDie(settings.update(new UpdateShopSettings({ offer: { groupBuys: true, shop: false } })))
        c.note("system: the shop is switched off")
        yield* play(
          c,
          registerIvan(tag),
          ivan.expectNot("Каталог"),
          ivan.send("/catalog"),
          ivan.expect("Магазин сейчас закрыт"),
          ivan.send("/help"),
          ivan.expectNot("/catalog")
        )
        yield* Effect.orDie(settings.update(new UpdateShopSettings({ offer: { groupBuys: false, shop: true } })))
        c.note("system: the shop only, group purchases switched off")
        yield* play(
          c,
          ivan.send("/start"),
          ivan.expect("Каталог"),
          ivan.expectNot("Закупки"),
          // the help names the shop and lists its commands and the account's, not the group purchases'
          ivan.send("/help"),
          ivan.expect("/catalog"),
          ivan.expect("/withdraw"),
          ivan.expectNot("/create_procurement")
        )
        // a newcomer of a shop-only bot is greeted by the shop and registered as a buyer, never asked for a role
        const olga = user("olga")
        yield* play(
          c,
          olga.send("/start"),
          olga.expect("Добро пожаловать в"),
          olga.expect("Как вас зовут"),
          olga.expectNot("Кем вы хотите быть"),
          olga.press("Назад"),
          olga.expect("Как вас зовут"),
          olga.expectNot("Кем вы хотите быть"),
          olga.send("Ольга"),
          olga.send(`+7 900 300-00-0${tag}`),
          olga.press("Пропустить"),
          olga.expect("Покупатель"),
          olga.press("Всё верно"),
          olga.expect("Каталог")
        )
        yield* Effect.orDie(settings.update(new UpdateShopSettings({ offer: { groupBuys: true, shop: true } })))
      })
  },
  {
    name: "my own shop: created from a token, a wrong token asked again, paused, deleted",
    run: (c, tag) =>
      Effect.gen(function* () {
        // a platform bot id of this profile's own, should the profiles share a database
        const digits = `7${tag}${[...c.refOf("ivan").bot].reduce((n, ch) => n + ch.charCodeAt(0), 0)}`
        const good = `${digits}:good-ivan_tea_${tag}`
        yield* play(
          c,
          registerIvan(tag),
          ivan.send("/myshop"),
          ivan.expect("Создать магазин"),
          ivan.press("Создать магазин"),
          ivan.expect("Как назовётся ваш магазин"),
          ivan.send("Чайная Ивана"),
          ivan.expect("Приветствие для покупателей", "Пропустить"),
          ivan.press("Пропустить"),
          ivan.expect("токен"),
          ivan.send("это не токен"),
          ivan.expect("Этот токен не работает", "токен"),
          ivan.send(good),
          ivan.expect("Чайная Ивана", `@ivan_tea_${tag}_bot`),
          ivan.send("/myshop"),
          ivan.expect("Мои магазины", "Чайная Ивана", "работает"),
          ivan.press("Приостановить"),
          ivan.expect("на паузе", "Возобновить"),
          ivan.press("Возобновить"),
          ivan.expect("работает", "Приостановить"),
          ivan.press("Удалить"),
          ivan.expect("Чайная Ивана"),
          ivan.press("Нет"),
          ivan.expect("Мои магазины", "Чайная Ивана"),
          ivan.press("Удалить"),
          ivan.press("Да, удалить"),
          ivan.expect("удалён", "Создать магазин")
        )
        // a second tap on "Yes, delete" finds nothing more to delete
        yield* play(c, ivan.pressStale("Да, удалить"), { as: "ivan", expect: ["Создать магазин"], when: "buttons" })
        const account = yield* accountOf(c, "ivan")
        assert.deepStrictEqual(yield* (yield* ReferralShops).mine(account.id), [], "deleted once")
        // its token is free again: the same bot opens a new shop
        yield* play(
          c,
          ivan.send("/myshop"),
          ivan.press("Создать магазин"),
          ivan.send("Чайная 2"),
          ivan.send("Заходите!"),
          ivan.send(good),
          ivan.expect("Чайная 2")
        )
      })
  },
  {
    name: "my own shop asked for where bots have no tokens: said before any question",
    platform: "whatsapp",
    run: (c, tag) =>
      play(
        c,
        registerIvan(tag),
        ivan.send("/myshop"),
        ivan.press("Создать магазин"),
        ivan.expect("Telegram или ВКонтакте", "/web"),
        // nothing is awaited: the next message is not taken for a shop's name
        ivan.send("Чайная"),
        ivan.expect("не понял")
      )
  }
]

for (const profile of profiles) {
  it.layer(shopRouter, { timeout: 300_000 })(`the shop on a ${profile.name}-like platform`, (it) => {
    const transcript: Array<string> = []
    it.effect("the shop is offered", () =>
      Effect.orDie(
        Effect.flatMap(ShopSettings, (s) =>
          s.update(new UpdateShopSettings({ offer: { groupBuys: true, shop: true } }))
        )
      )
    )
    scenarios.forEach((scenario, i) =>
      it.scoped(scenario.name, () =>
        Effect.gen(function* () {
          yield* TestClock.setTime(DateTime.toEpochMillis(DateTime.unsafeMake(START)))
          const conversation = yield* makeConversation({
            capabilities: profile.capabilities,
            bot: `${profile.name}-bot`,
            ...(scenario.platform === undefined ? {} : { platform: scenario.platform }),
            namespace: `${slug(scenario.name)}-`,
            seed: scenario.name
          })
          yield* scenario
            .run(conversation, String(i + 1))
            .pipe(
              Effect.ensuring(
                Effect.sync(() => transcript.push(`### ${scenario.name}\n${withoutDates(conversation.transcript())}`))
              )
            )
        })
      )
    )
    it.effect("transcript", () =>
      Effect.promise(() =>
        expect(transcript.join("\n")).toMatchFileSnapshot(`./__transcripts__/shop-${profile.name}.txt`)
      )
    )
  })
}
