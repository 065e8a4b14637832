/// <reference lib="dom" />
/**
 * The widget's side of `groupbuy.chat.v1`: gets a guest token over HTTP (kept in localStorage, renewed for the same
 * identity when it expired), sends it in `hello` (never in the URL), resumes from the last acknowledged reply after
 * a reconnect, queues what the user sends while offline, and reconnects with jittered exponential backoff.
 */
import { type Input, type ServerFrame, VERSION } from "./WidgetProtocol.js"

export type ConnectionStatus = "connecting" | "online" | "offline" | "failed"

export interface ConnectionHandlers {
  readonly onFrame: (frame: ServerFrame) => void
  readonly onStatus: (status: ConnectionStatus) => void
}

interface StoredToken {
  readonly token: string
  readonly expiresAt: number
}

interface ResumePoint {
  stream: string
  lastSeq: number
}

/** Close codes after which reconnecting cannot help. */
const FATAL_CLOSES = new Set([4400])
const MAX_QUEUED = 20

const randomId = (): string => {
  const bytes = new Uint8Array(12)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")
}

const readJson = <A>(storage: Storage | undefined, key: string): A | undefined => {
  try {
    const text = storage?.getItem(key)
    return text ? (JSON.parse(text) as A) : undefined
  } catch {
    return undefined
  }
}

const writeJson = (storage: Storage | undefined, key: string, value: unknown) => {
  try {
    storage?.setItem(key, JSON.stringify(value))
  } catch {
    // storage full or disabled (private mode): the widget still works for this page
  }
}

const safeStorage = (pick: () => Storage): Storage | undefined => {
  try {
    return pick()
  } catch {
    return undefined
  }
}

export class WidgetConnection {
  private socket: WebSocket | undefined
  private ready = false
  private stopped = false
  private attempt = 0
  private resume: ResumePoint | undefined
  private readonly queued: Array<{ id: string; update: Input }> = []
  private ackTimer: number | undefined
  private refreshTimer: number | undefined
  private readonly local = safeStorage(() => window.localStorage)
  private readonly session = safeStorage(() => window.sessionStorage)
  private readonly tokenKey: string
  private readonly resumeKey: string
  private token: StoredToken | undefined

  constructor(
    private readonly server: string,
    private readonly tokenUrl: string,
    private readonly locale: string,
    private readonly handlers: ConnectionHandlers
  ) {
    this.tokenKey = `groupbuy.chat.token:${server}`
    this.resumeKey = `groupbuy.chat.resume:${server}`
    this.token = readJson<StoredToken>(this.local, this.tokenKey)
    this.resume = readJson<ResumePoint>(this.session, this.resumeKey)
  }

  start() {
    this.stopped = false
    void this.connect()
  }

  stop() {
    this.stopped = true
    window.clearTimeout(this.refreshTimer)
    this.socket?.close(1000)
  }

  /** Sends now when connected, otherwise after the next `welcome`. */
  send(update: Input): string {
    const id = randomId()
    if (this.ready && this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ type: "update", id, update }))
    } else {
      if (this.queued.length >= MAX_QUEUED) this.queued.shift()
      this.queued.push({ id, update })
    }
    return id
  }

  /** Records that reply `seq` was shown; acknowledged to the server shortly after (batched). */
  rendered(seq: number) {
    if (this.resume === undefined || seq <= this.resume.lastSeq) return
    this.resume.lastSeq = seq
    writeJson(this.session, this.resumeKey, this.resume)
    if (this.ackTimer !== undefined) return
    this.ackTimer = window.setTimeout(() => {
      this.ackTimer = undefined
      if (this.ready && this.resume !== undefined)
        this.socket?.send(JSON.stringify({ type: "ack", seq: this.resume.lastSeq }))
    }, 200)
  }

  private async fetchToken(): Promise<StoredToken> {
    const previous = this.token?.token
    const response = await fetch(this.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(previous === undefined ? {} : { previous }),
      credentials: "same-origin"
    })
    if (!response.ok && previous !== undefined) {
      // the old token cannot be renewed (too old, or the server's secret changed): start a new guest identity
      this.token = undefined
      return this.fetchToken()
    }
    if (!response.ok) throw new Error(`token endpoint answered ${response.status}`)
    const body = (await response.json()) as Partial<StoredToken>
    if (typeof body.token !== "string" || typeof body.expiresAt !== "number") throw new Error("bad token response")
    const token = { token: body.token, expiresAt: body.expiresAt }
    this.token = token
    writeJson(this.local, this.tokenKey, token)
    return token
  }

  private async validToken(): Promise<StoredToken> {
    const token = this.token
    return token !== undefined && token.expiresAt - Date.now() > 60_000 ? token : this.fetchToken()
  }

  private async connect() {
    if (this.stopped) return
    this.handlers.onStatus("connecting")
    let token: StoredToken
    try {
      token = await this.validToken()
    } catch {
      this.retry()
      return
    }
    const socket = new WebSocket(this.server, VERSION)
    this.socket = socket
    socket.onopen = () => {
      socket.send(
        JSON.stringify({
          type: "hello",
          v: VERSION,
          token: token.token,
          locale: this.locale,
          ...(this.resume === undefined ? {} : { resume: this.resume })
        })
      )
    }
    socket.onmessage = (event) => {
      if (typeof event.data !== "string") return
      let frame: ServerFrame
      try {
        frame = JSON.parse(event.data) as ServerFrame
      } catch {
        return
      }
      if (frame.type === "welcome") this.welcomed(frame)
      this.handlers.onFrame(frame)
    }
    socket.onclose = (event) => {
      if (this.socket !== socket) return
      this.ready = false
      this.socket = undefined
      if (event.code === 4401) this.token = undefined
      if (this.stopped) return
      if (FATAL_CLOSES.has(event.code)) {
        this.handlers.onStatus("failed")
        return
      }
      this.retry()
    }
  }

  private welcomed(frame: Extract<ServerFrame, { type: "welcome" }>) {
    this.ready = true
    this.attempt = 0
    if (!frame.resumed) this.resume = { stream: frame.stream, lastSeq: frame.lastSeq }
    writeJson(this.session, this.resumeKey, this.resume)
    this.handlers.onStatus("online")
    for (const { id, update } of this.queued.splice(0)) {
      this.socket?.send(JSON.stringify({ type: "update", id, update }))
    }
    this.scheduleRefresh(frame.identity.expiresAt)
  }

  /** Swaps in a fresh token a minute before the current one expires, without reconnecting. */
  private scheduleRefresh(expiresAt: number) {
    window.clearTimeout(this.refreshTimer)
    const delay = Math.max(0, Math.min(expiresAt - Date.now() - 60_000, 2_000_000_000))
    this.refreshTimer = window.setTimeout(() => {
      void this.fetchToken().then(
        (token) => this.socket?.send(JSON.stringify({ type: "auth", token: token.token })),
        () => undefined
      )
    }, delay)
  }

  private retry() {
    if (this.stopped) return
    this.handlers.onStatus("offline")
    const base = Math.min(30_000, 1000 * 2 ** this.attempt)
    this.attempt += 1
    window.setTimeout(() => void this.connect(), base / 2 + Math.random() * (base / 2))
  }
}
