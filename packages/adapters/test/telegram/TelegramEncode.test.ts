import { assert, describe, it } from "@effect/vitest"
import type { Reply } from "@groupbuy/router"
import { parseCommand } from "../../src/shared/ParseCommand.js"
import { decode, telegramDeepLink } from "../../src/telegram/TelegramDecode.js"
import { encodeAll } from "../../src/telegram/TelegramEncode.js"
import { parseTelegramHtml } from "../fakes/telegram/FakeTelegram.js"
import { CABINET_URL, cabinetButton, cabinetReply, LOGIN_URL } from "../shared/CabinetReply.js"

const target = { chatId: "42" }

describe("Telegram encode", () => {
  it("renders rich text as escaped HTML that the Bot API parses back to the same characters", () => {
    const text = [
      { text: "Цена <100> & " },
      { text: "bold", bold: true },
      { text: " " },
      { text: "x<y", code: true, italic: true },
      { text: " " },
      { text: "link", href: 'https://example.com/?a=1&b="2"' },
      { text: " " },
      { text: "bad", href: "javascript:alert(1)" }
    ]
    const { ops } = encodeAll([{ _tag: "Text", text }], target)
    assert.strictEqual(ops.length, 1)
    const html = ops[0]!.payload.text as string
    assert.strictEqual(
      html,
      'Цена &lt;100&gt; &amp; <b>bold</b> <i><code>x&lt;y</code></i> <a href="https://example.com/?a=1&amp;b=%222%22">link</a> bad'
    )
    assert.strictEqual(parseTelegramHtml(html), "Цена <100> & bold x<y link bad")
    assert.deepStrictEqual(ops[0]!.payload.chat_id, 42)
    assert.strictEqual(ops[0]!.payload.parse_mode, "HTML")
  })

  it("puts action tokens in callback_data and URL buttons as links", () => {
    const reply: Reply = {
      _tag: "Text",
      text: [{ text: "Меню" }],
      keyboard: {
        rows: [
          [
            { _tag: "Action", label: "Закупки", data: "t0" },
            { _tag: "Action", label: "Баланс", data: "t1" }
          ],
          [{ _tag: "Url", label: "Сайт", url: "https://groupbuy.example" }]
        ]
      }
    }
    const { ops, answer } = encodeAll([reply], target)
    assert.isUndefined(answer)
    assert.deepStrictEqual(ops[0]!.payload.reply_markup, {
      inline_keyboard: [
        [
          { text: "Закупки", callback_data: "t0" },
          { text: "Баланс", callback_data: "t1" }
        ],
        [{ text: "Сайт", url: "https://groupbuy.example" }]
      ]
    })
  })

  it("draws a Mini App button as web_app in a private chat with an https page, else as its fallback link", () => {
    const markup = (reply: Reply, privateChat: boolean | undefined) =>
      encodeAll([reply], { ...target, privateChat }).ops[0]!.payload.reply_markup
    const fallback = { inline_keyboard: [[{ text: "Кабинет", url: LOGIN_URL }]] }
    const miniApp = { inline_keyboard: [[{ text: "Кабинет", web_app: { url: CABINET_URL } }]] }

    assert.deepStrictEqual(markup(cabinetReply(), true), miniApp)
    // Telegram opens only https pages, and Mini App buttons only in private chats
    assert.deepStrictEqual(markup(cabinetReply("http://gb.test/"), true), fallback)
    assert.deepStrictEqual(markup(cabinetReply(), false), fallback)
    assert.deepStrictEqual(markup(cabinetReply(), undefined), fallback)
    // the same choice for photos and edits (and the edit's fallback message)
    const photo: Reply = {
      _tag: "Image",
      url: "https://img.example/p.jpg",
      caption: [],
      keyboard: { rows: [[cabinetButton()]] }
    }
    assert.deepStrictEqual(markup(photo, true), miniApp)
    assert.deepStrictEqual(markup(photo, false), fallback)
    const edit = encodeAll([{ _tag: "Edit", text: [{ text: "Вход" }], keyboard: { rows: [[cabinetButton()]] } }], {
      ...target,
      messageId: "5",
      privateChat: false
    }).ops[0]!
    assert.deepStrictEqual(edit.payload.reply_markup, fallback)
    assert.deepStrictEqual(edit.fallback?.payload.reply_markup, fallback)
    // a reply keyboard (request-contact) carries no links: the fallback link is written under the text
    const ask = encodeAll(
      [
        {
          _tag: "Text",
          text: [{ text: "Телефон?" }],
          keyboard: { rows: [[{ _tag: "RequestContact", label: "📱" }], [cabinetButton()]] }
        }
      ],
      { ...target, privateChat: true }
    ).ops[0]!
    assert.strictEqual(ask.payload.text, `Телефон?\nКабинет: ${LOGIN_URL}`)
    assert.deepStrictEqual(ask.payload.reply_markup, {
      keyboard: [[{ text: "📱", request_contact: true }]],
      resize_keyboard: true,
      one_time_keyboard: true
    })
  })

  it("asks for the contact with a one-time reply keyboard, and removes it afterwards", () => {
    const ask: Reply = {
      _tag: "Text",
      text: [{ text: "Телефон?" }],
      keyboard: {
        rows: [
          [{ _tag: "RequestContact", label: "📱 Отправить номер" }],
          [{ _tag: "Action", label: "Отмена", data: "t9" }]
        ]
      }
    }
    const thanks: Reply = {
      _tag: "Text",
      text: [{ text: "Спасибо" }],
      removeKeyboard: true,
      keyboard: { rows: [[{ _tag: "Action", label: "Дальше", data: "ta" }]] }
    }
    const { ops } = encodeAll([ask, thanks], target)
    assert.deepStrictEqual(ops[0]!.payload.reply_markup, {
      keyboard: [[{ text: "📱 Отправить номер", request_contact: true }], [{ text: "Отмена" }]],
      resize_keyboard: true,
      one_time_keyboard: true
    })
    assert.deepStrictEqual(ops[1]!.payload.reply_markup, { remove_keyboard: true })
    assert.deepStrictEqual(ops[1]!.attachKeyboard, { inline_keyboard: [[{ text: "Дальше", callback_data: "ta" }]] })
  })

  it("removes a request-contact keyboard with the next text message, even in a later turn", () => {
    const ask: Reply = {
      _tag: "Text",
      text: [{ text: "Телефон?" }],
      keyboard: { rows: [[{ _tag: "RequestContact", label: "📱" }]] }
    }
    const first = encodeAll([ask], target)
    assert.isTrue(first.replyKeyboardOpen)
    const next = encodeAll(
      [
        {
          _tag: "Text",
          text: [{ text: "Почта?" }],
          keyboard: { rows: [[{ _tag: "Action", label: "Пропустить", data: "t" }]] }
        },
        { _tag: "Text", text: [{ text: "ещё" }] }
      ],
      { ...target, replyKeyboardOpen: true }
    )
    assert.deepStrictEqual(next.ops[0]!.payload.reply_markup, { remove_keyboard: true })
    assert.deepStrictEqual(next.ops[0]!.attachKeyboard, {
      inline_keyboard: [[{ text: "Пропустить", callback_data: "t" }]]
    })
    assert.isUndefined(next.ops[1]!.payload.reply_markup)
    assert.isFalse(next.replyKeyboardOpen)
  })

  it("edits the pressed message in place with a fallback, sends photos with HTML captions, answers the press once", () => {
    const replies: ReadonlyArray<Reply> = [
      {
        _tag: "Edit",
        text: [{ text: "Страница 2" }],
        keyboard: { rows: [[{ _tag: "Action", label: "«", data: "p1" }]] }
      },
      { _tag: "Image", url: "https://img.example/p.jpg", caption: [{ text: "Сахар", bold: true }] },
      { _tag: "Image", url: "telegram-file:AgACfile", caption: [] },
      { _tag: "Toast", text: "Готово" },
      { _tag: "Toast", text: "Второе" }
    ]
    const { ops, answer } = encodeAll(replies, { chatId: "42", messageId: "7", callbackQueryId: "cq1" })
    assert.deepStrictEqual(
      ops.map((o) => o.method),
      ["editMessageText", "sendPhoto", "sendPhoto", "sendMessage"]
    )
    assert.deepStrictEqual(ops[0]!.payload, {
      chat_id: 42,
      message_id: 7,
      text: "Страница 2",
      parse_mode: "HTML",
      reply_markup: { inline_keyboard: [[{ text: "«", callback_data: "p1" }]] }
    })
    assert.strictEqual(ops[0]!.fallback?.method, "sendMessage")
    assert.deepStrictEqual(ops[1]!.payload, {
      chat_id: 42,
      photo: "https://img.example/p.jpg",
      caption: "<b>Сахар</b>",
      parse_mode: "HTML"
    })
    assert.deepStrictEqual(ops[2]!.payload, { chat_id: 42, photo: "AgACfile" })
    assert.deepStrictEqual(answer, {
      method: "answerCallbackQuery",
      payload: { callback_query_id: "cq1", text: "Готово" }
    })
    const silent = encodeAll([], { chatId: "42", callbackQueryId: "cq2" })
    assert.deepStrictEqual(silent.answer, { method: "answerCallbackQuery", payload: { callback_query_id: "cq2" } })
  })

  it("sends a document by its link, with its caption", () => {
    const { ops } = encodeAll(
      [
        { _tag: "Document", url: "https://files.example/1", name: "прайс.pdf", caption: [{ text: "Цены", bold: true }] }
      ],
      target
    )
    assert.deepStrictEqual(
      ops.map((o) => [o.method, o.payload]),
      [
        [
          "sendDocument",
          { chat_id: 42, document: "https://files.example/1", caption: "<b>Цены</b>", parse_mode: "HTML" }
        ]
      ]
    )
  })

  it("sends an edit without a pressed message as a new message", () => {
    const { ops } = encodeAll([{ _tag: "Edit", text: [{ text: "x" }] }], target)
    assert.strictEqual(ops[0]!.method, "sendMessage")
  })
})

describe("Telegram decode", () => {
  const bot = { id: "tg-main", username: "groupbuy_bot" }
  const from = { id: 5, is_bot: false, first_name: "Анна", last_name: "К", username: "anna", language_code: "ru" }
  const chat = { id: 5, type: "private" as const, first_name: "Анна" }

  it("parses commands with arguments and @mentions, ignoring commands for other bots", () => {
    assert.deepStrictEqual(parseCommand("/start proc_123", "groupbuy_bot"), { command: "start", args: "proc_123" })
    assert.deepStrictEqual(parseCommand("/Start@GroupBuy_Bot", "groupbuy_bot"), { command: "start", args: "" })
    assert.isUndefined(parseCommand("/start@other_bot", "groupbuy_bot"))
    assert.strictEqual(telegramDeepLink("groupbuy_bot", "proc_1"), "https://t.me/groupbuy_bot?start=proc_1")
  })

  it("decodes a deep link start, text, own contact, photo and a button press with a stable update id", () => {
    const start = decode(bot, {
      update_id: 10,
      message: {
        message_id: 1,
        date: 0,
        chat,
        from,
        text: "/start proc_9",
        entities: [{ type: "bot_command", offset: 0, length: 6 }]
      }
    })
    assert.deepStrictEqual(start && { ...start, ref: { ...start.ref } }, {
      _tag: "Command",
      updateId: "10",
      command: "start",
      args: "proc_9",
      ref: {
        bot: "tg-main",
        platform: "telegram",
        chatId: "5",
        userId: "5",
        locale: "ru",
        username: "anna",
        displayName: "Анна К",
        isGroup: false
      }
    })
    const contact = decode(bot, {
      update_id: 11,
      message: {
        message_id: 2,
        date: 0,
        chat,
        from,
        contact: { phone_number: "+79990001122", first_name: "Анна", user_id: 5 }
      }
    })
    assert.deepInclude(contact, { _tag: "Contact", phone: "+79990001122", own: true })
    const photo = decode(bot, {
      update_id: 12,
      message: {
        message_id: 3,
        date: 0,
        chat,
        from,
        caption: "фото",
        photo: [
          { file_id: "small", file_unique_id: "a", width: 1, height: 1 },
          { file_id: "big", file_unique_id: "b", width: 9, height: 9 }
        ]
      }
    })
    assert.deepInclude(photo, { _tag: "Media", kind: "photo", url: "telegram-file:big", caption: "фото" })
    const press = decode(bot, {
      update_id: 13,
      callback_query: {
        id: "cq",
        from,
        chat_instance: "x",
        data: "t1",
        message: { message_id: 77, date: 0, chat: { id: -100, type: "supergroup", title: "G" } }
      }
    })
    assert.deepInclude(press, { _tag: "Button", data: "t1", messageId: "77", updateId: "13" })
    assert.strictEqual(press?.ref.isGroup, true)
    assert.strictEqual(press?.ref.chatId, "-100")
    assert.isUndefined(
      decode(bot, { update_id: 14, edited_message: { message_id: 1, date: 0, chat, from, text: "x" } } as never)
    )
  })
})
