import { FetchHttpClient } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { Ledger, Payments, PaymentFilter, systemActor } from "@groupbuy/core"
import { coreProfiles, insertUser } from "@groupbuy/core/testing"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Duration, Effect, Layer, Option, Redacted } from "effect"
import { generateKeyPairSync, sign } from "node:crypto"
import type { TochkaSettings } from "../src/config/ServerConfig.js"
import { makeCyclopsClient, rublesToKopecks } from "../src/payments/CyclopsClient.js"
import { Deposits, DepositsLive } from "../src/payments/Deposits.js"
import { PaymentProvider } from "../src/payments/PaymentProvider.js"
import { depositPurpose, makeTochkaProvider } from "../src/payments/TochkaProvider.js"
import { Schema } from "effect"
import { type FakeCyclops, startFakeCyclops } from "./fakes/FakeCyclops.js"

const platformKeys = generateKeyPairSync("rsa", { modulusLength: 2048 })
const bankKeys = generateKeyPairSync("rsa", { modulusLength: 2048 })
const pem = (k: { export: (o: any) => string | Buffer }, type: "pkcs1" | "spki") =>
  k.export({ type, format: "pem" }).toString()

let fake: FakeCyclops
beforeAll(async () => {
  fake = await startFakeCyclops({
    publicKey: platformKeys.publicKey,
    signSystem: "groupbuy",
    signThumbprint: "AB12CD34"
  })
})
afterAll(() => fake.close())

const settings = (): TochkaSettings => ({
  apiUrl: fake.url,
  signSystem: "groupbuy",
  signThumbprint: "AB12CD34",
  privateKey: Redacted.make(pem(platformKeys.privateKey, "pkcs1")),
  beneficiaryId: "beneficiary-1",
  nominalAccount: Option.some("40702810000000000000"),
  pollInterval: Duration.minutes(5),
  webhookPublicKey: Option.some(pem(bankKeys.publicKey, "spki")),
  paymentDetails: "Р/с 40702810000000000000, БИК 044525104, ООО «ГрупБай»"
})

describe("Cyclops amounts", () => {
  it("converts bank rubles to kopecks exactly, refusing fractions of a kopeck", () => {
    assert.strictEqual(rublesToKopecks(1500.5), 150050n)
    assert.strictEqual(rublesToKopecks(0.1 + 0.2), 30n)
    assert.isNull(rublesToKopecks(10.005))
    assert.isNull(rublesToKopecks(-1))
  })
})

describe("Cyclops client", () => {
  it.effect("signs requests the fake verifies, and a wrong key is rejected", () =>
    Effect.gen(function* () {
      const good = yield* makeCyclopsClient({
        url: fake.url,
        signSystem: "groupbuy",
        signThumbprint: "AB12CD34",
        privateKey: Redacted.make(pem(platformKeys.privateKey, "pkcs1"))
      })
      const echoed = yield* good.call("echo", { text: "привет" }, Schema.Struct({ text: Schema.String }))
      assert.strictEqual(echoed.text, "привет")
      const forged = yield* makeCyclopsClient({
        url: fake.url,
        signSystem: "groupbuy",
        signThumbprint: "AB12CD34",
        privateKey: Redacted.make(pem(generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey, "pkcs1"))
      })
      const error = yield* forged.call("echo", {}, Schema.Unknown).pipe(Effect.flip)
      assert.include(error.message, "invalid signature")
      assert.include(fake.rejected, "echo")
    }).pipe(Effect.provide(FetchHttpClient.layer))
  )
})

const tochkaTest = (profile: ReturnType<typeof coreProfiles>[number]) =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const { poll, provider, reconcile } = yield* makeTochkaProvider(settings())
      // fresh: @effect/vitest memoises layers across the suites of a file, and each profile needs its own
      return Layer.fresh(DepositsLive).pipe(
        Layer.provideMerge(Layer.succeed(PaymentProvider, provider)),
        Layer.merge(Layer.succeed(Poller, { poll, reconcile }))
      )
    })
  ).pipe(Layer.provideMerge(FetchHttpClient.layer), Layer.provideMerge(profile.layer))

class Poller extends Effect.Tag("test/Poller")<
  Poller,
  { readonly poll: Effect.Effect<number, unknown>; readonly reconcile: Effect.Effect<number, unknown> }
>() {}

const signed = (paymentId: string) => {
  const body = Buffer.from(JSON.stringify({ payment_id: paymentId }))
  return { body, headers: { "sign-data": sign("sha256", body, bankKeys.privateKey).toString("base64") } }
}

for (const profile of coreProfiles())
  describe(`Tochka provider (${profile.name})`, () => {
    it.layer(tochkaTest(profile), { timeout: "120 seconds" })((it) => {
      it.effect("credits an incoming transfer once per bank payment, identifies it, and retries identification", () =>
        Effect.gen(function* () {
          const deposits = yield* Deposits
          const ledger = yield* Ledger
          const payments = yield* Payments
          const user = yield* insertUser()
          const started = yield* deposits.create(user, 150_050n, "first")
          assert.isNull(started.url)
          const account = yield* payments.virtualAccount(user, "tochka")
          assert.isNotNull(account)
          assert.include(started.instructions!, depositPurpose(account!))
          assert.include(started.instructions!, "БИК 044525104")
          // in the payer's language (Russian by default), with the nominal account on its own line
          assert.include(started.instructions!, "Переведите 1\u202f500,50\u00a0₽ банковским переводом по реквизитам:")
          assert.include(started.instructions!, "\nСчёт: 40702810000000000000\n")
          assert.notInclude(started.instructions!, "Transfer")
          const sql = yield* SqlClient.SqlClient
          const english = yield* insertUser()
          yield* sql`UPDATE users SET language = 'en' WHERE id = ${english}`
          const inEnglish = yield* deposits.create(english, 10_000n, "english")
          assert.include(inEnglish.instructions!, "Transfer 100,00\u00a0₽ by bank transfer to:")
          assert.include(inEnglish.instructions!, "\nAccount: 40702810000000000000\n")
          // a second deposit reuses the user's virtual account
          const accountsCreated = () => fake.calls.filter((c) => c.method === "create_virtual_account").length
          const created = accountsCreated()
          yield* deposits.create(user, 1_000n, "second")
          assert.strictEqual(accountsCreated(), created)

          const bankId = fake.addIncoming(1500.5, `Пополнение. ${depositPurpose(account!)}`)
          const stranger = fake.addIncoming(99, "Оплата по счёту 17")
          fake.failNextIdentification()
          yield* Poller.poll
          assert.strictEqual(yield* ledger.balance(user), 150_050n)
          assert.isFalse(fake.payments.get(bankId)!.identify)

          yield* Poller.poll
          yield* Poller.poll
          assert.strictEqual(yield* ledger.balance(user), 150_050n)
          assert.isTrue(fake.payments.get(bankId)!.identify)
          assert.strictEqual(fake.accounts.get(account!)!.cash, 1500.5)
          assert.isFalse(fake.payments.get(stranger)!.identify)

          const settled = yield* payments.list(new PaymentFilter({ userId: user, status: "SUCCEEDED" }))
          assert.strictEqual(settled.items.length, 1)
          assert.strictEqual(settled.items[0]!.id, started.payment.id)
          assert.strictEqual(settled.items[0]!.providerPaymentId, bankId)

          // refund: the balance is debited once and the bank is asked once per payment (ext_key)
          const refunded = yield* deposits.refund(started.payment.id)
          assert.strictEqual(refunded.status, "REFUNDED")
          assert.strictEqual(yield* ledger.balance(user), 0n)
          assert.strictEqual(fake.refunds.get(started.payment.id)?.amount, 1500.5)
          const again = yield* deposits.refund(started.payment.id).pipe(Effect.flip)
          assert.oneOf(again._tag, ["IllegalTransition", "InvalidInput"])
        })
      )

      it.effect("accepts bank webhooks only with a valid signature; duplicates change nothing twice", () =>
        Effect.gen(function* () {
          const deposits = yield* Deposits
          const ledger = yield* Ledger
          const payments = yield* Payments
          const user = yield* insertUser()
          yield* deposits.create(user, 50_000n, "w")
          const account = (yield* payments.virtualAccount(user, "tochka"))!
          const bankId = fake.addIncoming(500, depositPurpose(account))
          const body = Buffer.from(JSON.stringify({ payment_id: bankId }))
          const signature = sign("sha256", body, bankKeys.privateKey).toString("base64")

          const forged = yield* deposits
            .applyWebhook(
              "tochka",
              { "sign-data": sign("sha256", body, platformKeys.privateKey).toString("base64") },
              body
            )
            .pipe(Effect.flip)
          assert.strictEqual(forged._tag, "WebhookRejected")
          const unsigned = yield* deposits.applyWebhook("tochka", {}, body).pipe(Effect.flip)
          assert.strictEqual(unsigned._tag, "WebhookRejected")
          assert.strictEqual(yield* ledger.balance(user), 0n)

          yield* deposits.applyWebhook("tochka", { "sign-data": signature }, body)
          yield* deposits.applyWebhook("tochka", { "sign-data": signature }, body)
          assert.strictEqual(yield* ledger.balance(user), 50_000n)
          const unknown = yield* deposits.applyWebhook("sandbox", {}, body).pipe(Effect.flip)
          assert.strictEqual(unknown._tag, "UnknownProvider")
          const p = yield* payments.list(new PaymentFilter({ userId: user, status: "SUCCEEDED" }))
          assert.strictEqual(p.items.length, 1)
          yield* payments.get(systemActor("test"), p.items[0]!.id)
        })
      )

      it.effect("concurrent signed webhooks for N transfers (and their duplicates) credit Σ N, every time", () =>
        Effect.gen(function* () {
          const deposits = yield* Deposits
          const ledger = yield* Ledger
          const payments = yield* Payments
          // the lost transfer showed on every concurrent run of the old code; several rounds make that certain here
          for (let round = 0; round < 5; round++) {
            const user = yield* insertUser()
            yield* deposits.create(user, 50_000n, `announced-${round}`)
            const account = (yield* payments.virtualAccount(user, "tochka"))!
            const bankIds = Array.from({ length: 4 }, () => fake.addIncoming(500, depositPurpose(account)))
            yield* Effect.forEach(
              [...bankIds, ...bankIds],
              (id) => {
                const { body, headers } = signed(id)
                return deposits.applyWebhook("tochka", headers, body)
              },
              { concurrency: "unbounded", discard: true }
            )
            assert.strictEqual(yield* ledger.balance(user), 200_000n, `round ${round}`)
            for (const id of bankIds) assert.isTrue(fake.payments.get(id)!.identify, `identified ${id}`)
            assert.strictEqual(fake.accounts.get(account)!.cash, 2000)
            const settled = yield* payments.list(new PaymentFilter({ userId: user, status: "SUCCEEDED" }))
            assert.deepStrictEqual(settled.items.map((p) => p.providerPaymentId).sort(), [...bankIds].sort())
            assert.deepStrictEqual(yield* payments.uncredited("tochka", bankIds), [])
          }
        })
      )

      it.effect("reconciliation credits a payment identified at the bank without a credit, once", () =>
        Effect.gen(function* () {
          const deposits = yield* Deposits
          const ledger = yield* Ledger
          const payments = yield* Payments
          const user = yield* insertUser()
          yield* deposits.create(user, 30_000n, "lost")
          const account = (yield* payments.virtualAccount(user, "tochka"))!
          // what the old concurrent settlement left behind: identified at the bank, never credited
          const lost = fake.addIncoming(300, depositPurpose(account))
          fake.payments.get(lost)!.identify = true
          fake.accounts.get(account)!.cash += 300
          yield* Poller.poll
          assert.strictEqual(yield* ledger.balance(user), 0n, "the poller lists only unidentified payments")

          const identifyCalls = () => fake.calls.filter((c) => c.method === "identification_payment").length
          const before = identifyCalls()
          assert.isAtLeast(yield* Poller.reconcile, 1)
          assert.strictEqual(yield* ledger.balance(user), 30_000n)
          assert.strictEqual(identifyCalls(), before, "an identified payment is not identified again")
          // the announced deposit took the credit; running again changes nothing
          const settled = yield* payments.list(new PaymentFilter({ userId: user, status: "SUCCEEDED" }))
          assert.deepStrictEqual(
            settled.items.map((p) => p.providerPaymentId),
            [lost]
          )
          // an identified payment that is not a GroupBuy deposit is looked at once, not every round
          const foreign = fake.addIncoming(10, "Оплата по счёту 9")
          fake.payments.get(foreign)!.identify = true
          const lookups = () =>
            fake.calls.filter((c) => c.method === "get_payment" && c.params["payment_id"] === foreign).length
          yield* Poller.reconcile
          yield* Effect.forEach([1, 2, 3], () => Poller.reconcile, { concurrency: "unbounded" })
          assert.strictEqual(yield* ledger.balance(user), 30_000n)
          const looked = lookups()
          assert.isAtLeast(looked, 1)
          yield* Poller.reconcile
          assert.strictEqual(lookups(), looked)
          assert.deepStrictEqual(yield* payments.uncredited("tochka", [lost]), [])
        })
      )
    })
  })
