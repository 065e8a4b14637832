/**
 * Scripted scenarios as data, so any driver can replay them: this package's in-memory adapter, a fake Telegram or
 * VK server, a WebSocket client. A driver needs four things per user — send text (`/command args` is a command),
 * press a button by (part of) its label (on platforms without buttons: answer the numbered menu), share a contact,
 * and read what the user received — plus the `system` steps, which `runScenario` performs over core services.
 *
 * Expectations are substrings of the user's inbox since their last action (replies and proactive deliveries), in
 * Russian, chosen to hold on every capability profile.
 */
import {
  CreateProcurement,
  IdentityRef,
  kopecks,
  PaymentFilter,
  Payments,
  Procurements,
  UpdateProfile,
  type UserId,
  Users
} from "@groupbuy/core"
import { Clock, DateTime, Effect, Option } from "effect"
import { type Conversation, ConversationError, plainOf } from "./Conversation.js"

export type ScenarioStep =
  | { readonly as: string; readonly send: string; readonly when?: "buttons" | "text" }
  | { readonly as: string; readonly press: string; readonly when?: "buttons" | "text" }
  /** presses the button on the OLDEST message still showing it (a stale menu); button profiles only */
  | { readonly as: string; readonly pressStale: string; readonly when: "buttons" }
  | { readonly as: string; readonly contact: string; readonly when?: "buttons" | "text" }
  | { readonly as: string; readonly expect: ReadonlyArray<string>; readonly when?: "buttons" | "text" }
  | { readonly as: string; readonly expectNot: ReadonlyArray<string>; readonly when?: "buttons" | "text" }
  /** settles the user's latest pending deposit, as a payment provider's webhook would */
  | { readonly system: "settleDeposit"; readonly user: string }
  /** changes the user's account language in core, as the web cabinet or another platform would */
  | { readonly system: "setLanguage"; readonly user: string; readonly language: "ru" | "en" }
  /** creates `count` active procurements of an already registered organizer directly in core */
  | {
      readonly system: "seedProcurements"
      readonly organizer: string
      readonly count: number
      readonly title: string
      readonly stopAt?: number
    }

export interface Scenario {
  readonly name: string
  /** the fixed clock the scenario runs at (ISO 8601) */
  readonly startAt: string
  readonly steps: ReadonlyArray<ScenarioStep>
}

/** The registration of a user, by the flow, as a person would do it. */
export const registerSteps = (
  as: string,
  options: { readonly name: string; readonly phone: string; readonly role: "Покупатель" | "Организатор" }
): ReadonlyArray<ScenarioStep> => [
  { as, send: "/start" },
  { as, expect: ["Добро пожаловать"] },
  { as, press: options.role },
  { as, send: options.name },
  { as, contact: options.phone },
  { as, press: "Пропустить" },
  { as, press: "Всё верно" },
  { as, expect: ["Вы зарегистрированы", "Главное меню"] }
]

const START = "2030-01-15T09:00:00Z"

export const scenarios: ReadonlyArray<Scenario> = [
  {
    name: "registration",
    startAt: START,
    steps: [
      ...registerSteps("alice", { name: "Алиса Смирнова", phone: "+7 900 100-00-01", role: "Покупатель" }),
      { as: "alice", send: "/profile" },
      { as: "alice", expect: ["Профиль", "Алиса Смирнова", "+79001000001", "покупатель"] },
      { as: "alice", send: "/start" },
      { as: "alice", expect: ["С возвращением, Алиса"] }
    ]
  },
  {
    name: "procurement creation",
    startAt: START,
    steps: [
      ...registerSteps("bob", { name: "Борис", phone: "+7 900 100-00-02", role: "Покупатель" }),
      { as: "bob", send: "/create_procurement" },
      { as: "bob", expect: ["Создавать закупки могут только организаторы"] },
      ...registerSteps("olga", { name: "Ольга Орг", phone: "+7 900 100-00-03", role: "Организатор" }),
      { as: "olga", send: "/create_procurement" },
      { as: "olga", expect: ["Как она называется"] },
      { as: "olga", send: "Мёд алтайский" },
      { as: "olga", send: "Гречишный мёд с пасеки в Алтае, выдача в центре города." },
      { as: "olga", press: "Без категории" },
      { as: "olga", press: "кг" },
      { as: "olga", send: "350" },
      { as: "olga", press: "Пропустить" },
      { as: "olga", send: "10000" },
      { as: "olga", press: "Пропустить" },
      { as: "olga", send: "через 2 недели" },
      { as: "olga", send: "Казань" },
      { as: "olga", press: "Пропустить" },
      { as: "olga", press: "Пропустить" },
      { as: "olga", expect: ["Проверьте закупку", "Мёд алтайский"] },
      { as: "olga", press: "Опубликовать" },
      { as: "olga", expect: ["опубликована"] },
      { as: "olga", send: "/my_procurements" },
      { as: "olga", expect: ["Мёд алтайский", "идёт сбор"] }
    ]
  },
  {
    name: "deposit",
    startAt: START,
    steps: [
      ...registerSteps("dan", { name: "Даниил", phone: "+7 900 100-00-04", role: "Покупатель" }),
      { as: "dan", send: "/deposit" },
      { as: "dan", expect: ["На какую сумму пополнить баланс"] },
      { as: "dan", send: "1500" },
      { as: "dan", press: "Перейти к оплате" },
      { as: "dan", expect: ["Оплатите"] },
      { system: "settleDeposit", user: "dan" },
      { as: "dan", expect: ["Оплата получена", "1\u202f500\u00a0₽"] },
      { as: "dan", send: "/balance" },
      { as: "dan", expect: ["Баланс: 1\u202f500\u00a0₽", "пополнение"] }
    ]
  },
  {
    name: "join",
    startAt: START,
    steps: [
      ...registerSteps("olga", { name: "Ольга Орг", phone: "+7 900 100-00-05", role: "Организатор" }),
      { system: "seedProcurements", organizer: "olga", count: 1, title: "Сыр", stopAt: 500_000 },
      ...registerSteps("ivan", { name: "Иван", phone: "+7 900 100-00-06", role: "Покупатель" }),
      { as: "ivan", send: "/procurements" },
      { as: "ivan", expect: ["Активные закупки", "Сыр 1"] },
      { as: "ivan", press: "Сыр 1" },
      { as: "ivan", expect: ["Сыр 1", "░░░░░░░░░░ 0%", "Осталось дней: 10"] },
      { as: "ivan", press: "Участвовать" },
      { as: "ivan", expect: ["Сколько"] },
      { as: "ivan", send: "60" },
      { as: "ivan", expect: ["не больше 50"] },
      { as: "ivan", send: "3" },
      { as: "ivan", expect: ["Подтверждаете участие"] },
      { as: "ivan", press: "Участвую" },
      { as: "ivan", expect: ["Вы участвуете в закупке «Сыр 1»"] },
      { as: "ivan", send: "/my_procurements" },
      { as: "ivan", expect: ["Сыр 1", "ожидает подтверждения"] }
    ]
  },
  {
    name: "pagination",
    startAt: START,
    steps: [
      ...registerSteps("olga", { name: "Ольга Орг", phone: "+7 900 100-00-07", role: "Организатор" }),
      { system: "seedProcurements", organizer: "olga", count: 12, title: "Лот" },
      { as: "olga", send: "/procurements" },
      { as: "olga", expect: ["стр. 1 из 3"] },
      { as: "olga", press: "Дальше" },
      { as: "olga", expect: ["стр. 2 из 3"] },
      { as: "olga", press: "Дальше" },
      { as: "olga", expect: ["стр. 3 из 3"] },
      { as: "olga", expectNot: ["Дальше"] },
      { as: "olga", press: "Назад" },
      { as: "olga", expect: ["стр. 2 из 3"] },
      { as: "olga", press: "Город" },
      { as: "olga", expect: ["Введите город"] },
      { as: "olga", send: "Москва" },
      { as: "olga", expect: ["Фильтр: город «Москва»", "Лот 12"] },
      { as: "olga", press: "Сбросить фильтр" },
      { as: "olga", expect: ["стр. 1 из 3", "Лот 12"] },
      { as: "olga", expectNot: ["Фильтр:"] },
      { as: "olga", send: "/search лот" },
      { as: "olga", expect: ["поиск «лот»"] }
    ]
  },
  {
    name: "stale button",
    startAt: START,
    steps: [
      { as: "sam", send: "/help" },
      { as: "sam", send: "/lang" },
      { as: "sam", pressStale: "Закупки", when: "buttons" },
      { as: "sam", expect: ["Это меню устарело", "Выберите язык"], when: "buttons" },
      { as: "sam", expectNot: ["Активные закупки"], when: "buttons" },
      { as: "sam", send: "7", when: "text" },
      { as: "sam", expect: ["Я не понял"], when: "text" }
    ]
  },
  {
    name: "organizer tools",
    startAt: START,
    steps: [
      ...registerSteps("olga", { name: "Ольга Орг", phone: "+7 900 100-00-11", role: "Организатор" }),
      { system: "seedProcurements", organizer: "olga", count: 1, title: "Кофе" },
      ...registerSteps("ivan", { name: "Иван", phone: "+7 900 100-00-12", role: "Покупатель" }),
      { as: "ivan", send: "/search кофе" },
      { as: "ivan", expect: ["поиск «кофе»", "Кофе 1"] },
      { as: "ivan", press: "Кофе 1" },
      { as: "ivan", press: "Участвовать" },
      { as: "ivan", send: "2" },
      { as: "ivan", press: "Участвую" },
      { as: "olga", send: "/broadcast" },
      { as: "olga", press: "Кофе 1" },
      { as: "olga", expect: ["Анонс отправлен в каналы: 1"] },
      { as: "olga", send: "/my_procurements" },
      { as: "olga", expect: ["Организую", "Кофе 1"] },
      { as: "olga", press: "Кофе 1" },
      { as: "olga", press: "Участники" },
      { as: "olga", expect: ["Иван — 2 кг", "ожидает подтверждения"] },
      { as: "olga", press: "✅ Иван" },
      { as: "olga", expect: ["Участник Иван подтверждён", "подтверждён"] },
      { as: "olga", press: "К списку" },
      { as: "olga", press: "сбор остановлен" },
      { as: "olga", expect: ["«Кофе 1»: сбор остановлен"] },
      { as: "olga", press: "оплата" },
      { as: "olga", expect: ["«Кофе 1»: оплата"] },
      { as: "ivan", send: "/my_procurements" },
      { as: "ivan", expect: ["Кофе 1", "подтверждён"] },
      { as: "ivan", press: "Кофе 1" },
      { as: "ivan", press: "Оплатить" },
      { as: "ivan", expect: ["Недостаточно средств"] },
      { as: "olga", send: "/my_procurements" },
      { as: "olga", press: "Кофе 1" },
      { as: "olga", press: "отменена" },
      { as: "olga", expect: ["Отменить закупку «Кофе 1»?"] },
      { as: "olga", press: "Да, отменить" },
      { as: "olga", expect: ["«Кофе 1»: отменена"] }
    ]
  },
  {
    name: "profile and settings",
    startAt: START,
    steps: [
      ...registerSteps("pia", { name: "Пия", phone: "+7 900 100-00-13", role: "Покупатель" }),
      { as: "pia", send: "/profile" },
      { as: "pia", press: "Имя" },
      { as: "pia", expect: ["Введите новое имя"] },
      { as: "pia", send: "Пия Новая" },
      { as: "pia", expect: ["Профиль обновлён", "Имя: Пия Новая"] },
      { as: "pia", press: "Почта" },
      { as: "pia", send: "not-an-email" },
      { as: "pia", expect: ["Введите новый адрес почты"] },
      { as: "pia", send: "pia@example.com" },
      { as: "pia", expect: ["Почта: pia@example.com"] },
      { as: "pia", send: "/notifications" },
      { as: "pia", expect: ["Новых уведомлений нет"] },
      { as: "pia", send: "/lang" },
      { as: "pia", press: "English" },
      { as: "pia", expect: ["Language: English.", "Procurements"] },
      { as: "pia", send: "/balance" },
      { as: "pia", expect: ["Balance: 0", "No transactions yet"] },
      { as: "pia", send: "/create_procurement" },
      { as: "pia", expect: ["Only organizers can create procurements"] }
    ]
  },
  {
    name: "chat relay",
    startAt: START,
    steps: [
      ...registerSteps("olga", { name: "Ольга Орг", phone: "+7 900 100-00-08", role: "Организатор" }),
      { system: "seedProcurements", organizer: "olga", count: 1, title: "Чай" },
      ...registerSteps("ivan", { name: "Иван", phone: "+7 900 100-00-09", role: "Покупатель" }),
      { as: "ivan", send: "/procurements" },
      { as: "ivan", press: "Чай 1" },
      { as: "ivan", press: "Участвовать" },
      { as: "ivan", send: "2" },
      { as: "ivan", press: "Участвую" },
      { as: "olga", send: "/chat" },
      { as: "olga", press: "Чай 1" },
      { as: "olga", expect: ["Вы в чате закупки «Чай 1»"] },
      { as: "ivan", send: "/chat" },
      { as: "ivan", press: "Чай 1" },
      { as: "ivan", send: "Здравствуйте! Когда выдача?" },
      { as: "olga", expect: ["Иван: Здравствуйте! Когда выдача?"] },
      { as: "olga", send: "В субботу в 12:00" },
      { as: "ivan", expect: ["Ольга Орг: В субботу в 12:00"] },
      { as: "ivan", send: "/cancel" },
      { as: "ivan", expect: ["Вы вышли из чата"] },
      { as: "olga", send: "Ещё вопросы?" },
      { as: "ivan", expectNot: ["Ещё вопросы?"] },
      // relayed messages are framed in the member's account language, even when it changed on another platform
      { system: "setLanguage", user: "olga", language: "en" },
      { as: "ivan", send: "/chat" },
      { as: "ivan", press: "Чай 1" },
      { as: "ivan", send: "Спасибо!" },
      { as: "olga", expect: ["💬 “Чай 1” — Иван: Спасибо!"] }
    ]
  }
]

const userIdOf = (conversation: Conversation, name: string) =>
  Effect.gen(function* () {
    const users = yield* Users
    const ref = conversation.refOf(name)
    const resolved = yield* users.resolve(new IdentityRef({ platform: ref.platform, externalId: ref.userId }))
    if (Option.isNone(resolved)) return yield* new ConversationError({ message: `${name} is not registered` })
    return resolved.value.user.id as UserId
  })

const system = (conversation: Conversation, step: Extract<ScenarioStep, { readonly system: string }>) =>
  Effect.gen(function* () {
    switch (step.system) {
      case "settleDeposit": {
        const payments = yield* Payments
        const userId = yield* userIdOf(conversation, step.user)
        const pending = yield* payments.list(new PaymentFilter({ userId, status: "PENDING", limit: 1 }))
        const payment = pending.items[0]
        if (payment === undefined)
          return yield* new ConversationError({ message: `${step.user} has no pending payment` })
        conversation.note(`system: payment of ${step.user} settled`)
        yield* Effect.orDie(payments.succeed(payment.id))
        yield* conversation.dispatch
        return
      }
      case "setLanguage": {
        const users = yield* Users
        const userId = yield* userIdOf(conversation, step.user)
        yield* Effect.orDie(users.update(userId, new UpdateProfile({ language: step.language })))
        conversation.note(`system: ${step.user}'s account language is now ${step.language}`)
        return
      }
      case "seedProcurements": {
        const procurements = yield* Procurements
        const organizerId = yield* userIdOf(conversation, step.organizer)
        const now = yield* Clock.currentTimeMillis
        conversation.note(`system: ${step.count} procurement(s) “${step.title}” by ${step.organizer}`)
        for (let i = 1; i <= step.count; i++) {
          yield* Effect.orDie(
            procurements.create(
              new CreateProcurement({
                organizerId,
                title: `${step.title} ${i}`,
                description: `Описание: ${step.title} ${i}`,
                targetAmount: kopecks(100_000),
                pricePerUnit: kopecks(10_000),
                unit: "кг",
                deadline: DateTime.unsafeMake(now + 10 * 24 * 60 * 60 * 1000 - 60 * 60 * 1000),
                city: "Москва",
                ...(step.stopAt === undefined ? {} : { stopAtAmount: kopecks(step.stopAt) }),
                publish: true
              })
            )
          )
        }
        yield* conversation.dispatch
        return
      }
    }
  })

/** Replays a scenario through the in-memory conversation (any Reply-level driver works the same way). */
export const runScenario = (scenario: Scenario, conversation: Conversation) =>
  Effect.gen(function* () {
    const mode = conversation.capabilities.buttons ? "buttons" : "text"
    for (const step of scenario.steps) {
      if ("system" in step) {
        yield* system(conversation, step)
        continue
      }
      if (step.when !== undefined && step.when !== mode) continue
      if ("send" in step) yield* conversation.send(step.as, step.send)
      else if ("press" in step) yield* conversation.press(step.as, step.press)
      else if ("pressStale" in step) yield* conversation.pressStale(step.as, step.pressStale)
      else if ("contact" in step) yield* conversation.contact(step.as, step.contact)
      else if ("expect" in step) yield* conversation.expect(step.as, ...step.expect)
      else {
        const inbox = conversation.inbox(step.as).map(plainOf).join("\n")
        const present = step.expectNot.filter((text) => inbox.includes(text))
        if (present.length > 0) {
          return yield* new ConversationError({ message: `${step.as} did not expect ${JSON.stringify(present)}` })
        }
      }
    }
  })
