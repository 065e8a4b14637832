/**
 * The action table: a decoded button (or menu answer) → its feature's handler. Adding a button is adding a case
 * to `Action` (ActionCode.ts) and a row here.
 */
import { Option } from "effect"
import { type Action, decodeAction } from "./ActionCode.js"
import { cancel, stale } from "./Common.js"
import { command } from "./Commands.js"
import { editProfile, requestRole, setLanguage } from "./features/Account.js"
import { broadcast } from "./features/Broadcast.js"
import { muteChat, openChat } from "./features/ChatMode.js"
import { flowEvent } from "./features/Flows.js"
import { markNotificationsRead } from "./features/Money.js"
import { confirmDeleteShop, createShop, deleteShop, setShopStatus, skipGreeting } from "./features/MyShop.js"
import { catalog, categoryPage, showProduct } from "./features/Shop.js"
import { buy, chooseQuantity, topUp } from "./features/ShopBuying.js"
import { ordersPage, showOrder } from "./features/ShopOrders.js"
import {
  cancelProcurement,
  confirmParticipant,
  manageProcurement,
  participants,
  setStatus
} from "./features/OrganizerScreens.js"
import {
  filter,
  leave,
  listProcurements,
  pay,
  payByCard,
  pickCategory,
  showProcurement,
  startJoin
} from "./features/ProcurementScreens.js"
import { renewSubscription, setAutoRenew, showSubscription, subscriptionsList } from "./features/SubscriptionScreens.js"
import type { Handler, TurnState } from "./Turn.js"

type Actions = { readonly [T in Action["_tag"]]: Handler<Extract<Action, { readonly _tag: T }>> }

const actions: Actions = {
  Command: (turn, { name }) => command(turn, name, ""),
  ListPage: (turn, { offset }) => listProcurements(turn, Math.max(0, offset || 0)),
  BackToList: (turn) => listProcurements(turn, turn.session.listOffset ?? 0),
  ShowProcurement: (turn, { id }) => showProcurement(turn, id),
  JoinProcurement: (turn, { id }) => startJoin(turn, id),
  LeaveProcurement: (turn, { id }) => leave(turn, id),
  PayProcurement: (turn, { id }) => pay(turn, id),
  PayProcurementByCard: (turn, { id }) => payByCard(turn, id),
  Filter: (turn, { by }) => filter(turn, by),
  PickCategory: (turn, { id }) => pickCategory(turn, id),
  ManageProcurement: (turn, { id }) => manageProcurement(turn, id),
  Participants: (turn, { id }) => participants(turn, id),
  ConfirmParticipant: confirmParticipant,
  SetStatus: setStatus,
  CancelProcurement: (turn, { id }) => cancelProcurement(turn, id),
  MarkNotificationsRead: (turn) => markNotificationsRead(turn, undefined),
  EditProfile: (turn, { field }) => editProfile(turn, field),
  SetLanguage: (turn, { language }) => setLanguage(turn, language),
  RequestRole: (turn, { role }) => requestRole(turn, role),
  OpenChat: (turn, { id }) => openChat(turn, id),
  LeaveChat: cancel,
  MuteChat: (turn, { id }) => muteChat(turn, id, true),
  UnmuteChat: (turn, { id }) => muteChat(turn, id, false),
  Broadcast: (turn, { id }) => broadcast(turn, id),
  ShopCatalog: (turn) => catalog(turn, undefined),
  ShopCategory: (turn, { id, offset }) => categoryPage(turn, { id, offset: offset || 0 }),
  ShopProduct: (turn, { id }) => showProduct(turn, id),
  ShopQuantity: chooseQuantity,
  ShopBuy: buy,
  ShopTopUp: topUp,
  OrdersPage: (turn, { offset }) => ordersPage(turn, offset || 0),
  ShowOrder: (turn, { id }) => showOrder(turn, id),
  SubList: (turn) => subscriptionsList(turn, undefined),
  SubShow: (turn, { id }) => showSubscription(turn, id),
  SubRenew: renewSubscription,
  SubAuto: setAutoRenew,
  MyShopCreate: createShop,
  MyShopSkipGreeting: skipGreeting,
  MyShopStatus: setShopStatus,
  MyShopDelete: deleteShop,
  MyShopDeleteConfirm: confirmDeleteShop,
  FlowAction: (turn, { action }) => flowEvent(turn, { type: "action", action }),
  FlowBack: (turn) => flowEvent(turn, { type: "back" }),
  FlowCancel: cancel
}

/** Runs the action a button's data stands for; data this engine did not write is a stale button. */
export const action = (turn: TurnState, data: string) =>
  Option.match(decodeAction(data), {
    onNone: () => stale(turn),
    onSome: (decoded) => (actions[decoded._tag] as Handler<Action>)(turn, decoded)
  })
