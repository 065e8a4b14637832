import { assert, describe, it } from "@effect/vitest"
import type { Reply } from "@groupbuy/router"
import { decode, vkDeepLink } from "../../src/vk/VkDecode.js"
import { encodeAll } from "../../src/vk/VkEncode.js"
import { cabinetReply, LOGIN_URL } from "../shared/CabinetReply.js"

describe("VK encode", () => {
  it("sends plain text with an inline keyboard of callback and link buttons", () => {
    const reply: Reply = {
      _tag: "Text",
      text: [
        { text: "Цена " },
        { text: "<100>", bold: true },
        { text: " " },
        { text: "сайт", href: "https://x.example" }
      ],
      keyboard: {
        rows: [
          [
            { _tag: "Action", label: "Закупки", data: "t0" },
            { _tag: "Url", label: "Сайт", url: "https://x.example" }
          ]
        ]
      }
    }
    const { ops, answer } = encodeAll([reply], { peerId: 5 })
    assert.isUndefined(answer)
    assert.deepStrictEqual(ops, [
      {
        _tag: "Send",
        params: {
          peer_id: 5,
          message: "Цена <100> сайт (https://x.example/)",
          keyboard: JSON.stringify({
            inline: true,
            buttons: [
              [
                { action: { type: "callback", label: "Закупки", payload: '{"d":"t0"}' }, color: "secondary" },
                { action: { type: "open_link", label: "Сайт", link: "https://x.example" } }
              ]
            ]
          }),
          disable_mentions: 1
        }
      }
    ])
  })

  it("draws a Mini App button as a link button to its fallback (the login-code link)", () => {
    const { ops } = encodeAll([cabinetReply()], { peerId: 5 })
    assert.deepStrictEqual(JSON.parse(String(ops[0]!.params.keyboard)), {
      inline: true,
      buttons: [[{ action: { type: "open_link", label: "Кабинет", link: LOGIN_URL } }]]
    })
  })

  it("edits the pressed message by conversation message id, uploads photos, answers with a snackbar", () => {
    const replies: ReadonlyArray<Reply> = [
      { _tag: "Edit", text: [{ text: "Стр. 2" }] },
      { _tag: "Image", url: "https://img.example/a.jpg", caption: [{ text: "Сахар" }] },
      { _tag: "Toast", text: "Готово" },
      { _tag: "Toast", text: "x".repeat(91) }
    ]
    const { ops, answer } = encodeAll(replies, {
      peerId: 2000000001,
      messageId: "12",
      event: { eventId: "ev", userId: 7 }
    })
    assert.deepStrictEqual(ops[0], {
      _tag: "Edit",
      params: { peer_id: 2000000001, conversation_message_id: 12, message: "Стр. 2", keep_forward_messages: 1 },
      fallback: { peer_id: 2000000001, message: "Стр. 2", disable_mentions: 1 }
    })
    assert.deepStrictEqual(ops[1], {
      _tag: "SendPhoto",
      url: "https://img.example/a.jpg",
      params: { peer_id: 2000000001, message: "Сахар", disable_mentions: 1 }
    })
    assert.strictEqual(ops[2]!._tag, "Send", "a toast too long for a snackbar becomes a message")
    assert.deepStrictEqual(answer, {
      event_id: "ev",
      user_id: 7,
      peer_id: 2000000001,
      event_data: JSON.stringify({ type: "show_snackbar", text: "Готово" })
    })
  })
})

describe("VK decode", () => {
  const bot = { id: "vk-main", groupId: 42 }
  const message = (extra: Record<string, unknown>) => ({
    message: {
      date: 0,
      from_id: 7,
      id: 100,
      out: 0,
      peer_id: 7,
      text: "",
      conversation_message_id: 3,
      attachments: [],
      ...extra
    },
    client_info: { button_actions: ["text", "callback"], keyboard: true, inline_keyboard: true, lang_id: 3 }
  })

  it("decodes text, commands, the start button, deep links and photos with stable update ids", () => {
    const text = decode(bot, "message_new", message({ text: "привет &lt;3 &amp; &quot;ok&quot;" }))
    assert.deepInclude(text, { _tag: "Text", text: 'привет <3 & "ok"', updateId: "m100" })
    assert.strictEqual(text?.ref.locale, "en")
    assert.strictEqual(text?.ref.platform, "vk")
    assert.deepInclude(decode(bot, "message_new", message({ text: "/start proc_1" })), {
      _tag: "Command",
      command: "start",
      args: "proc_1"
    })
    assert.deepInclude(decode(bot, "message_new", message({ text: "Начать", payload: '{"command":"start"}' })), {
      _tag: "Command",
      command: "start",
      args: ""
    })
    assert.deepInclude(decode(bot, "message_new", message({ text: "hi", ref: "proc_9" })), {
      _tag: "Command",
      command: "start",
      args: "proc_9"
    })
    const photo = decode(
      bot,
      "message_new",
      message({
        attachments: [
          {
            type: "photo",
            photo: {
              sizes: [
                { url: "https://s", width: 10, height: 10 },
                { url: "https://big", width: 900, height: 900 }
              ]
            }
          }
        ]
      })
    )
    assert.deepInclude(photo, { _tag: "Media", kind: "photo", url: "https://big" })
    assert.isUndefined(decode(bot, "message_new", message({ text: "x", out: 1 })))
    assert.isUndefined(decode(bot, "group_join", { user_id: 1 }))
    assert.strictEqual(vkDeepLink("groupbuy", "proc_1"), "https://vk.me/groupbuy?ref=proc_1")
  })

  it("handles group chats: the community mention is stripped, ids use the conversation message id", () => {
    const update = decode(
      bot,
      "message_new",
      message({ id: 0, peer_id: 2000000005, text: "[club42|@groupbuy] /procurements", conversation_message_id: 77 })
    )
    assert.deepInclude(update, { _tag: "Command", command: "procurements", updateId: "c2000000005:77" })
    assert.strictEqual(update?.ref.isGroup, true)
    assert.strictEqual(update?.ref.chatId, "2000000005")
    assert.strictEqual(update?.ref.userId, "7")
  })

  it("decodes callback button presses carrying our payload, ignores foreign payloads", () => {
    const press = decode(bot, "message_event", {
      user_id: 7,
      peer_id: 7,
      event_id: "abc",
      payload: { d: "t5" },
      conversation_message_id: 9
    })
    assert.deepInclude(press, { _tag: "Button", data: "t5", messageId: "9", updateId: "eabc" })
    assert.isUndefined(decode(bot, "message_event", { user_id: 7, peer_id: 7, event_id: "x", payload: { other: 1 } }))
  })
})
