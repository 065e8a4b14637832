/**
 * Button data as one schema: views encode an `Action` into the string a button carries, routing decodes the string
 * back (ids into their brands — a malformed id fails to decode, it is never cast). The strings are short and stable
 * (`p:show:<uuid>`, `my:status:<uuid>:PAYMENT`, `f:<flow action>`), because menus already shown keep them.
 */
import {
  CategoryId,
  OrderId,
  ParticipantId,
  ProcurementId,
  ProcurementStatus,
  ProductId,
  RequestableRole,
  SubscriptionId
} from "@groupbuy/core"
import { Option, ParseResult, Schema } from "effect"
import { BACK_ACTION, CANCEL_ACTION } from "../flows/Protocol.js"
import type { Button } from "../Model.js"

const ProfileField = Schema.Literal("firstName", "lastName", "phone", "email")

/** Everything a button of the engine can stand for. */
export const Action = Schema.Union(
  Schema.TaggedStruct("Command", { name: Schema.String }),
  Schema.TaggedStruct("ListPage", { offset: Schema.NumberFromString }),
  Schema.TaggedStruct("BackToList", {}),
  Schema.TaggedStruct("ShowProcurement", { id: ProcurementId }),
  Schema.TaggedStruct("JoinProcurement", { id: ProcurementId }),
  Schema.TaggedStruct("LeaveProcurement", { id: ProcurementId }),
  Schema.TaggedStruct("PayProcurement", { id: ProcurementId }),
  Schema.TaggedStruct("PayProcurementByCard", { id: ProcurementId }),
  Schema.TaggedStruct("Filter", { by: Schema.Literal("cat", "city", "reset") }),
  Schema.TaggedStruct("PickCategory", { id: CategoryId }),
  Schema.TaggedStruct("ManageProcurement", { id: ProcurementId }),
  Schema.TaggedStruct("Participants", { id: ProcurementId }),
  Schema.TaggedStruct("ConfirmParticipant", { participantId: ParticipantId, procurementId: ProcurementId }),
  Schema.TaggedStruct("SetStatus", { id: ProcurementId, status: ProcurementStatus }),
  Schema.TaggedStruct("CancelProcurement", { id: ProcurementId }),
  Schema.TaggedStruct("MarkNotificationsRead", {}),
  Schema.TaggedStruct("EditProfile", { field: ProfileField }),
  Schema.TaggedStruct("SetLanguage", { language: Schema.Literal("ru", "en") }),
  Schema.TaggedStruct("RequestRole", { role: RequestableRole }),
  Schema.TaggedStruct("OpenChat", { id: ProcurementId }),
  Schema.TaggedStruct("LeaveChat", {}),
  Schema.TaggedStruct("MuteChat", { id: ProcurementId }),
  Schema.TaggedStruct("UnmuteChat", { id: ProcurementId }),
  Schema.TaggedStruct("Broadcast", { id: ProcurementId }),
  Schema.TaggedStruct("ShopCatalog", {}),
  /** "other": the products without a category */
  Schema.TaggedStruct("ShopCategory", {
    id: Schema.Union(CategoryId, Schema.Literal("other")),
    offset: Schema.NumberFromString
  }),
  Schema.TaggedStruct("ShopProduct", { id: ProductId }),
  Schema.TaggedStruct("ShopQuantity", { id: ProductId, quantity: Schema.NumberFromString }),
  /** `key`: the purchase's idempotency key, made when the confirm step was shown (a second tap buys nothing more) */
  Schema.TaggedStruct("ShopBuy", {
    id: ProductId,
    quantity: Schema.NumberFromString,
    key: Schema.String.pipe(Schema.pattern(/^[a-z0-9]{8,32}$/))
  }),
  Schema.TaggedStruct("ShopTopUp", { id: ProductId, quantity: Schema.NumberFromString }),
  Schema.TaggedStruct("OrdersPage", { offset: Schema.NumberFromString }),
  Schema.TaggedStruct("ShowOrder", { id: OrderId }),
  Schema.TaggedStruct("SubList", {}),
  Schema.TaggedStruct("SubShow", { id: SubscriptionId }),
  /** renew for the expiry (epoch seconds) the card showed */
  Schema.TaggedStruct("SubRenew", { id: SubscriptionId, at: Schema.NumberFromString }),
  Schema.TaggedStruct("SubAuto", { id: SubscriptionId, on: Schema.NumberFromString }),
  Schema.TaggedStruct("MyShopCreate", {}),
  Schema.TaggedStruct("MyShopSkipGreeting", {}),
  Schema.TaggedStruct("MyShopStatus", { id: Schema.UUID, status: Schema.Literal("active", "paused") }),
  Schema.TaggedStruct("MyShopDelete", { id: Schema.UUID }),
  Schema.TaggedStruct("MyShopDeleteConfirm", { id: Schema.UUID }),
  /** a button a flow machine put on its reply: reaches the flow only while it is still the active one */
  Schema.TaggedStruct("FlowAction", { action: Schema.String }),
  Schema.TaggedStruct("FlowBack", {}),
  Schema.TaggedStruct("FlowCancel", {})
)
export type Action = typeof Action.Type
type Encoded = typeof Action.Encoded
type Tag = Action["_tag"]

/** Each action's prefix and the fields that follow it, in order; the last field takes the rest (it may hold `:`). */
const codes: { readonly [T in Tag]: readonly [prefix: string, ...fields: Array<string>] } = {
  Command: ["cmd", "name"],
  ListPage: ["p:list", "offset"],
  BackToList: ["p:back"],
  ShowProcurement: ["p:show", "id"],
  JoinProcurement: ["p:join", "id"],
  LeaveProcurement: ["p:leave", "id"],
  PayProcurement: ["p:pay", "id"],
  PayProcurementByCard: ["p:card", "id"],
  Filter: ["p:filter", "by"],
  PickCategory: ["p:cat", "id"],
  ManageProcurement: ["my:show", "id"],
  Participants: ["my:parts", "id"],
  ConfirmParticipant: ["my:confirm", "participantId", "procurementId"],
  SetStatus: ["my:status", "id", "status"],
  CancelProcurement: ["my:cancel", "id"],
  MarkNotificationsRead: ["notif:read"],
  EditProfile: ["profile", "field"],
  SetLanguage: ["lang", "language"],
  RequestRole: ["role", "role"],
  OpenChat: ["chat:open", "id"],
  LeaveChat: ["chat:leave"],
  MuteChat: ["chat:mute", "id"],
  UnmuteChat: ["chat:unmute", "id"],
  Broadcast: ["bc", "id"],
  ShopCatalog: ["s:cats"],
  ShopCategory: ["s:list", "offset", "id"],
  ShopProduct: ["s:show", "id"],
  ShopQuantity: ["s:qty", "quantity", "id"],
  ShopBuy: ["s:buy", "quantity", "key", "id"],
  ShopTopUp: ["s:topup", "quantity", "id"],
  OrdersPage: ["o:list", "offset"],
  ShowOrder: ["o:show", "id"],
  SubList: ["u:list"],
  SubShow: ["u:show", "id"],
  SubRenew: ["u:renew", "at", "id"],
  SubAuto: ["u:auto", "on", "id"],
  MyShopCreate: ["ms:new"],
  MyShopSkipGreeting: ["ms:skip"],
  MyShopStatus: ["ms:st", "status", "id"],
  MyShopDelete: ["ms:del", "id"],
  MyShopDeleteConfirm: ["ms:delok", "id"],
  FlowAction: ["f", "action"],
  FlowBack: [BACK_ACTION],
  FlowCancel: [CANCEL_ACTION]
}

const parse = (data: string): Encoded | undefined => {
  const parts = data.split(":")
  for (const [tag, [prefix, ...fields]] of Object.entries(codes)) {
    const head = prefix.split(":")
    if (parts.length < head.length + fields.length || head.some((p, i) => parts[i] !== p)) continue
    const rest = parts.slice(head.length)
    if (fields.length === 0 && rest.length > 0) continue
    const values = fields.map((_, i) => (i === fields.length - 1 ? rest.slice(i).join(":") : rest[i]!))
    return { _tag: tag, ...Object.fromEntries(fields.map((field, i) => [field, values[i]])) } as Encoded
  }
  return undefined
}

const format = (action: Encoded): string => {
  const [prefix, ...fields] = codes[action._tag]
  const values = fields.map((field) => String((action as unknown as Record<string, unknown>)[field]))
  return [prefix, ...values].join(":")
}

/** The string a button carries ⇄ the `Action` it stands for. */
export const ActionCode = Schema.transformOrFail(Schema.String, Action, {
  strict: true,
  decode: (data, _, ast) => {
    const parsed = parse(data)
    return parsed === undefined
      ? ParseResult.fail(new ParseResult.Type(ast, data, "not a button of this engine"))
      : ParseResult.succeed(parsed)
  },
  encode: (action) => ParseResult.succeed(format(action))
})

export const encodeAction: (action: Action) => string = Schema.encodeSync(ActionCode)
const decodeOption = Schema.decodeOption(ActionCode)
/** The action a button's data stands for; none for data this engine never wrote (or ids that are not ids). */
export const decodeAction = (data: string): Option.Option<Action> => decodeOption(data)

/** The one button helper of the engine's own screens. */
export const button = (label: string, action: Action): Button => ({ _tag: "Action", label, data: encodeAction(action) })

/** Flow buttons are namespaced so that a press reaches the flow only while it is still active. */
export const flowActionData = (data: string) =>
  data === BACK_ACTION || data === CANCEL_ACTION ? data : encodeAction({ _tag: "FlowAction", action: data })

export const isFlowActionData = (data: string) => data.startsWith(`${codes.FlowAction[0]}:`)
