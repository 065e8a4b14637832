/**
 * Every text the conversation flows show, in Russian and English (the same keys in both), and `flowText` to look one up.
 * Placeholders are `{name}`. The engine merges this catalogue into its own.
 */
import type { Language } from "@groupbuy/core"

const ru = {
  "common.back": "⬅️ Назад",
  "common.cancel": "✖️ Отмена",
  "common.skip": "Пропустить",
  "common.retry": "🔁 Повторить",
  "common.yes": "есть",
  "common.no": "нет",
  "common.notGiven": "не указано",
  "common.firstStep": "Это первый шаг — назад идти некуда. Чтобы выйти, нажмите «Отмена».",
  "common.unexpected": "Не понял ответ. Ответьте, пожалуйста, на вопрос ниже или нажмите кнопку.",
  "common.wait": "Секунду, обрабатываю предыдущий запрос…",
  "common.failed": "Что-то пошло не так. Попробуйте ещё раз чуть позже.",

  "amount.empty": "Введите сумму числом, например 1 500 или 1 500,50.",
  "amount.negative": "Сумма не может быть отрицательной.",
  "amount.malformed": "Не понял сумму. Введите число рублей, например 1 500 или 1 500,50.",
  "amount.tooPrecise": "Копеек может быть не больше двух знаков: например 1 500,50.",
  "amount.tooLarge": "Слишком большая сумма — проверьте количество цифр.",
  "amount.positive": "Сумма должна быть больше нуля.",

  "phone.empty": "Введите номер телефона или нажмите кнопку «Отправить мой номер».",
  "phone.characters": "В номере могут быть только цифры, «+» в начале, пробелы, дефисы и скобки.",
  "phone.malformed": "Не похоже на номер телефона. Пример: +7 900 123-45-67.",
  "phone.russianLength": "В российском номере после +7 должно быть 10 цифр: +7 900 123-45-67.",
  "phone.internationalLength": "Международный номер: «+» и от 10 до 15 цифр, например +380 50 123 45 67.",
  "phone.needPlus": "Для номера не из России поставьте «+» и код страны, например +380 50 123 45 67.",

  "email.empty": "Введите адрес электронной почты или нажмите «Пропустить».",
  "email.spaces": "В адресе почты не должно быть пробелов.",
  "email.tooLong": "Слишком длинный адрес почты.",
  "email.malformed": "Не похоже на адрес почты. Пример: ivan@example.ru.",

  "text.empty": "Ответ не может быть пустым.",
  "text.tooShort": "Слишком коротко: нужно не меньше {min} символов.",
  "text.tooLong": "Слишком длинно: {length} символов, можно не больше {max}.",
  "text.control": "В тексте есть недопустимые символы.",

  "name.empty": "Напишите, как вас зовут.",
  "name.tooManyWords": "Напишите только имя и фамилию (без отчества и лишних слов).",
  "name.characters": "Имя и фамилия могут содержать только буквы, дефис и апостроф.",
  "name.tooLong": "Имя и фамилия — не длиннее {max} символов каждое.",

  "quantity.malformed": "Введите количество целым числом, например 3.",
  "quantity.positive": "Количество должно быть больше нуля.",
  "quantity.whole": "Количество должно быть целым числом.",
  "quantity.tooLarge": "Слишком большое количество: не больше {max}.",

  "deadline.empty": "Введите дату окончания сбора.",
  "deadline.malformed":
    "Не понял дату. Примеры: 25.12.2026, 25.12, 2026-12-25, «25 декабря», «завтра», «через 2 недели», «через месяц».",
  "deadline.noSuchDay": "Такой даты нет: {date}.",
  "deadline.past": "Дата должна быть в будущем: {date} уже прошла.",
  "deadline.today": "{date} — это сегодня. Сбор должен закончиться не раньше завтрашнего дня.",
  "deadline.tooFar": "{date} — слишком далеко: сбор можно вести не больше двух лет.",
  "deadline.inWeek": "Через неделю",
  "deadline.inTwoWeeks": "Через 2 недели",
  "deadline.inMonth": "Через месяц",

  "role.buyer": "🛒 Покупатель",
  "role.organizer": "📣 Организатор",
  "role.supplier": "🚚 Поставщик",
  "field.role": "Роль",
  "field.name": "Имя",
  "field.phone": "Телефон",
  "field.email": "Почта",
  "field.category": "Категория",
  "field.price": "Цена",
  "field.minQuantity": "Минимальный заказ",
  "field.target": "Цель сбора",
  "field.stopAt": "Остановить сбор на",
  "field.deadline": "Сбор до",
  "field.city": "Город",
  "field.address": "Адрес выдачи",
  "field.photo": "Фото",

  "registration.askRole": "Добро пожаловать! Кем вы хотите быть в совместных закупках?",
  "registration.askName": "Как вас зовут? Напишите имя и, если хотите, фамилию — например «Иван Петров».",
  "registration.askPhone":
    "Ваш номер телефона: нажмите «Отправить мой номер» или введите его, например +7 900 123-45-67.",
  "registration.shareContact": "📱 Отправить мой номер",
  "registration.foreignContact":
    "Это чужой контакт. Отправьте свой номер кнопкой «Отправить мой номер» или введите его вручную.",
  "registration.askEmail": "Адрес электронной почты (по желанию) — для чеков и уведомлений.",
  "registration.summary": "Проверьте данные",
  "registration.confirm": "✅ Всё верно, зарегистрироваться",
  "registration.done": "Готово, {name}! Вы зарегистрированы.",

  "procurement.askTitle":
    "Новая закупка. Как она называется? От 3 до 200 символов, например «Мёд алтайский, урожай 2026».",
  "procurement.askDescription": "Опишите закупку: что покупаем, у кого, условия оплаты и выдачи (до 5000 символов).",
  "procurement.askUnit": "В чём считаем товар? Выберите единицу или напишите свою (например «банка 0,5 л»).",
  "procurement.askPrice": "Цена за {unit} в рублях, например 1 500 или 249,90.",
  "procurement.askMinQuantity": "Минимальный заказ одного участника, в {unit} (целое число).",
  "procurement.minQuantityOne": "Пропустить (минимум 1)",
  "procurement.askTarget": "Цель сбора: сумма в рублях, при которой закупка состоится, например 50 000.",
  "procurement.askStopAt":
    "На какой сумме остановить сбор? Не меньше цели ({target}). Нажмите «Пропустить», если без ограничения.",
  "procurement.askStopAtOverMinimalOrder":
    "На какой сумме остановить сбор? Не меньше минимального заказа ({min}). Нажмите «Пропустить», если без ограничения.",
  "procurement.askDeadline":
    "До какого дня собираем заявки? Например 25.12.2026, «через 2 недели» или «25 декабря». Сбор закончится в 23:59 по Москве.",
  "procurement.askCity": "В каком городе закупка?",
  "procurement.askAddress": "Адрес выдачи товара (по желанию).",
  "procurement.askPhoto": "Пришлите фото товара (по желанию).",
  "procurement.preview": "Проверьте закупку",
  "procurement.pricePer": "{price} за {unit}",
  "procurement.deadlineValue": "{date}, 23:59 (МСК)",
  "procurement.publish": "🚀 Опубликовать",
  "procurement.saveDraft": "💾 Сохранить черновик",
  "procurement.published": "Закупка «{title}» опубликована.",
  "procurement.drafted": "Черновик «{title}» сохранён. Опубликовать его можно из списка ваших закупок.",

  "unit.noLetters": "Единица измерения должна содержать буквы, например «кг» или «шт».",
  "stopAt.belowMinimalOrder": "Сумма остановки не может быть меньше минимального заказа: {min}.",
  "stopAt.belowTarget": "Сумма остановки не может быть меньше цели сбора: {target}.",

  "category.askRoot": "Выберите категорию.",
  "category.askChild": "{path}: выберите подкатегорию или оставьте эту.",
  "category.emptyRoot": "Категорий пока нет — закупку можно создать без категории.",
  "category.chooseThis": "✅ Выбрать «{name}»",
  "category.none": "Без категории",
  "category.failed": "Не удалось загрузить категории.",

  "photo.notPhoto": "Нужна именно фотография, а не файл. Пришлите фото или нажмите «Пропустить».",
  "photo.expected": "Пришлите фото товара или нажмите «Пропустить».",

  "deposit.askAmount": "На какую сумму пополнить баланс? От {min} до {max}. Выберите или введите сумму.",
  "deposit.tooSmall": "Минимальная сумма пополнения — {min}.",
  "deposit.tooLarge": "Максимальная сумма пополнения — {max}.",
  "deposit.confirm": "Пополнить баланс на {amount}?",
  "deposit.pay": "✅ Перейти к оплате",
  "deposit.payButton": "💳 Оплатить {amount}",
  "deposit.followLink": "Оплатите {amount} по кнопке ниже. Когда платёж пройдёт, я пришлю сообщение.",
  "deposit.instructions": "Чтобы пополнить баланс на {amount}, следуйте инструкции:",
  "deposit.pending": "Платёж на {amount} создан. Когда он пройдёт, я пришлю сообщение.",

  "join.askQuantity": "Цена: {price} за {unit}. Сколько {unit} вы берёте? {limits}",
  "join.limitsMin": "Минимум {min} {unit}.",
  "join.limitsMinMax": "Минимум {min} {unit}, максимум {max} {unit}.",
  "join.belowMin": "Минимальный заказ — {min} {unit}.",
  "join.aboveRemaining": "Осталось собрать {remaining}: можно заказать не больше {max} {unit}.",
  "join.full": "В закупке «{title}» больше нет мест: вся сумма уже собрана.",
  "join.confirm": "«{title}»: {quantity} {unit} × {price} = {amount}. Подтверждаете участие?",
  "join.confirmButton": "✅ Участвую",
  "join.failedHint": "Можно повторить попытку, изменить количество или отменить.",
  "join.done": "Вы участвуете в закупке «{title}»: {quantity} {unit} на сумму {amount}."
} as const

const en: { readonly [K in keyof typeof ru]: string } = {
  "common.back": "⬅️ Back",
  "common.cancel": "✖️ Cancel",
  "common.skip": "Skip",
  "common.retry": "🔁 Retry",
  "common.yes": "yes",
  "common.no": "no",
  "common.notGiven": "not given",
  "common.firstStep": "This is the first step — there is nothing to go back to. Press Cancel to leave.",
  "common.unexpected": "I didn't get that. Please answer the question below or press a button.",
  "common.wait": "One moment, still working on your previous request…",
  "common.failed": "Something went wrong. Please try again a bit later.",

  "amount.empty": "Type the amount as a number, e.g. 1500 or 1500.50.",
  "amount.negative": "The amount cannot be negative.",
  "amount.malformed": "I couldn't read that amount. Type rubles as a number, e.g. 1500 or 1500.50.",
  "amount.tooPrecise": "At most two digits of kopecks, e.g. 1500.50.",
  "amount.tooLarge": "That amount is too large — please check the number of digits.",
  "amount.positive": "The amount must be greater than zero.",

  "phone.empty": "Type your phone number or press “Share my number”.",
  "phone.characters": "A phone number may only contain digits, a leading “+”, spaces, dashes and brackets.",
  "phone.malformed": "That doesn't look like a phone number. Example: +7 900 123-45-67.",
  "phone.russianLength": "A Russian number has 10 digits after +7: +7 900 123-45-67.",
  "phone.internationalLength": "An international number is “+” and 10 to 15 digits, e.g. +44 20 7946 0958.",
  "phone.needPlus": "For a number outside Russia, start with “+” and the country code, e.g. +44 20 7946 0958.",

  "email.empty": "Type your email address or press Skip.",
  "email.spaces": "An email address cannot contain spaces.",
  "email.tooLong": "That email address is too long.",
  "email.malformed": "That doesn't look like an email address. Example: ivan@example.com.",

  "text.empty": "The answer cannot be empty.",
  "text.tooShort": "Too short: at least {min} characters, please.",
  "text.tooLong": "Too long: {length} characters, at most {max} allowed.",
  "text.control": "The text contains characters that cannot be shown.",

  "name.empty": "Please tell me your name.",
  "name.tooManyWords": "Please type just your first and last name.",
  "name.characters": "A name may only contain letters, hyphens and apostrophes.",
  "name.tooLong": "First and last name — at most {max} characters each.",

  "quantity.malformed": "Type the quantity as a whole number, e.g. 3.",
  "quantity.positive": "The quantity must be greater than zero.",
  "quantity.whole": "The quantity must be a whole number.",
  "quantity.tooLarge": "That quantity is too large: at most {max}.",

  "deadline.empty": "Type the closing date.",
  "deadline.malformed":
    "I couldn't read that date. Examples: 25.12.2026, 25.12, 2026-12-25, “December 25”, “tomorrow”, “in 2 weeks”, “in a month”.",
  "deadline.noSuchDay": "There is no such date: {date}.",
  "deadline.past": "The date must be in the future: {date} has already passed.",
  "deadline.today": "{date} is today. The collection must close tomorrow or later.",
  "deadline.tooFar": "{date} is too far away: a collection can run for at most two years.",
  "deadline.inWeek": "In a week",
  "deadline.inTwoWeeks": "In 2 weeks",
  "deadline.inMonth": "In a month",

  "role.buyer": "🛒 Buyer",
  "role.organizer": "📣 Organizer",
  "role.supplier": "🚚 Supplier",
  "field.role": "Role",
  "field.name": "Name",
  "field.phone": "Phone",
  "field.email": "Email",
  "field.category": "Category",
  "field.price": "Price",
  "field.minQuantity": "Minimum order",
  "field.target": "Target",
  "field.stopAt": "Stop collecting at",
  "field.deadline": "Closes",
  "field.city": "City",
  "field.address": "Pick-up address",
  "field.photo": "Photo",

  "registration.askRole": "Welcome! How would you like to take part in group purchases?",
  "registration.askName": "What is your name? Your first name and, if you like, your last name — e.g. “Ivan Petrov”.",
  "registration.askPhone": "Your phone number: press “Share my number” or type it, e.g. +7 900 123-45-67.",
  "registration.shareContact": "📱 Share my number",
  "registration.foreignContact": "That is someone else's contact. Share your own number with the button or type it.",
  "registration.askEmail": "Your email address (optional) — for receipts and notifications.",
  "registration.summary": "Please check your details",
  "registration.confirm": "✅ All correct, sign me up",
  "registration.done": "Done, {name}! You are registered.",

  "procurement.askTitle": "New purchase. What is it called? 3 to 200 characters, e.g. “Altai honey, 2026 harvest”.",
  "procurement.askDescription":
    "Describe the purchase: what we buy, from whom, how payment and pick-up work (up to 5000 characters).",
  "procurement.askUnit": "What unit is the product sold in? Choose one or type your own (e.g. “0.5 l jar”).",
  "procurement.askPrice": "Price per {unit} in rubles, e.g. 1500 or 249.90.",
  "procurement.askMinQuantity": "The minimum order per participant, in {unit} (a whole number).",
  "procurement.minQuantityOne": "Skip (minimum 1)",
  "procurement.askTarget": "The target: the amount in rubles at which the purchase goes ahead, e.g. 50000.",
  "procurement.askStopAt":
    "At what amount should collecting stop? At least the target ({target}). Press Skip for no limit.",
  "procurement.askStopAtOverMinimalOrder":
    "At what amount should collecting stop? At least the minimum order ({min}). Press Skip for no limit.",
  "procurement.askDeadline":
    "Until what day do we collect orders? E.g. 25.12.2026, “in 2 weeks” or “December 25”. It closes at 23:59 Moscow time.",
  "procurement.askCity": "Which city is the purchase in?",
  "procurement.askAddress": "The pick-up address (optional).",
  "procurement.askPhoto": "Send a photo of the product (optional).",
  "procurement.preview": "Please check the purchase",
  "procurement.pricePer": "{price} per {unit}",
  "procurement.deadlineValue": "{date}, 23:59 (Moscow time)",
  "procurement.publish": "🚀 Publish",
  "procurement.saveDraft": "💾 Save as draft",
  "procurement.published": "The purchase “{title}” is published.",
  "procurement.drafted": "The draft “{title}” is saved. You can publish it from the list of your purchases.",

  "unit.noLetters": "The unit must contain letters, e.g. “kg” or “pcs”.",
  "stopAt.belowMinimalOrder": "The stop amount cannot be below the minimum order: {min}.",
  "stopAt.belowTarget": "The stop amount cannot be below the target: {target}.",

  "category.askRoot": "Choose a category.",
  "category.askChild": "{path}: choose a subcategory or keep this one.",
  "category.emptyRoot": "There are no categories yet — you can create the purchase without one.",
  "category.chooseThis": "✅ Choose “{name}”",
  "category.none": "No category",
  "category.failed": "Could not load the categories.",

  "photo.notPhoto": "Please send a photo, not a file — or press Skip.",
  "photo.expected": "Send a photo of the product or press Skip.",

  "deposit.askAmount": "How much would you like to top up? From {min} to {max}. Choose or type an amount.",
  "deposit.tooSmall": "The minimum top-up is {min}.",
  "deposit.tooLarge": "The maximum top-up is {max}.",
  "deposit.confirm": "Top up your balance by {amount}?",
  "deposit.pay": "✅ Go to payment",
  "deposit.payButton": "💳 Pay {amount}",
  "deposit.followLink": "Pay {amount} with the button below. I'll message you when the payment arrives.",
  "deposit.instructions": "To top up your balance by {amount}, follow these instructions:",
  "deposit.pending": "A payment of {amount} is created. I'll message you when it arrives.",

  "join.askQuantity": "Price: {price} per {unit}. How many {unit} would you like? {limits}",
  "join.limitsMin": "At least {min} {unit}.",
  "join.limitsMinMax": "At least {min} {unit}, at most {max} {unit}.",
  "join.belowMin": "The minimum order is {min} {unit}.",
  "join.aboveRemaining": "{remaining} is left to collect: you can order at most {max} {unit}.",
  "join.full": "“{title}” has no room left: the whole amount is already collected.",
  "join.confirm": "“{title}”: {quantity} {unit} × {price} = {amount}. Confirm?",
  "join.confirmButton": "✅ Join",
  "join.failedHint": "You can retry, change the quantity or cancel.",
  "join.done": "You joined “{title}”: {quantity} {unit} for {amount}."
}

/** The flows' catalogue: the same keys in both languages. */
export const flowMessages = { ru, en } as const

export type MessageKey = keyof typeof ru

/** The text for `key` in `language` with `{name}` placeholders filled from `params` (unknown ones left as is). */
export const flowText = (language: Language, key: MessageKey, params?: Readonly<Record<string, string>>): string => {
  const template: string = flowMessages[language][key]
  return params === undefined
    ? template
    : template.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole)
}
