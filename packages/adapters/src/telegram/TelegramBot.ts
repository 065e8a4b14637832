/**
 * A running Telegram bot (grammY), the transport around `AdapterTurn`: decodes updates, takes their turn (the router,
 * the bot's outbound queue, the answer to every button press), and reports health through one tracker. Long polling or webhook; the webhook
 * verifies `X-Telegram-Bot-Api-Secret-Token` (anything else gets 401 and is not processed) and processes a repeated
 * `update_id` once. Several bots run side by side, each with its own fleet id in `ChatRef.bot`.
 */
import type * as Http from "node:http"
import { Capabilities, type ChatRef, type Reply, text, type Update } from "@groupbuy/router"
import { Context, Data, Effect, Layer, Redacted, type Scope } from "effect"
import { Bot, type Context as GrammyContext, type MiddlewareFn, webhookCallback } from "grammy"
import type { Update as TelegramUpdate } from "grammy/types"
import { AdapterEvents } from "../shared/AdapterEvents.js"
import * as AdapterTurn from "../shared/AdapterTurn.js"
import { botsLayer } from "../shared/BotsLayer.js"
import { type BotCommand, groupBuyCommands } from "../shared/CommandMenu.js"
import { type HealthTracker, makeHealthTracker } from "../shared/HealthTracker.js"
import * as OutboundQueue from "../shared/OutboundQueue.js"
import { sdkBridge } from "../shared/SdkBridge.js"
import { TurnHandler } from "../shared/TurnHandler.js"
import { classifyTelegramError, TelegramApiError } from "./TelegramApiError.js"
import { telegramCapabilities } from "./TelegramCapabilities.js"
import { decode, type TelegramBotIdentity } from "./TelegramDecode.js"
import { encodeAll, isMiniAppUrl, type TelegramCall, type TelegramOp, type TelegramTarget } from "./TelegramEncode.js"

/** The bot's command menu per language; the first language is also the default for other languages. */
export type TelegramCommands = Readonly<Partial<Record<"ru" | "en", ReadonlyArray<BotCommand>>>>

export type TelegramMode =
  | { readonly _tag: "Polling"; readonly timeoutSeconds?: number | undefined }
  | {
      readonly _tag: "Webhook"
      /** the secret Telegram sends in `X-Telegram-Bot-Api-Secret-Token` (1–256 of `A-Z a-z 0-9 _ -`) */
      readonly secretToken: Redacted.Redacted<string>
      /** when set, `setWebhook` is called with it at start; otherwise the webhook is managed elsewhere */
      readonly url?: string | undefined
    }

export interface TelegramEngineOptions {
  /** the fleet id, unique across bots: `ChatRef.bot`, sessions and de-duplication are keyed by it */
  readonly id: string
  /** command menus to register with `setMyCommands`; none by default (the standalone bot registers GroupBuy's) */
  readonly commands?: TelegramCommands | false | undefined
  /** written before every button token, so that GroupBuy's buttons are told from the host's (embedding) */
  readonly callbackPrefix?: string | undefined
  readonly limits?: OutboundQueue.OutboundLimits | undefined
  /** outbound jobs held at once before callers wait */
  readonly capacity?: number | undefined
  /** which decoded updates GroupBuy takes (embedding: the rest goes to the host's handlers); default all */
  readonly accepts?: ((update: Update) => boolean) | undefined
}

export interface TelegramBotOptions extends TelegramEngineOptions {
  readonly token: Redacted.Redacted<string>
  /** grammY's `apiRoot` (`TELEGRAM_API_ROOT`): a local Bot API server, or a fake in tests */
  readonly apiRoot?: string | undefined
  readonly mode: TelegramMode
  /**
   * the web cabinet's URL: when it is https, the chat menu button opens it as a Mini App (Telegram refuses web apps
   * on any other scheme, so an http URL leaves the menu button as it is)
   */
  readonly miniAppUrl?: string | undefined
}

export class TelegramStartError extends Data.TaggedError("TelegramStartError")<{
  readonly bot: string
  readonly message: string
}> {}

/** GroupBuy attached to a grammY bot: what both the standalone runner and embedding use. */
export interface TelegramEngine {
  readonly id: string
  readonly platform: "telegram"
  readonly capabilities: Capabilities
  /** the bot's Telegram username (for deep links) */
  readonly username: string
  /** handles one update (used by polling, the webhook and embedding); false when GroupBuy does not handle it */
  readonly handleUpdate: (update: TelegramUpdate) => Effect.Effect<boolean>
  /** the same as grammY middleware: GroupBuy's updates are handled, everything else goes to `next` */
  readonly middleware: MiddlewareFn<GrammyContext>
  /** sends fitted replies proactively (notifications, relays, broadcasts), through the queue */
  readonly deliver: (ref: ChatRef, replies: ReadonlyArray<Reply>) => Effect.Effect<void, TelegramApiError>
  readonly stats: Effect.Effect<OutboundQueue.OutboundStats>
}

export interface TelegramBot extends TelegramEngine {
  /** the grammY bot, for a host that adds its own handlers */
  readonly bot: Bot
  /** Node `(req, res)` webhook handler (Webhook mode) */
  readonly webhook: (req: Http.IncomingMessage, res: Http.ServerResponse) => Promise<void>
  /** web-standard webhook handler (Webhook mode) */
  readonly fetchWebhook: (request: Request) => Promise<Response>
}

const ALLOWED_UPDATES = ["message", "callback_query"] as const

type RawApi = Record<string, (payload: unknown) => Promise<unknown>>

/** One Bot API call by method name (the encoder's output is data), its failure typed. */
const apiCall =
  (bot: Bot) =>
  (c: TelegramCall): Effect.Effect<unknown, TelegramApiError> =>
    Effect.tryPromise({
      try: () => (bot.api.raw as unknown as RawApi)[c.method]!(c.payload),
      catch: (error) => TelegramApiError.fromUnknown(c.method, error)
    })

/**
 * Attaches GroupBuy to a grammY bot (its own, or a host's): health reporting on every API call, the outbound
 * queue, and the update handler as middleware. Initialises the bot (`getMe`) and registers the command menus.
 */
export const attach = (
  bot: Bot,
  options: TelegramEngineOptions,
  tracker?: HealthTracker
): Effect.Effect<TelegramEngine, TelegramStartError, AdapterEvents | TurnHandler | Scope.Scope> =>
  Effect.gen(function* () {
    const { runFork, runPromise } = yield* sdkBridge
    const health = tracker ?? makeHealthTracker(yield* AdapterEvents, options.id, "telegram")
    // Every API call reports to the health tracker: 401 at once, network failures after a few in a row.
    bot.api.config.use(async (prev, method, payload, signal) => {
      try {
        const result = await prev(method, payload, signal)
        if (result.ok) runFork(health.success)
        else if (result.error_code === 401) runFork(health.unauthorized(`${method}: ${result.description}`))
        return result
      } catch (error) {
        if (!signal?.aborted) runFork(health.networkFailure(`${method}: ${String(error)}`))
        throw error
      }
    })
    bot.catch((error) => runFork(Effect.logError("telegram middleware failed", error.error)))

    yield* Effect.tryPromise({
      try: () => bot.init(),
      catch: (error) => new TelegramStartError({ bot: options.id, message: String(error) })
    })
    const callbackPrefix = options.callbackPrefix ?? ""
    const identity: TelegramBotIdentity = { id: options.id, username: bot.botInfo.username, callbackPrefix }
    const capabilities =
      callbackPrefix === ""
        ? telegramCapabilities
        : new Capabilities({
            ...telegramCapabilities,
            maxCallbackBytes: telegramCapabilities.maxCallbackBytes - Buffer.byteLength(callbackPrefix)
          })
    const call = apiCall(bot)

    /** The id of the message a call sent or edited (`true` answers of other calls have none). */
    const sentId = (result: unknown) => {
      const messageId = (result as { message_id?: number } | undefined)?.message_id
      return typeof messageId === "number" ? String(messageId) : undefined
    }

    /** Runs one operation; the id of the message it left (a relayed chat copy is edited by it later). */
    const exec = (op: TelegramOp): Effect.Effect<string | void, TelegramApiError> =>
      call(op).pipe(
        Effect.tap((result) => {
          const messageId = sentId(result)
          return op.attachKeyboard === undefined || messageId === undefined
            ? Effect.void
            : call({
                method: "editMessageReplyMarkup",
                payload: { chat_id: op.payload.chat_id, message_id: Number(messageId), reply_markup: op.attachKeyboard }
              })
        }),
        Effect.map(sentId),
        Effect.catchIf(
          (e) => e.notModified,
          () => Effect.succeed(undefined)
        ),
        Effect.catchIf(
          (e) => e.cannotEdit && op.fallback !== undefined,
          () => Effect.map(call(op.fallback!), sentId)
        )
      )

    const queue = yield* OutboundQueue.make<TelegramApiError>({
      limits: options.limits ?? OutboundQueue.telegramLimits,
      classify: classifyTelegramError,
      capacity: options.capacity
    })
    /** chats where a request-contact reply keyboard is shown (removed with the next message) */
    const openKeyboards = new Set<string>()
    const answer = (c: TelegramCall | undefined) =>
      c === undefined
        ? undefined
        : call(c).pipe(
            Effect.catchAll((e) =>
              Effect.logWarning("answerCallbackQuery failed").pipe(Effect.annotateLogs({ description: e.description }))
            )
          )
    const turn = yield* AdapterTurn.make({
      bot: options.id,
      platform: "telegram",
      capabilities,
      accepts: options.accepts,
      health,
      encode: (replies, target: TelegramTarget) => {
        const encoded = encodeAll(replies, {
          ...target,
          callbackPrefix,
          replyKeyboardOpen: openKeyboards.has(target.chatId)
        })
        if (encoded.replyKeyboardOpen) openKeyboards.add(target.chatId)
        else openKeyboards.delete(target.chatId)
        return { ops: encoded.ops, answer: answer(encoded.answer) }
      },
      enqueue: (to, op: TelegramOp) => queue.enqueue(to, exec(op)),
      failure: (e) => ({
        unreachable: e.unreachable,
        detail: `${e.method}: ${e.description}`,
        code: e.code ?? "network"
      })
    })

    const handleUpdate = (raw: TelegramUpdate): Effect.Effect<boolean> =>
      turn.handle(decode(identity, raw), (update) => ({
        chatId: update.ref.chatId,
        privateChat: update.ref.isGroup === false,
        messageId: update._tag === "Button" ? update.messageId : undefined,
        callbackQueryId: raw.callback_query?.id
      }))

    const middleware: MiddlewareFn<GrammyContext> = async (ctx, next) => {
      const handled = await runPromise(handleUpdate(ctx.update))
      if (!handled) await next()
    }

    const deliver = (ref: ChatRef, replies: ReadonlyArray<Reply>) =>
      turn.deliver(ref, { chatId: ref.chatId, privateChat: ref.isGroup === false }, replies)

    if (options.commands !== undefined && options.commands !== false) {
      const entries = Object.entries(options.commands).filter(
        (entry): entry is [string, ReadonlyArray<BotCommand>] => entry[1] !== undefined && entry[1].length > 0
      )
      const registrations: Array<TelegramCall> = entries.map(([language, commands]) => ({
        method: "setMyCommands",
        payload: { commands, language_code: language }
      }))
      if (entries[0] !== undefined)
        registrations.push({ method: "setMyCommands", payload: { commands: entries[0][1] } })
      yield* Effect.forEach(registrations, (r) =>
        call(r).pipe(Effect.catchAll((e) => Effect.logWarning("setMyCommands failed", e.description)))
      )
    }

    return {
      id: options.id,
      platform: "telegram",
      capabilities,
      username: identity.username,
      handleUpdate,
      middleware,
      deliver,
      stats: queue.stats
    } satisfies TelegramEngine
  })

/**
 * Points the chat menu button at the cabinet as a Mini App. Only https can be a web app, so any other URL is logged
 * and skipped; a refusal is logged too: the bot works without its menu button.
 */
const setMiniAppMenuButton = (call: (c: TelegramCall) => Effect.Effect<unknown, TelegramApiError>, url: string) =>
  isMiniAppUrl(url)
    ? call({
        method: "setChatMenuButton",
        payload: { menu_button: { type: "web_app", text: text("ru", "web.open"), web_app: { url } } }
      }).pipe(
        Effect.asVoid,
        Effect.catchAll((e) =>
          Effect.logWarning("setChatMenuButton failed: the chat menu does not open the cabinet").pipe(
            Effect.annotateLogs({ description: e.description })
          )
        )
      )
    : Effect.logInfo("the chat menu button does not open the cabinet: Telegram Mini Apps need an https URL").pipe(
        Effect.annotateLogs({ url })
      )

/** Starts a standalone bot (long polling or webhook) for the lifetime of the scope. */
export const make = (
  options: TelegramBotOptions
): Effect.Effect<TelegramBot, TelegramStartError, AdapterEvents | TurnHandler | Scope.Scope> =>
  Effect.gen(function* () {
    const { runFork } = yield* sdkBridge
    const bot = new Bot(Redacted.value(options.token), {
      client: options.apiRoot === undefined ? {} : { apiRoot: options.apiRoot.replace(/\/+$/, "") }
    })
    const health = makeHealthTracker(yield* AdapterEvents, options.id, "telegram")
    const engine = yield* attach(bot, { ...options, commands: options.commands ?? groupBuyCommands() }, health)
    bot.use(engine.middleware)
    const call = apiCall(bot)
    if (options.miniAppUrl !== undefined) yield* setMiniAppMenuButton(call, options.miniAppUrl)

    const mode = options.mode
    let webhook: TelegramBot["webhook"] = async (_req, res) => {
      res.writeHead(404).end()
    }
    let fetchWebhook: TelegramBot["fetchWebhook"] = async () => new Response(null, { status: 404 })
    if (mode._tag === "Polling") {
      yield* Effect.acquireRelease(
        Effect.sync(() => {
          bot
            .start({ allowed_updates: ALLOWED_UPDATES, timeout: mode.timeoutSeconds ?? 30 })
            .catch((error: unknown) => {
              const e = TelegramApiError.fromUnknown("getUpdates", error)
              runFork(
                e.code === 401
                  ? health.unauthorized(e.description)
                  : health.networkFailure(`polling stopped: ${e.description}`)
              )
            })
        }),
        () => Effect.promise(() => (bot.isRunning() ? bot.stop() : Promise.resolve()))
      )
    } else {
      const secretToken = Redacted.value(mode.secretToken)
      if (mode.url !== undefined) {
        yield* call({
          method: "setWebhook",
          payload: { url: mode.url, secret_token: secretToken, allowed_updates: ALLOWED_UPDATES }
        }).pipe(Effect.mapError((e) => new TelegramStartError({ bot: options.id, message: e.description })))
      }
      const node = webhookCallback(bot, "http", { secretToken, onTimeout: "return", timeoutMilliseconds: 55_000 })
      const web = webhookCallback(bot, "std/http", { secretToken, onTimeout: "return", timeoutMilliseconds: 55_000 })
      webhook = async (req, res) => {
        try {
          await node(req, res)
        } catch (error) {
          runFork(Effect.logError("telegram webhook failed", error))
          if (!res.headersSent) res.writeHead(500).end()
        }
      }
      fetchWebhook = (request) => web(request)
    }

    return { ...engine, bot, webhook, fetchWebhook } satisfies TelegramBot
  })

/** The running standalone bots of this process, by fleet id. */
export class TelegramBots extends Context.Tag("@groupbuy/adapters/TelegramBots")<
  TelegramBots,
  ReadonlyMap<string, TelegramBot>
>() {}

/** Runs one standalone bot for the layer's lifetime. */
export const layer = (
  options: TelegramBotOptions
): Layer.Layer<TelegramBots, TelegramStartError, AdapterEvents | TurnHandler> =>
  botsLayer(TelegramBots, make(options), (bot) => bot.id)
