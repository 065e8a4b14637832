/**
 * A fake of the part of baileys' socket the adapter uses: an event emitter with `messages.upsert`,
 * `connection.update` and `creds.update`, a `sendMessage` that records calls, `requestPairingCode`, `end` and
 * `logout` that close the connection the way baileys does (a Boom-like error with `output.statusCode`).
 * `FakeWhatsApp` is the factory given to the adapter as `makeSocket`; it remembers every socket it made.
 */
import { EventEmitter } from "node:events"
import type { AnyMessageContent, BaileysEventMap, WAMessage } from "@whiskeysockets/baileys"
import type { BaileysAuth } from "../../../src/whatsapp/WhatsAppAuthState.js"
import type { MakeSocket, WhatsAppSocket } from "../../../src/whatsapp/WhatsAppSocket.js"

export interface Sent {
  readonly jid: string
  readonly content: AnyMessageContent
}

const disconnect = (statusCode: number, message: string) =>
  Object.assign(new Error(message), { output: { statusCode } })

export class FakeSocket implements WhatsAppSocket {
  private readonly emitter = new EventEmitter()
  readonly sent: Array<Sent> = []
  readonly pairingRequests: Array<string> = []
  ended = false
  /** make the next `sendMessage` calls fail with this status code */
  failSends: number | undefined

  constructor(readonly auth: BaileysAuth) {}

  readonly ev: WhatsAppSocket["ev"] = {
    on: (event, listener) => void this.emitter.on(event, listener as (arg: unknown) => void),
    off: (event, listener) => void this.emitter.off(event, listener as (arg: unknown) => void)
  }

  emit<K extends keyof BaileysEventMap>(event: K, arg: BaileysEventMap[K]) {
    this.emitter.emit(event, arg)
  }

  listeners(event: keyof BaileysEventMap) {
    return this.emitter.listenerCount(event)
  }

  readonly sendMessage = async (jid: string, content: AnyMessageContent): Promise<WAMessage | undefined> => {
    if (this.ended) throw disconnect(428, "Connection Closed")
    if (this.failSends !== undefined) throw disconnect(this.failSends, "refused")
    this.sent.push({ jid, content })
    return { key: { remoteJid: jid, fromMe: true, id: `out-${this.sent.length}` } }
  }

  readonly requestPairingCode = async (phoneNumber: string): Promise<string> => {
    this.pairingRequests.push(phoneNumber)
    return "ABCD-1234"
  }

  readonly end = (error: Error | undefined) => {
    if (this.ended) return
    this.ended = true
    this.emit("connection.update", {
      connection: "close",
      lastDisconnect: { error: error ?? disconnect(428, "Connection Closed"), date: new Date() }
    })
  }

  readonly logout = async () => {
    this.end(disconnect(401, "Intentional Logout"))
  }

  // --- the platform side -------------------------------------------------

  open() {
    this.emit("connection.update", { connection: "open" })
  }

  showQr(qr: string) {
    this.emit("connection.update", { qr })
  }

  /** the server closed the connection with a DisconnectReason code */
  drop(statusCode: number) {
    this.end(disconnect(statusCode, "dropped"))
  }

  /** baileys changed the creds (e.g. after pairing) */
  updateCreds(patch: Partial<BaileysAuth["state"]["creds"]>) {
    Object.assign(this.auth.state.creds, patch)
    this.emit("creds.update", patch)
  }

  receive(message: WAMessage, type: "notify" | "append" = "notify") {
    this.emit("messages.upsert", { messages: [message], type })
  }
}

let counter = 0

/** A text from a phone number (digits), optionally addressed by LID with the phone number as `remoteJidAlt`. */
export const textFrom = (
  phone: string,
  text: string,
  options: { lid?: string; pushName?: string } = {}
): WAMessage => ({
  key: {
    remoteJid: options.lid === undefined ? `${phone}@s.whatsapp.net` : `${options.lid}@lid`,
    ...(options.lid === undefined ? {} : { remoteJidAlt: `${phone}@s.whatsapp.net` }),
    fromMe: false,
    id: `in-${++counter}`
  },
  message: { conversation: text },
  ...(options.pushName === undefined ? {} : { pushName: options.pushName })
})

export const imageFrom = (phone: string, caption: string): WAMessage => ({
  key: { remoteJid: `${phone}@s.whatsapp.net`, fromMe: false, id: `in-${++counter}` },
  message: { imageMessage: { caption, mimetype: "image/jpeg" } }
})

export class FakeWhatsApp {
  readonly sockets: Array<FakeSocket> = []
  /** the most sockets alive (not ended) at the same time */
  maxAlive = 0
  /** throw from the factory this many times */
  failCreates = 0

  readonly makeSocket: MakeSocket = (auth) => {
    if (this.failCreates > 0) {
      this.failCreates -= 1
      throw new Error("cannot create a socket")
    }
    const socket = new FakeSocket(auth)
    this.sockets.push(socket)
    this.maxAlive = Math.max(this.maxAlive, this.sockets.filter((candidate) => !candidate.ended).length)
    return socket
  }

  get current(): FakeSocket {
    const socket = this.sockets.at(-1)
    if (socket === undefined) throw new Error("no socket was created")
    return socket
  }

  /** everything sent on every socket, in order */
  get sent(): ReadonlyArray<Sent> {
    return this.sockets.flatMap((socket) => socket.sent)
  }
}
