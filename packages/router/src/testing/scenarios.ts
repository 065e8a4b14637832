/**
 * The committed scenarios (their transcripts are `test/__transcripts__/`), written in the steps of `ScenarioSteps.ts`.
 */
import { olgaSellsToIvan, only, type Scenario, user } from "./ScenarioSteps.js"

const START = "2030-01-15T09:00:00Z"

const alice = user("alice")
const bob = user("bob")
const dan = user("dan")
const ivan = user("ivan")
const olga = user("olga")
const pia = user("pia")
const sam = user("sam")

export const scenarios: ReadonlyArray<Scenario> = [
  {
    name: "registration",
    startAt: START,
    steps: [
      ...alice.register({ name: "Алиса Смирнова", phone: "+7 900 100-00-01", role: "Покупатель" }),
      alice.send("/profile"),
      alice.expect("Профиль", "Алиса Смирнова", "+7 900 100-00-01", "покупатель"),
      alice.send("/start"),
      alice.expect("С возвращением, Алиса")
    ]
  },
  {
    name: "procurement creation",
    startAt: START,
    steps: [
      ...bob.register({ name: "Борис", phone: "+7 900 100-00-02", role: "Покупатель" }),
      bob.send("/create_procurement"),
      bob.expect("Создавать закупки могут только организаторы"),
      ...olga.register({ name: "Ольга Орг", phone: "+7 900 100-00-03", role: "Организатор" }),
      olga.send("/create_procurement"),
      olga.expect("Как она называется"),
      olga.send("Мёд алтайский"),
      olga.send("Гречишный мёд с пасеки в Алтае, выдача в центре города."),
      olga.press("Без категории"),
      olga.press("кг"),
      olga.send("350"),
      olga.press("Пропустить"),
      olga.send("10000"),
      olga.press("Пропустить"),
      olga.send("через 2 недели"),
      olga.send("Казань"),
      olga.press("Пропустить"),
      olga.press("Пропустить"),
      olga.expect("Проверьте закупку", "Мёд алтайский"),
      olga.press("Опубликовать"),
      olga.expect("опубликована"),
      olga.send("/my_procurements"),
      olga.expect("Мёд алтайский", "идёт сбор")
    ]
  },
  {
    name: "deposit",
    startAt: START,
    steps: [
      ...dan.register({ name: "Даниил", phone: "+7 900 100-00-04", role: "Покупатель" }),
      dan.send("/deposit"),
      dan.expect("На какую сумму пополнить баланс"),
      dan.send("1500"),
      dan.press("Перейти к оплате"),
      dan.expect("Оплатите"),
      { system: "settleDeposit", user: "dan" },
      dan.expect("Оплата получена", "1\u202f500\u00a0₽"),
      dan.send("/balance"),
      dan.expect("Баланс: 1\u202f500\u00a0₽", "пополнение")
    ]
  },
  {
    name: "join",
    startAt: START,
    steps: [
      ...olgaSellsToIvan("Сыр", ["+7 900 100-00-05", "+7 900 100-00-06"], 500_000),
      ivan.send("/procurements"),
      ivan.expect("Активные закупки", "Сыр 1"),
      ivan.press("Сыр 1"),
      ivan.expect("Сыр 1", "░░░░░░░░░░ 0%", "Осталось дней: 10"),
      ivan.press("Участвовать"),
      ivan.expect("Сколько"),
      ivan.send("60"),
      ivan.expect("не больше 50"),
      ivan.send("3"),
      ivan.expect("Подтверждаете участие"),
      ivan.press("Участвую"),
      ivan.expect("Вы участвуете в закупке «Сыр 1»"),
      ivan.send("/my_procurements"),
      ivan.expect("Сыр 1", "ожидает подтверждения")
    ]
  },
  {
    name: "pagination",
    startAt: START,
    steps: [
      ...olga.register({ name: "Ольга Орг", phone: "+7 900 100-00-07", role: "Организатор" }),
      { system: "seedProcurements", organizer: "olga", count: 12, title: "Лот" },
      olga.send("/procurements"),
      olga.expect("стр. 1 из 3"),
      olga.press("Дальше"),
      olga.expect("стр. 2 из 3"),
      olga.press("Дальше"),
      olga.expect("стр. 3 из 3"),
      olga.expectNot("Дальше"),
      olga.press("Назад"),
      olga.expect("стр. 2 из 3"),
      olga.press("Город"),
      olga.expect("Введите город"),
      olga.send("Москва"),
      olga.expect("Фильтр: город «Москва»", "Лот 12"),
      olga.press("Сбросить фильтр"),
      olga.expect("стр. 1 из 3", "Лот 12"),
      olga.expectNot("Фильтр:"),
      olga.send("/search лот"),
      olga.expect("поиск «лот»")
    ]
  },
  {
    name: "stale button",
    startAt: START,
    steps: [
      sam.send("/help"),
      sam.send("/lang"),
      sam.pressStale("Закупки"),
      only("buttons", sam.expect("Это меню устарело", "Выберите язык")),
      only("buttons", sam.expectNot("Активные закупки")),
      only("text", sam.send("7")),
      only("text", sam.expect("Я не понял"))
    ]
  },
  {
    name: "organizer tools",
    startAt: START,
    steps: [
      ...olgaSellsToIvan("Кофе", ["+7 900 100-00-11", "+7 900 100-00-12"]),
      ivan.send("/search кофе"),
      ivan.expect("поиск «кофе»", "Кофе 1"),
      ...ivan.join("Кофе 1", 2),
      olga.send("/broadcast"),
      olga.press("Кофе 1"),
      olga.expect("Анонс отправлен в каналы: 1"),
      olga.send("/my_procurements"),
      olga.expect("Организую", "Кофе 1"),
      olga.press("Кофе 1"),
      olga.press("Участники"),
      olga.expect("Иван — 2 кг", "ожидает подтверждения"),
      olga.press("✅ Иван"),
      olga.expect("Участник Иван подтверждён", "подтверждён"),
      olga.press("К списку"),
      olga.press("сбор остановлен"),
      olga.expect("«Кофе 1»: сбор остановлен"),
      olga.press("оплата"),
      olga.expect("«Кофе 1»: оплата"),
      ivan.send("/my_procurements"),
      ivan.expect("Кофе 1", "подтверждён"),
      ivan.press("Кофе 1"),
      ivan.press("с баланса"),
      ivan.expect("Недостаточно средств"),
      // paid by card instead: the provider's link, then its report settles the share
      ivan.press("картой"),
      ivan.expect("Оплатите участие в «Кофе 1»", "Оплатить картой"),
      { system: "settleDeposit", user: "ivan" },
      ivan.expect("Участие в «Кофе 1» оплачено картой"),
      ivan.send("/my_procurements"),
      ivan.expect("Кофе 1", "оплачено"),
      olga.send("/my_procurements"),
      olga.press("Кофе 1"),
      olga.press("отменена"),
      olga.expect("Отменить закупку «Кофе 1»?"),
      olga.press("Да, отменить"),
      olga.expect("«Кофе 1»: отменена")
    ]
  },
  {
    name: "profile and settings",
    startAt: START,
    steps: [
      ...pia.register({ name: "Пия", phone: "+7 900 100-00-13", role: "Покупатель" }),
      pia.send("/profile"),
      pia.press("Имя"),
      pia.expect("Введите новое имя"),
      pia.send("Пия Новая"),
      pia.expect("Профиль обновлён", "Имя: Пия Новая"),
      pia.press("Почта"),
      pia.send("not-an-email"),
      pia.expect("Введите новый адрес почты"),
      pia.send("pia@example.com"),
      pia.expect("Почта: pia@example.com"),
      pia.send("/notifications"),
      pia.expect("Новых уведомлений нет"),
      pia.send("/lang"),
      pia.press("English"),
      pia.expect("Language: English.", "Procurements"),
      pia.send("/balance"),
      pia.expect("Balance: 0", "No transactions yet"),
      pia.send("/create_procurement"),
      pia.expect("Only organizers can create procurements", "Become an organizer"),
      // the role is asked for from the profile; the administrators answer
      pia.send("/profile"),
      pia.press("Become an organizer"),
      pia.expect("has been sent to the administrators", "is waiting for an administrator"),
      pia.expectNot("Become a supplier"),
      // a second tap on the old card asks nothing new: the card is refreshed with the request waiting
      pia.pressStale("Become an organizer"),
      { ...pia.expect("is waiting for an administrator"), when: "buttons" }
    ]
  },
  {
    name: "chat relay",
    startAt: START,
    steps: [
      ...olgaSellsToIvan("Чай", ["+7 900 100-00-08", "+7 900 100-00-09"]),
      ivan.send("/procurements"),
      ...ivan.join("Чай 1", 2),
      ...olga.openChat("Чай 1"),
      ivan.send("/chat"),
      ivan.press("Чай 1"),
      ivan.send("Здравствуйте! Когда выдача?"),
      olga.expect("Иван: Здравствуйте! Когда выдача?"),
      olga.send("В субботу в 12:00"),
      ivan.expect("Ольга Орг: В субботу в 12:00"),
      ivan.send("/cancel"),
      ivan.expect("Вы вышли из чата"),
      olga.send("Ещё вопросы?"),
      ivan.expectNot("Ещё вопросы?"),
      // relayed messages are framed in the member's account language, even when it changed on another platform
      { system: "setLanguage", user: "olga", language: "en" },
      ivan.send("/chat"),
      ivan.press("Чай 1"),
      ivan.send("Спасибо!"),
      olga.expect("💬 “Чай 1” — Иван: Спасибо!")
    ]
  },
  {
    name: "chat notices outside chat mode",
    startAt: START,
    steps: [
      ...olgaSellsToIvan("Кофе", ["+7 900 100-00-30", "+7 900 100-00-31"]),
      ivan.send("/procurements"),
      ...ivan.join("Кофе 1", 1),
      ...olga.openChat("Кофе 1"),
      // three messages at once: one notice of the three, once they are gathered
      olga.send("Кофе приедет в пятницу"),
      olga.send("Выдача с 10 до 14"),
      olga.send("Не забудьте пакеты"),
      ivan.expectNot("Не забудьте пакеты"),
      { system: "later", seconds: 5 },
      ivan.expect("Новых сообщений в чате «Кофе 1»: 3", "Ольга Орг: Не забудьте пакеты"),
      // "Reply" enters the chat
      ivan.press("Ответить"),
      ivan.expect("Вы в чате закупки «Кофе 1»", "Ольга Орг: Не забудьте пакеты"),
      ivan.send("Спасибо!"),
      olga.expect("Иван: Спасибо!"),
      ivan.send("/cancel"),
      // the author hears nothing of their own message, and a member reading the chat no notice of it
      { system: "later", seconds: 60 },
      olga.expectNot("Новое сообщение", "Новых сообщений"),
      // a busy chat: at most one notice per window
      olga.send("Ещё одно"),
      { system: "later", seconds: 5 },
      ivan.expectNot("Ещё одно"),
      { system: "later", seconds: 60 },
      ivan.expect("Новое сообщение в чате «Кофе 1»", "Ольга Орг: Ещё одно"),
      // muted from the notice: nothing more until unmuted in the chat's menu
      ivan.press("Не уведомлять"),
      ivan.expect("Уведомления чата «Кофе 1» выключены"),
      olga.send("Без уведомлений"),
      { system: "later", seconds: 65 },
      ivan.expectNot("Без уведомлений"),
      ivan.send("/chat"),
      ivan.press("Кофе 1"),
      ivan.press("Уведомлять об этом чате"),
      ivan.expect("Уведомления чата «Кофе 1» включены"),
      ivan.send("/cancel"),
      // from the web cabinet, by an author outside chat mode: the others hear of it, the author does not
      olga.send("/cancel"),
      { system: "postFromWeb", user: "olga", procurement: "Кофе 1", text: "Новое меню" },
      { system: "later", seconds: 65 },
      ivan.expect("Новое сообщение в чате «Кофе 1»", "Ольга Орг: Новое меню"),
      olga.expectNot("Новое меню")
    ]
  }
]
