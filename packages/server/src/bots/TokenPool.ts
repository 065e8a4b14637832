/**
 * The pool of spare bot tokens that keeps the fallback role filled (issue #15). Tokens come from a `tokens.txt`-style
 * file (`BOT_TOKENS_FILE`: one token a line, `platform:token` or a bare token for Telegram, `#` comments and blank
 * lines ignored) and from admins (`add` / `remove`). Each is sealed with `BotTokens` at once and kept in core's
 * `KeyValue` (namespace `bot-pool`, keyed by the token's fingerprint), never in clear; the file is read again on every
 * `importFile`, and a token already in the pool (spare, used or rejected) is not added twice.
 *
 * `refill(platform)` turns the oldest spare token of that platform into a `fallback` bot record: the platform checks it
 * first (`BotTokenCheck`, Telegram's getMe / VK's groups.getById); a token the platform refuses, or that another record
 * already holds, is marked `rejected` with the reason and never tried again; a platform that does not answer leaves
 * the token spare for the next try. This is also the `BotProvisioner` of the issue: creating bots through BotFather
 * with an MTProto user session is not implemented, so the pool is the only source of new bots.
 */
import { Bots, type BotRecord, NewBot, type RuleViolation } from "@groupbuy/core"
import { KeyValue } from "@groupbuy/core"
import { Context, Effect, Layer, Option, Redacted } from "effect"
import { readFile } from "node:fs/promises"
import { ServerConfig } from "../config/ServerConfig.js"
import { BotTokenCheck } from "./BotTokenCheck.js"
import { BotTokens } from "./BotTokens.js"

const NAMESPACE = "bot-pool"

/** The platforms a pool token may be for (those whose bots are added by token). */
export const POOL_PLATFORMS = ["telegram", "vk"] as const
export type PoolPlatform = (typeof POOL_PLATFORMS)[number]

export interface PoolEntry {
  /** the token's keyed fingerprint (the pool's key; shows nothing of the token) */
  readonly id: string
  readonly platform: PoolPlatform
  readonly state: "spare" | "used" | "rejected"
  readonly source: "file" | "admin"
  readonly addedAt: string
  /** the bot record made from it, once used */
  readonly botId: string | null
  /** why it was rejected */
  readonly detail: string | null
  /** the last four characters, to tell tokens apart in the panel */
  readonly hint: string
}

interface StoredEntry extends PoolEntry {
  readonly ciphertext: string
}

/** One line of a tokens file: `telegram:123:ABC`, `vk:abc…`, a bare `123:ABC` (Telegram); null for blanks, comments. */
export const parseTokenLine = (
  line: string
): { readonly platform: PoolPlatform; readonly token: string } | null | "invalid" => {
  const text = line.trim()
  if (text === "" || text.startsWith("#")) return null
  const prefixed = POOL_PLATFORMS.find((p) => text.toLowerCase().startsWith(`${p}:`))
  const platform = prefixed ?? "telegram"
  const token = prefixed === undefined ? text : text.slice(prefixed.length + 1).trim()
  if (token === "" || /\s/u.test(token)) return "invalid"
  return { platform, token }
}

export type RefillResult =
  | { readonly _tag: "Added"; readonly bot: BotRecord; readonly rejected: ReadonlyArray<PoolEntry> }
  | { readonly _tag: "Empty"; readonly rejected: ReadonlyArray<PoolEntry> }
  | { readonly _tag: "Unreachable"; readonly detail: string; readonly rejected: ReadonlyArray<PoolEntry> }

export interface TokenPoolService {
  readonly list: () => Effect.Effect<ReadonlyArray<PoolEntry>>
  /** A token into the pool (sealed); an existing one is returned as it is. */
  readonly add: (
    platform: PoolPlatform,
    token: Redacted.Redacted<string>,
    source: PoolEntry["source"]
  ) => Effect.Effect<{ readonly entry: PoolEntry; readonly created: boolean }>
  readonly remove: (id: string) => Effect.Effect<boolean>
  /** Reads `BOT_TOKENS_FILE` (when set) into the pool; returns how many tokens were new. */
  readonly importFile: () => Effect.Effect<number>
  /** The next good spare token of the platform becomes a fallback bot record. */
  readonly refill: (platform: PoolPlatform) => Effect.Effect<RefillResult>
}

export class TokenPool extends Context.Tag("@groupbuy/server/TokenPool")<TokenPool, TokenPoolService>() {}

const publicEntry = ({ ciphertext: _, ...entry }: StoredEntry): PoolEntry => entry

/** The pool over core's `KeyValue` and `Bots`; `file` is the tokens file (`BOT_TOKENS_FILE`), if any. */
export const makeTokenPool = (file: Option.Option<string>) =>
  Effect.gen(function* () {
    const kv = yield* KeyValue
    const bots = yield* Bots
    const sealer = yield* BotTokens
    const checker = yield* BotTokenCheck

    const stored = Effect.gen(function* () {
      const keys = yield* kv.keys(NAMESPACE)
      const values = yield* kv.getMany(NAMESPACE, keys)
      return values
        .filter((v): v is StoredEntry => typeof v === "object" && v !== null && "ciphertext" in v)
        .sort((a, b) => (a.addedAt < b.addedAt ? -1 : a.addedAt > b.addedAt ? 1 : a.id < b.id ? -1 : 1))
    })

    const add: TokenPoolService["add"] = (platform, token, source) =>
      Effect.gen(function* () {
        const id = sealer.fingerprint(platform, token)
        const sealed = sealer.seal(platform, token)
        const value = Redacted.value(token)
        const entry: StoredEntry = {
          id,
          platform,
          state: "spare",
          source,
          addedAt: new Date().toISOString(),
          botId: null,
          detail: null,
          hint: value.slice(-4),
          ciphertext: sealed.ciphertext
        }
        const created = yield* kv.setIfAbsent(NAMESPACE, id, entry)
        if (created) return { entry: publicEntry(entry), created }
        const existing = (yield* kv.get(NAMESPACE, id)) as StoredEntry | undefined
        return { entry: publicEntry(existing ?? entry), created }
      })

    const importFile = () =>
      Effect.gen(function* () {
        if (Option.isNone(file)) return 0
        const path = file.value
        const text = yield* Effect.tryPromise(() => readFile(path, "utf8")).pipe(
          Effect.tapError((e) => Effect.logWarning("bot token pool: the tokens file cannot be read", { path }, e)),
          Effect.orElseSucceed(() => "")
        )
        let added = 0
        for (const [index, line] of text.split(/\r?\n/u).entries()) {
          const parsed = parseTokenLine(line)
          if (parsed === null) continue
          if (parsed === "invalid") {
            yield* Effect.logWarning("bot token pool: a line of the tokens file is not a token", {
              path,
              line: index + 1
            })
            continue
          }
          const { created } = yield* add(parsed.platform, Redacted.make(parsed.token), "file")
          if (created) added += 1
        }
        return added
      })

    const mark = (entry: StoredEntry, change: Partial<Pick<StoredEntry, "state" | "botId" | "detail">>) =>
      Effect.as(kv.set(NAMESPACE, entry.id, { ...entry, ...change }), publicEntry({ ...entry, ...change }))

    const refill = (platform: PoolPlatform) =>
      Effect.gen(function* () {
        const rejected: Array<PoolEntry> = []
        const spare = (yield* stored).filter((e) => e.platform === platform && e.state === "spare")
        for (const entry of spare) {
          const token = yield* Effect.either(
            sealer.open(`pool:${entry.hint}`, { ciphertext: entry.ciphertext, fingerprint: entry.id })
          )
          if (token._tag === "Left") {
            rejected.push(
              yield* mark(entry, { state: "rejected", detail: "cannot be decrypted with this BOT_TOKEN_KEY" })
            )
            continue
          }
          const identity = yield* Effect.either(checker.check(platform, token.right))
          if (identity._tag === "Left") {
            if (identity.left._tag === "PlatformUnreachable") {
              return { _tag: "Unreachable", detail: identity.left.detail, rejected } as const
            }
            rejected.push(yield* mark(entry, { state: "rejected", detail: identity.left.message }))
            continue
          }
          const id = `${platform}-fallback-${identity.right.platformBotId}`
            .toLowerCase()
            .replace(/[^a-z0-9_.:-]/gu, "-")
          const added = yield* Effect.either(
            bots.add(
              new NewBot({
                id,
                platform,
                role: "fallback",
                source: "admin",
                platformBotId: identity.right.platformBotId,
                username: identity.right.username
              }),
              { ciphertext: entry.ciphertext, fingerprint: entry.id }
            )
          )
          if (added._tag === "Left") {
            const violation: RuleViolation = added.left
            rejected.push(yield* mark(entry, { state: "rejected", detail: violation.code }))
            continue
          }
          yield* mark(entry, { state: "used", botId: added.right.id })
          return { _tag: "Added", bot: added.right, rejected } as const
        }
        return { _tag: "Empty", rejected } as const
      })

    return TokenPool.of({
      list: () => Effect.map(stored, (entries) => entries.map(publicEntry)),
      add,
      remove: (id) =>
        Effect.gen(function* () {
          const existing = yield* kv.get(NAMESPACE, id)
          if (existing === undefined) return false
          yield* kv.remove(NAMESPACE, id)
          return true
        }),
      importFile,
      refill
    })
  })

export const TokenPoolLive = Layer.effect(
  TokenPool,
  Effect.flatMap(ServerConfig, (config) => makeTokenPool(config.botTokensFile))
)
