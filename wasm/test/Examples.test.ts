// Example-based tests that pin exact outputs, run against both backends (a bug present in both still fails).
import { assert, describe, it } from "@effect/vitest"
import { AVATAR_PALETTE, NO_DAY } from "../src/index.js"
import type { ChatMessage, PhoneError, Procurement, ProcurementStatus } from "../src/index.js"
import { backends } from "./Fixtures.js"

const NOW = Date.UTC(2026, 0, 15, 9, 0, 0)
const DAY = 86_400_000
const MAX = Number.MAX_SAFE_INTEGER

let seq = 0
const procurement = (over: Partial<Procurement>): Procurement => ({
  id: `p${seq++}`,
  title: "Мёд алтайский",
  description: "",
  city: "Москва",
  category: "Продукты",
  status: "ACTIVE",
  targetAmount: 1_000_000,
  collectedAmount: 250_000,
  participantCount: 3,
  deadline: NOW + 10 * DAY,
  createdAt: NOW - DAY,
  ...over
})

const message = (over: Partial<ChatMessage>): ChatMessage => ({
  id: `m${seq++}`,
  author: "Анна Петрова",
  text: "Привет",
  createdAt: NOW,
  ...over
})

const link = (url: string) => `<a href="${url}" rel="noopener noreferrer nofollow" target="_blank">${url}</a>`

for (const [name, k] of await backends()) {
  describe(`${name} backend`, () => {
    it("batchProcessProcurements: progress, remaining, days left, formatted amounts", () => {
      const items = [
        procurement({ targetAmount: 1_000_000, collectedAmount: 250_000, deadline: NOW + 1 }),
        procurement({ targetAmount: 3, collectedAmount: 1, deadline: NOW + DAY }),
        procurement({ targetAmount: 100, collectedAmount: 150, deadline: NOW + DAY + 1 }),
        procurement({ targetAmount: 0, collectedAmount: 5, deadline: NOW }),
        procurement({ targetAmount: MAX, collectedAmount: NaN, deadline: NOW - 5 * DAY }),
        procurement({ targetAmount: 1e300, collectedAmount: -7, deadline: NaN }),
        procurement({ targetAmount: 12_345.9, collectedAmount: Infinity, deadline: 8.64e15 + 1 })
      ]
      const r = k.batchProcessProcurements(items, NOW)
      assert.deepStrictEqual(Array.from(r.progressPercent), [25, 33.3, 150, 0, 0, 0, 72962326891381])
      assert.deepStrictEqual(Array.from(r.remainingAmount), [750_000, 2, 0, 0, MAX, MAX, 0])
      assert.deepStrictEqual(Array.from(r.daysLeft), [1, 1, 2, 0, 0, -1, -1])
      assert.deepStrictEqual(r.formattedTarget, [
        "10\u00a0000,00\u00a0₽",
        "0,03\u00a0₽",
        "1,00\u00a0₽",
        "0,00\u00a0₽",
        "90\u00a0071\u00a0992\u00a0547\u00a0409,91\u00a0₽",
        "90\u00a0071\u00a0992\u00a0547\u00a0409,91\u00a0₽",
        "123,45\u00a0₽"
      ])
      assert.deepStrictEqual(r.formattedCollected.slice(0, 3), ["2\u00a0500,00\u00a0₽", "0,01\u00a0₽", "1,50\u00a0₽"])
      assert.deepStrictEqual(r.formattedRemaining.slice(0, 2), ["7\u00a0500,00\u00a0₽", "0,02\u00a0₽"])
      assert.throws(() => k.batchProcessProcurements(items, NaN), /now/)
      assert.deepStrictEqual(k.batchProcessProcurements([], NOW).formattedTarget, [])
    })

    it("formatCurrency: Russian format, clamping of numbers, exact bigints", () => {
      const cases: Array<[number | bigint, string]> = [
        [0, "0,00"],
        [5, "0,05"],
        [99, "0,99"],
        [100_000, "1\u00a0000,00"],
        [123_456_789, "1\u00a0234\u00a0567,89"],
        [-100, "-1,00"],
        [-0.4, "0,00"],
        [NaN, "0,00"],
        [-Infinity, "-90\u00a0071\u00a0992\u00a0547\u00a0409,91"],
        [2n ** 70n, "11\u00a0805\u00a0916\u00a0207\u00a0174\u00a0113\u00a0034,24"],
        [-12345n, "-123,45"]
      ]
      for (const [v, s] of cases) assert.strictEqual(k.formatCurrency(v), s + "\u00a0₽", String(v))
    })

    it("sortProcurements: multi-key, stable, invalid values last, lifecycle order, folded text", () => {
      const items = [
        procurement({ id: "a", title: "ёлка", status: "COMPLETED", deadline: NOW + 2 * DAY, targetAmount: 5 }),
        procurement({ id: "b", title: "Елка", status: "DRAFT", deadline: NaN, targetAmount: 5 }),
        procurement({ id: "c", title: "арбуз", status: "bogus" as ProcurementStatus, deadline: NOW, targetAmount: 7 }),
        procurement({ id: "d", title: "Zebra", status: "ACTIVE", deadline: NOW + 2 * DAY, targetAmount: 1 }),
        procurement({ id: "e", title: "apple", status: "CANCELLED", deadline: Infinity, targetAmount: 5 })
      ]
      const ids = (keys: Parameters<typeof k.sortProcurements>[1]) => k.sortProcurements(items, keys).map((p) => p.id)
      assert.deepStrictEqual(ids([{ field: "deadline" }]), ["c", "a", "d", "b", "e"])
      assert.deepStrictEqual(ids([{ field: "deadline", direction: "desc" }]), ["a", "d", "c", "b", "e"])
      assert.deepStrictEqual(ids([{ field: "targetAmount", direction: "desc" }, { field: "title" }]), [
        "c",
        "e",
        "a",
        "b",
        "d"
      ])
      assert.deepStrictEqual(ids([{ field: "status" }]), ["b", "d", "a", "e", "c"])
      assert.deepStrictEqual(ids([{ field: "title" }]), ["e", "d", "c", "a", "b"])
      assert.deepStrictEqual(ids([]), ["a", "b", "c", "d", "e"])
      assert.throws(() => k.sortProcurements(items, [{ field: "nope" as "title" }]), /unknown field/)
    })

    it("sortProcurements: code point order puts astral characters after U+E000-U+FFFF", () => {
      const items = [procurement({ id: "emoji", title: "😀" }), procurement({ id: "private", title: "\ue000" })]
      assert.deepStrictEqual(
        k.sortProcurements(items, [{ field: "title" }]).map((p) => p.id),
        ["private", "emoji"]
      )
    })

    it("aggregateProcurementStats: statuses, exact bigint totals, overdue, cities grouped by folded name", () => {
      const items = [
        procurement({ city: " Москва", status: "ACTIVE", targetAmount: MAX, collectedAmount: MAX, deadline: NOW }),
        procurement({ city: "МОСКВА ", status: "ACTIVE", targetAmount: MAX, collectedAmount: 1, deadline: NOW + 1 }),
        procurement({ city: "Орёл", status: "DRAFT", targetAmount: 100, collectedAmount: 0 }),
        procurement({ city: "орел", status: "weird" as ProcurementStatus, targetAmount: -5, collectedAmount: NaN }),
        procurement({ city: "Казань", status: "COMPLETED", targetAmount: 1, collectedAmount: 1 })
      ]
      const s = k.aggregateProcurementStats(items, NOW)
      assert.strictEqual(s.total, 5)
      assert.deepStrictEqual(s.byStatus, { DRAFT: 1, ACTIVE: 2, STOPPED: 0, PAYMENT: 0, COMPLETED: 1, CANCELLED: 0 })
      assert.strictEqual(s.unknownStatus, 1)
      assert.strictEqual(s.overdueActive, 1)
      assert.strictEqual(s.totalTarget, 2n * BigInt(MAX) + 101n)
      assert.strictEqual(s.totalCollected, BigInt(MAX) + 2n)
      assert.deepStrictEqual(s.cities, [
        { city: "Москва", count: 2, active: 2, totalTarget: 2n * BigInt(MAX), totalCollected: BigInt(MAX) + 1n },
        { city: "Орёл", count: 2, active: 0, totalTarget: 100n, totalCollected: 0n },
        { city: "Казань", count: 1, active: 0, totalTarget: 1n, totalCollected: 1n }
      ])
      assert.deepStrictEqual(k.aggregateProcurementStats([], NOW).cities, [])
    })

    it("searchProcurements: weighted relevance, AND semantics, fuzzy, folding, limit", () => {
      const items = [
        procurement({ title: "Мёд алтайский", city: "Барнаул", category: "Продукты", description: "" }),
        procurement({ title: "Медовик", city: "Москва", category: "Выпечка", description: "с мёдом" }),
        procurement({ title: "Молоко", city: "Тула", category: "Продукты", description: "фермерское" }),
        procurement({ title: "Сыр", city: "Москва", category: "Медицина", description: "" })
      ]
      // "мед": whole word in 0's title (10 x 4); prefix of 1's title (7 x 4) and description (7 x 1);
      // prefix of 3's category (7 x 3).
      assert.deepStrictEqual(k.searchProcurements(items, "МЕД"), [
        { index: 0, score: 40 },
        { index: 1, score: 35 },
        { index: 3, score: 21 }
      ])
      assert.deepStrictEqual(k.searchProcurements(items, "мед москва"), [
        { index: 1, score: 55 },
        { index: 3, score: 41 }
      ])
      // One substitution away from "молоко" (4+ code points): fuzzy, 2 x title weight.
      assert.deepStrictEqual(k.searchProcurements(items, "малоко"), [{ index: 2, score: 8 }])
      // Substring inside words: title (4 x 4) and description (4 x 1).
      assert.deepStrictEqual(k.searchProcurements(items, "ЕДО"), [{ index: 1, score: 20 }])
      assert.deepStrictEqual(k.searchProcurements(items, "мед", { limit: 1 }), [{ index: 0, score: 40 }])
      assert.deepStrictEqual(
        k.searchProcurements(items, " ,. "),
        items.map((_, index) => ({ index, score: 0 }))
      )
      assert.throws(() => k.searchProcurements(items, "x", { limit: -1 }), /limit/)
    })

    it("batchProcessMessages: escaped html, local dates, day breaks, initials, colours", () => {
      const r = k.batchProcessMessages(
        [
          message({ text: "<b>Hi</b> & bye", createdAt: Date.UTC(2026, 0, 15, 20, 59) }),
          message({ text: "см. https://example.ru/a?b=1&c=2.", createdAt: Date.UTC(2026, 0, 15, 21, 0) }),
          message({ author: "", text: "", createdAt: NaN }),
          message({ author: "пётр ёлкин", createdAt: Date.UTC(2026, 0, 15, 22, 0) }),
          message({ author: "👩‍🍳 Катя", createdAt: Date.UTC(-1, 11, 31, 23, 59, 59, 999) - 3 * 3600_000 })
        ],
        { tzOffsetMinutes: 180 }
      )
      assert.deepStrictEqual(r.html, [
        "&lt;b&gt;Hi&lt;/b&gt; &amp; bye",
        `см. ${link("https://example.ru/a?b=1&amp;c=2")}.`,
        "",
        "Привет",
        "Привет"
      ])
      assert.deepStrictEqual(r.date, ["15.01.2026", "16.01.2026", "", "16.01.2026", "31.12.-0001"])
      assert.deepStrictEqual(r.time, ["23:59", "00:00", "", "01:00", "23:59"])
      assert.deepStrictEqual(r.initials, ["АП", "АП", "", "ПЁ", "👩К"])
      assert.deepStrictEqual(Array.from(r.newDay), [1, 1, 0, 0, 1])
      const day = Math.floor((Date.UTC(2026, 0, 15, 20, 59) + 3 * 3600_000) / 86_400_000)
      assert.deepStrictEqual(Array.from(r.dayKey).slice(0, 4), [day, day + 1, NO_DAY, day + 1])
      assert.strictEqual(r.avatarColor[0], k.getAvatarColor("Анна Петрова"))
      assert.throws(() => k.batchProcessMessages([], { tzOffsetMinutes: 30.5 }), /tzOffsetMinutes/)
    })

    it("searchMessages: every token in text or author, folded", () => {
      const messages = [
        message({ author: "Ёлкин", text: "Когда СТОП?" }),
        message({ author: "Анна", text: "стоп будет в пятницу" }),
        message({ author: "Олег", text: "спасибо" })
      ]
      assert.deepStrictEqual(k.searchMessages(messages, "стоп"), [0, 1])
      assert.deepStrictEqual(k.searchMessages(messages, "елкин стоп"), [0])
      assert.deepStrictEqual(k.searchMessages(messages, "пятниц анна"), [1])
      assert.deepStrictEqual(k.searchMessages(messages, ""), [0, 1, 2])
      assert.deepStrictEqual(k.searchMessages(messages, "нет такого"), [])
    })

    it("formatMessageText: escapes everything, links only http(s)", () => {
      const cases: Array<[string, string]> = [
        [`<script>alert("x")</script> & 'q'`, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"],
        ["go https://a.ru/x?(a)&b=1).", `go ${link("https://a.ru/x?(a)&amp;b=1")}).`],
        ["(see http://wiki.org/A_(b))", `(see ${link("http://wiki.org/A_(b)")})`],
        ["HTTPS://EXAMPLE.COM/Path", link("HTTPS://EXAMPLE.COM/Path")],
        ['x"https://a.ru"', `x&quot;${link("https://a.ru")}&quot;`],
        ["<https://a.ru>", `&lt;${link("https://a.ru")}&gt;`],
        [
          "javascript:alert(1) data:text/html,<b> vbscript:x",
          "javascript:alert(1) data:text/html,&lt;b&gt; vbscript:x"
        ],
        ["xhttps://a.ru https:// http://-a.ru ftp://a.ru", "xhttps://a.ru https:// http://-a.ru ftp://a.ru"],
        ["пример:https://пример.рф", "пример:https://пример.рф"],
        ["ссылка:https://a.ru/путь", `ссылка:${link("https://a.ru/")}путь`],
        ["https://a.ru/?q=`x`", `${link("https://a.ru/?q=")}\`x\``],
        ["\ufeffhttp://a.b 👍", `\ufeff${link("http://a.b")} 👍`],
        ["", ""]
      ]
      for (const [input, output] of cases) assert.strictEqual(k.formatMessageText(input), output, input)
    })

    it("validateProcurementForm: every field, ru and en messages", () => {
      const ok = {
        title: "Мёд алтайский",
        city: "Барнаул",
        category: "Продукты",
        targetAmount: 1_000_000,
        deadline: NOW + DAY
      }
      assert.deepStrictEqual(k.validateProcurementForm(ok, { now: NOW }), { valid: true, errors: [] })
      const bad = {
        title: "  ",
        description: "д".repeat(5001),
        city: "",
        category: "к".repeat(61),
        targetAmount: 10.5,
        deadline: NOW,
        contactPhone: "12345",
        contactEmail: "not-an-email"
      }
      assert.deepStrictEqual(
        k.validateProcurementForm(bad, { now: NOW, locale: "ru" }).errors.map((e) => [e.field, e.code, e.message]),
        [
          ["title", "required", "Название обязательно"],
          ["description", "tooLong", "Описание должно быть не длиннее 5000 символов"],
          ["city", "required", "Город обязателен"],
          ["category", "tooLong", "Категория должна быть не длиннее 60 символов"],
          ["targetAmount", "invalid", "Сумма должна быть целым числом копеек"],
          ["deadline", "notFuture", "Дедлайн должен быть в будущем"],
          ["contactPhone", "invalid", "Телефон должен быть в формате +7 999 123-45-67"],
          ["contactEmail", "invalid", "Некорректный адрес электронной почты"]
        ]
      )
      assert.deepStrictEqual(
        k
          .validateProcurementForm(bad, { now: NOW, locale: "en" })
          .errors.map((e) => e.message)
          .slice(0, 1),
        ["Title is required"]
      )
      const en = (form: object) =>
        k.validateProcurementForm({ ...ok, ...form }, { now: NOW, locale: "en" }).errors.map((e) => e.message)
      assert.deepStrictEqual(en({ deadline: NOW - 1 }), ["The deadline must be in the future"])
      assert.deepStrictEqual(en({ deadline: NOW + 366 * DAY }), ["The deadline must be within 365 days"])
      assert.deepStrictEqual(en({ deadline: NaN }), ["Enter a valid deadline date"])
      assert.deepStrictEqual(en({ title: "ab" }), ["Title must be at least 3 characters"])
      assert.deepStrictEqual(en({ title: "😀😀😀" }), [])
      assert.deepStrictEqual(en({ title: "x".repeat(121) }), ["Title must be at most 120 characters"])
      assert.deepStrictEqual(en({ targetAmount: 0 }), ["The amount must be greater than zero"])
      assert.deepStrictEqual(en({ targetAmount: MAX + 1 }), ["The amount is too large"])
      assert.deepStrictEqual(en({ targetAmount: "100" }), ["The amount must be a whole number of kopecks"])
      assert.deepStrictEqual(en({ contactPhone: " 8 999 123 45 67 ", contactEmail: "a@b.ru" }), [])
      assert.throws(() => k.validateProcurementForm(ok, { now: NOW, locale: "de" as "en" }), /locale/)
    })

    it("validatePhone: Russian numbers normalised to +7XXXXXXXXXX", () => {
      for (const input of [
        "+7 999 123-45-67",
        "8 (999) 123-45-67",
        "89991234567",
        " +7(999)1234567\u00a0",
        "+7-999-123-45-67"
      ]) {
        assert.deepStrictEqual(k.validatePhone(input), { valid: true, normalized: "+79991234567" }, input)
      }
      const errors: Array<[string, PhoneError]> = [
        ["", "empty"],
        [" \t", "empty"],
        ["+7 999 123-45-6", "wrongLength"],
        ["+7 999 123-45-678", "wrongLength"],
        ["+8 999 123 45 67", "wrongCountry"],
        ["7 999 123 45 67", "wrongCountry"],
        ["+7 999 123-45-67 доб. 5", "invalidCharacters"],
        ["+7 999 123+45-67", "invalidCharacters"],
        ["+7 ９99 123 45 67", "invalidCharacters"]
      ]
      for (const [input, error] of errors)
        assert.deepStrictEqual(k.validatePhone(input), { valid: false, error }, input)
    })

    it("validateEmail: pragmatic ASCII addresses, domain lower-cased", () => {
      assert.deepStrictEqual(k.validateEmail(" Ivan.Petrov+zakupki@Mail.RU "), {
        valid: true,
        normalized: "Ivan.Petrov+zakupki@mail.ru"
      })
      assert.deepStrictEqual(k.validateEmail("o'brien@sub-domain.example.co"), {
        valid: true,
        normalized: "o'brien@sub-domain.example.co"
      })
      assert.deepStrictEqual(k.validateEmail("   "), { valid: false, error: "empty" })
      for (const bad of [
        "a@b",
        "@b.ru",
        "a@",
        "a..b@c.ru",
        ".a@b.ru",
        "a.@b.ru",
        "a@-b.ru",
        "a@b-.ru",
        "a@b.r",
        "a@b.r1"
      ]) {
        assert.deepStrictEqual(k.validateEmail(bad), { valid: false, error: "invalid" }, bad)
      }
      for (const bad of ["a@b@c.ru", "иван@почта.рф", "a b@c.ru", `${"a".repeat(65)}@b.ru`, "a@b..ru"]) {
        assert.deepStrictEqual(k.validateEmail(bad), { valid: false, error: "invalid" }, bad)
      }
    })

    it("getInitials and getAvatarColor: stable, case-insensitive colours", () => {
      assert.strictEqual(k.getInitials("Анна Петрова"), "АП")
      assert.strictEqual(k.getInitials("анна-мария петрова-водкина"), "АВ")
      assert.strictEqual(k.getInitials("  ivan  "), "I")
      assert.strictEqual(k.getInitials("ёжик"), "Ё")
      assert.strictEqual(k.getInitials("😀 smile"), "😀S")
      assert.strictEqual(k.getInitials(" - "), "")
      assert.strictEqual(k.getAvatarColor("Анна Петрова"), k.getAvatarColor(" анна ПЕТРОВА "))
      assert.strictEqual(k.getAvatarColor("Ёлкин"), k.getAvatarColor("елкин"))
      assert.deepStrictEqual(
        ["Анна Петрова", "Ivan", "", "😀"].map((n) => k.getAvatarColor(n)),
        ["#F4511E", "#D81B60", "#D81B60", "#8E24AA"]
      )
      for (const n of ["a", "b", "c", "d", "e", "f"]) assert.include(AVATAR_PALETTE, k.getAvatarColor(n))
    })
  })
}
