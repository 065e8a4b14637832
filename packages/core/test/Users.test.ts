import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, Either, Layer, Option, TestClock } from "effect"
import { randomUUID } from "node:crypto"
import type { Platform } from "../src/Ids.js"
import { insertParticipant, insertProcurement } from "../src/testing/Fixtures.js"
import { databaseProfiles } from "../src/testing/index.js"
import { IdentityRef, RegisterUser, UpdateProfile, UserFilter, Users } from "../src/Users.js"
import { UsersLive } from "../src/UsersLive.js"
import { normalizePhone } from "../src/Validation.js"

let seq = Math.floor(Math.random() * 1e8)
/** A Russian phone number (typed the local way) that no other test of this run uses. */
const freshPhone = () => {
  seq += 1
  const d = String(seq % 1e9).padStart(9, "0")
  return `8 (9${d.slice(0, 2)}) ${d.slice(2, 5)}-${d.slice(5, 7)}-${d.slice(7)}`
}
const ref = (platform: Platform = "telegram", extra: Partial<{ username: string | null; displayName: string }> = {}) =>
  IdentityRef.make({ platform, externalId: randomUUID(), ...extra })
const registration = (identity: IdentityRef, fields: Partial<ConstructorParameters<typeof RegisterUser>[0]> = {}) =>
  RegisterUser.make({ identity, firstName: "Анна", role: "buyer", ...fields })

const countUsers = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) => sql<{ n: number }>`SELECT count(*)::int AS n FROM users`
)

for (const profile of databaseProfiles()) {
  describe(`Users (${profile.name})`, () => {
    it.layer(Layer.fresh(UsersLive).pipe(Layer.provideMerge(profile.layer)), { timeout: "120 seconds" })((it) => {
      it.effect("register normalises phone and email, links the identity and remembers the platform", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const identity = ref("vk", { username: "anna_p", displayName: "Анна П." })
          const user = yield* users.register(
            registration(identity, {
              firstName: "  Анна  ",
              lastName: "Петрова",
              phone: "8 (999) 123-45-67",
              email: " Anna.Petrova@Mail.RU "
            })
          )
          assert.strictEqual(user.firstName, "Анна")
          assert.strictEqual(user.lastName, "Петрова")
          assert.strictEqual(user.phone, "+79991234567")
          assert.strictEqual(user.email, "anna.petrova@mail.ru")
          assert.strictEqual(user.language, "ru")
          assert.strictEqual(user.lastPlatform, "vk")
          assert.strictEqual(user.username, "anna_p")
          assert.strictEqual(user.balance, 0n)
          const ids = yield* users.identities(user.id)
          assert.deepStrictEqual(
            ids.map((i) => [i.platform, i.externalId, i.displayName]),
            [["vk", identity.externalId, "Анна П."]]
          )
          assert.deepStrictEqual(yield* users.get(user.id), user)
        })
      )

      it.effect("invalid input writes nothing and explains every problem in Russian and English", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const [before] = yield* countUsers
          const error = yield* users
            .register(registration(ref(), { firstName: " ", phone: "12345", email: "a@b" }))
            .pipe(Effect.flip)
          assert.strictEqual(error._tag, "InvalidInput")
          if (error._tag === "InvalidInput") {
            assert.deepStrictEqual(
              error.issues.map((i) => [i.path, i.code]),
              [
                ["firstName", "text.length"],
                ["phone", "phone.invalid"],
                ["email", "email.invalid"]
              ]
            )
            assert.include(error.describe("ru"), "номер телефона должен выглядеть как +7 999 123-45-67")
            assert.include(error.describe("en"), "this email address is not valid")
          }
          const malformed = yield* users
            .register({ identity: { platform: "icq", externalId: "1" }, firstName: "A", role: "buyer" } as never)
            .pipe(Effect.flip)
          assert.strictEqual(malformed._tag, "InvalidInput")
          const [after] = yield* countUsers
          assert.strictEqual(after!.n, before!.n)
        })
      )

      it.effect("an identity registers once; phone and email belong to one account", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const identity = ref()
          const phone = freshPhone()
          const mail = `${randomUUID()}@example.com`
          yield* users.register(registration(identity, { phone, email: mail }))
          const again = yield* users.register(registration(identity)).pipe(Effect.flip)
          assert.strictEqual(again._tag === "RuleViolation" && again.code, "register.already")
          const [before] = yield* countUsers
          const phoneTaken = yield* users.register(registration(ref(), { phone })).pipe(Effect.flip)
          assert.strictEqual(phoneTaken._tag === "RuleViolation" && phoneTaken.code, "phone.taken")
          const emailTaken = yield* users.register(registration(ref(), { email: mail.toUpperCase() })).pipe(Effect.flip)
          assert.strictEqual(emailTaken._tag === "RuleViolation" && emailTaken.code, "email.taken")
          if (emailTaken._tag === "RuleViolation") {
            assert.strictEqual(emailTaken.ru, "этот адрес электронной почты уже привязан к другому аккаунту")
          }
          const [after] = yield* countUsers
          assert.strictEqual(after!.n, before!.n)
        })
      )

      it.effect("resolve finds the account, refreshes the identity and makes it reachable again", () =>
        Effect.gen(function* () {
          const users = yield* Users
          assert.isTrue(Option.isNone(yield* users.resolve(ref())))
          const identity = ref("telegram", { username: "old" })
          const user = yield* users.register(registration(identity))
          yield* users.setReachable("telegram", identity.externalId, false)
          assert.isTrue(Option.isNone(yield* users.lastUsedIdentity(user.id)))
          yield* users.setActive(user.id, false)
          const resolved = yield* users.resolve(IdentityRef.make({ ...identity, username: "new", displayName: "Анна" }))
          assert.isTrue(Option.isSome(resolved))
          if (Option.isSome(resolved)) {
            assert.strictEqual(resolved.value.user.id, user.id)
            assert.isFalse(resolved.value.user.isActive)
            assert.strictEqual(resolved.value.identity.username, "new")
            assert.strictEqual(resolved.value.identity.displayName, "Анна")
            assert.isTrue(resolved.value.identity.reachable)
          }
          // fields not given are left alone
          const again = yield* users.resolve(
            IdentityRef.make({ platform: "telegram", externalId: identity.externalId })
          )
          assert.strictEqual(Option.getOrThrow(again).identity.username, "new")
          const last = yield* users.lastUsedIdentity(user.id)
          assert.strictEqual(Option.getOrThrow(last).externalId, identity.externalId)
        })
      )

      it.effect("update validates like register, clears with null and maps taken phones", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const phone = freshPhone()
          yield* users.register(registration(ref(), { phone }))
          const user = yield* users.register(registration(ref(), { lastName: "Иванова" }))
          const updated = yield* users.update(
            user.id,
            UpdateProfile.make({ firstName: "Мария", lastName: null, language: "en", role: "organizer" })
          )
          assert.strictEqual(updated.firstName, "Мария")
          assert.isNull(updated.lastName)
          assert.strictEqual(updated.language, "en")
          assert.strictEqual(updated.role, "organizer")
          const invalid = yield* users.update(user.id, UpdateProfile.make({ email: "nope" })).pipe(Effect.flip)
          assert.strictEqual(invalid._tag, "InvalidInput")
          const taken = yield* users.update(user.id, UpdateProfile.make({ phone })).pipe(Effect.flip)
          assert.strictEqual(taken._tag === "RuleViolation" && taken.code, "phone.taken")
          assert.deepStrictEqual(yield* users.get(user.id), updated)
          const missing = yield* users
            .update(randomUUID() as never, UpdateProfile.make({ firstName: "X" }))
            .pipe(Effect.flip)
          assert.strictEqual(missing._tag, "NotFound")
        })
      )

      it.effect("codes: 8 unambiguous characters, single use, expiring by the clock", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const owner = yield* users.register(registration(ref("telegram")))
          const { code, expiresAt } = yield* users.createCode(owner.id, "link", "10 minutes")
          assert.match(code, /^[2-9A-HJ-NP-Z]{8}$/)
          assert.strictEqual(expiresAt.getTime(), 10 * 60 * 1000) // TestClock starts at 0
          const web = ref("web")
          const linked = yield* users.redeemLinkCode(` ${code.slice(0, 4).toLowerCase()}-${code.slice(4)} `, web)
          assert.strictEqual(linked.id, owner.id)
          assert.strictEqual(linked.lastPlatform, "web")
          assert.deepStrictEqual((yield* users.identities(owner.id)).map((i) => i.platform).sort(), ["telegram", "web"])
          const used = yield* users.redeemLinkCode(code, ref("vk")).pipe(Effect.flip)
          assert.strictEqual(used.code, "link.code-used")
          const invalid = yield* users.redeemLinkCode("ZZZZZZZZ", ref("vk")).pipe(Effect.flip)
          assert.strictEqual(invalid.code, "link.code-invalid")

          const late = yield* users.createCode(owner.id, "link", "10 minutes")
          yield* TestClock.adjust("11 minutes")
          const expired = yield* users.redeemLinkCode(late.code, ref("vk")).pipe(Effect.flip)
          assert.strictEqual(expired.code, "link.code-expired")
          assert.strictEqual(expired.ru, "срок действия кода истёк: получите новый")

          const same = yield* users.createCode(owner.id, "link", "10 minutes")
          const sameAccount = yield* users.redeemLinkCode(same.code, web).pipe(Effect.flip)
          assert.strictEqual(sameAccount.code, "link.same-account")
          // a refused redemption leaves the code usable
          const other = ref("whatsapp")
          assert.strictEqual((yield* users.redeemLinkCode(same.code, other)).id, owner.id)

          const missing = yield* users.createCode(randomUUID() as never, "link", "1 minute").pipe(Effect.flip)
          assert.strictEqual(missing._tag, "NotFound")
        })
      )

      it.effect("linking an empty account merges it; an account holding something is refused", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const sql = yield* SqlClient.SqlClient
          const owner = yield* users.register(registration(ref("telegram")))
          const vk = ref("vk")
          const phone = freshPhone()
          const empty = yield* users.register(registration(vk, { firstName: "Дубль", phone }))
          const { code } = yield* users.createCode(owner.id, "link", "10 minutes")
          const merged = yield* users.redeemLinkCode(code, vk)
          assert.strictEqual(merged.id, owner.id)
          assert.strictEqual(merged.phone, normalizePhone(phone))
          assert.strictEqual(merged.lastPlatform, "vk")
          assert.isFalse((yield* users.get(empty.id)).isActive)
          assert.isNull((yield* users.get(empty.id)).phone)
          const resolved = Option.getOrThrow(yield* users.resolve(vk))
          assert.strictEqual(resolved.user.id, owner.id)

          // an account with a participation cannot be merged away, and the code survives the refusal
          const busyRef = ref("whatsapp")
          const busy = yield* users.register(registration(busyRef))
          const organizer = yield* users.register(registration(ref()))
          const procurement = yield* insertProcurement(organizer.id)
          yield* insertParticipant(procurement, busy.id)
          const second = yield* users.createCode(owner.id, "link", "10 minutes")
          const refused = yield* users.redeemLinkCode(second.code, busyRef).pipe(Effect.flip)
          assert.strictEqual(refused.code, "link.account-in-use")
          assert.strictEqual(Option.getOrThrow(yield* users.resolve(busyRef)).user.id, busy.id)

          // so can an account with a balance
          const richRef = ref("web")
          const rich = yield* users.register(registration(richRef))
          yield* sql`UPDATE users SET balance = 100 WHERE id = ${rich.id}`
          const richRefused = yield* users.redeemLinkCode(second.code, richRef).pipe(Effect.flip)
          assert.strictEqual(richRefused.code, "link.account-in-use")

          const fresh = ref("web")
          assert.strictEqual((yield* users.redeemLinkCode(second.code, fresh)).id, owner.id)
        })
      )

      it.effect("two concurrent redemptions of one code: exactly one wins", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const owner = yield* users.register(registration(ref("telegram")))
          for (let round = 0; round < 3; round++) {
            const { code } = yield* users.createCode(owner.id, "link", "10 minutes")
            const results = yield* Effect.all(
              [users.redeemLinkCode(code, ref("vk")), users.redeemLinkCode(code, ref("whatsapp"))].map(Effect.either),
              { concurrency: "unbounded" }
            )
            assert.strictEqual(results.filter(Either.isRight).length, 1)
            const lost = results.find(Either.isLeft)
            assert.strictEqual(lost && Either.isLeft(lost) && lost.left.code, "link.code-used")
          }
          assert.strictEqual((yield* users.identities(owner.id)).length, 4)
        })
      )

      it.effect("web login codes are their own purpose and single use", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const owner = yield* users.register(registration(ref()))
          const link = yield* users.createCode(owner.id, "link", "5 minutes")
          const wrong = yield* users.redeemWebLogin(link.code).pipe(Effect.flip)
          assert.strictEqual(wrong.code, "link.code-invalid")
          const web = yield* users.createCode(owner.id, "web_login", "5 minutes")
          assert.strictEqual((yield* users.redeemWebLogin(web.code)).id, owner.id)
          assert.strictEqual((yield* users.redeemWebLogin(web.code).pipe(Effect.flip)).code, "link.code-used")
          const viaLink = yield* users.redeemLinkCode(web.code, ref()).pipe(Effect.flip)
          assert.strictEqual(viaLink.code, "link.code-invalid")
        })
      )

      it.effect("list filters by text, phone, external id, role, platform and flags, with totals", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const tag = randomUUID().slice(0, 8)
          const vk = ref("vk", { username: `vk_${tag}` })
          const phone = freshPhone()
          const a = yield* users.register(
            registration(vk, { firstName: `Светлана${tag}`, lastName: "Котова", phone, role: "organizer" })
          )
          const b = yield* users.register(
            registration(ref("telegram"), { firstName: `Борис${tag}`, email: `${tag}@x.ru` })
          )
          yield* users.setVerified(b.id, true)
          const byName = yield* users.list(UserFilter.make({ query: tag }))
          assert.strictEqual(byName.total, 2)
          assert.deepStrictEqual(byName.items.map((u) => u.id).sort(), [a.id, b.id].sort())
          const fullName = yield* users.list(UserFilter.make({ query: `светлана${tag} котова` }))
          assert.deepStrictEqual(
            fullName.items.map((u) => u.id),
            [a.id]
          )
          const byPhone = yield* users.list(UserFilter.make({ query: phone.replace("8 (", "+7 (") }))
          assert.deepStrictEqual(
            byPhone.items.map((u) => u.id),
            [a.id]
          )
          const byExternal = yield* users.list(UserFilter.make({ query: vk.externalId }))
          assert.deepStrictEqual(
            byExternal.items.map((u) => u.id),
            [a.id]
          )
          const organizers = yield* users.list(UserFilter.make({ query: tag, role: "organizer" }))
          assert.deepStrictEqual(
            organizers.items.map((u) => u.id),
            [a.id]
          )
          const onTelegram = yield* users.list(UserFilter.make({ query: tag, platform: "telegram" }))
          assert.deepStrictEqual(
            onTelegram.items.map((u) => u.id),
            [b.id]
          )
          const verified = yield* users.list(UserFilter.make({ query: tag, isVerified: true }))
          assert.deepStrictEqual(
            verified.items.map((u) => u.id),
            [b.id]
          )
          const paged = yield* users.list(UserFilter.make({ query: tag, limit: 1, offset: 1 }))
          assert.strictEqual(paged.total, 2)
          assert.strictEqual(paged.items.length, 1)
          const wildcard = yield* users.list(UserFilter.make({ query: "%" }))
          assert.strictEqual(wildcard.total, 0)
        })
      )

      it.effect("resolve writes nothing when nothing changed, and refreshes a stale or outdated sighting", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const sql = yield* SqlClient.SqlClient
          const telegram = ref("telegram", { username: "same" })
          const owner = yield* users.register(registration(telegram))
          // xmin changes with every write of a row: the same xmin means the turn wrote nothing
          const versions = () =>
            sql<{ identity: string; user: string; seen: Date }>`SELECT i.xmin::text AS identity, u.xmin::text AS user,
                i.last_seen_at AS seen
              FROM platform_identities i JOIN users u ON u.id = i.user_id
              WHERE i.platform = 'telegram' AND i.external_id = ${telegram.externalId}`.pipe(
              Effect.map((rows) => rows[0]!)
            )
          yield* users.resolve(telegram)
          const first = yield* versions()
          const again = Option.getOrThrow(yield* users.resolve(telegram))
          assert.strictEqual(again.user.id, owner.id)
          assert.strictEqual(again.identity.username, "same")
          assert.deepStrictEqual(yield* versions(), first)
          // a changed username is written at once
          yield* users.resolve(IdentityRef.make({ ...telegram, username: "renamed" }))
          const renamed = yield* versions()
          assert.notStrictEqual(renamed.identity, first.identity)
          assert.strictEqual(renamed.user, first.user)
          // a sighting older than the interval is refreshed
          yield* sql`UPDATE platform_identities SET last_seen_at = now() - interval '2 minutes'
                     WHERE platform = 'telegram' AND external_id = ${telegram.externalId}`
          const old = yield* versions()
          const refreshed = Option.getOrThrow(
            yield* users.resolve(IdentityRef.make({ ...telegram, username: "renamed" }))
          )
          assert.isTrue(DateTime.toEpochMillis(refreshed.identity.lastSeenAt) > old.seen.getTime())
          // another identity seen since: this one is written again (it becomes the last used), and so is last_platform
          const web = ref("web")
          const { code } = yield* users.createCode(owner.id, "link", "5 minutes")
          yield* users.redeemLinkCode(code, web)
          const beforeBack = yield* versions()
          const back = Option.getOrThrow(yield* users.resolve(telegram))
          assert.strictEqual(back.user.lastPlatform, "telegram")
          assert.notStrictEqual((yield* versions()).identity, beforeBack.identity)
          assert.strictEqual(Option.getOrThrow(yield* users.lastUsedIdentity(owner.id)).platform, "telegram")
        })
      )

      it.effect("lastUsedIdentity is the reachable identity seen most recently", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const telegram = ref("telegram")
          const owner = yield* users.register(registration(telegram))
          const web = ref("web")
          const { code } = yield* users.createCode(owner.id, "link", "5 minutes")
          yield* users.redeemLinkCode(code, web)
          assert.strictEqual(Option.getOrThrow(yield* users.lastUsedIdentity(owner.id)).platform, "web")
          yield* users.resolve(telegram)
          assert.strictEqual(Option.getOrThrow(yield* users.lastUsedIdentity(owner.id)).platform, "telegram")
          assert.strictEqual((yield* users.get(owner.id)).lastPlatform, "telegram")
          yield* users.setReachable("telegram", telegram.externalId, false)
          assert.strictEqual(Option.getOrThrow(yield* users.lastUsedIdentity(owner.id)).platform, "web")
        })
      )

      it.effect("concurrent registrations of one identity: one account, one register.already, no orphan row", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const sql = yield* SqlClient.SqlClient
          const identity = ref("telegram")
          const phones = [freshPhone(), freshPhone(), freshPhone()]
          const results = yield* Effect.all(
            phones.map((phone) => Effect.either(users.register(registration(identity, { phone })))),
            { concurrency: "unbounded" }
          )
          assert.strictEqual(results.filter(Either.isRight).length, 1)
          for (const lost of results.filter(Either.isLeft)) {
            assert.strictEqual(lost.left._tag === "RuleViolation" && lost.left.code, "register.already")
          }
          // the losers left no account behind (their user row went with the refused identity)
          const stored = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM users
            WHERE phone IN ${sql.in(phones.map((p) => normalizePhone(p)!))}`
          assert.strictEqual(stored[0]!.n, 1)
        })
      )

      it.effect("concurrent registrations with one phone: one account, one phone.taken", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const phone = freshPhone()
          const results = yield* Effect.all(
            [users.register(registration(ref(), { phone })), users.register(registration(ref("vk"), { phone }))].map(
              Effect.either
            ),
            { concurrency: "unbounded" }
          )
          assert.strictEqual(results.filter(Either.isRight).length, 1)
          const lost = results.find(Either.isLeft)
          assert.strictEqual(
            lost && Either.isLeft(lost) && lost.left._tag === "RuleViolation" && lost.left.code,
            "phone.taken"
          )
        })
      )

      it.effect("admin flags and NotFound", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const user = yield* users.register(registration(ref()))
          assert.isTrue((yield* users.setAdmin(user.id, true)).isAdmin)
          assert.isFalse((yield* users.setAdmin(user.id, false)).isAdmin)
          assert.isTrue((yield* users.setVerified(user.id, true)).isVerified)
          assert.isFalse((yield* users.setActive(user.id, false)).isActive)
          const missing = yield* users.setActive(randomUUID() as never, true).pipe(Effect.flip)
          assert.strictEqual(missing._tag, "NotFound")
          assert.strictEqual((yield* users.get(randomUUID() as never).pipe(Effect.flip))._tag, "NotFound")
        })
      )
    })
  })
}
