/** The command table: `/name args` → its feature's handler. Adding a command is adding a row here. */
import { Effect } from "effect"
import { rich } from "../Messages.js"
import { cancel, helpText, registered, showMainMenu, unknown } from "./Common.js"
import { hostFlow, link, pickLanguage, profile, start, web } from "./features/Account.js"
import { pickBroadcast } from "./features/Broadcast.js"
import { pickChat } from "./features/ChatMode.js"
import { balance, deposit, notifications } from "./features/Money.js"
import { withdraw } from "./features/Withdraw.js"
import { myShop } from "./features/MyShop.js"
import { myProcurements } from "./features/OrganizerScreens.js"
import { listFiltered, search } from "./features/ProcurementScreens.js"
import { catalog } from "./features/Shop.js"
import { ordersPage } from "./features/ShopOrders.js"
import { subscriptionsList } from "./features/SubscriptionScreens.js"
import { emit, type Handler, type TurnState, withoutFlow } from "./Turn.js"
import { mainMenu } from "./Views.js"

interface CommandRow {
  readonly run: Handler<string>
  /** the command keeps the active flow or prompt (the others replace it) */
  readonly keepsFlow?: true
}

const createProcurement: Handler<string> = (turn) =>
  registered(turn, (user) =>
    user.role === "organizer" || user.isAdmin
      ? hostFlow(turn, "createProcurement", { language: turn.language })
      : Effect.succeed(emit(turn, mainMenu(turn.language, user, rich(turn.language, "create.forbidden"))))
  )

/** `/help`: the commands of what the bots offer (`helpText`) over the main menu. */
const help: Handler<string> = (turn) => Effect.flatMap(helpText(turn), (text) => showMainMenu(turn, text))

const commands: Readonly<Record<string, CommandRow>> = {
  cancel: { run: cancel, keepsFlow: true },
  help: { run: help, keepsFlow: true },
  lang: { run: pickLanguage, keepsFlow: true },
  start: { run: start },
  // a command starts from its own defaults: the filter of an earlier /search or "by city" does not stick
  procurements: { run: (turn) => listFiltered(turn, {}) },
  search: { run: search },
  profile: { run: profile },
  balance: { run: balance },
  notifications: { run: notifications },
  deposit: { run: deposit },
  withdraw: { run: withdraw },
  my_procurements: { run: myProcurements },
  create_procurement: { run: createProcurement },
  chat: { run: pickChat },
  broadcast: { run: pickBroadcast },
  link: { run: link },
  web: { run: web },
  catalog: { run: catalog },
  orders: { run: (turn) => ordersPage(turn, 0) },
  subscriptions: { run: subscriptionsList },
  myshop: { run: myShop }
}

/** Runs command `name` (already lower-cased); an unknown one shows the help. */
export const command = (turn: TurnState, name: string, args: string) => {
  const row = Object.hasOwn(commands, name) ? commands[name] : undefined
  const cleared = row?.keepsFlow === true ? turn : { ...turn, session: withoutFlow(turn.session) }
  return row === undefined ? unknown(cleared) : row.run(cleared, args)
}
