/**
 * The part of baileys' `WASocket` the adapter uses, so tests can inject a fake socket through `makeSocket`; and the
 * production factory over `makeWASocket`.
 */
import makeWASocket, {
  type AnyMessageContent,
  type BaileysEventEmitter,
  Browsers,
  downloadMediaMessage,
  makeCacheableSignalKeyStore,
  type WAMessage
} from "@whiskeysockets/baileys"
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
