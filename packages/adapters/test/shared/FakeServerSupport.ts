/**
 * Pieces both fake platform servers share: a loopback HTTP server, request body parsing (JSON, urlencoded,
 * multipart) and a sliding-window rate-limit check that answers "too many requests" the way the platforms do.
 */
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

export interface ParsedBody {
  readonly fields: Record<string, unknown>
  /** multipart file parts by field name: size in bytes and the declared file name */
  readonly files: Record<string, { readonly size: number; readonly filename: string; readonly type: string }>
}

const readRaw = (req: Http.IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => resolve(Buffer.concat(chunks)))
    req.on("error", reject)
  })

const parseMultipart = (raw: Buffer, boundary: string): ParsedBody => {
  const fields: Record<string, unknown> = {}
  const files: Record<string, { size: number; filename: string; type: string }> = {}
  const text = raw.toString("latin1")
  for (const part of text.split(`--${boundary}`)) {
    const headerEnd = part.indexOf("\r\n\r\n")
    if (headerEnd < 0) continue
    const headers = part.slice(0, headerEnd)
    const body = part.slice(headerEnd + 4).replace(/\r\n$/, "")
    const name = /name="([^"]*)"/.exec(headers)?.[1]
    if (name === undefined) continue
    const filename = /filename="([^"]*)"/.exec(headers)?.[1]
    if (filename !== undefined) {
      const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? "application/octet-stream"
      files[name] = { size: Buffer.byteLength(body, "latin1"), filename, type }
    } else fields[name] = Buffer.from(body, "latin1").toString("utf8")
  }
  return { fields, files }
}

/** Reads query string and body into one field map; JSON values stay structured, form values stay strings. */
export const readBody = async (req: Http.IncomingMessage): Promise<ParsedBody> => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1")
  const fields: Record<string, unknown> = Object.fromEntries(url.searchParams)
  const raw = await readRaw(req)
  const type = req.headers["content-type"] ?? ""
  if (raw.length === 0) return { fields, files: {} }
  if (type.includes("application/json")) {
    const parsed: unknown = JSON.parse(raw.toString("utf8"))
    return { fields: { ...fields, ...(parsed as Record<string, unknown>) }, files: {} }
  }
  if (type.includes("multipart/form-data")) {
    const boundary = /boundary=([^;]+)/.exec(type)?.[1]?.replace(/^"|"$/g, "")
    if (boundary === undefined) return { fields, files: {} }
    const parsed = parseMultipart(raw, boundary)
    return { fields: { ...fields, ...parsed.fields }, files: parsed.files }
  }
  return { fields: { ...fields, ...Object.fromEntries(new URLSearchParams(raw.toString("utf8"))) }, files: {} }
}

export const sendJson = (res: Http.ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body)
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
  res.end(text)
}

/** Starts an HTTP server on 127.0.0.1 with a random free port. */
export const listen = (
  handler: (req: Http.IncomingMessage, res: Http.ServerResponse) => void
): Promise<{ readonly server: Http.Server; readonly url: string }> =>
  new Promise((resolve, reject) => {
    const server = Http.createServer(handler)
    server.keepAliveTimeout = 1000
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resolve({ server, url: `http://127.0.0.1:${port}` })
    })
  })

export const close = (server: Http.Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })

/** "At most `limit` requests in any `windowMs`" — the rule a fake enforces, measured on arrival. */
export interface Window {
  readonly limit: number
  readonly windowMs: number
}

/**
 * Sliding-window counters per key. `check` returns 0 when one more request fits, or how many ms the caller has to
 * wait. Arrival times jitter (both ends share one event loop in tests), so a window is measured `toleranceMs`
 * shorter than declared — like the real platforms, which do not count to the millisecond.
 */
export class SlidingWindows {
  private readonly logs = new Map<string, Array<number>>()
  constructor(private readonly toleranceMs = 50) {}

  check(key: string, window: Window, now: number): number {
    const span = Math.max(1, window.windowMs - this.toleranceMs)
    const log = (this.logs.get(key) ?? []).filter((t) => t > now - span)
    this.logs.set(key, log)
    if (log.length >= window.limit) return log[0]! + span - now
    return 0
  }

  record(key: string, now: number): void {
    const log = this.logs.get(key) ?? []
    log.push(now)
    this.logs.set(key, log)
  }
}

/** Polls `condition` until it holds or `timeoutMs` passes; for tests that wait on asynchronous delivery. */
export const eventually = async <A>(
  probe: () => A | undefined,
  { intervalMs = 10, timeoutMs = 10_000, what = "condition" } = {}
): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}
