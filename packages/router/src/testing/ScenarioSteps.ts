/**
 * Scripted scenarios as data, so any driver can replay them: this package's in-memory adapter, a fake Telegram or
 * VK server, a WebSocket client. A driver needs four things per user — send text (`/command args` is a command),
 * press a button by (part of) its label (on platforms without buttons: answer the numbered menu), share a contact,
 * and read what the user received — plus the `system` steps, which `runScenario` performs over core services.
 *
 * Expectations are substrings of the user's inbox since their last action (replies and proactive deliveries), in
 * Russian, chosen to hold on every capability profile. `runScenario` (`ScenarioRunner.ts`) replays one in memory.
 * This module is the steps' language; the committed scenarios are `scenarios.ts`.
 */
export type ScenarioStep =
  | { readonly as: string; readonly send: string; readonly when?: "buttons" | "text" }
  | { readonly as: string; readonly press: string; readonly when?: "buttons" | "text" }
  /** presses the button on the OLDEST message still showing it (a stale menu); button profiles only */
  | { readonly as: string; readonly pressStale: string; readonly when: "buttons" }
  | { readonly as: string; readonly contact: string; readonly when?: "buttons" | "text" }
  | { readonly as: string; readonly expect: ReadonlyArray<string>; readonly when?: "buttons" | "text" }
  | { readonly as: string; readonly expectNot: ReadonlyArray<string>; readonly when?: "buttons" | "text" }
  /** settles the user's latest pending payment (a deposit or a card payment), as a provider's webhook would */
  | { readonly system: "settleDeposit"; readonly user: string }
  /** changes the user's account language in core, as the web cabinet or another platform would */
  | { readonly system: "setLanguage"; readonly user: string; readonly language: "ru" | "en" }
  /** the user sends a file with a caption to the chat of their procurement titled `procurement`, from the web cabinet */
  | {
      readonly system: "postFile"
      readonly user: string
      readonly procurement: string
      readonly name: string
      readonly content: string
      readonly caption: string
    }
  /** the user writes `text` to the chat of their procurement titled `procurement`, from the web cabinet */
  | {
      readonly system: "postFromWeb"
      readonly user: string
      readonly procurement: string
      readonly text: string
      /** an image (a link to it) with `text` as its caption */
      readonly imageUrl?: string
    }
  /** the user edits their last message in the chat of `procurement` to `text`, from the web cabinet */
  | { readonly system: "editFromWeb"; readonly user: string; readonly procurement: string; readonly text: string }
  /** the user deletes their last message in the chat of `procurement`, from the web cabinet */
  | { readonly system: "deleteFromWeb"; readonly user: string; readonly procurement: string }
  /** time passes (grouped chat notices are told when they are due) */
  | { readonly system: "later"; readonly seconds: number }
  /** creates `count` active procurements of an already registered organizer directly in core */
  | {
      readonly system: "seedProcurements"
      readonly organizer: string
      readonly count: number
      readonly title: string
      readonly stopAt?: number
    }

export interface Scenario {
  readonly name: string
  /** the fixed clock the scenario runs at (ISO 8601) */
  readonly startAt: string
  readonly steps: ReadonlyArray<ScenarioStep>
}

/** A step of one user (`system` steps excepted). */
export type UserStep = Exclude<ScenarioStep, { readonly system: string }>

/** The registration of a user, by the flow, as a person would do it. */
export const registerSteps = (
  as: string,
  options: { readonly name: string; readonly phone: string; readonly role: "Покупатель" | "Организатор" }
): ReadonlyArray<ScenarioStep> => {
  const u = user(as)
  return [
    u.send("/start"),
    u.expect("Добро пожаловать"),
    u.press(options.role),
    u.send(options.name),
    u.contact(options.phone),
    u.press("Пропустить"),
    u.press("Всё верно"),
    u.expect("Вы зарегистрированы", "Главное меню")
  ]
}

/** The steps of the user `as`: `const olga = user("olga")`, then `olga.send("/start")`, `olga.expect("Меню")`. */
export const user = (as: string) => ({
  send: (send: string) => ({ as, send }),
  press: (press: string) => ({ as, press }),
  /** presses the button on the OLDEST message still showing it (a stale menu); button profiles only */
  pressStale: (pressStale: string) => ({ as, pressStale, when: "buttons" as const }),
  contact: (contact: string) => ({ as, contact }),
  expect: (...expect: ReadonlyArray<string>) => ({ as, expect }),
  expectNot: (...expectNot: ReadonlyArray<string>) => ({ as, expectNot }),
  register: (options: Parameters<typeof registerSteps>[1]) => registerSteps(as, options),
  /** opens the chat of the procurement `title` (one the user is in) from /chat and is told so */
  openChat: (title: string): ReadonlyArray<UserStep> => [
    { as, send: "/chat" },
    { as, press: title },
    { as, expect: [`Вы в чате закупки «${title}»`] }
  ],
  /** joins the procurement `title` (its button is showing) for `quantity` units, through the join flow */
  join: (title: string, quantity: number): ReadonlyArray<UserStep> => [
    { as, press: title },
    { as, press: "Участвовать" },
    { as, send: String(quantity) },
    { as, press: "Участвую" }
  ]
})

/** `step`, run only on platforms with buttons, or only on those that show menus as text. */
export const only = (when: "buttons" | "text", step: Exclude<UserStep, { readonly pressStale: string }>): UserStep => ({
  ...step,
  when
})

const olga = user("olga")
const ivan = user("ivan")

/**
 * How the buyer-side scenarios open: Olga registers as an organizer, gets one seeded procurement `<title> 1` (stopping
 * at `stopAt` when given), and Ivan registers as a buyer; `phones` are Olga's and Ivan's.
 */
export const olgaSellsToIvan = (
  title: string,
  phones: readonly [olga: string, ivan: string],
  stopAt?: number
): ReadonlyArray<ScenarioStep> => [
  ...olga.register({ name: "Ольга Орг", phone: phones[0], role: "Организатор" }),
  { system: "seedProcurements", organizer: "olga", count: 1, title, ...(stopAt === undefined ? {} : { stopAt }) },
  ...ivan.register({ name: "Иван", phone: phones[1], role: "Покупатель" })
]
