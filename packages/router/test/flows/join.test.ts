import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import {
  type JoinInput,
  JoinInput as JoinInputSchema,
  type JoinOutput,
  joinMachine,
  maxQuantity
} from "../../src/flows/join.js"
import type { FlowEvent } from "../../src/flows/Protocol.js"
import { actionsOf, MachineDriver, ev } from "./Driver.js"
import { checkTurn } from "./Invariants.js"

const checkOutput = (output: unknown) => {
  const o = output as JoinOutput
  if (o.status === "joined") assert.isTrue(o.participantId.length > 0 && /^\d+$/.test(o.amount) && o.quantity >= 1)
  else assert.strictEqual(o.status, "full")
}

const honey: JoinInput = {
  language: "ru",
  procurementId: "p-1",
  title: "Мёд алтайский",
  pricePerUnit: "50000",
  unit: "кг",
  minQuantity: 2,
  remaining: "400000"
}

const start = (input: JoinInput = honey) => {
  const c = new MachineDriver(joinMachine, input)
  checkTurn(c.last, undefined, checkOutput, "start")
  const send = (event: FlowEvent) => {
    const turn = c.send(event)
    checkTurn(turn, event, checkOutput, JSON.stringify(event))
    return turn
  }
  return { c, send }
}

describe("join", () => {
  it("quantity → preview → confirm → joined", () => {
    const { c, send } = start()
    assert.include(c.text, "Мёд алтайский")
    assert.include(c.text, "Минимум 2 кг, максимум 8 кг")
    assert.deepStrictEqual(actionsOf(c.last.replies[0]), ["qty:2", "qty:4", "flow:cancel"])
    send(ev.text("3 кг"))
    assert.strictEqual(c.last.value, "confirm")
    assert.include(c.text, "3 кг × 500\u00a0₽ = 1\u202f500\u00a0₽")
    send(ev.action("confirm"))
    assert.deepStrictEqual(c.last.requests, [{ _tag: "JoinProcurement", procurementId: "p-1", quantity: 3 }])
    send(ev.done("JoinProcurement", { participantId: "part-1", amount: "150000" }))
    assert.strictEqual(c.last.status, "done")
    assert.deepStrictEqual(c.last.output, { status: "joined", participantId: "part-1", amount: "150000", quantity: 3 })
    assert.include(c.text, "Вы участвуете")
  })

  it("refuses quantities below the minimum or beyond what remains, naming the maximum", () => {
    const { c, send } = start()
    send(ev.text("1"))
    assert.include(c.text, "Минимальный заказ — 2 кг.")
    send(ev.text("9"))
    assert.include(c.text, "Осталось собрать 4\u202f000\u00a0₽: можно заказать не больше 8 кг.")
    send(ev.text("2.5"))
    assert.include(c.text, "целым числом")
    send(ev.action("qty:100"))
    assert.include(c.text, "не больше 8 кг")
    send(ev.back())
    assert.include(c.text, "первый шаг")
    send(ev.action("qty:4"))
    assert.strictEqual(c.last.value, "confirm")
    send(ev.back())
    assert.strictEqual(c.last.value, "quantity")
    send(ev.text("8"))
    assert.strictEqual(c.last.value, "confirm")
  })

  it("without a stop-at amount there is no maximum but the sanity cap", () => {
    const { c, send } = start({ ...honey, language: "en", remaining: null, minQuantity: 1 })
    assert.include(c.text, "At least 1 кг.")
    assert.deepStrictEqual(actionsOf(c.last.replies[0]), ["qty:1", "qty:2", "qty:5", "flow:cancel"])
    send(ev.text("5000"))
    assert.strictEqual(c.last.value, "confirm")
    assert.strictEqual(maxQuantity({ pricePerUnit: "1", remaining: null }), 1_000_000)
    assert.strictEqual(maxQuantity({ pricePerUnit: "1", remaining: "99999999999" }), 1_000_000)
  })

  it("when nothing fits any more the flow ends at once as full", () => {
    const { c } = start({ ...honey, remaining: "99999" })
    assert.strictEqual(c.last.status, "done")
    assert.deepStrictEqual(c.last.output, { status: "full" })
    assert.include(c.text, "больше нет мест")
  })

  it("a refusal offers Retry, Back and Cancel; a fresh remaining re-asks the quantity", () => {
    const { c, send } = start()
    send(ev.text("4"))
    send(ev.action("confirm"))
    send(ev.text("ну?"))
    assert.include(c.text, "Секунду")
    send(ev.failed("JoinProcurement", "InsufficientFunds", "Недостаточно средств: пополните баланс."))
    assert.strictEqual(c.last.value, "failed")
    assert.include(c.text, "Недостаточно средств: пополните баланс.")
    assert.deepStrictEqual(actionsOf(c.last.replies[0]), ["retry", "flow:back", "flow:cancel"])
    send(ev.text("что?"))
    assert.include(c.text, "Не понял ответ")
    send(ev.action("retry"))
    assert.deepStrictEqual(c.last.requests, [{ _tag: "JoinProcurement", procurementId: "p-1", quantity: 4 }])
    send(ev.failed("JoinProcurement", "join.exceeds-remaining", "Столько уже не помещается.", { remaining: "150000" }))
    assert.strictEqual(c.last.value, "quantity")
    assert.include(c.text, "Столько уже не помещается.")
    assert.include(c.text, "максимум 3 кг")
    send(ev.text("3"))
    send(ev.action("confirm"))
    send(ev.done("JoinProcurement", { participantId: 7 }))
    assert.strictEqual(c.last.value, "failed")
    assert.include(c.text, "Что-то пошло не так")
    send(ev.back())
    assert.strictEqual(c.last.value, "quantity")
  })

  it("a refusal that leaves no room ends the flow as full", () => {
    const { c, send } = start()
    send(ev.text("2"))
    send(ev.action("confirm"))
    send(ev.failed("JoinProcurement", "join.exceeds-remaining", "Мест нет.", { remaining: "0" }))
    assert.strictEqual(c.last.status, "done")
    assert.deepStrictEqual(c.last.output, { status: "full" })
  })

  it("the input schema refuses nonsense", () => {
    const decode = Schema.decodeUnknownEither(JoinInputSchema)
    assert.isTrue(decode(honey)._tag === "Right")
    assert.isTrue(decode({ ...honey, pricePerUnit: "0" })._tag === "Left")
    assert.isTrue(decode({ ...honey, pricePerUnit: "1.5" })._tag === "Left")
    assert.isTrue(decode({ ...honey, minQuantity: 0 })._tag === "Left")
    assert.isTrue(decode({ ...honey, remaining: "-1" })._tag === "Left")
    assert.isTrue(decode({ ...honey, language: "de" })._tag === "Left")
  })
})
