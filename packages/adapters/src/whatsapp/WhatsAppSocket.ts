/**
 * The part of baileys' `WASocket` the adapter uses, so tests can inject a fake socket through `makeSocket`; and the
 * production factory over `makeWASocket`.
 */
import makeWASocket, {
  type AnyMessageContent,
  type BaileysEventEmitter,
  Browsers,
  DisconnectReason,
  downloadMediaMessage,
  makeCacheableSignalKeyStore,
  type WAMessage
} from "@whiskeysockets/baileys"
import { Effect, Runtime } from "effect"
import type { BaileysAuth } from "./WhatsAppAuthState.js"

export interface WhatsAppSocket {
  /** `messages.upsert`, `connection.update` and `creds.update` are the events the adapter listens to */
  readonly ev: Pick<BaileysEventEmitter, "on" | "off">
  readonly sendMessage: (jid: string, content: AnyMessageContent) => Promise<WAMessage | undefined>
  readonly requestPairingCode: (phoneNumber: string) => Promise<string>
  readonly end: (error: Error | undefined) => void | Promise<void>
  readonly logout: (msg?: string) => Promise<void>
}

/** baileys' logger interface (pino-like). */
export interface WhatsAppLogger {
  level: string
  child(bindings: Record<string, unknown>): WhatsAppLogger
  trace(obj: unknown, msg?: string): void
  debug(obj: unknown, msg?: string): void
  info(obj: unknown, msg?: string): void
  warn(obj: unknown, msg?: string): void
  error(obj: unknown, msg?: string): void
}

export type MakeSocket = (auth: BaileysAuth, logger: WhatsAppLogger) => WhatsAppSocket

/** Downloads (and decrypts) a received image or document. */
export type DownloadMedia = (message: WAMessage, socket: WhatsAppSocket, logger: WhatsAppLogger) => Promise<Buffer>

/** A real connection to WhatsApp Web. */
export const makeBaileysSocket: MakeSocket = (auth, logger) =>
  makeWASocket({
    auth: { creds: auth.state.creds, keys: makeCacheableSignalKeyStore(auth.state.keys, logger) },
    logger,
    browser: Browsers.ubuntu("GroupBuy"),
    markOnlineOnConnect: false,
    syncFullHistory: false
  })

export const downloadWithBaileys: DownloadMedia = (message, socket, logger) => {
  const reupload = (socket as Partial<Pick<ReturnType<typeof makeWASocket>, "updateMediaMessage">>).updateMediaMessage
  return downloadMediaMessage(
    message,
    "buffer",
    {},
    reupload === undefined
      ? { logger, reuploadRequest: () => Promise.reject(new Error("no re-upload")) }
      : {
          logger,
          reuploadRequest: reupload
        }
  )
}

/** The HTTP-like status of a baileys error (`Boom`): the disconnect reason, 429, … */
export const statusCodeOf = (error: unknown): number | undefined => {
  const output = (error as { output?: { statusCode?: unknown } } | undefined)?.output
  return typeof output?.statusCode === "number" ? output.statusCode : undefined
}

/** A close reason for the log and the status: the `DisconnectReason` name and the message. */
export const reasonOf = (code: number | undefined, error: unknown): string => {
  const name = code === undefined ? undefined : (DisconnectReason as Record<number, string>)[code]
  const message = error instanceof Error ? error.message : undefined
  return [name ?? (code === undefined ? "unknown" : String(code)), message].filter((part) => part).join(": ")
}

/** baileys logs a lot at info; only warnings and errors reach the application's log. */
export const makeLogger = (runtime: Runtime.Runtime<never>, bindings: Record<string, unknown> = {}): WhatsAppLogger => {
  const log = (level: "warn" | "error") => (obj: unknown, msg?: string) => {
    const message = msg ?? (typeof obj === "string" ? obj : "baileys")
    const effect = level === "warn" ? Effect.logWarning(message) : Effect.logError(message)
    Runtime.runFork(runtime)(effect.pipe(Effect.annotateLogs({ ...bindings, detail: safeJson(obj) })))
  }
  const ignore = () => undefined
  return {
    level: "warn",
    child: (more) => makeLogger(runtime, { ...bindings, ...more }),
    trace: ignore,
    debug: ignore,
    info: ignore,
    warn: log("warn"),
    error: log("error")
  }
}

const safeJson = (value: unknown): string => {
  try {
    return JSON.stringify(value)?.slice(0, 2000) ?? String(value)
  } catch {
    return String(value)
  }
}
