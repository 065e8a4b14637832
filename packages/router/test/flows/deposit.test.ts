import { assert, describe, it } from "@effect/vitest"
import { type DepositOutput, depositMachine } from "../../src/flows/deposit.js"
import type { FlowEvent } from "../../src/flows/Protocol.js"
import { actionsOf, buttons, MachineDriver, ev } from "./Driver.js"
import { checkTurn } from "./Invariants.js"

const checkOutput = (output: unknown) => {
  const o = output as DepositOutput
  assert.isTrue(o.paymentId.length > 0 && /^\d+$/.test(o.amount))
}

const start = (language: "ru" | "en" = "ru") => {
  const c = new MachineDriver(depositMachine, { language })
  checkTurn(c.last, undefined, checkOutput, "start")
  const send = (event: FlowEvent) => {
    const turn = c.send(event)
    checkTurn(turn, event, checkOutput, JSON.stringify(event))
    return turn
  }
  return { c, send }
}

describe("deposit", () => {
  it("quick amount → confirm → payment link as a Url button", () => {
    const { c, send } = start("ru")
    assert.deepStrictEqual(actionsOf(c.last.replies[0]), [
      "amount:50000",
      "amount:100000",
      "amount:500000",
      "flow:cancel"
    ])
    assert.include(c.text, "От 10\u00a0₽ до 1\u202f000\u202f000\u00a0₽")
    send(ev.action("amount:100000"))
    assert.strictEqual(c.last.value, "confirm")
    assert.include(c.text, "Пополнить баланс на 1\u202f000\u00a0₽?")
    send(ev.action("confirm"))
    assert.deepStrictEqual(c.last.requests, [{ _tag: "CreateDeposit", amount: "100000" }])
    send(ev.done("CreateDeposit", { paymentId: "pay-1", url: "https://pay.example/1", instructions: null }))
    assert.strictEqual(c.last.status, "done")
    assert.strictEqual(c.last.value, "awaiting-payment")
    assert.deepStrictEqual(buttons(c.last.replies[0]), [
      { _tag: "Url", label: "💳 Оплатить 1\u202f000\u00a0₽", url: "https://pay.example/1" }
    ])
    assert.deepStrictEqual(c.last.output, { paymentId: "pay-1", amount: "100000" })
  })

  it("typed amount; instructions when there is no link", () => {
    const { c, send } = start("en")
    send(ev.text("1 500,50"))
    assert.include(c.text, "1\u202f500,50\u00a0₽")
    send(ev.action("confirm"))
    assert.deepStrictEqual(c.last.requests, [{ _tag: "CreateDeposit", amount: "150050" }])
    send(ev.done("CreateDeposit", { paymentId: "pay-2", url: null, instructions: "Transfer to account 4081…" }))
    assert.include(c.text, "Transfer to account 4081…")
    assert.strictEqual(buttons(c.last.replies[0]).length, 0)
    assert.deepStrictEqual(c.last.output, { paymentId: "pay-2", amount: "150050" })
  })

  it("neither link nor instructions (or a link that is not http): says it will report when paid", () => {
    const { c, send } = start("ru")
    send(ev.text("500"))
    send(ev.action("confirm"))
    send(ev.done("CreateDeposit", { paymentId: "pay-3", url: "javascript:alert(1)", instructions: null }))
    assert.include(c.text, "Платёж на 500\u00a0₽ создан")
    assert.strictEqual(buttons(c.last.replies[0]).length, 0)
  })

  it("refuses amounts outside 10 ₽ .. 1 000 000 ₽ and junk, with the reason", () => {
    const { c, send } = start("ru")
    send(ev.text("9,99"))
    assert.include(c.text, "Минимальная сумма пополнения — 10\u00a0₽")
    send(ev.text("1 000 000,01"))
    assert.include(c.text, "Максимальная сумма пополнения — 1\u202f000\u202f000\u00a0₽")
    send(ev.text("много"))
    assert.include(c.text, "Не понял сумму")
    send(ev.action("amount:123"))
    assert.include(c.text, "Не понял ответ")
    send(ev.contact("79001234567"))
    assert.include(c.text, "Не понял ответ")
    send(ev.back())
    assert.include(c.text, "первый шаг")
    assert.strictEqual(c.last.value, "amount")
    send(ev.text("10"))
    assert.strictEqual(c.last.value, "confirm")
    send(ev.text("да"))
    assert.include(c.text, "Не понял ответ")
    send(ev.back())
    assert.strictEqual(c.last.value, "amount")
    send(ev.text("1 000 000"))
    assert.strictEqual(c.last.value, "confirm")
  })

  it("a failure returns to the confirmation with the message; input while waiting is answered", () => {
    const { c, send } = start("ru")
    send(ev.action("amount:500000"))
    send(ev.action("confirm"))
    send(ev.text("?"))
    assert.include(c.text, "Секунду")
    assert.strictEqual(c.last.requests.length, 0)
    send(ev.failed("CreateDeposit", "Unavailable", "Платёжный сервис недоступен."))
    assert.strictEqual(c.last.value, "confirm")
    assert.include(c.text, "Платёжный сервис недоступен.")
    send(ev.action("confirm"))
    send(ev.done("CreateDeposit", { paymentId: 1 }))
    assert.strictEqual(c.last.value, "confirm")
    assert.include(c.text, "Что-то пошло не так")
  })
})
