/**
 * Withdrawal requests over the API on both database profiles (sandbox payouts): a user asks (held at once, over the
 * balance refused, somebody else's refused), the admins hear of it, an admin lists, approves (marked paid, audited,
 * the user told) and rejects another (released, told with the reason). Then Tochka payouts against the fake Cyclops
 * bank: a deal from the user's virtual account to the details' account, executed once; unusable details or a short
 * virtual account leave the request pending and held.
 */
import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import {
  AuditFilter,
  AuditLog,
  Credit,
  CSRF_HEADER,
  GroupBuyApi,
  Kopecks,
  Ledger,
  Notifications,
  type NotificationType,
  Payments,
  RequestWithdrawal,
  type UserId,
  Withdrawals
} from "@groupbuy/core"
import { coreProfiles, insertUser } from "@groupbuy/core/testing"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Duration, Effect, Layer, Option, Redacted } from "effect"
import { generateKeyPairSync, randomUUID } from "node:crypto"
import type { TochkaSettings } from "../src/config/ServerConfig.js"
import { PaymentProvider } from "../src/payments/PaymentProvider.js"
import { makeTochkaProvider, payoutAccountOf } from "../src/payments/TochkaProvider.js"
import { type FakeCyclops, startFakeCyclops } from "./fakes/FakeCyclops.js"
import { adminLogin, eventually } from "./utils/AppHarness.js"
import { TestServer, userClient } from "./utils/TestServer.js"

const fund = (userId: UserId, amount: bigint) =>
  Effect.flatMap(Ledger, (ledger) =>
    ledger.deposit(new Credit({ userId, amount: Kopecks.make(amount), idempotencyKey: `fund:${randomUUID()}` }))
  )

const balanceOf = (userId: UserId) => Effect.flatMap(Ledger, (ledger) => ledger.balance(userId))

const invariant = Effect.gen(function* () {
  const totals = yield* Effect.flatMap(Ledger, (l) => l.totals())
  assert.strictEqual(totals.balances + totals.held, totals.external, "Σ balances + Σ held = external")
})

/** The user's notifications of `type`, once there is one (the dispatcher writes them on its own fiber). */
const notified = (id: UserId, type: NotificationType) =>
  eventually(
    Effect.flatMap(Notifications, (n) => n.list(id, { offset: 0, limit: 20 })).pipe(
      Effect.map((page) => page.items.filter((item) => item.type === type)),
      Effect.filterOrFail(
        (items) => items.length > 0,
        () => new Error(`no ${type} notification yet`)
      )
    )
  )

/** The admin's client of the whole API (the withdrawal endpoints are their own group). */
const adminApi = (email: string, userId: UserId) =>
  Effect.gen(function* () {
    const { cookie, csrfToken } = yield* adminLogin("", email, userId)
    return yield* HttpApiClient.make(GroupBuyApi, {
      transformClient: HttpClient.mapRequest(HttpClientRequest.setHeaders({ cookie, [CSRF_HEADER]: csrfToken }))
    })
  })

const details = "Счёт 40817 810 0000 0000 0001, БИК 044525225, Иванов Иван"

for (const profile of coreProfiles()) {
  describe(`withdrawals API (${profile.name})`, () => {
    it.layer(TestServer(profile.layer), { timeout: "120 seconds" })((it) => {
      it.effect(
        "a user asks, the amount is held; an admin pays one out and rejects another; both are told",
        () =>
          Effect.gen(function* () {
            const anna = yield* insertUser({ firstName: "Анна", isAdmin: true })
            const boris = yield* insertUser({ firstName: "Борис" })
            yield* fund(boris, 100_000n)
            const asBoris = yield* userClient(boris)
            const asked = yield* asBoris.withdrawals.requestWithdrawal({
              path: { id: boris },
              payload: { amount: Kopecks.make(60_000n), details, idempotencyKey: "tap-1" }
            })
            assert.isTrue(asked.created)
            assert.strictEqual(asked.request.status, "PENDING")
            assert.strictEqual(yield* balanceOf(boris), 40_000n)
            // a double tap asks once
            const again = yield* asBoris.withdrawals.requestWithdrawal({
              path: { id: boris },
              payload: { amount: Kopecks.make(60_000n), details, idempotencyKey: "tap-1" }
            })
            assert.isFalse(again.created)
            assert.strictEqual(yield* balanceOf(boris), 40_000n)
            const above = yield* asBoris.withdrawals
              .requestWithdrawal({ path: { id: boris }, payload: { amount: Kopecks.make(40_001n), details } })
              .pipe(Effect.flip)
            assert.strictEqual(above._tag, "InsufficientFunds")
            const vera = yield* insertUser({ firstName: "Вера" })
            const foreign = yield* asBoris.withdrawals
              .requestWithdrawal({ path: { id: vera }, payload: { amount: Kopecks.make(1n), details } })
              .pipe(Effect.flip)
            assert.strictEqual(foreign._tag, "Forbidden")
            const mine = yield* asBoris.withdrawals.withdrawals({ path: { id: boris }, urlParams: {} })
            assert.deepStrictEqual(
              mine.items.map((r) => r.id),
              [asked.request.id]
            )

            const told = yield* notified(anna, "WITHDRAWAL_REQUESTED")
            assert.lengthOf(told, 1)
            assert.include(told[0]!.body, "Борис просит вывести 600")

            const admin = yield* adminApi("withdrawals@example.com", anna)
            const pending = yield* admin.adminWithdrawals.adminWithdrawals({ urlParams: { status: "PENDING" } })
            const listed = pending.items.find((view) => view.request.id === asked.request.id)
            assert.strictEqual(listed?.user.firstName, "Борис")
            assert.strictEqual(listed?.user.balance, 40_000n)
            const paid = yield* admin.adminWithdrawals.approveWithdrawal({ path: { id: asked.request.id } })
            assert.strictEqual(paid.status, "APPROVED")
            assert.strictEqual(paid.provider, "sandbox")
            assert.strictEqual(paid.payoutReference, `sandbox-payout-${asked.request.id}`)
            assert.strictEqual(yield* balanceOf(boris), 40_000n, "approval does not debit a second time")
            // a double click acts once; a rejection now is refused
            yield* admin.adminWithdrawals.approveWithdrawal({ path: { id: asked.request.id } })
            const flip = yield* admin.adminWithdrawals
              .rejectWithdrawal({ path: { id: asked.request.id }, payload: {} })
              .pipe(Effect.flip)
            assert.strictEqual(flip._tag === "RuleViolation" ? flip.code : flip._tag, "withdrawal.decided")
            const paidNotice = yield* notified(boris, "WITHDRAWAL_DECIDED")
            assert.strictEqual(paidNotice[0]!.title, "Вывод выплачен")

            const second = yield* asBoris.withdrawals.requestWithdrawal({
              path: { id: boris },
              payload: { amount: Kopecks.make(10_000n), details: "карта 2200 7001 2222 3333" }
            })
            assert.strictEqual(yield* balanceOf(boris), 30_000n)
            const rejected = yield* admin.adminWithdrawals.rejectWithdrawal({
              path: { id: second.request.id },
              payload: { reason: "нужны реквизиты счёта" }
            })
            assert.strictEqual(rejected.status, "REJECTED")
            assert.strictEqual(yield* balanceOf(boris), 40_000n)
            const rejectedNotice = yield* eventually(
              Effect.flatMap(Notifications, (n) => n.list(boris, { offset: 0, limit: 20 })).pipe(
                Effect.map((page) => page.items.filter((item) => item.title === "Вывод отклонён")),
                Effect.filterOrFail(
                  (items) => items.length > 0,
                  () => new Error("no rejection notice yet")
                )
              )
            )
            assert.include(rejectedNotice[0]!.body, "нужны реквизиты счёта")

            const audit = yield* (yield* AuditLog).list(new AuditFilter({ targetType: "withdrawal_request" }))
            assert.sameMembers(
              audit.items.map((entry) => entry.action),
              ["withdrawal.approve", "withdrawal.reject"]
            )
            // users do not reach the admin endpoints
            const sneaky = yield* asBoris.adminWithdrawals
              .approveWithdrawal({ path: { id: second.request.id } })
              .pipe(Effect.flip)
            assert.strictEqual(sneaky._tag, "Unauthorized")
            yield* invariant
          }),
        120_000
      )
    })
  })
}

describe("payout account in the details", () => {
  it("finds one 20-digit account and one BIC, spaces allowed; anything else is refused", () => {
    assert.deepStrictEqual(payoutAccountOf(details), { account: "40817810000000000001", bic: "044525225" })
    assert.isNull(payoutAccountOf("карта 2200 7001 2222 3333"))
    assert.isNull(payoutAccountOf("40817810000000000001 без БИК"))
  })
})

const platformKeys = generateKeyPairSync("rsa", { modulusLength: 2048 })
let fake: FakeCyclops
beforeAll(async () => {
  fake = await startFakeCyclops({ publicKey: platformKeys.publicKey, signSystem: "groupbuy", signThumbprint: "AB12" })
})
afterAll(() => fake.close())

const settings = (): TochkaSettings => ({
  apiUrl: fake.url,
  signSystem: "groupbuy",
  signThumbprint: "AB12",
  privateKey: Redacted.make(platformKeys.privateKey.export({ type: "pkcs1", format: "pem" }).toString()),
  beneficiaryId: "beneficiary-1",
  nominalAccount: Option.some("40702810000000000000"),
  pollInterval: Duration.minutes(5),
  webhookPublicKey: Option.none(),
  paymentDetails: "Р/с 40702810000000000000, БИК 044525104, ООО «ГрупБай»"
})

const tochkaPayouts = (profile: ReturnType<typeof coreProfiles>[number]) =>
  Layer.unwrapEffect(
    // the fake bank starts in beforeAll: read its settings when the layer is built
    Effect.suspend(() => makeTochkaProvider(settings())).pipe(
      Effect.map(({ provider }) => Layer.succeed(PaymentProvider, provider))
    )
  ).pipe(Layer.provideMerge(FetchHttpClient.layer), Layer.provideMerge(profile.layer))

for (const profile of coreProfiles())
  describe(`Tochka payouts (${profile.name})`, () => {
    it.layer(tochkaPayouts(profile), { timeout: "120 seconds" })((it) => {
      it.effect(
        "approval pays through one executed Cyclops deal; failures leave the request pending and held",
        () =>
          Effect.gen(function* () {
            const withdrawals = yield* Withdrawals
            const provider = yield* PaymentProvider
            const payout = (request: Parameters<typeof provider.payout>[0]) =>
              provider.payout(request).pipe(Effect.mapError((e) => ({ message: e.message })))
            const user = yield* insertUser({ firstName: "Иван" })
            yield* fund(user, 60_000n)
            // one fake bank serves both profiles
            const dealsBefore = fake.deals.size
            const account = randomUUID()
            fake.accounts.set(account, { beneficiaryId: "beneficiary-1", cash: 500 })
            yield* (yield* Payments).setVirtualAccount(user, "tochka", account)

            // details without an account number: the bank is not asked, the request stays pending and held
            const vague = yield* withdrawals.request(
              user,
              new RequestWithdrawal({ amount: Kopecks.make(10_000n), details: "на карту, пожалуйста" })
            )
            const refused = yield* withdrawals.approve(vague.request.id, null, payout).pipe(Effect.flip)
            assert.strictEqual(
              refused._tag === "RuleViolation" ? refused.code : refused._tag,
              "withdrawal.payout-failed"
            )
            assert.strictEqual((yield* withdrawals.get(vague.request.id)).status, "PENDING")
            assert.strictEqual(fake.deals.size, dealsBefore)
            yield* withdrawals.reject(vague.request.id, null, "нет реквизитов")

            const { request } = yield* withdrawals.request(
              user,
              new RequestWithdrawal({ amount: Kopecks.make(30_000n), details })
            )
            const approved = yield* withdrawals.approve(request.id, null, payout)
            assert.strictEqual(approved.request.status, "APPROVED")
            assert.strictEqual(approved.request.provider, "tochka")
            const deal = fake.deals.get(approved.request.payoutReference!)
            assert.strictEqual(deal?.status, "executed")
            assert.strictEqual(deal?.ext_key, request.id)
            assert.deepStrictEqual(deal?.payers, [{ virtual_account: account, amount: 300 }])
            assert.deepInclude(deal?.recipients[0], {
              type: "payment_contract",
              amount: 300,
              account: "40817810000000000001",
              bank_code: "044525225"
            })
            assert.strictEqual(fake.accounts.get(account)!.cash, 200)
            // the same request paid again (a retry after a crash) finds the same deal and pays nothing more
            const replay = yield* provider.payout(approved.request)
            assert.strictEqual(replay.reference, approved.request.payoutReference)
            assert.strictEqual(fake.accounts.get(account)!.cash, 200)
            assert.strictEqual(fake.deals.size, dealsBefore + 1)

            // more than the virtual account holds at the bank: refused there, pending and held here
            const big = yield* withdrawals.request(
              user,
              new RequestWithdrawal({ amount: Kopecks.make(20_001n), details })
            )
            const short = yield* withdrawals.approve(big.request.id, null, payout).pipe(Effect.flip)
            assert.strictEqual(short._tag === "RuleViolation" ? short.code : short._tag, "withdrawal.payout-failed")
            const stillHeld = yield* withdrawals.get(big.request.id)
            assert.strictEqual(stillHeld.status, "PENDING")
            assert.include(stillHeld.failure ?? "", "insufficient funds")
            assert.strictEqual(yield* balanceOf(user), 60_000n - 30_000n - 20_001n)
            yield* invariant
          }),
        120_000
      )
    })
  })
