import { assert, describe, it } from "@effect/vitest"
import { type CreateProcurementOutput, createProcurementMachine } from "../../src/flows/createProcurement.js"
import type { FlowEvent } from "../../src/flows/Protocol.js"
import { actionsOf, MachineDriver, ev, NOW } from "./Driver.js"
import { checkTurn } from "./Invariants.js"

const checkOutput = (output: unknown) => {
  const o = output as CreateProcurementOutput
  assert.isTrue(o.procurementId.length > 0 && o.status.length > 0)
}

const start = (language: "ru" | "en" = "ru") => {
  const c = new MachineDriver(createProcurementMachine, { language })
  checkTurn(c.last, undefined, checkOutput, "start")
  const send = (event: FlowEvent) => {
    const turn = c.send(event)
    checkTurn(turn, event, checkOutput, JSON.stringify(event))
    return turn
  }
  return { c, send }
}

const FOOD = "11111111-1111-4111-8111-111111111111"
const HONEY = "22222222-2222-4222-8222-222222222222"
const VEG = "33333333-3333-4333-8333-333333333333"
const roots = [
  { id: FOOD, name: "Продукты", icon: "🍎", hasChildren: true },
  { id: VEG, name: "Хозтовары", icon: null, hasChildren: false }
]
const foodChildren = [{ id: HONEY, name: "Мёд", icon: "🍯", hasChildren: false }]

/** Title and description, then the category step has asked for the root categories. */
const toCategories = (language: "ru" | "en" = "ru") => {
  const s = start(language)
  s.send(ev.text("Мёд алтайский"))
  s.send(ev.text("Свежий мёд с пасеки.\nВыдача в субботу."))
  assert.deepStrictEqual(s.c.last.requests, [{ _tag: "LoadCategories", parentId: null }])
  return s
}

describe("createProcurement", () => {
  it("happy path: drill into a category, typed amounts, quick deadline, photo, publish", () => {
    const { c, send } = toCategories()
    assert.strictEqual(c.last.replies.length, 0)
    send(ev.done("LoadCategories", roots))
    assert.deepStrictEqual(actionsOf(c.last.replies[0]), [
      `cat:${FOOD}`,
      `cat:${VEG}`,
      "cat:none",
      "flow:back",
      "flow:cancel"
    ])
    assert.include(c.text, "Выберите категорию")
    send(ev.action(`cat:${FOOD}`))
    assert.deepStrictEqual(c.last.requests, [{ _tag: "LoadCategories", parentId: FOOD }])
    send(ev.done("LoadCategories", foodChildren))
    assert.include(c.text, "Продукты")
    assert.deepStrictEqual(actionsOf(c.last.replies[0]), [
      `cat:${HONEY}`,
      "cat:this",
      "cat:none",
      "flow:back",
      "flow:cancel"
    ])
    send(ev.action(`cat:${HONEY}`))
    assert.deepStrictEqual(c.last.value, "unit")
    assert.deepStrictEqual(actionsOf(c.last.replies[0]).slice(0, 4), ["unit:кг", "unit:шт", "unit:л", "unit:уп"])
    send(ev.action("unit:кг"))
    assert.include(c.text, "Цена за кг")
    send(ev.text("1 500,50"))
    assert.strictEqual(c.last.value, "minQuantity")
    send(ev.text("2"))
    send(ev.text("50 000"))
    assert.strictEqual(c.last.value, "stopAt")
    assert.include(c.text, "50\u202f000\u00a0₽")
    send(ev.text("100000"))
    assert.strictEqual(c.last.value, "deadline")
    assert.includeMembers([...actionsOf(c.last.replies[0])], ["dl:1w", "dl:2w", "dl:1m"])
    send(ev.action("dl:2w"))
    assert.strictEqual(c.last.value, "city")
    send(ev.text("Барнаул"))
    send(ev.text("ул. Ленина, 1"))
    send(ev.media("photo", "https://cdn.example/honey.jpg"))
    assert.strictEqual(c.last.value, "preview")
    for (const part of [
      "Мёд алтайский",
      "Свежий мёд с пасеки.",
      "Категория: Мёд",
      "1\u202f500,50\u00a0₽ за кг",
      "2 кг",
      "50\u202f000\u00a0₽",
      "100\u202f000\u00a0₽",
      "05.12.2026, 23:59 (МСК)",
      "Барнаул",
      "ул. Ленина, 1",
      "Фото: есть"
    ]) {
      assert.include(c.text, part)
    }
    assert.deepStrictEqual(actionsOf(c.last.replies[0]), ["publish", "draft", "flow:back", "flow:cancel"])
    send(ev.action("publish"))
    assert.deepStrictEqual(c.last.requests, [
      {
        _tag: "CreateProcurement",
        title: "Мёд алтайский",
        description: "Свежий мёд с пасеки.\nВыдача в субботу.",
        categoryId: HONEY,
        unit: "кг",
        pricePerUnit: "150050",
        targetAmount: "5000000",
        stopAtAmount: "10000000",
        minQuantity: 2,
        deadline: Date.UTC(2026, 11, 5, 20, 59, 59, 999),
        city: "Барнаул",
        deliveryAddress: "ул. Ленина, 1",
        imageUrl: "https://cdn.example/honey.jpg",
        publish: true
      }
    ])
    send(ev.done("CreateProcurement", { procurementId: "p-1", status: "ACTIVE" }))
    assert.strictEqual(c.last.status, "done")
    assert.deepStrictEqual(c.last.output, { procurementId: "p-1", status: "ACTIVE" })
    assert.include(c.text, "опубликована")
  })

  it("shortest path in English: no category, typed unit, every optional step skipped, saved as draft", () => {
    const { c, send } = toCategories("en")
    send(ev.done("LoadCategories", []))
    assert.include(c.text, "no categories yet")
    send(ev.action("cat:none"))
    send(ev.text("jar 0.5 l"))
    send(ev.text("249.90"))
    send(ev.action("skip"))
    send(ev.text("10000"))
    send(ev.action("skip"))
    send(ev.text("in 2 weeks"))
    send(ev.text("Moscow"))
    send(ev.action("skip"))
    send(ev.action("skip"))
    assert.include(c.text, "Photo: no")
    assert.include(c.text, "Category: not given")
    send(ev.action("draft"))
    const request = c.last.requests[0]
    assert.isTrue(request?._tag === "CreateProcurement")
    if (request?._tag === "CreateProcurement") {
      assert.strictEqual(request.publish, false)
      assert.strictEqual(request.categoryId, null)
      assert.strictEqual(request.unit, "jar 0.5 l")
      assert.strictEqual(request.pricePerUnit, "24990")
      assert.strictEqual(request.minQuantity, 1)
      assert.strictEqual(request.stopAtAmount, null)
      assert.strictEqual(request.deliveryAddress, null)
      assert.strictEqual(request.imageUrl, null)
    }
    send(ev.done("CreateProcurement", { procurementId: "p-2", status: "DRAFT" }))
    assert.include(c.text, "draft")
    assert.deepStrictEqual(c.last.output, { procurementId: "p-2", status: "DRAFT" })
  })

  it("category browsing: choose a non-leaf, type a name, go up a level, retry after a failure", () => {
    const { c, send } = toCategories()
    send(ev.failed("LoadCategories", "Unavailable", "Каталог недоступен."))
    assert.include(c.text, "Каталог недоступен.")
    assert.deepStrictEqual(actionsOf(c.last.replies[0]), ["retry", "cat:none", "flow:back", "flow:cancel"])
    send(ev.text("что-то"))
    assert.include(c.text, "Не понял ответ")
    send(ev.action("retry"))
    assert.deepStrictEqual(c.last.requests, [{ _tag: "LoadCategories", parentId: null }])
    send(ev.done("LoadCategories", [{ id: "bad" }]))
    assert.strictEqual(JSON.stringify(c.last.value), JSON.stringify({ category: "failed" }))
    send(ev.action("retry"))
    send(ev.done("LoadCategories", roots))
    send(ev.text("продукты"))
    assert.deepStrictEqual(c.last.requests, [{ _tag: "LoadCategories", parentId: FOOD }])
    // input before the answer arrives asks again (the answer may have been lost)
    send(ev.text("ау"))
    assert.deepStrictEqual(c.last.requests, [{ _tag: "LoadCategories", parentId: FOOD }])
    send(ev.done("LoadCategories", foodChildren))
    send(ev.back())
    assert.deepStrictEqual(c.last.requests, [{ _tag: "LoadCategories", parentId: null }])
    send(ev.done("LoadCategories", roots))
    send(ev.action(`cat:${FOOD}`))
    send(ev.done("LoadCategories", foodChildren))
    send(ev.action(`cat:${VEG}`))
    assert.include(c.text, "Не понял ответ")
    send(ev.action("cat:this"))
    assert.strictEqual(c.last.value, "unit")
    send(ev.back())
    assert.deepStrictEqual(c.last.requests, [{ _tag: "LoadCategories", parentId: FOOD }])
    send(ev.done("LoadCategories", foodChildren))
    send(ev.back())
    send(ev.done("LoadCategories", roots))
    send(ev.back())
    assert.strictEqual(c.last.value, "description")
  })

  it("when one minimal order is more than the target, the stop-at prompt and refusal name the minimal order", () => {
    const { c, send } = start("ru")
    send(ev.text("Мёд"))
    send(ev.text("Описание"))
    send(ev.done("LoadCategories", []))
    send(ev.action("cat:none"))
    send(ev.text("кг"))
    send(ev.text("1 000"))
    send(ev.text("30"))
    send(ev.text("20 000"))
    assert.strictEqual(c.last.value, "stopAt")
    assert.include(c.text, "Не меньше минимального заказа (30\u202f000\u00a0₽)")
    send(ev.text("25 000"))
    assert.include(c.text, "меньше минимального заказа: 30\u202f000\u00a0₽")
    assert.strictEqual(c.last.value, "stopAt")
    send(ev.text("30 000"))
    assert.notStrictEqual(c.last.value, "stopAt")
  })

  it("refuses bad values with the reason and keeps the step", () => {
    const { c, send } = start("ru")
    send(ev.text("Мё"))
    assert.include(c.text, "не меньше 3 символов")
    send(ev.text("x".repeat(201)))
    assert.include(c.text, "201 символов, можно не больше 200")
    send(ev.text("Мёд"))
    send(ev.text("   "))
    assert.include(c.text, "не может быть пустым")
    send(ev.text("Описание"))
    send(ev.done("LoadCategories", []))
    send(ev.action("cat:none"))
    send(ev.text("123"))
    assert.include(c.text, "должна содержать буквы")
    send(ev.text("кг"))
    send(ev.text("0"))
    assert.include(c.text, "больше нуля")
    send(ev.text("сто"))
    assert.include(c.text, "Не понял сумму")
    send(ev.text("100,555"))
    assert.strictEqual(c.last.value, "minQuantity")
    send(ev.back())
    send(ev.text("1,505"))
    assert.strictEqual(c.last.value, "minQuantity", "1,505 is 1505 rubles (thousands separator)")
    send(ev.text("2,5"))
    assert.include(c.text, "целым числом")
    send(ev.text("10"))
    send(ev.text("-1"))
    assert.include(c.text, "не может быть отрицательной")
    send(ev.text("20 000"))
    // below both bounds: the refusal names the larger one, the target (not the minimal order of 15 050 ₽)
    send(ev.text("10 000"))
    assert.include(c.text, "меньше цели сбора: 20\u202f000\u00a0₽")
    send(ev.text("19 999"))
    assert.include(c.text, "меньше цели сбора: 20\u202f000\u00a0₽")
    // core's limit (ProcurementRules.checkStopAt), which the API enforces too
    send(ev.text("10 000 000 001"))
    assert.include(c.text, "Слишком большая сумма")
    assert.strictEqual(c.last.value, "stopAt")
    send(ev.text("20 000"))
    assert.strictEqual(c.last.value, "deadline")
    send(ev.text("21.11.2026"))
    assert.include(c.text, "это сегодня")
    send(ev.text("20.11.2026"))
    assert.include(c.text, "Дата должна быть в будущем: 20.11.2026 уже прошла.")
    send(ev.text("сегодня"))
    assert.include(c.text, "это сегодня")
    send(ev.text("31.02.2027"))
    assert.include(c.text, "Такой даты нет: 31.02.2027")
    send(ev.media("photo", "https://x/y.jpg"))
    assert.include(c.text, "Не понял ответ")
    send(ev.text("завтра"))
    assert.strictEqual(c.last.value, "city")
    send(ev.text("М"))
    assert.include(c.text, "не меньше 2 символов")
    send(ev.text("Москва"))
    send(ev.text("ab"))
    assert.include(c.text, "не меньше 3 символов")
    send(ev.action("skip"))
    send(ev.media("file", "https://x/doc.pdf"))
    assert.include(c.text, "именно фотография")
    send(ev.text("вот"))
    assert.include(c.text, "Пришлите фото товара или нажмите")
    send(ev.action("skip"))
    send(ev.text("опубликуй"))
    assert.include(c.text, "Не понял ответ")
    send(ev.action("publish"))
    const request = c.last.requests[0]
    assert.isTrue(request?._tag === "CreateProcurement" && request.deadline === Date.UTC(2026, 10, 22, 20, 59, 59, 999))
  })

  it("a quick deadline button is judged against the event's clock", () => {
    const { c, send } = toCategories()
    for (const e of [
      ev.done("LoadCategories", []),
      ev.action("cat:none"),
      ev.action("unit:шт"),
      ev.text("100"),
      ev.action("skip"),
      ev.text("1000"),
      ev.action("skip")
    ]) {
      send(e)
    }
    const later = NOW + 40 * 86_400_000
    send(ev.action("dl:1m", later))
    const request = c.last.context["deadline"]
    assert.strictEqual(request, Date.UTC(2027, 0, 31, 20, 59, 59, 999))
  })

  it("Back walks every step back to the title; a failed create returns to the preview with the message", () => {
    const { c, send } = toCategories()
    for (const e of [
      ev.done("LoadCategories", []),
      ev.action("cat:none"),
      ev.action("unit:шт"),
      ev.text("100"),
      ev.action("skip"),
      ev.text("1000"),
      ev.action("skip"),
      ev.text("завтра"),
      ev.text("Тула"),
      ev.action("skip"),
      ev.action("skip"),
      ev.action("publish")
    ]) {
      send(e)
    }
    send(ev.text("готово?"))
    assert.include(c.text, "Секунду")
    send(ev.failed("CreateProcurement", "InvalidInput", "Срок сбора должен быть в будущем."))
    assert.strictEqual(c.last.value, "preview")
    assert.include(c.text, "Срок сбора должен быть в будущем.")
    send(ev.action("draft"))
    send(ev.done("CreateProcurement", { procurementId: 5 }))
    assert.strictEqual(c.last.value, "preview")
    assert.include(c.text, "Что-то пошло не так")
    const back = ["photo", "address", "city", "deadline", "stopAt", "target", "minQuantity", "price", "unit"]
    for (const state of back) {
      send(ev.back())
      assert.strictEqual(c.last.value, state)
    }
    send(ev.back())
    assert.deepStrictEqual(c.last.value, { category: "loading" })
    send(ev.back())
    assert.strictEqual(c.last.value, "description")
    send(ev.back())
    assert.strictEqual(c.last.value, "title")
    send(ev.back())
    assert.include(c.text, "первый шаг")
  })
})
