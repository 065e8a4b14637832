import { assert, describe, it } from "@effect/vitest"
import type { AnyStateMachine, SnapshotFrom } from "xstate"
import { type CreateProcurementContext, createProcurementMachine } from "../../src/flows/createProcurement.js"
import { depositMachine } from "../../src/flows/deposit.js"
import { type JoinInput, joinMachine } from "../../src/flows/join.js"
import { formatRubles } from "../../src/flows/parse/Rubles.js"
import type { FlowEvent } from "../../src/flows/Protocol.js"
import { registrationMachine } from "../../src/flows/registration.js"
import { assertCovered, emptyCoverage, explore } from "./Coverage.js"
import { ev } from "./Driver.js"

const valueKey = (snapshot: { value: unknown; context: { notice: string | null } }) =>
  JSON.stringify([snapshot.value, snapshot.context.notice !== null])

/** Input that is never right in the state it is sent to: a stale I/O result and a stray media message. */
const strays: ReadonlyArray<FlowEvent> = [ev.done("JoinProcurement", { participantId: "stale", amount: "1" })]

const checkOutputShape = (keys: ReadonlyArray<string>) => (output: unknown) => {
  assert.isTrue(typeof output === "object" && output !== null, "final output is an object")
  for (const key of keys) assert.isTrue(key in (output as object), `output has ${key}`)
}

describe("generated paths cover every state and transition, with invariants on every turn", () => {
  it("registration", () => {
    const coverage = emptyCoverage()
    // a shop-only bot gives the role (buyer): the role step is skipped and the name is the first step
    const inputs = [{ language: "ru" }, { language: "en" }, { language: "ru", role: "buyer" }] as const
    for (const input of inputs) {
      const language = input.language
      explore(
        {
          machine: registrationMachine,
          input,
          key: valueKey,
          output: checkOutputShape(["userId", "role"]),
          samples: (snapshot) => {
            const common = [ev.back(), ev.media("photo", "https://x/p.jpg"), ...strays]
            switch (snapshot.value) {
              case "role":
                return [
                  ev.action("role:buyer"),
                  ev.text(language === "ru" ? "организатор" : "supplier"),
                  ev.text("king"),
                  ...common
                ]
              case "name":
                return [ev.text("Иван Петров"), ev.text("Иван 2"), ...common]
              case "phone":
                return [
                  ev.contact("79001234567", true),
                  ev.contact("+79001234567", false),
                  ev.contact("12", true),
                  ev.text("8 900 123-45-67"),
                  ev.text("12"),
                  ev.action("skip"),
                  ...common
                ]
              case "email":
                return [
                  ev.text("ivan@mail.ru"),
                  ev.text("ivan@"),
                  ev.action("skip"),
                  ev.text("-"),
                  ev.action("confirm"),
                  ...common
                ]
              case "summary":
                return [ev.action("confirm"), ev.action("skip"), ev.text("да"), ...common]
              case "submitting":
                return [
                  ev.done("RegisterUser", { userId: "u-1" }),
                  ev.done("RegisterUser", { nope: true }),
                  ev.failed("RegisterUser", "phone.taken", "Номер занят"),
                  ev.failed("RegisterUser", "email.taken", "Почта занята"),
                  ev.failed("RegisterUser", "Forbidden", "Нельзя"),
                  ev.text("?"),
                  ...common
                ]
              default:
                return []
            }
          }
        },
        coverage
      )
    }
    assertCovered(registrationMachine as AnyStateMachine, coverage)
    assert.isAbove(coverage.paths, 40)
  })

  it("createProcurement", () => {
    const FOOD = "11111111-1111-4111-8111-111111111111"
    const VEG = "33333333-3333-4333-8333-333333333333"
    const HONEY = "22222222-2222-4222-8222-222222222222"
    const categoriesAt = (depth: number) =>
      depth === 0
        ? [
            { id: FOOD, name: "Продукты", icon: "🍎", hasChildren: true },
            { id: VEG, name: "Хозтовары", icon: null, hasChildren: false }
          ]
        : [{ id: HONEY, name: "Мёд", icon: null, hasChildren: false }]
    type Snap = SnapshotFrom<typeof createProcurementMachine>
    const coverage = emptyCoverage()
    explore(
      {
        machine: createProcurementMachine,
        input: { language: "ru" },
        key: (s: Snap) => JSON.stringify([s.value, s.context.notice !== null, s.context.categoryPath.length]),
        output: checkOutputShape(["procurementId", "status"]),
        samples: (s: Snap) => {
          const context: CreateProcurementContext = s.context
          const common = [ev.back(), ev.media("file", "https://x/f.pdf"), ...strays]
          const value = typeof s.value === "string" ? s.value : `category.${String(s.value.category)}`
          switch (value) {
            case "title":
              return [ev.text("Мёд алтайский"), ev.text("ab"), ...common]
            case "description":
              return [ev.text("Свежий мёд"), ev.text("   "), ...common]
            case "category.loading":
              return [
                ev.done("LoadCategories", categoriesAt(context.categoryPath.length)),
                ev.done("LoadCategories", [{ id: 1 }]),
                ev.failed("LoadCategories", "Unavailable", "Каталог недоступен"),
                ev.text("ау"),
                ...common
              ]
            case "category.choosing": {
              const names = context.categories.map((c) => c.name)
              return [
                ...context.categories.map((c) => ev.action(`cat:${c.id}`)),
                ...names.slice(0, 1).map((n) => ev.text(n.toUpperCase())),
                ev.action("cat:this"),
                ev.action("cat:none"),
                ev.text("неизвестная"),
                ...common
              ]
            }
            case "category.failed":
              return [ev.action("retry"), ev.action("cat:none"), ev.text("?"), ...common]
            case "unit":
              return [ev.action("unit:кг"), ev.text("банка"), ev.text("123"), ev.action("skip"), ...common]
            case "price":
              return [ev.text("1 500,50"), ev.text("0"), ...common]
            case "minQuantity":
              return [ev.text("2"), ev.text("2,5"), ev.action("skip"), ev.text("нет"), ev.action("publish"), ...common]
            case "target":
              return [ev.text("50000"), ev.text("abc"), ...common]
            case "stopAt": {
              const minimal = BigInt(context.pricePerUnit ?? "0") * BigInt(context.minQuantity)
              const target = BigInt(context.targetAmount ?? "0")
              const valid = formatRubles(minimal > target ? minimal : target)
              return [ev.text(valid), ev.text("1"), ev.action("skip"), ev.text("-"), ev.action("publish"), ...common]
            }
            case "deadline":
              return [ev.text("завтра"), ev.text("20.11.2026"), ev.action("dl:1w"), ev.action("dl:9y"), ...common]
            case "city":
              return [ev.text("Барнаул"), ev.text("М"), ...common]
            case "address":
              return [
                ev.text("ул. Ленина, 1"),
                ev.text("ab"),
                ev.action("skip"),
                ev.text("skip"),
                ev.action("publish"),
                ...common
              ]
            case "photo":
              return [
                ev.media("photo", "https://x/p.jpg"),
                ev.action("skip"),
                ev.text("—"),
                ev.text("вот"),
                ev.action("publish"),
                ...common
              ]
            case "preview":
              return [ev.action("publish"), ev.action("draft"), ev.action("skip"), ev.text("ок"), ...common]
            case "submitting":
              return [
                ev.done("CreateProcurement", { procurementId: "p-1", status: "ACTIVE" }),
                ev.done("CreateProcurement", { procurementId: 1 }),
                ev.failed("CreateProcurement", "InvalidInput", "Ошибка"),
                ev.text("?"),
                ...common
              ]
            default:
              return []
          }
        }
      },
      coverage
    )
    assertCovered(createProcurementMachine as AnyStateMachine, coverage)
    assert.isAbove(coverage.paths, 100)
  })

  it("deposit", () => {
    const coverage = emptyCoverage()
    explore(
      {
        machine: depositMachine,
        input: { language: "en" },
        key: valueKey,
        output: checkOutputShape(["paymentId", "amount"]),
        samples: (s) => {
          const common = [ev.back(), ev.contact("79001234567"), ...strays]
          switch (s.value) {
            case "amount":
              return [
                ev.action("amount:50000"),
                ev.text("1500"),
                ev.text("5"),
                ev.text("abc"),
                ev.action("amount:1"),
                ...common
              ]
            case "confirm":
              return [ev.action("confirm"), ev.action("amount:50000"), ev.text("yes"), ...common]
            case "submitting":
              return [
                ev.done("CreateDeposit", { paymentId: "pay-1", url: "https://pay/1", instructions: null }),
                ev.done("CreateDeposit", { paymentId: "pay-2", url: null, instructions: "Bank transfer" }),
                ev.done("CreateDeposit", { paymentId: "pay-3", url: null, instructions: null }),
                ev.done("CreateDeposit", { url: "https://pay/1" }),
                ev.failed("CreateDeposit", "Unavailable", "Payments are down"),
                ev.text("?"),
                ...common
              ]
            default:
              return []
          }
        }
      },
      coverage
    )
    assertCovered(depositMachine as AnyStateMachine, coverage)
  })

  it("join", () => {
    const coverage = emptyCoverage()
    const base: JoinInput = {
      language: "ru",
      procurementId: "p-1",
      title: "Мёд",
      pricePerUnit: "50000",
      unit: "кг",
      minQuantity: 2,
      remaining: "400000"
    }
    for (const input of [
      base,
      { ...base, remaining: null },
      { ...base, remaining: "10" },
      { ...base, language: "en" as const }
    ]) {
      explore(
        {
          machine: joinMachine,
          input,
          key: valueKey,
          output: (output) => {
            const o = output as { status: string }
            assert.include(["joined", "full"], o.status)
            if (o.status === "joined") checkOutputShape(["participantId", "amount", "quantity"])(o)
          },
          samples: (s) => {
            const common = [ev.back(), ev.media("photo", "https://x/p.jpg"), ...strays, ev.done("CreateDeposit", {})]
            switch (s.value) {
              case "quantity":
                return [
                  ev.text("3"),
                  ev.action("qty:2"),
                  ev.text("1"),
                  ev.text("abc"),
                  ev.action("qty:100"),
                  ev.action("confirm"),
                  ...common
                ]
              case "confirm":
                return [ev.action("confirm"), ev.action("retry"), ev.text("да"), ...common]
              case "submitting":
                return [
                  ev.done("JoinProcurement", { participantId: "part-1", amount: "150000" }),
                  ev.done("JoinProcurement", { participantId: 1 }),
                  ev.failed("JoinProcurement", "InsufficientFunds", "Недостаточно средств"),
                  ev.failed("JoinProcurement", "join.exceeds-remaining", "Уже не помещается", { remaining: "150000" }),
                  ev.failed("JoinProcurement", "join.exceeds-remaining", "Мест нет", { remaining: "0" }),
                  ev.failed("JoinProcurement", "join.exceeds-remaining", "Мест нет", { remaining: "много" }),
                  ev.text("?"),
                  ...common
                ]
              case "failed":
                return [ev.action("retry"), ev.action("confirm"), ev.text("?"), ...common]
              default:
                return []
            }
          }
        },
        coverage
      )
    }
    assertCovered(joinMachine as AnyStateMachine, coverage)
  })
})
