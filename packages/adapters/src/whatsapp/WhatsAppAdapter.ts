/**
 * The WhatsApp bot runner (baileys): one socket per account — a second runner for the same account is refused —
 * reconnecting with backoff after every close except "logged out". Login by QR code or pairing code, both printed
 * to the terminal and published as `status` for the admin API. Incoming messages take their turn through
 * `AdapterTurn` with the WhatsApp capabilities (no buttons: the router answers with numbered menus); replies leave
 * through the per-bot outbound queue, in order per chat.
 */
import { type AnyMessageContent, DisconnectReason, type WAMessage } from "@whiskeysockets/baileys"
import {
  Data,
  Duration,
  Effect,
  Layer,
  Context,
  Queue,
  Runtime,
  type Scope,
  type Stream,
  SubscriptionRef
} from "effect"
import qrcodeTerminal from "qrcode-terminal"
import { ChatRef, type Reply } from "@groupbuy/router"
import { AdapterEvents } from "../shared/AdapterEvents.js"
import * as AdapterTurn from "../shared/AdapterTurn.js"
import { botsLayer } from "../shared/BotsLayer.js"
import { makeHealthTracker } from "../shared/HealthTracker.js"
import * as OutboundQueue from "../shared/OutboundQueue.js"
import * as SafeFetch from "../shared/SafeFetch.js"
import { TurnHandler } from "../shared/TurnHandler.js"
import { type AuthStateStore, makeAuthState } from "./WhatsAppAuthState.js"
import { whatsappCapabilities } from "./WhatsAppCapabilities.js"
import { decode, MEDIA_PREFIX, userIdOf } from "./WhatsAppDecode.js"
import { encode } from "./WhatsAppEncode.js"
import {
  type DownloadMedia,
  downloadWithBaileys,
  makeBaileysSocket,
  makeLogger,
  type MakeSocket,
  reasonOf,
  statusCodeOf,
  type WhatsAppSocket
} from "./WhatsAppSocket.js"

/** Where the account's login stands; the admin API shows it (QR to scan, pairing code to type). */
export type WhatsAppStatus = Data.TaggedEnum<{
  Connecting: {}
  /** scan `qr` in WhatsApp → Linked devices (render it as a QR code) */
  AwaitingQr: { readonly qr: string }
  /** type `code` in WhatsApp → Linked devices → Link with phone number */
  AwaitingPairingCode: { readonly phone: string; readonly code: string }
  Open: {}
  Reconnecting: { readonly attempt: number; readonly delayMs: number; readonly reason: string }
  /** the phone removed this device: the stored auth state was cleared; `login` starts over with a new QR */
  LoggedOut: {}
  Stopped: {}
}>
export const WhatsAppStatus = Data.taggedEnum<WhatsAppStatus>()

/** A second runner for an account that already has one in this process. */
export class AccountAlreadyRunning extends Data.TaggedError("AccountAlreadyRunning")<{ readonly bot: string }> {}

export class WhatsAppError extends Data.TaggedError("WhatsAppError")<{
  readonly reason: "not_connected" | "send_failed" | "pairing_failed" | "media_not_found" | "download_failed"
  readonly message: string
  readonly cause?: unknown
}> {}

export interface Options {
  /** the fleet id: `ChatRef.bot` and the account key, one socket per value in this process */
  readonly id: string
  /** where creds and signal keys live (the server: PostgreSQL through core's KeyValue) */
  readonly store: AuthStateStore
  /** log in with a pairing code for this phone number (digits, country code first) instead of a QR code */
  readonly pairingPhone?: string | undefined
  /** print QR and pairing codes to the terminal (default true) */
  readonly terminal?: boolean | undefined
  /** reconnect delays: `initial`, doubled per failed attempt up to `max` (defaults 1 s and 60 s) */
  readonly backoff?: { readonly initial: Duration.DurationInput; readonly max: Duration.DurationInput } | undefined
  readonly limits?: OutboundQueue.OutboundLimits | undefined
  /** the socket factory: baileys' `makeWASocket` by default, a fake in tests */
  readonly makeSocket?: MakeSocket | undefined
  readonly download?: DownloadMedia | undefined
  /** received media messages remembered for `fetchMedia` (default 500) */
  readonly mediaCapacity?: number | undefined
  /** fetches the pictures of `Image` replies; default `SafeFetch.make` (public addresses, images only) */
  readonly fetchImage?: SafeFetch.SafeFetch | undefined
}

export interface WhatsAppBot {
  readonly bot: string
  readonly capabilities: typeof whatsappCapabilities
  readonly status: Effect.Effect<WhatsAppStatus>
  readonly statusChanges: Stream.Stream<WhatsAppStatus>
  /** asks WhatsApp for a pairing code for `phone` on the current socket (admin API); also printed */
  readonly requestPairingCode: (phone: string) => Effect.Effect<string, WhatsAppError>
  /** proactive messages to a chat (its JID, as in `ChatRef.chatId`) */
  readonly send: (chatId: string, replies: ReadonlyArray<Reply>) => Effect.Effect<void, WhatsAppError>
  /** the bytes of a received image or document, by the `url` of its `Media` update (`wa-media:<id>`) */
  readonly fetchMedia: (url: string) => Effect.Effect<Buffer, WhatsAppError>
  /** unlinks this device; the status becomes `LoggedOut` and the stored auth state is cleared */
  readonly logout: Effect.Effect<void, WhatsAppError>
  /** after `LoggedOut`: connect again to show a new QR / pairing code */
  readonly login: Effect.Effect<void>
  readonly stats: Effect.Effect<OutboundQueue.OutboundStats>
}

export class WhatsAppBots extends Context.Tag("@groupbuy/adapters/WhatsAppBots")<
  WhatsAppBots,
  ReadonlyMap<string, WhatsAppBot>
>() {}

/** Accounts with a live runner in this process. */
const running = new Set<string>()

interface Close {
  readonly code: number | undefined
  readonly reason: string
}

const printQr = (bot: string, qr: string) =>
  Effect.sync(() =>
    qrcodeTerminal.generate(qr, { small: true }, (art: string) => {
      process.stdout.write(`\nWhatsApp ${bot}: scan this QR code in WhatsApp → Linked devices\n${art}\n`)
    })
  )

const printPairingCode = (bot: string, phone: string, code: string) =>
  Effect.sync(() =>
    process.stdout.write(
      `\nWhatsApp ${bot}: on the phone ${phone} open WhatsApp → Linked devices → Link with phone number and type ${code}\n`
    )
  )

/** Starts the runner in the current scope; closing the scope ends the socket. */
export const make = (
  options: Options
): Effect.Effect<WhatsAppBot, AccountAlreadyRunning, TurnHandler | AdapterEvents | Scope.Scope> =>
  Effect.gen(function* () {
    const bot = options.id
    yield* Effect.acquireRelease(
      Effect.suspend(() => {
        if (running.has(bot)) return Effect.fail(new AccountAlreadyRunning({ bot }))
        running.add(bot)
        return Effect.void
      }),
      () => Effect.sync(() => void running.delete(bot))
    )
    const events = yield* AdapterEvents
    const runtime = yield* Effect.runtime<never>()
    const runFork = Runtime.runFork(runtime)
    const logger = makeLogger(runtime, { bot })
    const makeSocket = options.makeSocket ?? makeBaileysSocket
    const download = options.download ?? downloadWithBaileys
    const terminal = options.terminal ?? true
    const initialMs = Duration.toMillis(options.backoff?.initial ?? Duration.seconds(1))
    const maxMs = Duration.toMillis(options.backoff?.max ?? Duration.minutes(1))
    const mediaCapacity = options.mediaCapacity ?? 500
    const health = makeHealthTracker(events, bot, "whatsapp")
    const status = yield* SubscriptionRef.make<WhatsAppStatus>(WhatsAppStatus.Connecting())
    const setStatus = (next: WhatsAppStatus) =>
      SubscriptionRef.set(status, next).pipe(
        Effect.zipRight(Effect.logInfo("whatsapp status").pipe(Effect.annotateLogs({ bot, status: next._tag })))
      )
    const closes = yield* Queue.unbounded<Close>()
    const logins = yield* Queue.sliding<void>(1)
    const media = new Map<string, WAMessage>()
    let current: { readonly socket: WhatsAppSocket; readonly generation: number } | undefined
    let generation = 0
    let attempt = 0
    let stopping = false
    let pairingRequested = false

    const queue = yield* OutboundQueue.make<WhatsAppError>({
      limits: options.limits ?? OutboundQueue.whatsappLimits,
      classify: (error) =>
        error.reason === "not_connected"
          ? { _tag: "Backoff" }
          : statusCodeOf(error.cause) === 429
            ? { _tag: "RetryAfter", millis: 5000 }
            : { _tag: "Fail" }
    })

    const fetchImage = options.fetchImage ?? SafeFetch.make({ accept: SafeFetch.isImage })

    /**
     * baileys would download `{ image: { url } }` itself, from any address: it gets the bytes fetched by the guarded
     * fetcher instead. A picture that cannot be fetched leaves the text, with the picture's link.
     */
    const withImageBytes = (content: AnyMessageContent): Effect.Effect<AnyMessageContent> => {
      const image = "image" in content ? content.image : undefined
      if (image === undefined || Buffer.isBuffer(image) || !("url" in image)) return Effect.succeed(content)
      const url = String(image.url)
      const caption = "caption" in content && typeof content.caption === "string" ? content.caption : ""
      return fetchImage(url).pipe(
        Effect.map((fetched): AnyMessageContent => ({ ...content, image: fetched.bytes })),
        Effect.catchAll((e) =>
          Effect.logWarning("whatsapp picture not fetched", `${e.reason}: ${e.message}`).pipe(
            Effect.annotateLogs({ bot }),
            Effect.as<AnyMessageContent>({ text: [caption, url].filter((part) => part !== "").join("\n") })
          )
        )
      )
    }

    /** One message on the current socket (refused while there is none: the queue retries it with backoff). */
    const sendOne = (chatId: string, content: AnyMessageContent) =>
      Effect.suspend(() => {
        const socket = current?.socket
        if (socket === undefined) {
          return Effect.fail(new WhatsAppError({ reason: "not_connected", message: "WhatsApp is not connected" }))
        }
        return Effect.tryPromise({
          try: () => socket.sendMessage(chatId, content),
          catch: (cause) => new WhatsAppError({ reason: "send_failed", message: "WhatsApp refused the message", cause })
        })
      })

    const turn = yield* AdapterTurn.make({
      bot,
      platform: "whatsapp",
      capabilities: whatsappCapabilities,
      health,
      encode: (replies, _chatId: string) => ({ ops: replies.flatMap((reply) => encode(reply)) }),
      enqueue: (to, content: AnyMessageContent) =>
        queue.enqueue(
          to,
          Effect.flatMap(withImageBytes(content), (c) => sendOne(to.chat, c))
        ),
      failure: (e) => ({ unreachable: false, detail: e.message, code: e.reason })
    })

    /** proactive messages to a chat (its JID) */
    const send = (chatId: string, replies: ReadonlyArray<Reply>) =>
      turn
        .deliver(new ChatRef({ bot, platform: "whatsapp", chatId, userId: userIdOf(chatId) }), chatId, replies)
        .pipe(Effect.asVoid)

    const onMessage = (message: WAMessage) => {
      const update = decode(bot, message)
      if (update?._tag === "Media") {
        media.set(update.updateId, message)
        while (media.size > mediaCapacity) media.delete(media.keys().next().value!)
      }
      runFork(turn.handle(update, (u) => u.ref.chatId))
    }

    const requestPairing = (socket: WhatsAppSocket, phone: string) =>
      Effect.tryPromise({
        try: () => socket.requestPairingCode(phone.replace(/\D/g, "")),
        catch: (cause) =>
          new WhatsAppError({ reason: "pairing_failed", message: "WhatsApp did not give a pairing code", cause })
      }).pipe(
        Effect.tap((code) =>
          setStatus(WhatsAppStatus.AwaitingPairingCode({ phone, code })).pipe(
            Effect.zipRight(terminal ? printPairingCode(bot, phone, code) : Effect.void)
          )
        )
      )

    const connect = Effect.gen(function* () {
      const auth = yield* makeAuthState(options.store)
      const socketGeneration = ++generation
      const socket = yield* Effect.try({
        try: () => makeSocket(auth, logger),
        catch: (cause) => cause
      })
      const isCurrent = () => current?.generation === socketGeneration
      current = { socket, generation: socketGeneration }
      pairingRequested = false
      socket.ev.on("creds.update", () => {
        auth.saveCreds().catch((error: unknown) => runFork(Effect.logError("whatsapp: saving creds failed", error)))
      })
      socket.ev.on("connection.update", (update) => {
        if (!isCurrent()) return
        if (typeof update.qr === "string") {
          if (options.pairingPhone !== undefined && !auth.state.creds.registered) {
            if (!pairingRequested) {
              pairingRequested = true
              runFork(
                requestPairing(socket, options.pairingPhone).pipe(
                  Effect.catchAll((error) => Effect.logError(error.message, error.cause))
                )
              )
            }
          } else {
            runFork(
              setStatus(WhatsAppStatus.AwaitingQr({ qr: update.qr })).pipe(
                Effect.zipRight(terminal ? printQr(bot, update.qr) : Effect.void)
              )
            )
          }
        }
        if (update.connection === "open") {
          attempt = 0
          runFork(setStatus(WhatsAppStatus.Open()).pipe(Effect.zipRight(health.success)))
        }
        if (update.connection === "close") {
          current = undefined
          const error = update.lastDisconnect?.error
          const code = statusCodeOf(error)
          if (!stopping) runFork(Queue.offer(closes, { code, reason: reasonOf(code, error) }))
        }
      })
      socket.ev.on("messages.upsert", ({ messages, type }) => {
        if (!isCurrent() || type !== "notify") return
        for (const message of messages) onMessage(message)
      })
    }).pipe(
      Effect.catchAll((cause) =>
        Queue.offer(closes, { code: undefined, reason: `could not create the socket: ${String(cause)}` })
      )
    )

    const supervise = Effect.gen(function* () {
      yield* connect
      for (;;) {
        const close = yield* Queue.take(closes)
        if (close.code === DisconnectReason.loggedOut) {
          yield* options.store.clear
          yield* setStatus(WhatsAppStatus.LoggedOut())
          yield* health.unauthorized("logged out from the phone")
          yield* Queue.take(logins)
          attempt = 0
          yield* setStatus(WhatsAppStatus.Connecting())
          yield* connect
          continue
        }
        // after pairing WhatsApp asks for an immediate restart; everything else backs off
        const restart = close.code === DisconnectReason.restartRequired
        if (!restart) attempt += 1
        const delayMs = restart ? 0 : Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1))
        if (!restart && attempt >= 3) yield* health.networkFailure(close.reason)
        yield* setStatus(WhatsAppStatus.Reconnecting({ attempt, delayMs, reason: close.reason }))
        yield* Effect.sleep(Duration.millis(delayMs))
        yield* setStatus(WhatsAppStatus.Connecting())
        yield* connect
      }
    })

    yield* Effect.addFinalizer(() =>
      Effect.gen(function* () {
        stopping = true
        const socket = current?.socket
        current = undefined
        if (socket !== undefined) yield* Effect.promise(async () => socket.end(undefined)).pipe(Effect.ignore)
        yield* SubscriptionRef.set(status, WhatsAppStatus.Stopped())
      })
    )
    yield* Effect.forkScoped(supervise)

    return {
      bot,
      capabilities: whatsappCapabilities,
      status: SubscriptionRef.get(status),
      statusChanges: status.changes,
      requestPairingCode: (phone) =>
        Effect.suspend(() => {
          const socket = current?.socket
          return socket === undefined
            ? Effect.fail(new WhatsAppError({ reason: "not_connected", message: "WhatsApp is not connected yet" }))
            : requestPairing(socket, phone)
        }),
      send,
      fetchMedia: (url) =>
        Effect.suspend(() => {
          const message = url.startsWith(MEDIA_PREFIX) ? media.get(url.slice(MEDIA_PREFIX.length)) : undefined
          const socket = current?.socket
          if (message === undefined) {
            return Effect.fail(new WhatsAppError({ reason: "media_not_found", message: `no media ${url}` }))
          }
          if (socket === undefined) {
            return Effect.fail(new WhatsAppError({ reason: "not_connected", message: "WhatsApp is not connected" }))
          }
          return Effect.tryPromise({
            try: () => download(message, socket, logger),
            catch: (cause) => new WhatsAppError({ reason: "download_failed", message: "the download failed", cause })
          })
        }),
      logout: Effect.suspend(() => {
        const socket = current?.socket
        return socket === undefined
          ? Effect.fail(new WhatsAppError({ reason: "not_connected", message: "WhatsApp is not connected" }))
          : Effect.tryPromise({
              try: () => socket.logout(),
              catch: (cause) => new WhatsAppError({ reason: "send_failed", message: "logout failed", cause })
            })
      }),
      login: Queue.offer(logins, undefined).pipe(Effect.asVoid),
      stats: queue.stats
    } satisfies WhatsAppBot
  })

/** Runs one account for the layer's lifetime. */
export const layer = (
  options: Options
): Layer.Layer<WhatsAppBots, AccountAlreadyRunning, TurnHandler | AdapterEvents> =>
  botsLayer(WhatsAppBots, make(options), (bot) => bot.bot)
