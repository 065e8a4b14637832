import { assert, it } from "@effect/vitest"
import { IdentityRef, PaymentFilter, Payments, Procurements, UpdateProfile, type UserId, Users } from "@groupbuy/core"
import { coreProfiles, insertProcurement, insertUser } from "@groupbuy/core/testing"
import { SqlClient } from "@effect/sql"
import { Effect, Layer, Option, TestClock } from "effect"
import {
  type Conversation,
  makeConversation,
  olgaSellsToIvan,
  plainOf,
  registerSteps,
  renderReply,
  RouterTest,
  runScenario,
  telegramLike,
  user,
  whatsappLike
} from "../src/testing/index.js"

const userIdOf = (chat: Conversation, name: string) =>
  Effect.gen(function* () {
    const ref = chat.refOf(name)
    const resolved = yield* (yield* Users).resolve(new IdentityRef({ platform: ref.platform, externalId: ref.userId }))
    return Option.getOrThrow(resolved).user.id as UserId
  })

const register = (chat: Conversation, name: string, fullName: string, phone: string) =>
  runScenario(
    {
      name: `register ${name}`,
      startAt: new Date().toISOString(),
      steps: registerSteps(name, { name: fullName, phone, role: "Покупатель" })
    },
    chat
  )

for (const profile of coreProfiles()) {
  it.layer(RouterTest().pipe(Layer.provideMerge(profile.layer)), { timeout: 120_000 })(
    `defects found in use (${profile.name})`,
    (it) => {
      it.scoped("/procurements starts from its own defaults: the filter of the last /search does not stick", () =>
        Effect.gen(function* () {
          yield* TestClock.setTime(Date.now())
          const organizer = yield* insertUser({ role: "organizer" })
          yield* insertProcurement(organizer, { title: "Мёд алтайский" })
          const chat = yield* makeConversation({ capabilities: telegramLike, namespace: "filter-" })
          yield* chat.user("fay", "/search ананас").expect("поиск «ананас»", "Подходящих закупок нет")
          const listed = yield* chat.user("fay", "/procurements").expect("Активные закупки", "Мёд алтайский")
          const shown = listed.map(plainOf).join("\n")
          assert.notInclude(shown, "Фильтр")
          assert.notInclude(shown, "Подходящих закупок нет")
          // paging and the filter buttons of the list itself still keep the filter they were given
          yield* chat.user("fay", "/search ананас").expect("поиск «ананас»")
          yield* chat.press("fay", "Сбросить")
          yield* chat.expect("fay", "Мёд алтайский")
        })
      )

      it.scoped("a disabled account is refused by every command, button, flow step and text; nothing is written", () =>
        Effect.gen(function* () {
          yield* TestClock.setTime(Date.now())
          const organizer = yield* insertUser({ role: "organizer" })
          yield* insertProcurement(organizer, { title: "Сыр пармезан" })
          const chat = yield* makeConversation({ capabilities: telegramLike, namespace: "disabled-" })
          yield* register(chat, "dina", "Дина Отключённая", "+7 900 555-10-01")
          const id = yield* userIdOf(chat, "dina")
          yield* chat.user("dina", "/procurements").expect("Сыр пармезан")
          // a flow is under way (the deposit asks for an amount) when the administrator disables the account
          yield* chat.user("dina", "/deposit").expect("На какую сумму пополнить баланс")
          const users = yield* Users
          yield* users.setActive(id, false)

          const refused = "аккаунт отключён администратором"
          for (const text of ["/balance", "/deposit 1000", "/start", "1500", "привет", "/procurements", "/chat"]) {
            const replies = yield* chat.user("dina", text).expect(refused)
            const shown = replies.map(plainOf).join("\n")
            for (const leak of ["Баланс", "Оплатите", "Перейти к оплате", "Активные закупки", "Главное меню"])
              assert.notInclude(shown, leak, `${text} leaked ${leak}`)
          }
          // a button of a menu shown before the account was disabled
          yield* chat.pressStale("dina", "Сыр пармезан")
          yield* chat.expect("dina", refused)
          yield* chat.contact("dina", "+7 900 555-10-01")
          yield* chat.expect("dina", refused)

          // in the user's language
          yield* users.update(id, new UpdateProfile({ language: "en" }))
          yield* chat.user("dina", "/balance").expect("Your account has been disabled by an administrator")

          // nothing was written: no payment, and the session is as it was (the deposit flow still asks its amount)
          const payments = yield* (yield* Payments).list(new PaymentFilter({ userId: id, offset: 0, limit: 10 }))
          assert.strictEqual(payments.total, 0)
          yield* users.update(id, new UpdateProfile({ language: "ru" }))
          yield* users.setActive(id, true)
          yield* chat.user("dina", "1500").expect("Пополнить баланс на")
        })
      )

      it.scoped("the card of a procurement the user left says so, not “You are in … (cancelled)”", () =>
        Effect.gen(function* () {
          yield* TestClock.setTime(Date.now())
          const organizer = yield* insertUser({ role: "organizer" })
          const procurement = yield* insertProcurement(organizer, { title: "Кофе в зёрнах" })
          const chat = yield* makeConversation({ capabilities: telegramLike, namespace: "left-" })
          yield* register(chat, "lev", "Лев Ушедший", "+7 900 555-10-02")
          const id = yield* userIdOf(chat, "lev")
          const procurements = yield* Procurements
          yield* procurements.join(id, procurement, 1)
          yield* chat.user("lev", `/start proc_${procurement}`).expect("Вы участвуете")
          yield* procurements.leave(id, procurement)
          const card = yield* chat.user("lev", `/start proc_${procurement}`).expect("Вы вышли из этой закупки")
          assert.notInclude(card.map(plainOf).join("\n"), "Вы участвуете")
        })
      )

      it.scoped("a buyer asking to create a procurement is told how to ask for the organizer role", () =>
        Effect.gen(function* () {
          const chat = yield* makeConversation({ capabilities: whatsappLike, namespace: "role-" })
          yield* register(chat, "bea", "Беа Покупатель", "+7 900 555-10-03")
          const replies = yield* chat
            .user("bea", "/create_procurement")
            .expect("Запросите роль организатора в /profile")
          assert.notInclude(replies.map(plainOf).join("\n"), "смените роль")
        })
      )

      it.scoped("a featured procurement is marked and listed first; the card shows the delivery address and time", () =>
        Effect.gen(function* () {
          yield* TestClock.setTime(Date.now())
          const sql = yield* SqlClient.SqlClient
          const organizer = yield* insertUser({ role: "organizer" })
          const featured = yield* insertProcurement(organizer, { title: "Чай пуэр" })
          yield* insertProcurement(organizer, { title: "Кофе арабика" })
          yield* (yield* Procurements).setFeatured(featured, true)
          yield* sql`UPDATE procurements SET delivery_address = 'Москва, ул. Тверская, 1',
            deadline = '2030-01-25T20:59:00Z' WHERE id = ${featured}`
          const chat = yield* makeConversation({ capabilities: telegramLike, namespace: "featured-" })
          const listed = (yield* chat.user("fey", "/procurements").expect("Активные закупки")).map(plainOf).join("\n")
          const tea = listed.indexOf("⭐ Чай пуэр")
          assert.isAtLeast(tea, 0, listed)
          assert.isBelow(tea, listed.indexOf("Кофе арабика"), listed)
          assert.notInclude(listed, "⭐ Кофе")
          const card = (yield* chat.press("fey", "⭐ Чай пуэр")).map(plainOf).join("\n")
          assert.include(card, "Рекомендуемая закупка")
          assert.include(card, "Адрес доставки: Москва, ул. Тверская, 1")
          assert.include(card, "Сбор до: 25.01.2030, 23:59 (МСК)")
        })
      )

      it.scoped("a chat notice arriving while a card is open leaves the card's buttons working", () =>
        Effect.gen(function* () {
          const chat = yield* makeConversation({ capabilities: telegramLike, namespace: "notice-card-" })
          const olga = user("olga")
          const ivan = user("ivan")
          yield* runScenario(
            {
              name: "a notice over an open card",
              startAt: new Date().toISOString(),
              steps: [
                ...olgaSellsToIvan("Чай", ["+7 900 555-20-01", "+7 900 555-20-02"]),
                ivan.send("/procurements"),
                ...ivan.join("Чай 1", 1),
                // the organizer opens the card of her procurement
                olga.send("/my_procurements"),
                olga.press("Чай 1"),
                olga.expect("Участники"),
                // meanwhile a buyer writes in the chat: the organizer gets a notice with buttons of its own
                ...ivan.openChat("Чай 1"),
                ivan.send("Когда доставка?"),
                { system: "later", seconds: 5 },
                olga.expect("Новое сообщение в чате «Чай 1»", "Иван: Когда доставка?"),
                // the card's button still does what it says (a button the user presses starts a new menu as ever)
                olga.press("Участники"),
                olga.expect("Иван"),
                olga.expectNot("устарело")
              ]
            },
            chat
          )
        })
      )
    }
  )
}

it("a contact button shows its label once in transcripts (the label has its own phone emoji)", () => {
  const lines = renderReply({
    _tag: "Text",
    text: [{ text: "Телефон?" }],
    keyboard: { rows: [[{ _tag: "RequestContact", label: "📱 Отправить мой номер" }]] }
  })
  assert.strictEqual(lines[1], "    [📱 Отправить мой номер (contact)]")
})
