import { it } from "@effect/vitest"
import { Option } from "effect"
import { assert, describe } from "vitest"
import { type Action, decodeAction, encodeAction } from "../src/internal/ActionCode.js"

const id = "0b7f3c2e-8d4a-4f6b-9a1c-2e3d4f5a6b7c"
const other = "5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"

// the strings menus already shown carry: encoding must keep writing them, decoding must keep reading them
const cases: ReadonlyArray<readonly [string, Action]> = [
  ["cmd:my_procurements", { _tag: "Command", name: "my_procurements" }],
  ["p:list:10", { _tag: "ListPage", offset: 10 }],
  ["p:back", { _tag: "BackToList" }],
  [`p:show:${id}`, { _tag: "ShowProcurement", id: id as never }],
  [`p:join:${id}`, { _tag: "JoinProcurement", id: id as never }],
  [`p:leave:${id}`, { _tag: "LeaveProcurement", id: id as never }],
  [`p:pay:${id}`, { _tag: "PayProcurement", id: id as never }],
  ["p:filter:city", { _tag: "Filter", by: "city" }],
  [`p:cat:${id}`, { _tag: "PickCategory", id: id as never }],
  [`my:show:${id}`, { _tag: "ManageProcurement", id: id as never }],
  [`my:parts:${id}`, { _tag: "Participants", id: id as never }],
  [
    `my:confirm:${other}:${id}`,
    { _tag: "ConfirmParticipant", participantId: other as never, procurementId: id as never }
  ],
  [`my:status:${id}:PAYMENT`, { _tag: "SetStatus", id: id as never, status: "PAYMENT" }],
  [`my:cancel:${id}`, { _tag: "CancelProcurement", id: id as never }],
  ["notif:read", { _tag: "MarkNotificationsRead" }],
  ["profile:email", { _tag: "EditProfile", field: "email" }],
  ["lang:en", { _tag: "SetLanguage", language: "en" }],
  [`chat:open:${id}`, { _tag: "OpenChat", id: id as never }],
  ["chat:leave", { _tag: "LeaveChat" }],
  [`bc:${id}`, { _tag: "Broadcast", id: id as never }],
  ["f:unit:кг", { _tag: "FlowAction", action: "unit:кг" }],
  ["flow:back", { _tag: "FlowBack" }],
  ["flow:cancel", { _tag: "FlowCancel" }],
  ["s:cats", { _tag: "ShopCatalog" }],
  [`s:list:5:${id}`, { _tag: "ShopCategory", id: id as never, offset: 5 }],
  ["s:list:0:other", { _tag: "ShopCategory", id: "other", offset: 0 }],
  [`s:show:${id}`, { _tag: "ShopProduct", id: id as never }],
  [`s:qty:2:${id}`, { _tag: "ShopQuantity", id: id as never, quantity: 2 }],
  [`s:buy:2:k3y0abcd1234:${id}`, { _tag: "ShopBuy", id: id as never, quantity: 2, key: "k3y0abcd1234" }],
  [`s:topup:3:${id}`, { _tag: "ShopTopUp", id: id as never, quantity: 3 }],
  ["o:list:10", { _tag: "OrdersPage", offset: 10 }],
  [`o:show:${id}`, { _tag: "ShowOrder", id: id as never }]
]

describe("ActionCode", () => {
  it("encodes every action to the string menus carry, and decodes it back", () => {
    for (const [data, action] of cases) {
      assert.strictEqual(encodeAction(action), data)
      assert.deepStrictEqual(Option.getOrUndefined(decodeAction(data)), action, data)
    }
  })

  it("refuses data it did not write: ids that are not ids, unknown verbs, missing or extra parts", () => {
    for (const data of [
      "p:show:not-a-uuid",
      "p:show:",
      `p:show`,
      "my:status:" + id + ":NOPE",
      "lang:de",
      "profile:role",
      "p:filter:price",
      "notif:read:now",
      "x:y",
      "",
      `my:confirm:${other}`,
      "s:list:0:misc",
      `s:buy:2:${id}`,
      `s:buy:2:KEY!:${id}`,
      "o:show:12"
    ]) {
      assert.isTrue(Option.isNone(decodeAction(data)), data)
    }
  })
})
