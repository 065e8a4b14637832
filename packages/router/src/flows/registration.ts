/**
 * Registration: role → name → phone (shared contact or typed) → optional email → summary → confirm, which asks the
 * engine to `RegisterUser`. A taken phone or email sends the user back to that step with the engine's message.
 */
import { Language } from "@groupbuy/core"
import { Either, Schema } from "effect"
import { assign } from "xstate"
import { flowSetup, isAction, isResultOf, noticeOf, rejectBy, reply, request } from "./internal/FlowSetup.js"
import {
  button,
  ask,
  closing,
  type FlowContext,
  hasStrings,
  isDone,
  isFailed,
  line,
  prompt,
  textOf,
  valueOf
} from "./internal/Kit.js"
import * as Steps from "./internal/Steps.js"
import { text } from "../Messages.js"
import { parseEmail } from "./parse/Email.js"
import { formatPhone, parseContactPhone, parsePhone } from "./parse/Phone.js"
import { parseFullName } from "./parse/Text.js"
import type { FlowEvent } from "./Protocol.js"

export const RegistrationInput = Schema.Struct({
  language: Language,
  /** the role is given, not asked (a shop-only bot registers buyers: its people do not take part in group purchases) */
  role: Schema.optional(Schema.Literal("buyer", "organizer", "supplier"))
})
export type RegistrationInput = typeof RegistrationInput.Type

export type Role = "buyer" | "organizer" | "supplier"
const ROLES: ReadonlyArray<Role> = ["buyer", "organizer", "supplier"]

export interface RegistrationContext extends FlowContext {
  readonly role: Role | null
  /** the role came with the input: the role step is skipped (absent in snapshots from before it existed) */
  readonly roleGiven?: boolean
  readonly firstName: string | null
  readonly lastName: string | null
  readonly phone: string | null
  readonly email: string | null
  readonly userId: string | null
}

export interface RegistrationOutput {
  readonly userId: string
  readonly role: Role
}

const TYPED_ROLES: Record<string, Role> = {
  "1": "buyer",
  покупатель: "buyer",
  buyer: "buyer",
  "2": "organizer",
  организатор: "organizer",
  organizer: "organizer",
  organiser: "organizer",
  "3": "supplier",
  поставщик: "supplier",
  supplier: "supplier"
}

const roleOf = (event: FlowEvent): Role | undefined => {
  if (event.type === "action") return ROLES.find((role) => event.action === `role:${role}`)
  if (event.type === "text") return TYPED_ROLES[event.text.trim().toLowerCase()]
  return undefined
}

const phoneOf = (event: FlowEvent) =>
  event.type === "contact" ? parseContactPhone(event.phone) : parsePhone(textOf(event))

const isRegistered = hasStrings(["userId"])

const nameStep = Steps.typed("name", {
  ask: "askName",
  valid: "isValidName",
  save: "saveName",
  reject: "rejectName",
  next: "phone",
  back: "role"
})

export const registrationMachine = flowSetup<RegistrationContext, RegistrationInput, RegistrationOutput>()({
  guards: {
    isRole: ({ event }) => roleOf(event) !== undefined,
    isRoleGiven: ({ context }) => context.roleGiven === true,
    isValidName: ({ event }) => event.type === "text" && Either.isRight(parseFullName(event.text)),
    isOwnValidContact: ({ event }) => event.type === "contact" && event.own && Either.isRight(phoneOf(event)),
    isForeignContact: ({ event }) => event.type === "contact" && !event.own,
    isValidPhone: ({ event }) => event.type === "text" && Either.isRight(phoneOf(event)),
    isValidEmail: ({ event }) => event.type === "text" && Either.isRight(parseEmail(event.text)),
    isConfirm: isAction("confirm"),
    isRegistered: ({ event }) => isDone(event, "RegisterUser", isRegistered),
    isPhoneTaken: ({ event }) => isFailed(event, "RegisterUser") && event.code === "phone.taken",
    isEmailTaken: ({ event }) => isFailed(event, "RegisterUser") && event.code === "email.taken",
    isRegisterResult: isResultOf("RegisterUser")
  },
  actions: {
    saveRole: assign({ role: ({ context, event }) => roleOf(event) ?? context.role }),
    saveName: assign(({ event }) => {
      const name = valueOf(parseFullName(textOf(event)), { firstName: "", lastName: null })
      return { firstName: name.firstName, lastName: name.lastName }
    }),
    rejectName: rejectBy((event) => parseFullName(textOf(event))),
    savePhone: assign({ phone: ({ event }) => valueOf(phoneOf(event), "") }),
    rejectPhone: rejectBy(phoneOf),
    rejectForeignContact: noticeOf("registration.foreignContact"),
    forgetPhone: assign({ phone: null }),
    saveEmail: assign({ email: ({ event }) => valueOf(parseEmail(textOf(event)), null) }),
    rejectEmail: rejectBy((event) => parseEmail(textOf(event))),
    skipEmail: assign({ email: null }),
    saveUserId: assign({
      userId: ({ event }) => (isDone(event, "RegisterUser", isRegistered) ? event.data.userId : null)
    }),
    askRole: reply((context) =>
      ask(
        context,
        "registration.askRole",
        ROLES.map((role) => [button(text(context.language, `roleChoice.${role}`), `role:${role}`)]),
        { back: false }
      )
    ),
    askName: reply((context) => ask(context, "registration.askName")),
    askPhone: reply((context) =>
      ask(context, "registration.askPhone", [
        [{ _tag: "RequestContact", label: text(context.language, "registration.shareContact") }]
      ])
    ),
    askEmail: reply((context) =>
      ask(context, "registration.askEmail", [[button(text(context.language, "common.skip"), "skip")]])
    ),
    showSummary: reply((context) => {
      const l = context.language
      const name = context.lastName === null ? (context.firstName ?? "") : `${context.firstName} ${context.lastName}`
      return prompt(
        context,
        [
          { text: `${text(l, "registration.summary")}\n\n`, bold: true },
          ...line(text(l, "field.role"), context.role === null ? "—" : text(l, `roleChoice.${context.role}`)),
          ...line(text(l, "field.name"), name),
          ...line(text(l, "field.phone"), formatPhone(context.phone ?? "")),
          ...line(text(l, "field.email"), context.email ?? text(l, "common.notGiven"))
        ],
        [[button(text(l, "registration.confirm"), "confirm")]]
      )
    }),
    sendRegistration: request((context) => ({
      _tag: "RegisterUser",
      role: context.role ?? "buyer",
      firstName: context.firstName ?? "",
      lastName: context.lastName,
      phone: context.phone ?? "",
      email: context.email
    })),
    announceRegistered: reply((context) =>
      closing([{ text: text(context.language, "registration.done", { name: context.firstName ?? "" }) }])
    )
  }
}).createMachine({
  id: "registration",
  context: ({ input }) => ({
    language: input.language,
    notice: null,
    role: input.role ?? null,
    roleGiven: input.role !== undefined,
    firstName: null,
    lastName: null,
    phone: null,
    email: null,
    userId: null
  }),
  initial: "begin",
  states: {
    begin: { always: [{ guard: "isRoleGiven", target: "name" }, { target: "role" }] },
    ...Steps.choice("role", { ask: "askRole", valid: "isRole", save: "saveRole", next: "name", back: null }),
    name: {
      ...nameStep.name,
      on: {
        ...nameStep.name.on,
        // with the role given, the name is the first step
        back: [{ guard: "isRoleGiven", target: "name", reenter: true, actions: "noticeFirstStep" }, { target: "role" }]
      }
    },
    ...Steps.typed("phone", {
      ask: "askPhone",
      valid: "isValidPhone",
      save: "savePhone",
      reject: "rejectPhone",
      next: "email",
      back: "name",
      on: {
        contact: [
          { guard: "isOwnValidContact", target: "email", actions: "savePhone" },
          { guard: "isForeignContact", target: "phone", reenter: true, actions: "rejectForeignContact" },
          { target: "phone", reenter: true, actions: "rejectPhone" }
        ]
      }
    }),
    ...Steps.typed("email", {
      ask: "askEmail",
      valid: "isValidEmail",
      save: "saveEmail",
      reject: "rejectEmail",
      next: "summary",
      back: "phone",
      skip: "skipEmail"
    }),
    ...Steps.confirm("summary", {
      show: "showSummary",
      back: "email",
      action: { guard: "isConfirm", target: "submitting" }
    }),
    ...Steps.submitting("submitting", {
      send: "sendRegistration",
      done: { guard: "isRegistered", target: "registered", actions: "saveUserId" },
      failed: [
        { guard: "isPhoneTaken", target: "phone", actions: ["noticeFailure", "forgetPhone"] },
        { guard: "isEmailTaken", target: "email", actions: "noticeFailure" }
      ],
      result: "isRegisterResult",
      fallback: "summary"
    }),
    registered: {
      type: "final",
      entry: "announceRegistered"
    }
  },
  output: ({ context }) => ({ userId: context.userId ?? "", role: context.role ?? "buyer" })
})
