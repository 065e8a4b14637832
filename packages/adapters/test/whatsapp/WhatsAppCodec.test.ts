import { assert, describe, it } from "@effect/vitest"
import type { WAMessage } from "@whiskeysockets/baileys"
import { whatsappCapabilities as capabilities } from "../../src/whatsapp/WhatsAppCapabilities.js"
import { decode } from "../../src/whatsapp/WhatsAppDecode.js"
import { encode, renderText } from "../../src/whatsapp/WhatsAppEncode.js"
import { imageFrom, textFrom } from "../fakes/whatsapp/FakeWhatsApp.js"
import { cabinetReply, LOGIN_URL } from "../shared/CabinetReply.js"

describe("WhatsAppCodec", () => {
  it("declares no buttons, so the router sends numbered menus", () => {
    assert.isFalse(capabilities.buttons)
    assert.isFalse(capabilities.urlButtons)
    assert.isFalse(capabilities.edits)
    assert.isTrue(capabilities.media)
  })

  it("a text from a phone number: the phone digits are the user id, the PN JID the chat", () => {
    const update = decode("wa-main", textFrom("79991234567", "2", { pushName: "Анна" }))!
    assert.strictEqual(update._tag, "Text")
    assert.deepStrictEqual(
      [update.ref.bot, update.ref.platform, update.ref.userId, update.ref.chatId, update.ref.displayName],
      ["wa-main", "whatsapp", "79991234567", "79991234567@s.whatsapp.net", "Анна"]
    )
  })

  it("a message addressed by LID maps to the phone-number JID baileys gives alongside", () => {
    const update = decode("b", textFrom("79990000001", "hi", { lid: "123456789012345" }))!
    assert.strictEqual(update.ref.userId, "79990000001")
    assert.strictEqual(update.ref.chatId, "79990000001@s.whatsapp.net")
    const lidOnly: WAMessage = {
      key: { remoteJid: "123456789012345@lid", fromMe: false, id: "x1" },
      message: { conversation: "hi" }
    }
    const onlyLid = decode("b", lidOnly)!
    assert.strictEqual(onlyLid.ref.userId, "lid:123456789012345")
    assert.strictEqual(onlyLid.ref.chatId, "123456789012345@lid")
  })

  it("device suffixes are dropped from the identity", () => {
    const message: WAMessage = {
      key: { remoteJid: "79991234567:12@s.whatsapp.net", fromMe: false, id: "d1" },
      message: { extendedTextMessage: { text: "hello" } }
    }
    const update = decode("b", message)!
    assert.isTrue(update._tag === "Text" && update.text === "hello")
    assert.strictEqual(update.ref.chatId, "79991234567@s.whatsapp.net")
  })

  it("commands, and what the bot ignores: its own messages, groups, status, empty", () => {
    const command = decode("b", textFrom("7999", "/start proc_12"))!
    assert.isTrue(command._tag === "Command" && command.command === "start" && command.args === "proc_12")
    const own = textFrom("7999", "me")
    assert.isUndefined(decode("b", { ...own, key: { ...own.key, fromMe: true } }))
    assert.isUndefined(decode("b", { ...own, key: { ...own.key, remoteJid: "120363@g.us" } }))
    assert.isUndefined(decode("b", { ...own, key: { ...own.key, remoteJid: "status@broadcast" } }))
    assert.isUndefined(decode("b", { ...own, message: { conversation: "  " } }))
    assert.isUndefined(decode("b", { key: own.key, message: null }))
  })

  it("an image with a caption becomes a photo with a media id the adapter can fetch", () => {
    const message = imageFrom("7999", "Образец товара")
    const update = decode("b", message)!
    assert.isTrue(update._tag === "Media" && update.kind === "photo")
    if (update._tag !== "Media") return
    assert.strictEqual(update.caption, "Образец товара")
    assert.strictEqual(update.url, `wa-media:${message.key.id}`)
  })

  it("a shared contact: the vCard's WhatsApp number, own when it is the sender's", () => {
    const vcard = (waid: string) =>
      `BEGIN:VCARD\nVERSION:3.0\nFN:Anna\nTEL;type=CELL;waid=${waid}:+7 999 123-45-67\nEND:VCARD`
    const message = (waid: string): WAMessage => ({
      key: { remoteJid: "79991234567@s.whatsapp.net", fromMe: false, id: `c${waid}` },
      message: { contactMessage: { displayName: "Anna", vcard: vcard(waid) } }
    })
    const own = decode("b", message("79991234567"))!
    assert.deepStrictEqual(own._tag === "Contact" ? [own.phone, own.own, own.firstName] : [], [
      "+79991234567",
      true,
      "Anna"
    ])
    const other = decode("b", message("79990000000"))!
    assert.isTrue(other._tag === "Contact" && !other.own)
  })

  it("renders WhatsApp markup, links only when http(s), URL buttons written out", () => {
    assert.strictEqual(
      renderText([
        { text: "Итого: " },
        { text: " 1 500 ₽ ", bold: true },
        { text: "код", code: true },
        { text: " сайт", href: "https://example.com/p" },
        { text: " x", href: "javascript:alert(1)" }
      ]),
      "Итого:  *1 500 ₽* ```код``` сайт (https://example.com/p) x"
    )
    assert.deepStrictEqual(
      encode({
        _tag: "Text",
        text: [{ text: "Оплата" }],
        keyboard: { rows: [[{ _tag: "Url", label: "Оплатить", url: "https://pay.example/1" }]] }
      }),
      [{ text: "Оплата\nОплатить: https://pay.example/1" }]
    )
    // WhatsApp opens no Mini Apps: the fallback link is written out
    assert.deepStrictEqual(encode(cabinetReply()), [{ text: `Вход\nКабинет: ${LOGIN_URL}` }])
  })

  it("images go out with captions; a non-http image URL is never handed to baileys", () => {
    assert.deepStrictEqual(encode({ _tag: "Image", url: "https://cdn.example/a.jpg", caption: [{ text: "Фото" }] }), [
      { image: { url: "https://cdn.example/a.jpg" }, caption: "Фото" }
    ])
    assert.deepStrictEqual(encode({ _tag: "Image", url: "/etc/passwd", caption: [{ text: "Фото" }] }), [
      { text: "Фото" }
    ])
    assert.deepStrictEqual(encode({ _tag: "Toast", text: "Готово" }), [{ text: "Готово" }])
  })
})
