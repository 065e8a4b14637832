/**
 * The VK Callback API over HTTP: answers the confirmation request, checks `secret` (anything else gets 401 and is not
 * processed) and the community, hands the event to vk-io (whose middleware is GroupBuy's turn) and answers `ok`.
 * Events are handled before answering, so VK re-delivers what failed to reach the engine.
 */
import { timingSafeEqual } from "node:crypto"
import type * as Http from "node:http"
import { Redacted } from "effect"
import type { VK } from "vk-io"

export interface CallbackSettings {
  /** the string VK expects back for the `confirmation` event */
  readonly confirmation: string
  /** the `secret` set in the community's Callback API settings */
  readonly secret: Redacted.Redacted<string>
}

export interface CallbackHandlers {
  /** Node `(req, res)` handler */
  readonly callback: (req: Http.IncomingMessage, res: Http.ServerResponse) => Promise<void>
  /** web-standard handler */
  readonly fetchCallback: (request: Request) => Promise<Response>
}

const MAX_BODY = 1024 * 1024

const sameSecret = (given: unknown, expected: string): boolean => {
  if (typeof given !== "string") return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

const readBody = (req: Http.IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    req.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) {
        reject(new Error("body too large"))
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    req.on("error", reject)
  })

/** The Callback API handlers of one community; `failed` logs an event that vk-io could not handle. */
export const callbackHandlers = (
  settings: CallbackSettings,
  groupId: number,
  vk: VK,
  failed: (error: unknown) => void
): CallbackHandlers => {
  const secret = Redacted.value(settings.secret)
  const protocol = async (body: unknown): Promise<{ status: number; body: string }> => {
    if (typeof body !== "object" || body === null) return { status: 400, body: "bad request" }
    const event = body as { type?: unknown; secret?: unknown; group_id?: unknown }
    if (!sameSecret(event.secret, secret)) return { status: 401, body: "unauthorized" }
    if (Number(event.group_id) !== groupId) return { status: 400, body: "wrong group" }
    if (event.type === "confirmation") return { status: 200, body: settings.confirmation }
    await vk.updates.handleWebhookUpdate(body as never)
    return { status: 200, body: "ok" }
  }
  const run = async (read: () => Promise<string>) => {
    let body: unknown
    try {
      body = JSON.parse(await read())
    } catch {
      return { status: 400, body: "bad request" }
    }
    try {
      return await protocol(body)
    } catch (error) {
      failed(error)
      return { status: 200, body: "ok" }
    }
  }
  const headers = { "content-type": "text/plain; charset=utf-8" }
  return {
    callback: async (req, res) => {
      const answer = await run(() => readBody(req))
      res.writeHead(answer.status, headers).end(answer.body)
    },
    fetchCallback: async (request) => {
      const answer = await run(() => request.text())
      return new Response(answer.body, { status: answer.status, headers })
    }
  }
}
