/**
 * The engine's message catalogue, Russian (default) and English, with the same keys in both (checked by the type of
 * `en` and by a test, placeholders included). Markup: `**bold**`, `__italic__`, `` `code` ``; placeholders `{name}`
 * are filled after the markup is parsed, so user content never changes formatting. The flows keep their own
 * catalogue (flows/messages.ts).
 */
import { Language } from "@groupbuy/core"
import type { RichText } from "./Model.js"
import { fill, parseMarkup, substitute } from "./RichTexts.js"

/** The languages the router speaks (core's: an account's language). */
export { Language }

const ru = {
  apology: "😔 Извините, у нас что-то сломалось. Попробуйте ещё раз чуть позже — мы уже разбираемся.",
  unknown: "Я не понял это сообщение. Вот что я умею:",
  needRegistration: "Сначала давайте зарегистрируемся — отправьте /start.",
  "account.disabled":
    "⛔ Ваш аккаунт отключён администратором, поэтому бот не выполняет команды. Если это ошибка, напишите администратору GroupBuy.",
  stale: "Это меню устарело. Вот актуальное:",
  "cancel.done": "Отменено.",
  "cancel.nothing": "Отменять нечего.",
  "flow.expired": "Незаконченное действие «{flow}» сброшено после долгого перерыва.",
  "flow.restarted": "Мы обновили этот сценарий, поэтому начнём «{flow}» заново. Извините за неудобство.",
  "flow.registration": "регистрация",
  "flow.createProcurement": "создание закупки",
  "flow.deposit": "пополнение баланса",
  "flow.join": "участие в закупке",
  "fit.more": "Ещё »",
  "fit.first": "« В начало",
  "fit.numberHint": "Ответьте номером пункта.",
  "fit.contactHint": "{label}: отправьте номер телефона сообщением.",

  "menu.title": "Главное меню",
  "menu.procurements": "🛒 Закупки",
  "menu.my": "📦 Мои закупки",
  "menu.search": "🔍 Поиск",
  "menu.balance": "💰 Баланс",
  "menu.deposit": "➕ Пополнить",
  "menu.profile": "👤 Профиль",
  "menu.notifications": "🔔 Уведомления",
  "menu.chat": "💬 Чаты",
  "menu.create": "🆕 Создать закупку",
  "menu.help": "❓ Помощь",
  "menu.register": "📝 Зарегистрироваться",
  "menu.lang": "🌐 Язык",

  "welcome.new": "👋 Добро пожаловать в **GroupBuy** — совместные закупки прямо в чате!",
  "welcome.back": "👋 С возвращением, {name}!",
  "help.text":
    "**GroupBuy** — совместные закупки.\n\n/start — начать\n/procurements — активные закупки\n/search — поиск\n/my_procurements — мои закупки\n/create_procurement — создать закупку\n/balance — баланс\n/deposit — пополнить баланс\n/profile — профиль\n/notifications — уведомления\n/chat — чаты закупок\n/broadcast — анонс закупки в каналах\n/link — связать аккаунт с другой платформой\n/web — вход в веб-кабинет\n/lang — язык\n/cancel — отменить текущее действие",

  "profile.title": "👤 **Профиль**",
  "profile.name": "Имя: {value}",
  "profile.phone": "Телефон: {value}",
  "profile.email": "Почта: {value}",
  "profile.role": "Роль: {value}",
  "profile.language": "Язык: {value}",
  "profile.balance": "Баланс: {value}",
  "profile.notGiven": "не указано",
  "profile.edit.firstName": "✏️ Имя",
  "profile.edit.lastName": "✏️ Фамилия",
  "profile.edit.phone": "✏️ Телефон",
  "profile.edit.email": "✏️ Почта",
  "profile.ask.firstName": "Введите новое имя:",
  "profile.ask.lastName": "Введите новую фамилию (или «-», чтобы убрать):",
  "profile.ask.phone": "Введите новый номер телефона, например +7 900 123-45-67:",
  "profile.ask.email": "Введите новый адрес почты (или «-», чтобы убрать):",
  "profile.saved": "✅ Профиль обновлён.",

  "role.buyer": "покупатель",
  "role.organizer": "организатор",
  "role.supplier": "поставщик",
  "language.ru": "Русский",
  "language.en": "English",

  "balance.title": "💰 Баланс: **{amount}**",
  "balance.recent": "Последние операции:",
  "balance.none": "Операций пока нет.",
  "balance.line": "{date} {amount} — {type}",
  "tx.DEPOSIT": "пополнение",
  "tx.WITHDRAWAL": "вывод",
  "tx.PROCUREMENT_JOIN": "оплата закупки",
  "tx.PROCUREMENT_REFUND": "возврат",
  "tx.TRANSFER": "перевод",
  "tx.BONUS": "бонус",
  "tx.ADJUSTMENT": "корректировка",

  "notifications.title": "🔔 Непрочитанные уведомления ({count}):",
  "notifications.none": "Новых уведомлений нет.",
  "notifications.markRead": "✅ Отметить прочитанными",
  "notifications.marked": "Отмечено прочитанными: {count}.",

  "procurements.title": "🛒 **Активные закупки** (стр. {page} из {pages})",
  "procurements.filtered": "Фильтр: {filter}",
  "procurements.empty": "Подходящих закупок нет.",
  "procurements.next": "Дальше ▶️",
  "procurements.prev": "◀️ Назад",
  "procurements.byCategory": "🗂 Категория",
  "procurements.byCity": "🏙 Город",
  "procurements.resetFilter": "✖️ Сбросить фильтр",
  "procurements.pickCategory": "Выберите категорию:",
  "procurements.noCategories": "Категорий пока нет.",
  "procurements.askCity": "Введите город:",
  "procurements.filterCategory": "категория «{name}»",
  "procurements.filterCity": "город «{name}»",
  "procurements.filterQuery": "поиск «{name}»",

  "procurement.status": "Статус: {status}",
  "procurement.price": "Цена: {price} за {unit}",
  "procurement.min": "Минимум: {min} {unit}",
  "procurement.progress": "Собрано: {collected} из {target} ({percent}%)",
  "procurement.participants": "Участников: {count}",
  "procurement.daysLeft": "Осталось дней: {days}",
  "procurement.city": "Город: {city}",
  "procurement.deadline": "Сбор до: {date}",
  "procurement.youJoined": "✅ Вы участвуете: {quantity} {unit} на {amount} ({status})",
  "procurement.youLeft": "Вы вышли из этой закупки.",
  "procurement.join": "🤝 Участвовать",
  "procurement.leave": "🚪 Выйти",
  "procurement.left": "Вы вышли из закупки «{title}».",
  "procurement.notFound": "Такой закупки нет — возможно, её удалили.",
  "procurement.chat": "💬 Чат закупки",
  "procurement.pay": "💳 Оплатить {amount}",
  "procurement.paid": "✅ Оплачено: {amount}.",
  "procurement.participantsList": "👥 Участники",
  "procurement.back": "◀️ К списку",

  "status.DRAFT": "черновик",
  "status.ACTIVE": "идёт сбор",
  "status.STOPPED": "сбор остановлен",
  "status.PAYMENT": "оплата",
  "status.COMPLETED": "завершена",
  "status.CANCELLED": "отменена",
  "pstatus.PENDING": "ожидает подтверждения",
  "pstatus.CONFIRMED": "подтверждён",
  "pstatus.PAID": "оплачено",
  "pstatus.DELIVERED": "получено",
  "pstatus.CANCELLED": "отменено",

  "my.title": "📦 **Мои закупки**",
  "my.organized": "Организую:",
  "my.joined": "Участвую:",
  "my.none": "Вы пока не организуете закупок и не участвуете в них. Посмотрите /procurements.",
  "my.participants": "👥 Участники «{title}»:",
  "my.noParticipants": "Участников пока нет.",
  "my.participantLine": "{name} — {quantity} {unit}, {amount} ({status})",
  "my.confirm": "✅ {name}",
  "my.confirmed": "Участник {name} подтверждён.",
  "my.setStatus": "➡️ {status}",
  "my.statusChanged": "Статус закупки «{title}»: {status}.",
  "my.confirmCancel": "Отменить закупку «{title}»? Оплаченные участники получат деньги назад.",
  "my.yesCancel": "Да, отменить",
  "my.keep": "Нет",

  "search.ask": "🔍 Что ищем? Напишите слова из названия или описания:",
  "search.tooShort": "Напишите хотя бы два символа.",

  "create.forbidden":
    "Создавать закупки могут только организаторы. Права организатора выдаёт администратор GroupBuy: напишите ему и укажите имя из /profile.",

  "deposit.received": "✅ Оплата получена: **{amount}**. Баланс: {balance}.",
  // said by every offer of a test gateway (the deposit flow's payment link, the sandbox pay page)
  "deposit.testMoney":
    "⚠️ Тестовые деньги: это тестовая оплата, настоящие деньги не списываются, и баланс пополняется тоже тестовыми деньгами.",

  "chat.pick": "💬 Выберите чат закупки:",
  "chat.none": "У вас пока нет чатов: они появляются, когда вы участвуете в закупке или организуете её.",
  "chat.entered":
    "Вы в чате закупки «{title}». Всё, что вы напишете, увидят участники. Чтобы выйти — /cancel или кнопка ниже.",
  "chat.leave": "🚪 Выйти из чата",
  "chat.left": "Вы вышли из чата «{title}».",
  "chat.history": "Последние сообщения:",
  "chat.message": "💬 «{title}» — {name}: {text}",
  "chat.unsupported": "В чат можно отправлять текст.",
  "chat.someone": "участник",
  "chat.system": "система",

  "broadcast.forbidden": "Анонсы доступны только организаторам и администраторам.",
  "broadcast.pick": "📣 Какую закупку анонсировать?",
  "broadcast.nothing": "У вас нет активных закупок для анонса.",
  "broadcast.noChannels": "Каналы для анонсов пока не подключены.",
  "broadcast.sent": "📣 Анонс отправлен в каналы: {count}.",
  "broadcast.announce": "📣 **Новая закупка: {title}**",
  "broadcast.join": "🤝 Присоединиться",

  "link.code":
    "🔗 Ваш код: `{code}`\n\nОтправьте «/link {code}» боту на другой платформе в течение {minutes} мин., чтобы связать аккаунты.",
  "link.done": "✅ Аккаунты связаны. Здравствуйте, {name}!",

  "web.link": "🌐 Вход в веб-кабинет (ссылка одноразовая, действует {minutes} мин.):",
  "web.open": "Открыть кабинет",

  "lang.ask": "🌐 Выберите язык:",
  "lang.set": "Язык: русский.",

  "error.notFound": "Не нашёл то, что вы ищете — возможно, его уже удалили.",
  "error.forbidden": "У вас нет прав на это действие.",
  "error.illegalTransition": "Сейчас это невозможно: статус уже «{from}».",
  "error.insufficientFunds":
    "Недостаточно средств: нужно {needed}, на балансе {available}. Пополните баланс: /deposit.",
  "error.invalid": "Проверьте данные: {details}",

  "notification.title": "🔔 **{title}**",
  // the notification rows the server writes (titles and bodies; plain text, shown in the cabinet and wrapped above)
  "notification.statusChanged.title": "«{title}»: {status}",
  "notification.statusChanged.body": "Статус закупки «{title}» изменился: {from} → {to}.",
  "notification.paymentRequired.title": "Оплатите участие в «{title}»",
  "notification.paymentRequired.body": "К оплате: {amount}.",
  "notification.paymentReceived.title": "Платёж получен",
  "notification.paymentReceived.body": "Зачислено {amount}.",
  "notification.chatMessage.title": "Новое сообщение в чате закупки"
} as const

export type MessageKey = keyof typeof ru

const en: Record<MessageKey, string> = {
  apology: "😔 Sorry, something broke on our side. Please try again a bit later — we are looking into it.",
  unknown: "I did not understand that message. Here is what I can do:",
  needRegistration: "Let's register you first — send /start.",
  "account.disabled":
    "⛔ Your account has been disabled by an administrator, so the bot does not carry out commands. If this is a mistake, write to the GroupBuy administrator.",
  stale: "This menu is out of date. Here is a fresh one:",
  "cancel.done": "Cancelled.",
  "cancel.nothing": "There is nothing to cancel.",
  "flow.expired": "Your unfinished {flow} was reset after a long pause.",
  "flow.restarted": "We have updated this step, so {flow} starts over. Sorry for the inconvenience.",
  "flow.registration": "registration",
  "flow.createProcurement": "procurement creation",
  "flow.deposit": "top-up",
  "flow.join": "joining",
  "fit.more": "More »",
  "fit.first": "« Back to start",
  "fit.numberHint": "Reply with the number of your choice.",
  "fit.contactHint": "{label}: send your phone number as a message.",

  "menu.title": "Main menu",
  "menu.procurements": "🛒 Procurements",
  "menu.my": "📦 My procurements",
  "menu.search": "🔍 Search",
  "menu.balance": "💰 Balance",
  "menu.deposit": "➕ Top up",
  "menu.profile": "👤 Profile",
  "menu.notifications": "🔔 Notifications",
  "menu.chat": "💬 Chats",
  "menu.create": "🆕 Create procurement",
  "menu.help": "❓ Help",
  "menu.register": "📝 Register",
  "menu.lang": "🌐 Language",

  "welcome.new": "👋 Welcome to **GroupBuy** — group purchasing right in your chat!",
  "welcome.back": "👋 Welcome back, {name}!",
  "help.text":
    "**GroupBuy** — group purchasing.\n\n/start — start\n/procurements — active procurements\n/search — search\n/my_procurements — my procurements\n/create_procurement — create a procurement\n/balance — balance\n/deposit — top up\n/profile — profile\n/notifications — notifications\n/chat — procurement chats\n/broadcast — announce a procurement in channels\n/link — link this account with another platform\n/web — log in to the web cabinet\n/lang — language\n/cancel — cancel the current action",

  "profile.title": "👤 **Profile**",
  "profile.name": "Name: {value}",
  "profile.phone": "Phone: {value}",
  "profile.email": "Email: {value}",
  "profile.role": "Role: {value}",
  "profile.language": "Language: {value}",
  "profile.balance": "Balance: {value}",
  "profile.notGiven": "not given",
  "profile.edit.firstName": "✏️ First name",
  "profile.edit.lastName": "✏️ Last name",
  "profile.edit.phone": "✏️ Phone",
  "profile.edit.email": "✏️ Email",
  "profile.ask.firstName": "Type your new first name:",
  "profile.ask.lastName": "Type your new last name (or “-” to remove it):",
  "profile.ask.phone": "Type your new phone number, e.g. +7 900 123-45-67:",
  "profile.ask.email": "Type your new email address (or “-” to remove it):",
  "profile.saved": "✅ Profile updated.",

  "role.buyer": "buyer",
  "role.organizer": "organizer",
  "role.supplier": "supplier",
  "language.ru": "Русский",
  "language.en": "English",

  "balance.title": "💰 Balance: **{amount}**",
  "balance.recent": "Recent transactions:",
  "balance.none": "No transactions yet.",
  "balance.line": "{date} {amount} — {type}",
  "tx.DEPOSIT": "top-up",
  "tx.WITHDRAWAL": "withdrawal",
  "tx.PROCUREMENT_JOIN": "procurement payment",
  "tx.PROCUREMENT_REFUND": "refund",
  "tx.TRANSFER": "transfer",
  "tx.BONUS": "bonus",
  "tx.ADJUSTMENT": "adjustment",

  "notifications.title": "🔔 Unread notifications ({count}):",
  "notifications.none": "No new notifications.",
  "notifications.markRead": "✅ Mark as read",
  "notifications.marked": "Marked as read: {count}.",

  "procurements.title": "🛒 **Active procurements** (page {page} of {pages})",
  "procurements.filtered": "Filter: {filter}",
  "procurements.empty": "No matching procurements.",
  "procurements.next": "Next ▶️",
  "procurements.prev": "◀️ Back",
  "procurements.byCategory": "🗂 Category",
  "procurements.byCity": "🏙 City",
  "procurements.resetFilter": "✖️ Reset filter",
  "procurements.pickCategory": "Pick a category:",
  "procurements.noCategories": "There are no categories yet.",
  "procurements.askCity": "Type a city:",
  "procurements.filterCategory": "category “{name}”",
  "procurements.filterCity": "city “{name}”",
  "procurements.filterQuery": "search “{name}”",

  "procurement.status": "Status: {status}",
  "procurement.price": "Price: {price} per {unit}",
  "procurement.min": "Minimum: {min} {unit}",
  "procurement.progress": "Collected: {collected} of {target} ({percent}%)",
  "procurement.participants": "Participants: {count}",
  "procurement.daysLeft": "Days left: {days}",
  "procurement.city": "City: {city}",
  "procurement.deadline": "Open until: {date}",
  "procurement.youJoined": "✅ You are in: {quantity} {unit} for {amount} ({status})",
  "procurement.youLeft": "You have left this procurement.",
  "procurement.join": "🤝 Join",
  "procurement.leave": "🚪 Leave",
  "procurement.left": "You left “{title}”.",
  "procurement.notFound": "There is no such procurement — it may have been removed.",
  "procurement.chat": "💬 Procurement chat",
  "procurement.pay": "💳 Pay {amount}",
  "procurement.paid": "✅ Paid: {amount}.",
  "procurement.participantsList": "👥 Participants",
  "procurement.back": "◀️ To the list",

  "status.DRAFT": "draft",
  "status.ACTIVE": "collecting",
  "status.STOPPED": "collection stopped",
  "status.PAYMENT": "payment",
  "status.COMPLETED": "completed",
  "status.CANCELLED": "cancelled",
  "pstatus.PENDING": "awaiting confirmation",
  "pstatus.CONFIRMED": "confirmed",
  "pstatus.PAID": "paid",
  "pstatus.DELIVERED": "delivered",
  "pstatus.CANCELLED": "cancelled",

  "my.title": "📦 **My procurements**",
  "my.organized": "I organize:",
  "my.joined": "I joined:",
  "my.none": "You neither organize nor joined any procurement yet. Have a look at /procurements.",
  "my.participants": "👥 Participants of “{title}”:",
  "my.noParticipants": "No participants yet.",
  "my.participantLine": "{name} — {quantity} {unit}, {amount} ({status})",
  "my.confirm": "✅ {name}",
  "my.confirmed": "Participant {name} confirmed.",
  "my.setStatus": "➡️ {status}",
  "my.statusChanged": "“{title}” is now: {status}.",
  "my.confirmCancel": "Cancel “{title}”? Paid participants get their money back.",
  "my.yesCancel": "Yes, cancel it",
  "my.keep": "No",

  "search.ask": "🔍 What are you looking for? Type words from the title or description:",
  "search.tooShort": "Type at least two characters.",

  "create.forbidden":
    "Only organizers can create procurements. Organizer access is granted by a GroupBuy administrator: write to them and give your name from /profile.",

  "deposit.received": "✅ Payment received: **{amount}**. Balance: {balance}.",
  "deposit.testMoney":
    "⚠️ Test money: this is a test payment, no real money is charged, and the balance it adds is test money too.",

  "chat.pick": "💬 Pick a procurement chat:",
  "chat.none": "You have no chats yet: they appear when you join or organize a procurement.",
  "chat.entered":
    "You are in the chat of “{title}”. Everything you write is seen by its members. To leave — /cancel or the button below.",
  "chat.leave": "🚪 Leave the chat",
  "chat.left": "You left the chat of “{title}”.",
  "chat.history": "Latest messages:",
  "chat.message": "💬 “{title}” — {name}: {text}",
  "chat.unsupported": "Only text can be sent to the chat.",
  "chat.someone": "member",
  "chat.system": "system",

  "broadcast.forbidden": "Announcements are for organizers and administrators only.",
  "broadcast.pick": "📣 Which procurement to announce?",
  "broadcast.nothing": "You have no active procurements to announce.",
  "broadcast.noChannels": "No announcement channels are connected yet.",
  "broadcast.sent": "📣 Announced in {count} channels.",
  "broadcast.announce": "📣 **New procurement: {title}**",
  "broadcast.join": "🤝 Join",

  "link.code":
    "🔗 Your code: `{code}`\n\nSend “/link {code}” to the bot on the other platform within {minutes} min to link the accounts.",
  "link.done": "✅ Accounts linked. Hello, {name}!",

  "web.link": "🌐 Log in to the web cabinet (one-time link, valid for {minutes} min):",
  "web.open": "Open the cabinet",

  "lang.ask": "🌐 Choose your language:",
  "lang.set": "Language: English.",

  "error.notFound": "I could not find it — it may have been removed.",
  "error.forbidden": "You are not allowed to do that.",
  "error.illegalTransition": "That is not possible now: the status is already “{from}”.",
  "error.insufficientFunds": "Not enough money: {needed} needed, {available} available. Top up: /deposit.",
  "error.invalid": "Please check: {details}",

  "notification.title": "🔔 **{title}**",
  "notification.statusChanged.title": "“{title}”: {status}",
  "notification.statusChanged.body": "The status of “{title}” changed: {from} → {to}.",
  "notification.paymentRequired.title": "Please pay for “{title}”",
  "notification.paymentRequired.body": "Amount due: {amount}.",
  "notification.paymentReceived.title": "Payment received",
  "notification.paymentReceived.body": "{amount} credited.",
  "notification.chatMessage.title": "New message in a procurement chat"
}

/** Both catalogues (for the completeness test and for tools). */
export const catalogues: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = { ru, en }

type Params = Readonly<Record<string, string | number>>

/** A plain string from the catalogue (labels, toasts). Markup is stripped. */
export const text = (language: Language, key: MessageKey, params: Params = {}): string =>
  fill(
    catalogues[language][key].replace(/\*\*([^*]+)\*\*|__([^_]+)__|`([^`]+)`/g, (_, a, b, c) => a ?? b ?? c),
    params
  )

/** Rich text from the catalogue. */
export const rich = (language: Language, key: MessageKey, params: Params = {}): RichText =>
  substitute(parseMarkup(catalogues[language][key]), params)

/** The language for a locale hint ("en-US" → en); Russian by default. */
export const languageOf = (locale: string | undefined): Language =>
  locale !== undefined && /^en\b/i.test(locale) ? "en" : "ru"
