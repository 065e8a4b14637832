/**
 * Tochka settlement under fire, on PostgreSQL: the real server process (`npm start`'s main module) with
 * PAYMENT_PROVIDER=tochka against a fresh database and the fake Cyclops on loopback. A seeded random workload sends
 * signed webhooks (with duplicates, several transfers per announced deposit, transfers identified at the bank without
 * a credit) while this process joins, leaves, pays and deposits on the same database; the server is killed with
 * SIGKILL mid-run and started again, and its poller and reconciliation finish the job. Afterwards the ledger
 * invariant holds, no balance is negative, and every bank payment id is credited exactly once.
 *
 * The seed is printed; TOCHKA_SETTLEMENT_SEED=<n> replays (and explores) other workloads.
 */
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import {
  CoreServicesLive,
  CreateDeposit,
  kopecks,
  Ledger,
  MigrationsLive,
  Payments,
  pgClient,
  type ProcurementId,
  Procurements,
  type UserId
} from "@groupbuy/core"
import { insertParticipant, insertProcurement, insertUser, testDatabaseUrl } from "@groupbuy/core/testing"
import { afterEach, assert, describe, it } from "@effect/vitest"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { generateKeyPairSync, randomBytes, randomUUID, sign } from "node:crypto"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { depositPurpose } from "../src/payments/TochkaProvider.js"
import { startFakeCyclops } from "./fakes/FakeCyclops.js"
import { killRunning, run, type Spawned, waitFor } from "./utils/Spawn.js"

const url = testDatabaseUrl()

/** Mulberry32: a small seeded generator, so a failing run can be replayed. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const pem = (k: { export: (o: any) => string | Buffer }, type: "pkcs1" | "spki") =>
  k.export({ type, format: "pem" }).toString()

const withDatabase = (server: string, database: string) => {
  const u = new URL(server)
  u.pathname = `/${database}`
  return u.toString()
}

const admin = (server: string, statement: string) =>
  Effect.runPromise(
    Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(statement)).pipe(
      Effect.provide(PgClient.layer({ url: Redacted.make(server), maxConnections: 1 }))
    )
  )

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

afterEach(killRunning)

describe.skipIf(url === undefined)(
  "Tochka settlement: concurrent, duplicated, killed with SIGKILL (PostgreSQL)",
  () => {
    it("every bank payment id is credited exactly once; the ledger invariant holds", { timeout: 300_000 }, async () => {
      const seed = Number(process.env["TOCHKA_SETTLEMENT_SEED"] ?? 20_261_204)
      console.log(`Tochka settlement seed: ${seed} (replay with TOCHKA_SETTLEMENT_SEED=${seed})`)
      const random = prng(seed)
      const below = (n: number) => Math.floor(random() * n)
      const pick = <A>(xs: ReadonlyArray<A>) => xs[below(xs.length)]!

      const platformKeys = generateKeyPairSync("rsa", { modulusLength: 2048 })
      const bankKeys = generateKeyPairSync("rsa", { modulusLength: 2048 })
      const fake = await startFakeCyclops({
        publicKey: platformKeys.publicKey,
        signSystem: "groupbuy",
        signThumbprint: "AB12CD34"
      })
      const database = `gb_settle_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`
      await admin(url!, `CREATE DATABASE ${database}`)
      const databaseUrl = withDatabase(url!, database)
      const core = ManagedRuntime.make(
        Layer.fresh(CoreServicesLive).pipe(
          Layer.provideMerge(Layer.fresh(MigrationsLive)),
          Layer.provideMerge(pgClient(Redacted.make(databaseUrl), { maxConnections: 10 }))
        )
      )
      const dataDir = mkdtempSync(join(tmpdir(), "gb-settle-"))
      const start = async () => {
        const server = run("main.ts", [], {
          DATA_DIR: dataDir,
          DATABASE_URL: databaseUrl,
          PORT: "0",
          HOST: "127.0.0.1",
          LOG_FORMAT: "json",
          PAYMENT_PROVIDER: "tochka",
          TOCHKA_API_URL: fake.url,
          TOCHKA_SIGN_SYSTEM: "groupbuy",
          TOCHKA_SIGN_THUMBPRINT: "AB12CD34",
          TOCHKA_PRIVATE_KEY: pem(platformKeys.privateKey, "pkcs1"),
          TOCHKA_WEBHOOK_PUBLIC_KEY: pem(bankKeys.publicKey, "spki"),
          TOCHKA_BENEFICIARY_ID: "beneficiary-1",
          TOCHKA_POLL_INTERVAL: "2 seconds",
          TOCHKA_PAYMENT_DETAILS: "Р/с 40702810000000000000, БИК 044525104"
        })
        const port = await waitFor(
          "the listening log line",
          () => {
            if (server.child.exitCode !== null) throw new Error(`the server exited:\n${server.output()}`)
            return /Listening on http:\/\/[^:]+:(\d+)/.exec(server.output())?.[1]
          },
          server.output,
          120_000
        )
        return { server, base: `http://127.0.0.1:${port}` }
      }
      let current: { server: Spawned; base: string } | undefined
      try {
        // the scene: buyers with virtual accounts (known to the bank), announced deposits, open procurements
        const scene = await core.runPromise(
          Effect.gen(function* () {
            const payments = yield* Payments
            const organizer = yield* insertUser({ role: "organizer" })
            const buyers: Array<{ userId: UserId; account: string }> = []
            for (let i = 0; i < 8; i++) {
              const userId = yield* insertUser()
              const account = randomUUID()
              yield* payments.setVirtualAccount(userId, "tochka", account)
              fake.accounts.set(account, { beneficiaryId: "beneficiary-1", cash: 0 })
              buyers.push({ userId, account })
            }
            const open: Array<ProcurementId> = []
            const paying: Array<ProcurementId> = []
            for (let i = 0; i < 3; i++) open.push(yield* insertProcurement(organizer))
            for (let i = 0; i < 3; i++) {
              const id = yield* insertProcurement(organizer, { status: "PAYMENT" })
              for (const b of buyers) yield* insertParticipant(id, b.userId, "CONFIRMED")
              paying.push(id)
            }
            return { organizer, buyers, open, paying }
          })
        )
        const rubles = [100, 250, 500, 1000, 1500.5]
        for (const b of scene.buyers) {
          for (let i = 0; i < 2; i++) {
            await core.runPromise(
              Effect.flatMap(Payments, (p) =>
                p.createDeposit(
                  new CreateDeposit({
                    userId: b.userId,
                    amount: kopecks(BigInt(Math.round(pick(rubles) * 100))),
                    provider: "tochka",
                    idempotencyKey: `announced-${b.userId}-${i}`
                  })
                )
              )
            )
          }
        }
        // left behind by the old concurrent settlement: identified at the bank, never credited
        const bankIds: Array<string> = []
        for (let i = 0; i < 3; i++) {
          const b = pick(scene.buyers)
          const amount = pick(rubles)
          const id = fake.addIncoming(amount, `Пополнение. ${depositPurpose(b.account)}`)
          fake.payments.get(id)!.identify = true
          fake.accounts.get(b.account)!.cash += amount
          bankIds.push(id)
        }
        const stranger = fake.addIncoming(77, "Оплата по счёту 17")

        /** A bank transfer arrives; usually its webhook follows (the poller finds the others). */
        const transfer = (b = pick(scene.buyers), amount = pick(rubles)) => {
          const id = fake.addIncoming(amount, `${depositPurpose(b.account)}`)
          bankIds.push(id)
          return id
        }
        let delivered = 0
        let refused = 0
        const webhook = async (id: string) => {
          const body = Buffer.from(JSON.stringify({ payment_id: id }))
          const signature = sign("sha256", body, bankKeys.privateKey).toString("base64")
          try {
            const response = await fetch(`${current!.base}/api/payments/webhook/tochka`, {
              method: "POST",
              headers: { "content-type": "application/json", "sign-data": signature },
              body
            })
            await response.arrayBuffer()
            if (response.ok) delivered++
            else refused++
          } catch {
            refused++ // the server is down (or was killed mid-request): the bank's delivery failed, the poller remains
          }
        }
        /** One random operation of this process on the same database; typed failures are expected and ignored. */
        const operation = (n: number) => {
          const r = random()
          const b = pick(scene.buyers)
          return core.runPromise(
            Effect.gen(function* () {
              const procurements = yield* Procurements
              const payments = yield* Payments
              if (r < 0.35) yield* procurements.join(b.userId, pick(scene.open), 1 + below(3))
              else if (r < 0.5) yield* procurements.leave(b.userId, pick(scene.open))
              else if (r < 0.85) yield* procurements.pay(b.userId, pick(scene.paying))
              else {
                const deposit = yield* payments.createDeposit(
                  new CreateDeposit({
                    userId: b.userId,
                    amount: kopecks(5_000n),
                    provider: "sandbox",
                    idempotencyKey: `sandbox-${seed}-${n}`
                  })
                )
                yield* payments.succeed(deposit.id)
              }
            }).pipe(Effect.catchAll(() => Effect.void))
          )
        }
        /** `count` transfers, their webhooks (some twice, some never, some in bursts), racing `count` operations. */
        const wave = async (count: number, killAt?: number) => {
          const tasks: Array<() => Promise<void>> = []
          for (let i = 0; i < count; i++) {
            if (random() < 0.2) {
              // the lost-transfer race: one announced deposit, several transfers of its amount, webhooks together
              const b = pick(scene.buyers)
              const amount = pick(rubles)
              await core.runPromise(
                Effect.flatMap(Payments, (p) =>
                  p.createDeposit(
                    new CreateDeposit({
                      userId: b.userId,
                      amount: kopecks(BigInt(Math.round(amount * 100))),
                      provider: "tochka",
                      idempotencyKey: `burst-${seed}-${bankIds.length}`
                    })
                  )
                )
              )
              const burst = Array.from({ length: 2 + below(3) }, () => transfer(b, amount))
              for (const id of burst) tasks.push(() => webhook(id))
            }
            const id = transfer()
            if (random() < 0.85) tasks.push(() => webhook(id))
            if (random() < 0.35) tasks.push(() => webhook(id))
            if (random() < 0.3 && bankIds.length > 1) {
              const earlier = pick(bankIds)
              tasks.push(() => webhook(earlier))
            }
            const n = operationCount++
            tasks.push(() => operation(n))
          }
          // killAt: the fraction of the wave's tasks started before the SIGKILL
          const killAfter = killAt === undefined ? undefined : Math.max(1, Math.floor(tasks.length * killAt))
          let next = 0
          let started = 0
          const worker = async () => {
            while (next < tasks.length) {
              const task = tasks[next++]!
              started++
              if (killAfter !== undefined && started === killAfter) {
                // SIGKILL while requests are in flight: no shutdown, no cleanup
                current!.server.child.kill("SIGKILL")
                await current!.server.exited
              }
              await task()
            }
          }
          await Promise.all(Array.from({ length: 8 }, worker))
        }
        let operationCount = 0

        current = await start()
        await wave(40)
        await wave(40, 0.2 + 0.6 * random())
        assert.isNotNull(current.server.child.signalCode, "the server was killed")
        await wave(10) // while it is down: every delivery fails
        current = await start()
        await wave(40)

        // the poller (unidentified payments) and the reconciliation (identified ones) finish the job
        const ids = [...bankIds]
        await waitFor(
          "every transfer identified at the bank and credited",
          () => {
            const unidentified = ids.filter((id) => !fake.payments.get(id)!.identify)
            return unidentified.length === 0 ? true : undefined
          },
          current.server.output,
          90_000
        )
        const credited = async () => await core.runPromise(Effect.flatMap(Payments, (p) => p.uncredited("tochka", ids)))
        for (let i = 0; (await credited()).length > 0; i++) {
          if (i > 300) assert.fail(`not credited: ${(await credited()).join(", ")}\n${current.server.output()}`)
          await pause(200)
        }
        console.log(
          `Tochka settlement seed ${seed}: ${ids.length} transfers, ${delivered} webhooks answered, ` +
            `${refused} failed, ${operationCount} operations`
        )

        await core.runPromise(
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const ledger = yield* Ledger
            const totals = yield* ledger.totals()
            assert.strictEqual(totals.balances + totals.held, totals.external, `invariant (seed ${seed})`)
            const negatives = yield* sql<{ n: number }>`SELECT
            (SELECT count(*)::int FROM users WHERE balance < 0) +
            (SELECT count(*)::int FROM procurements WHERE held_amount < 0) AS n`
            assert.strictEqual(negatives[0]!.n, 0, `nothing negative (seed ${seed})`)
            const mismatched = yield* sql<{ id: string }>`SELECT u.id FROM users u
            LEFT JOIN (SELECT user_id, sum(amount) AS total FROM transactions GROUP BY user_id) t ON t.user_id = u.id
            WHERE u.balance <> coalesce(t.total, 0)`
            assert.deepStrictEqual(mismatched, [], `balances equal Σ transactions (seed ${seed})`)
            // exactly one credit per bank payment id, of its amount, to the user its purpose names
            const credits = yield* sql<{ bankId: string; userId: string; amount: string; credits: number }>`
            SELECT p.provider_payment_id AS bank_id, p.user_id, p.amount::text AS amount, count(t.id)::int AS credits
            FROM payments p LEFT JOIN transactions t ON t.payment_id = p.id AND t.type = 'DEPOSIT'
            WHERE p.provider = 'tochka' AND p.provider_payment_id IS NOT NULL
            GROUP BY p.id`
            assert.strictEqual(credits.length, ids.length, `one record per bank payment (seed ${seed})`)
            const owners = new Map(scene.buyers.map((b) => [b.account, b.userId]))
            for (const c of credits) {
              const bank = fake.payments.get(c.bankId)!
              assert.strictEqual(c.credits, 1, `credited once: ${c.bankId} (seed ${seed})`)
              assert.strictEqual(BigInt(c.amount), BigInt(Math.round(bank.amount * 100)), c.bankId)
              const account = bank.purpose.match(/[0-9a-f-]{36}/)![0]
              assert.strictEqual(c.userId, owners.get(account), c.bankId)
            }
            assert.sameMembers(
              credits.map((c) => c.bankId),
              ids
            )
            // the bank's side: each virtual account holds what its transfers brought
            for (const b of scene.buyers) {
              const expected = ids
                .map((id) => fake.payments.get(id)!)
                .filter((p) => p.purpose.includes(b.account))
                .reduce((s, p) => s + p.amount, 0)
              assert.closeTo(fake.accounts.get(b.account)!.cash, expected, 1e-6, b.account)
            }
            assert.isFalse(fake.payments.get(stranger)!.identify)
            // announced deposits never claimed stay PENDING without a credit
            const stray = yield* sql<{ id: string }>`SELECT p.id FROM payments p
            JOIN transactions t ON t.payment_id = p.id
            WHERE p.provider = 'tochka' AND p.provider_payment_id IS NULL`
            assert.deepStrictEqual(stray, [])
            const kinds = yield* sql<{ type: string; n: number }>`SELECT type, count(*)::int AS n FROM transactions
            GROUP BY type ORDER BY type`
            console.log(
              `Tochka settlement seed ${seed}: ledger rows ${kinds.map((k) => `${k.type} ${k.n}`).join(", ")}`
            )
          })
        )
      } finally {
        if (
          current !== undefined &&
          current.server.child.exitCode === null &&
          current.server.child.signalCode === null
        ) {
          current.server.child.kill("SIGTERM")
          await Promise.race([current.server.exited, pause(20_000)])
        }
        killRunning()
        await core.dispose()
        await fake.close()
        await admin(url!, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined)
      }
    })
  }
)
