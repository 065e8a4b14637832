import { assert, describe, it } from "@effect/vitest"
import { DateTime, Either } from "effect"
import type { ParticipantStatus } from "../src/Models.js"
import type { ParticipantId, UserId } from "../src/Ids.js"
import { Kopecks } from "../src/Money.js"
import {
  checkJoin,
  checkLeave,
  checkPay,
  checkStopAt,
  daysLeft,
  limits,
  nothingMoreFits,
  planStatusChange,
  progress,
  validateCreate,
  validateUpdate
} from "../src/ProcurementRules.js"
import { CreateProcurement, UpdateProcurement } from "../src/Procurements.js"

const now = DateTime.unsafeMake("2030-03-01T12:00:00Z")
const organizer = "11111111-1111-4111-8111-111111111111" as UserId
const buyer = "22222222-2222-4222-8222-222222222222" as UserId
const k = (n: bigint) => Kopecks.make(n)

const input = (overrides: Partial<ConstructorParameters<typeof CreateProcurement>[0]> = {}) =>
  new CreateProcurement({
    organizerId: organizer,
    title: "  Мёд алтайский  ",
    description: "Свежий мёд",
    targetAmount: k(1_000_000n),
    pricePerUnit: k(50_000n),
    unit: "кг",
    deadline: DateTime.add(now, { days: 7 }),
    city: " Барнаул ",
    publish: true,
    ...overrides
  })

const codes = (result: Either.Either<unknown, ReadonlyArray<{ code: string }>>) =>
  Either.isLeft(result) ? result.left.map((i) => i.code).sort() : []

describe("ProcurementRules.validateCreate", () => {
  it("normalises a valid input: trimmed, defaults, ACTIVE when published", () => {
    const result = validateCreate(input(), now)
    assert.isTrue(Either.isRight(result))
    if (Either.isRight(result)) {
      assert.strictEqual(result.right.title, "Мёд алтайский")
      assert.strictEqual(result.right.city, "Барнаул")
      assert.strictEqual(result.right.minQuantity, 1)
      assert.strictEqual(result.right.organizerFeePercent, 0)
      assert.strictEqual(result.right.status, "ACTIVE")
    }
    const draft = validateCreate(input({ publish: false }), now)
    assert.strictEqual(Either.isRight(draft) && draft.right.status, "DRAFT")
  })

  it("collects every issue at once, with ru and en messages", () => {
    const result = validateCreate(
      input({
        title: " a ",
        description: "x".repeat(5001),
        unit: "",
        pricePerUnit: k(0n),
        targetAmount: k(-1n),
        minQuantity: 0,
        deadline: DateTime.subtract(now, { minutes: 1 }),
        city: "  ",
        imageUrl: "javascript:alert(1)",
        organizerFeePercent: 101
      }),
      now
    )
    assert.deepStrictEqual(codes(result), [
      "city.length",
      "deadline.past",
      "description.too-long",
      "image-url.invalid",
      "min-quantity.invalid",
      "organizer-fee.range",
      "pricePerUnit.not-positive",
      "targetAmount.not-positive",
      "title.length",
      "unit.length"
    ])
    if (Either.isLeft(result)) {
      const deadline = result.left.find((i) => i.code === "deadline.past")!
      assert.strictEqual(deadline.en, "The deadline must be in the future")
      assert.strictEqual(deadline.ru, "Дедлайн должен быть в будущем")
      assert.strictEqual(deadline.path, "deadline")
    }
  })

  it("the deadline must be strictly after now; the payment deadline after the deadline", () => {
    assert.deepStrictEqual(codes(validateCreate(input({ deadline: now }), now)), ["deadline.past"])
    assert.deepStrictEqual(codes(validateCreate(input({ paymentDeadline: DateTime.add(now, { days: 7 }) }), now)), [
      "payment-deadline.before-deadline"
    ])
    assert.isTrue(Either.isRight(validateCreate(input({ paymentDeadline: DateTime.add(now, { days: 8 }) }), now)))
  })

  it("the stop-at amount must hold at least the minimum quantity", () => {
    const small = { minQuantity: 2, targetAmount: k(50_000n) }
    assert.deepStrictEqual(codes(validateCreate(input({ ...small, stopAtAmount: k(99_999n) }), now)), [
      "stop-at.too-small"
    ])
    assert.isTrue(Either.isRight(validateCreate(input({ ...small, stopAtAmount: k(100_000n) }), now)))
  })

  it("the stop-at amount may not be below the target (it would stop before reaching its goal)", () => {
    // 5 % of a 10 000 ₽ goal
    assert.deepStrictEqual(codes(validateCreate(input({ stopAtAmount: k(50_000n) }), now)), ["stop-at.below-target"])
    assert.deepStrictEqual(codes(validateCreate(input({ stopAtAmount: k(999_999n) }), now)), ["stop-at.below-target"])
    assert.isTrue(Either.isRight(validateCreate(input({ stopAtAmount: k(1_000_000n) }), now)))
    assert.isTrue(Either.isRight(validateCreate(input({ stopAtAmount: k(1_500_000n) }), now)))
    assert.deepStrictEqual(codes(validateCreate(input({ stopAtAmount: k(limits.maxAmount + 1n) }), now)), [
      "stop-at.too-large"
    ])
  })

  it("checkStopAt: the one stop-at rule; a refusal names the larger bound, the one that decides", () => {
    // a minimal order of 300 ₽ under a 1 000 ₽ target: the target decides, even for an amount below both
    const base = { pricePerUnit: 10_000n, minQuantity: 3, targetAmount: 100_000n }
    for (const stopAtAmount of [1n, 29_999n, 30_000n, 99_999n])
      assert.deepStrictEqual(
        checkStopAt({ ...base, stopAtAmount }),
        Either.left({ _tag: "BelowTarget", target: 100_000n }),
        String(stopAtAmount)
      )
    assert.deepStrictEqual(checkStopAt({ ...base, stopAtAmount: 100_000n }), Either.right(100_000n))
    // a minimal order of 300 ₽ over a 200 ₽ target: the minimal order decides
    const bigOrder = { ...base, targetAmount: 20_000n }
    for (const stopAtAmount of [1n, 19_999n, 20_000n, 29_999n])
      assert.deepStrictEqual(
        checkStopAt({ ...bigOrder, stopAtAmount }),
        Either.left({ _tag: "BelowMinimalOrder", min: 30_000n }),
        String(stopAtAmount)
      )
    assert.deepStrictEqual(checkStopAt({ ...bigOrder, stopAtAmount: 30_000n }), Either.right(30_000n))
    // equal bounds: the target
    assert.deepStrictEqual(
      checkStopAt({ ...base, targetAmount: 30_000n, stopAtAmount: 29_999n }),
      Either.left({ _tag: "BelowTarget", target: 30_000n })
    )
  })

  it("texts get the control-character rule of chat text: NUL and other C0/C1 characters are refused", () => {
    const bad = validateCreate(
      input({
        title: "Мёд\u0000",
        description: "строка 1\nстрока 2\tи\u0007звонок",
        unit: "к\u001bг",
        city: "Бар\u0085наул",
        deliveryAddress: "ул. \u0000",
        imageUrl: "https://example.org/\u0000.png"
      }),
      now
    )
    assert.deepStrictEqual(
      Either.isLeft(bad) ? bad.left.filter((i) => i.code === "text.control-characters").map((i) => i.path) : [],
      ["title", "description", "city", "deliveryAddress", "imageUrl", "unit"]
    )
    // tabs and line breaks stay allowed in the description
    assert.isTrue(Either.isRight(validateCreate(input({ description: "строка 1\r\nстрока 2\tконец" }), now)))
    const edit = validateUpdate(
      {
        title: "Мёд",
        description: "",
        categoryId: null,
        deadline: DateTime.add(now, { days: 1 }),
        paymentDeadline: null,
        city: "Барнаул",
        deliveryAddress: null,
        imageUrl: null
      },
      new UpdateProcurement({ title: "Мёд\u0000" }),
      now
    )
    assert.deepStrictEqual(codes(edit), ["text.control-characters"])
  })

  it("image links: http and https only", () => {
    assert.isTrue(Either.isRight(validateCreate(input({ imageUrl: "https://example.org/a.png" }), now)))
    assert.isTrue(Either.isRight(validateCreate(input({ imageUrl: "http://example.org/a.png" }), now)))
    assert.deepStrictEqual(codes(validateCreate(input({ imageUrl: "ftp://example.org/a.png" }), now)), [
      "image-url.invalid"
    ])
    assert.deepStrictEqual(codes(validateCreate(input({ imageUrl: "not a url" }), now)), ["image-url.invalid"])
  })

  it("title bounds are 3..200 characters after trimming", () => {
    assert.isTrue(Either.isRight(validateCreate(input({ title: " abc " }), now)))
    assert.deepStrictEqual(codes(validateCreate(input({ title: " ab " }), now)), ["title.length"])
    assert.isTrue(Either.isRight(validateCreate(input({ title: "я".repeat(200) }), now)))
    assert.deepStrictEqual(codes(validateCreate(input({ title: "я".repeat(201) }), now)), ["title.length"])
  })
})

describe("ProcurementRules.validateUpdate", () => {
  const current = {
    title: "Мёд",
    description: "",
    categoryId: null,
    deadline: DateTime.add(now, { days: 1 }),
    paymentDeadline: null,
    city: "Барнаул",
    deliveryAddress: null,
    imageUrl: null
  }
  it("applies a patch and validates the result", () => {
    const ok = validateUpdate(current, new UpdateProcurement({ title: " Мёд липовый " }), now)
    assert.strictEqual(Either.isRight(ok) && ok.right.title, "Мёд липовый")
    const bad = validateUpdate(
      current,
      new UpdateProcurement({ deadline: DateTime.subtract(now, { days: 1 }), city: "" }),
      now
    )
    assert.deepStrictEqual(codes(bad), ["city.length", "deadline.past"])
  })
  it("an untouched deadline that passed is not an error of the edit", () => {
    const old = { ...current, deadline: DateTime.subtract(now, { days: 1 }) }
    assert.isTrue(Either.isRight(validateUpdate(old, new UpdateProcurement({ title: "Новое" }), now)))
  })
})

describe("ProcurementRules.checkJoin", () => {
  const procurement = {
    status: "ACTIVE" as const,
    deadline: DateTime.add(now, { days: 1 }),
    organizerId: organizer,
    minQuantity: 2,
    pricePerUnit: k(10_000n),
    stopAtAmount: k(100_000n)
  }
  const ctx = {
    procurement,
    userId: buyer,
    userActive: true,
    quantity: 3,
    collected: k(0n),
    alreadyJoined: false,
    now
  }
  const code = (r: Either.Either<unknown, { code: string }>) => (Either.isLeft(r) ? r.left.code : "ok")

  it("amount = quantity × price", () => {
    assert.deepStrictEqual(checkJoin(ctx), Either.right(k(30_000n)))
  })
  it("refusals with stable codes", () => {
    assert.strictEqual(code(checkJoin({ ...ctx, userActive: false })), "join.user-blocked")
    assert.strictEqual(
      code(checkJoin({ ...ctx, procurement: { ...procurement, status: "STOPPED" } })),
      "join.not-active"
    )
    assert.strictEqual(code(checkJoin({ ...ctx, now: procurement.deadline })), "join.deadline-passed")
    assert.strictEqual(code(checkJoin({ ...ctx, userId: organizer })), "join.own-procurement")
    assert.strictEqual(code(checkJoin({ ...ctx, alreadyJoined: true })), "join.already-joined")
    assert.strictEqual(code(checkJoin({ ...ctx, quantity: 1 })), "join.quantity-too-small")
  })
  it("quantity-too-small carries the minimum; exceeds-remaining the remaining kopecks", () => {
    const small = checkJoin({ ...ctx, quantity: 1 })
    assert.deepStrictEqual(Either.isLeft(small) && small.left.params, { min: "2" })
    const over = checkJoin({ ...ctx, collected: k(80_000n) })
    assert.isTrue(Either.isLeft(over))
    if (Either.isLeft(over)) {
      assert.strictEqual(over.left.code, "join.exceeds-remaining")
      assert.deepStrictEqual(over.left.params, { remaining: "20000" })
      assert.include(over.left.ru, "200")
    }
    assert.deepStrictEqual(checkJoin({ ...ctx, quantity: 2, collected: k(80_000n) }), Either.right(k(20_000n)))
  })
  it("nothing more fits once the remaining amount is below the minimum purchase", () => {
    assert.isFalse(nothingMoreFits(procurement, 80_000n))
    assert.isTrue(nothingMoreFits(procurement, 80_001n))
    assert.isTrue(nothingMoreFits(procurement, 100_000n))
    assert.isFalse(nothingMoreFits({ ...procurement, stopAtAmount: null }, 10_000_000n))
  })
})

describe("ProcurementRules: leave, pay, progress", () => {
  it("leave only while ACTIVE", () => {
    assert.isTrue(Either.isRight(checkLeave("ACTIVE")))
    for (const s of ["STOPPED", "PAYMENT", "COMPLETED", "CANCELLED"] as const) {
      const r = checkLeave(s)
      assert.strictEqual(Either.isLeft(r) && r.left.code, "leave.too-late")
    }
  })
  it("pay: already paid, not open, not confirmed", () => {
    const code = (r: Either.Either<void, { code: string }>) => (Either.isLeft(r) ? r.left.code : "ok")
    assert.strictEqual(code(checkPay("PAYMENT", "CONFIRMED")), "ok")
    assert.strictEqual(code(checkPay("PAYMENT", "PAID")), "pay.already-paid")
    assert.strictEqual(code(checkPay("COMPLETED", "DELIVERED")), "pay.already-paid")
    assert.strictEqual(code(checkPay("STOPPED", "CONFIRMED")), "pay.not-open")
    assert.strictEqual(code(checkPay("PAYMENT", "PENDING")), "pay.not-confirmed")
  })
  it("daysLeft rounds up and is 0 once passed", () => {
    assert.strictEqual(daysLeft(DateTime.add(now, { days: 2 }), now), 2)
    assert.strictEqual(daysLeft(DateTime.add(now, { days: 1, seconds: 1 }), now), 2)
    assert.strictEqual(daysLeft(DateTime.add(now, { seconds: 1 }), now), 1)
    assert.strictEqual(daysLeft(now, now), 0)
    assert.strictEqual(daysLeft(DateTime.subtract(now, { days: 3 }), now), 0)
  })
  it("percent = floor(collected × 100 / target), may exceed 100", () => {
    const p = (collected: bigint, target: bigint) =>
      progress({ collected: k(collected), target: k(target), participantCount: 1, deadline: now, now }).percent
    assert.strictEqual(p(0n, 100n), 0)
    assert.strictEqual(p(1n, 3n), 33)
    assert.strictEqual(p(2n, 3n), 66)
    assert.strictEqual(p(300n, 100n), 300)
  })
})

describe("ProcurementRules.planStatusChange", () => {
  const part = (id: string, userId: string, status: ParticipantStatus, amount: bigint) => ({
    id: id as ParticipantId,
    userId: userId as UserId,
    status,
    amount: k(amount)
  })
  const ps = [
    part("p1", "cccc", "PENDING", 10n),
    part("p2", "bbbb", "CONFIRMED", 20n),
    part("p3", "dddd", "PAID", 30n),
    part("p4", "aaaa", "PAID", 40n),
    part("p5", "eeee", "CANCELLED", 50n)
  ]
  it("PAYMENT asks the confirmed participants to pay", () => {
    assert.deepStrictEqual(
      planStatusChange("PAYMENT", ps, k(0n)).askToPay.map((p) => p.id),
      ["p2"]
    )
  })
  it("COMPLETED cancels the unpaid and transfers the held money", () => {
    const plan = planStatusChange("COMPLETED", ps, k(70n))
    assert.deepStrictEqual(
      plan.cancel.map((p) => p.id),
      ["p1", "p2"]
    )
    assert.strictEqual(plan.transfer, 70n)
    assert.deepStrictEqual(plan.refund, [])
  })
  it("CANCELLED refunds the paid ones in user-id order (the lock order) and cancels the rest", () => {
    const plan = planStatusChange("CANCELLED", ps, k(70n))
    assert.deepStrictEqual(
      plan.refund.map((p) => p.id),
      ["p4", "p3"]
    )
    assert.deepStrictEqual(
      plan.cancel.map((p) => p.id),
      ["p1", "p2"]
    )
    assert.strictEqual(plan.transfer, 0n)
  })
})
