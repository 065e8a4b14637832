/** A tiny protocol client for tests: collects server frames and lets a test await the next one that matches. */
import { WebSocket } from "ws"

export type Frame = { readonly type: string } & Record<string, unknown>

export class ChatClient {
  readonly frames: Array<Frame> = []
  closed: { code: number; reason: string } | undefined
  private waiters: Array<() => void> = []

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame)
      this.wake()
    })
    ws.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() }
      this.wake()
    })
  }

  static open(
    url: string,
    options: { readonly origin?: string; readonly autoPong?: boolean; readonly protocols?: Array<string> } = {}
  ): Promise<ChatClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options.protocols ?? [], {
        ...(options.origin === undefined ? {} : { origin: options.origin }),
        autoPong: options.autoPong ?? true
      })
      const client = new ChatClient(ws)
      ws.once("open", () => resolve(client))
      ws.once("unexpected-response", (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)))
      ws.once("error", reject)
    })
  }

  private wake() {
    const waiters = this.waiters
    this.waiters = []
    for (const waiter of waiters) waiter()
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame))
  }

  /** removes and returns the first frame matching `predicate`, waiting up to `timeoutMs` */
  async next(predicate: (frame: Frame) => boolean = () => true, timeoutMs = 3000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const index = this.frames.findIndex(predicate)
      if (index >= 0) return this.frames.splice(index, 1)[0]!
      if (this.closed) throw new Error(`closed (${this.closed.code} ${this.closed.reason}) while waiting`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no matching frame; got ${JSON.stringify(this.frames)}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  nextOf(type: string, timeoutMs?: number) {
    return this.next((frame) => frame.type === type, timeoutMs)
  }

  async waitClosed(timeoutMs = 3000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error("the server did not close the connection")
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
    return this.closed
  }

  close() {
    this.ws.close()
  }
}
