import { assert, describe, it } from "@effect/vitest"
import { type RegistrationOutput, registrationMachine } from "../../src/flows/registration.js"
import { actionsOf, MachineDriver, ev } from "./Driver.js"
import { checkTurn } from "./Invariants.js"

const checkOutput = (output: unknown) => {
  const o = output as RegistrationOutput
  assert.isTrue(o.userId.length > 0)
  assert.include(["buyer", "organizer", "supplier"], o.role)
}

/** A conversation whose every turn is checked against the invariants. */
const start = (language: "ru" | "en" = "ru") => {
  const c = new MachineDriver(registrationMachine, { language })
  checkTurn(c.last, undefined, checkOutput, "start")
  const send = (event: Parameters<typeof c.send>[0]) => {
    const turn = c.send(event)
    checkTurn(turn, event, checkOutput, JSON.stringify(event))
    return turn
  }
  return { c, send }
}

describe("registration", () => {
  it("happy path in Russian: role button, first + last name, own contact, no email, confirm", () => {
    const { c, send } = start("ru")
    assert.strictEqual(c.last.value, "role")
    assert.deepStrictEqual(actionsOf(c.last.replies[0]), [
      "role:buyer",
      "role:organizer",
      "role:supplier",
      "flow:cancel"
    ])
    send(ev.action("role:organizer"))
    assert.strictEqual(c.last.value, "name")
    send(ev.text("Иван Петров"))
    assert.strictEqual(c.last.value, "phone")
    const keyboard = c.last.replies[0]
    assert.isTrue(
      keyboard?._tag === "Text" && keyboard.keyboard?.rows.flat().some((b) => b._tag === "RequestContact") === true
    )
    send(ev.contact("79001234567", true))
    assert.strictEqual(c.last.value, "email")
    assert.include(actionsOf(c.last.replies[0]), "skip")
    send(ev.action("skip"))
    assert.strictEqual(c.last.value, "summary")
    assert.include(c.text, "Иван Петров")
    assert.include(c.text, "+7 900 123-45-67")
    assert.include(c.text, "Организатор")
    assert.include(c.text, "не указано")
    assert.include(actionsOf(c.last.replies[0]), "confirm")
    send(ev.action("confirm"))
    assert.strictEqual(c.last.value, "submitting")
    assert.deepStrictEqual(c.last.requests, [
      {
        _tag: "RegisterUser",
        role: "organizer",
        firstName: "Иван",
        lastName: "Петров",
        phone: "+79001234567",
        email: null
      }
    ])
    assert.strictEqual(c.last.replies.length, 0)
    send(ev.done("RegisterUser", { userId: "user-1" }))
    assert.strictEqual(c.last.status, "done")
    assert.strictEqual(c.last.value, "registered")
    assert.deepStrictEqual(c.last.output, { userId: "user-1", role: "organizer" })
    assert.include(c.text, "Иван")
  })

  it("happy path in English: typed role, first name only, typed phone, email", () => {
    const { c, send } = start("en")
    assert.include(c.text, "How would you like to take part")
    send(ev.text("Supplier"))
    send(ev.text("  Ivan  "))
    send(ev.text("8 (900) 123-45-67"))
    send(ev.text("Ivan@Example.COM"))
    assert.include(c.text, "ivan@example.com")
    send(ev.action("confirm"))
    assert.deepStrictEqual(c.last.requests, [
      {
        _tag: "RegisterUser",
        role: "supplier",
        firstName: "Ivan",
        lastName: null,
        phone: "+79001234567",
        email: "ivan@example.com"
      }
    ])
    send(ev.done("RegisterUser", { userId: "u2" }))
    assert.deepStrictEqual(c.last.output, { userId: "u2", role: "supplier" })
    assert.include(c.text, "Done, Ivan!")
  })

  it("an optional email is skipped by typing what people type for none: -, нет, skip", () => {
    for (const typed of ["-", "  Нет ", "skip"]) {
      const { c, send } = start("ru")
      send(ev.text("Покупатель"))
      send(ev.text("Анна"))
      send(ev.text("+7 900 123-45-67"))
      assert.strictEqual(c.last.value, "email")
      send(ev.text(typed))
      assert.strictEqual(c.last.value, "summary", typed)
      assert.notInclude(c.text, "Не похоже на адрес почты", typed)
      send(ev.action("confirm"))
      assert.strictEqual((c.last.requests[0] as { email: unknown }).email, null, typed)
    }
  })

  it("re-asks with the reason on bad input at every step", () => {
    const { c, send } = start("ru")
    send(ev.text("король"))
    assert.strictEqual(c.last.value, "role")
    assert.include(c.text, "Не понял ответ")
    assert.include(actionsOf(c.last.replies[0]), "role:buyer")
    send(ev.action("role:buyer"))
    send(ev.text("Иван 2"))
    assert.strictEqual(c.last.value, "name")
    assert.include(c.text, "только буквы")
    send(ev.media("photo", "https://x/p.jpg"))
    assert.include(c.text, "Не понял ответ")
    send(ev.text("Иван"))
    send(ev.text("+7 900 123"))
    assert.strictEqual(c.last.value, "phone")
    assert.include(c.text, "10 цифр")
    send(ev.contact("+79005554433", false))
    assert.strictEqual(c.last.value, "phone")
    assert.include(c.text, "чужой контакт")
    send(ev.contact("12", true))
    assert.strictEqual(c.last.value, "phone")
    assert.include(c.text, "«+» и от 10 до 15 цифр")
    send(ev.text("+380 50 123 45 67"))
    assert.strictEqual(c.last.value, "email")
    send(ev.text("ivan@"))
    assert.strictEqual(c.last.value, "email")
    assert.include(c.text, "Не похоже на адрес почты")
    send(ev.action("role:buyer"))
    assert.include(c.text, "Не понял ответ")
    send(ev.text("ivan@mail.ru"))
    assert.strictEqual(c.last.value, "summary")
    send(ev.text("да"))
    assert.strictEqual(c.last.value, "summary")
    assert.include(c.text, "Не понял ответ")
    // the notice shows once: the next prompt is clean
    send(ev.back())
    assert.notInclude(c.text, "Не понял ответ")
  })

  it("Back returns to the previous step from every step; the first step says there is nothing before it", () => {
    const { c, send } = start("en")
    send(ev.back())
    assert.strictEqual(c.last.value, "role")
    assert.include(c.text, "first step")
    assert.notInclude(actionsOf(c.last.replies[0]), "flow:back")
    send(ev.action("role:buyer"))
    assert.include(actionsOf(c.last.replies[0]), "flow:back")
    send(ev.text("Ivan"))
    send(ev.text("+79001234567"))
    send(ev.action("skip"))
    assert.strictEqual(c.last.value, "summary")
    const expected = ["email", "phone", "name", "role"]
    for (const state of expected) {
      send(ev.back())
      assert.strictEqual(c.last.value, state)
    }
  })

  it("a taken phone or email sends the user back to that step with the engine's message", () => {
    const { c, send } = start("ru")
    for (const e of [ev.action("role:buyer"), ev.text("Иван"), ev.text("89001234567"), ev.text("a@b.ru")]) send(e)
    send(ev.action("confirm"))
    send(ev.failed("RegisterUser", "phone.taken", "Этот номер уже зарегистрирован."))
    assert.strictEqual(c.last.value, "phone")
    assert.include(c.text, "Этот номер уже зарегистрирован.")
    assert.include(c.text, "Ваш номер телефона")
    send(ev.text("89007654321"))
    assert.strictEqual(c.last.value, "email")
    send(ev.text("a@b.ru"))
    send(ev.action("confirm"))
    assert.strictEqual((c.last.requests[0] as { phone: string }).phone, "+79007654321")
    send(ev.failed("RegisterUser", "email.taken", "Эта почта уже занята."))
    assert.strictEqual(c.last.value, "email")
    assert.include(c.text, "Эта почта уже занята.")
    send(ev.action("skip"))
    send(ev.action("confirm"))
    send(ev.failed("RegisterUser", "InvalidInput", "Сервис недоступен."))
    assert.strictEqual(c.last.value, "summary")
    assert.include(c.text, "Сервис недоступен.")
    assert.include(c.text, "Проверьте данные")
    send(ev.action("confirm"))
    send(ev.failed("RegisterUser", "Unknown", "  "))
    assert.include(c.text, "Что-то пошло не так")
    send(ev.action("confirm"))
    send(ev.done("RegisterUser", { id: "wrong shape" }))
    assert.strictEqual(c.last.value, "summary")
    assert.include(c.text, "Что-то пошло не так")
    send(ev.action("confirm"))
    send(ev.done("RegisterUser", { userId: "u3" }))
    assert.strictEqual(c.last.status, "done")
  })

  it("while the request runs, input gets a wait message and no second request; stale results are ignored", () => {
    const { c, send } = start("ru")
    for (const e of [ev.action("role:buyer"), ev.text("Иван"), ev.text("89001234567"), ev.action("skip")]) send(e)
    send(ev.done("RegisterUser", { userId: "too-early" }))
    assert.strictEqual(c.last.value, "summary")
    assert.strictEqual(c.last.replies.length + c.last.requests.length, 0)
    send(ev.action("confirm"))
    send(ev.text("ну что там?"))
    assert.strictEqual(c.last.value, "submitting")
    assert.include(c.text, "Секунду")
    assert.strictEqual(c.last.requests.length, 0)
    send(ev.back())
    assert.strictEqual(c.last.value, "submitting")
    send(ev.done("LoadCategories", []))
    assert.strictEqual(c.last.value, "submitting")
    assert.strictEqual(c.last.replies.length, 0)
    send(ev.done("RegisterUser", { userId: "u4" }))
    assert.deepStrictEqual(c.last.output, { userId: "u4", role: "buyer" })
  })
})
