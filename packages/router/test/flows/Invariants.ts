/** Checks every turn of every flow must pass, whatever the path that led to it. */
import { assert } from "@effect/vitest"
import type { Reply } from "../../src/Model.js"
import { CANCEL_ACTION, type FlowEvent, type FlowRequest } from "../../src/flows/Protocol.js"
import { DEPOSIT_MAX, DEPOSIT_MIN } from "../../src/flows/deposit.js"
import { buttons, replyText, type Turn } from "./Driver.js"

const bytes = (s: string) => Buffer.byteLength(s, "utf8")
const kopecks = /^\d+$/

const isUserInput = (event: FlowEvent | undefined) =>
  event !== undefined && ["text", "action", "contact", "media", "back"].includes(event.type)

export const checkReply = (reply: Reply, active: boolean, where: string) => {
  if (reply._tag === "Image") assert.isTrue(reply.url.length > 0, `${where}: image without url`)
  assert.isTrue(replyText(reply).trim().length > 0 || reply._tag === "Image", `${where}: empty reply`)
  if (reply._tag === "Toast" || reply.keyboard === undefined) return
  const rows = reply.keyboard.rows
  assert.isTrue(rows.length > 0 && rows.every((row) => row.length > 0), `${where}: empty keyboard row`)
  for (const button of rows.flat()) {
    assert.isTrue(button.label.trim().length > 0, `${where}: blank button label`)
    if (button._tag === "Action") {
      assert.isTrue(bytes(button.data) > 0 && bytes(button.data) < 60, `${where}: action "${button.data}" length`)
    }
    if (button._tag === "Url") assert.match(button.url, /^https?:\/\//, `${where}: url button`)
  }
  const hasCancel = buttons(reply).some((b) => b._tag === "Action" && b.data === CANCEL_ACTION)
  if (active) assert.isTrue(hasCancel, `${where}: keyboard without Cancel in an active flow`)
  else assert.isFalse(hasCancel, `${where}: Cancel offered after the flow ended`)
}

export const checkRequest = (request: FlowRequest, event: FlowEvent | undefined, where: string) => {
  switch (request._tag) {
    case "RegisterUser":
      assert.include(["buyer", "organizer", "supplier"], request.role, where)
      assert.isTrue(request.firstName.trim().length > 0, `${where}: first name`)
      assert.isTrue(request.lastName === null || request.lastName.trim().length > 0, `${where}: last name`)
      assert.match(request.phone, /^\+[1-9]\d{9,14}$/, `${where}: phone`)
      if (request.phone.startsWith("+7")) assert.strictEqual(request.phone.length, 12, `${where}: Russian phone`)
      assert.isTrue(request.email === null || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(request.email), `${where}: email`)
      break
    case "LoadCategories":
      assert.isTrue(request.parentId === null || request.parentId.length > 0, `${where}: parentId`)
      break
    case "CreateProcurement": {
      const t = [...request.title].length
      assert.isTrue(t >= 3 && t <= 200, `${where}: title length`)
      assert.isTrue(request.description.trim().length > 0, `${where}: description`)
      assert.isTrue(request.unit.trim().length > 0, `${where}: unit`)
      assert.isTrue(request.city.trim().length >= 2, `${where}: city`)
      assert.match(request.pricePerUnit, kopecks, where)
      assert.match(request.targetAmount, kopecks, where)
      assert.isTrue(BigInt(request.pricePerUnit) > 0n && BigInt(request.targetAmount) > 0n, `${where}: amounts > 0`)
      assert.isTrue(Number.isInteger(request.minQuantity) && request.minQuantity >= 1, `${where}: minQuantity`)
      if (request.stopAtAmount !== null) {
        assert.match(request.stopAtAmount, kopecks, where)
        const stop = BigInt(request.stopAtAmount)
        assert.isTrue(stop >= BigInt(request.pricePerUnit) * BigInt(request.minQuantity), `${where}: stop ≥ min order`)
        assert.isTrue(stop >= BigInt(request.targetAmount), `${where}: stop ≥ target`)
      }
      assert.isTrue(event === undefined || request.deadline > event.now, `${where}: deadline in the future`)
      // end of a Moscow day: 20:59:59.999 UTC
      assert.strictEqual(new Date(request.deadline).toISOString().slice(11), "20:59:59.999Z", `${where}: end of day`)
      assert.isTrue(request.deliveryAddress === null || request.deliveryAddress.trim().length > 0, where)
      assert.isTrue(request.imageUrl === null || request.imageUrl.length > 0, where)
      break
    }
    case "CreateDeposit":
      assert.match(request.amount, kopecks, where)
      assert.isTrue(BigInt(request.amount) >= DEPOSIT_MIN && BigInt(request.amount) <= DEPOSIT_MAX, `${where}: range`)
      break
    case "JoinProcurement":
      assert.isTrue(request.procurementId.length > 0, `${where}: procurementId`)
      assert.isTrue(Number.isInteger(request.quantity) && request.quantity >= 1, `${where}: quantity`)
      break
  }
}

/** The invariants of one turn; `output` checks a final output. */
export const checkTurn = (
  turn: Turn,
  event: FlowEvent | undefined,
  output: (value: unknown) => void,
  where = "turn"
) => {
  assert.isTrue(turn.restoresExactly, `${where}: snapshot does not survive a JSON round trip`)
  assert.notStrictEqual(turn.status, "error", `${where}: machine error`)
  const active = turn.status === "active"
  turn.replies.forEach((reply, i) => checkReply(reply, active, `${where} reply ${i}`))
  assert.isAtMost(turn.requests.length, 1, `${where}: more than one request in a turn`)
  turn.requests.forEach((request) => checkRequest(request, event, where))
  if (turn.requests.length > 0) assert.isTrue(active, `${where}: request from a finished flow`)
  if (isUserInput(event) || event === undefined) {
    assert.isTrue(turn.replies.length + turn.requests.length > 0, `${where}: user input left unanswered`)
  }
  if (turn.status === "done") output(turn.output)
}
