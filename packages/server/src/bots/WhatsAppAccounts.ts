/**
 * The WhatsApp accounts running in this process, for the admin API: their login status (QR code to scan or pairing
 * code to type), a pairing code on request, login after a logout, and logout. `PlatformsLive` registers each account
 * it starts for as long as it runs.
 *
 * The accounts live where the bots run (the API node of a two-server layout, or the one instance with
 * `WHATSAPP_ENABLED`): an admin request that reaches an instance without them answers "not found".
 */
import type { WhatsAppAdapter, WhatsAppSocket } from "@groupbuy/adapters"
import { NotFound, RuleViolation, type WhatsAppAccountStatus } from "@groupbuy/core"
import { Context, Effect, Layer, type Scope, Stream } from "effect"
import QRCode from "qrcode"

type WhatsAppBot = WhatsAppAdapter.WhatsAppBot

export interface WhatsAppAccountsService {
  /** makes the account visible for as long as the scope is open */
  readonly register: (bot: WhatsAppBot) => Effect.Effect<void, never, Scope.Scope>
  readonly list: Effect.Effect<ReadonlyArray<WhatsAppAccountStatus>>
  readonly status: (account: string) => Effect.Effect<WhatsAppAccountStatus, NotFound>
  readonly requestPairingCode: (
    account: string,
    phone: string
  ) => Effect.Effect<{ readonly phone: string; readonly code: string }, NotFound | RuleViolation>
  readonly login: (account: string) => Effect.Effect<WhatsAppAccountStatus, NotFound | RuleViolation>
  readonly logout: (account: string) => Effect.Effect<void, NotFound | RuleViolation>
}

export class WhatsAppAccounts extends Context.Tag("@groupbuy/server/WhatsAppAccounts")<
  WhatsAppAccounts,
  WhatsAppAccountsService
>() {}

/** The socket factory `PlatformsLive` gives the WhatsApp adapter: baileys' own unless a test provides a fake. */
export class WhatsAppSocketFactory extends Context.Reference<WhatsAppSocketFactory>()(
  "@groupbuy/server/WhatsAppSocketFactory",
  { defaultValue: (): { readonly makeSocket: WhatsAppSocket.MakeSocket | undefined } => ({ makeSocket: undefined }) }
) {}

const qrSvg = (qr: string) =>
  Effect.promise(() => QRCode.toString(qr, { type: "svg", errorCorrectionLevel: "M", margin: 2 }))

const describe = (bot: WhatsAppBot): Effect.Effect<WhatsAppAccountStatus> =>
  Effect.gen(function* () {
    const status = yield* bot.status
    const stats = yield* bot.stats
    const base = {
      account: bot.bot,
      outbound: { sent: stats.sent, failed: stats.failed, pending: stats.pending }
    }
    switch (status._tag) {
      case "Connecting":
        return { ...base, state: "connecting" as const }
      case "AwaitingQr":
        return { ...base, state: "awaiting_qr" as const, qr: status.qr, qrSvg: yield* qrSvg(status.qr) }
      case "AwaitingPairingCode":
        return { ...base, state: "awaiting_pairing_code" as const, pairing: { phone: status.phone, code: status.code } }
      case "Open":
        return { ...base, state: "open" as const }
      case "Reconnecting":
        return {
          ...base,
          state: "reconnecting" as const,
          reconnect: {
            attempt: status.attempt,
            delayMs: Math.max(0, Math.round(status.delayMs)),
            reason: status.reason
          }
        }
      case "LoggedOut":
        return { ...base, state: "logged_out" as const }
      case "Stopped":
        return { ...base, state: "stopped" as const }
    }
  })

const rule = (code: string, en: string, ru: string) => new RuleViolation({ code, en, ru, params: {} })

/** The account's status, unless it is linked already (then there is nothing to log in to). */
const notLinked = (bot: WhatsAppBot) =>
  Effect.filterOrFail(
    bot.status,
    (status) => status._tag !== "Open",
    () =>
      rule(
        "whatsapp.already-linked",
        "This WhatsApp account is already linked; log out first to link another phone.",
        "Этот аккаунт WhatsApp уже привязан; чтобы привязать другой телефон, сначала выйдите."
      )
  )

export const WhatsAppAccountsLive = Layer.sync(WhatsAppAccounts, () => {
  const accounts = new Map<string, WhatsAppBot>()
  const find = (account: string) =>
    Effect.suspend(() => {
      const bot = accounts.get(account)
      return bot === undefined
        ? Effect.fail(new NotFound({ entity: "whatsapp_account", id: account }))
        : Effect.succeed(bot)
    })
  return WhatsAppAccounts.of({
    register: (bot) =>
      Effect.acquireRelease(
        Effect.sync(() => accounts.set(bot.bot, bot)),
        () => Effect.sync(() => accounts.delete(bot.bot))
      ).pipe(Effect.asVoid),
    list: Effect.suspend(() =>
      Effect.forEach(
        [...accounts.values()].sort((a, b) => a.bot.localeCompare(b.bot)),
        describe
      )
    ),
    status: (account) => Effect.flatMap(find(account), describe),
    requestPairingCode: (account, phone) =>
      Effect.gen(function* () {
        const bot = yield* find(account)
        yield* notLinked(bot)
        const digits = phone.replace(/\D/g, "")
        const code = yield* bot
          .requestPairingCode(digits)
          .pipe(
            Effect.mapError((error) =>
              error.reason === "not_connected"
                ? rule(
                    "whatsapp.not-connected",
                    "WhatsApp is not connected yet; try again in a few seconds.",
                    "WhatsApp ещё не подключён; повторите через несколько секунд."
                  )
                : rule(
                    "whatsapp.pairing-failed",
                    "WhatsApp did not give a pairing code; check the number and try again.",
                    "WhatsApp не выдал код привязки; проверьте номер и повторите."
                  )
            )
          )
        return { phone: digits, code }
      }),
    login: (account) =>
      Effect.gen(function* () {
        const bot = yield* find(account)
        const status = yield* notLinked(bot)
        // only a logged-out account waits for a login; any other state is already on its way to a QR / pairing code
        if (status._tag === "LoggedOut") {
          yield* bot.login
          yield* bot.statusChanges.pipe(
            Stream.filter((next) => next._tag !== "LoggedOut"),
            Stream.take(1),
            Stream.runDrain,
            Effect.timeoutOption("5 seconds")
          )
        }
        return yield* describe(bot)
      }),
    logout: (account) =>
      Effect.gen(function* () {
        const bot = yield* find(account)
        yield* bot.logout.pipe(
          Effect.mapError(() =>
            rule(
              "whatsapp.not-connected",
              "WhatsApp is not connected, so there is nothing to log out of.",
              "WhatsApp не подключён — выходить не из чего."
            )
          )
        )
      })
  })
})
