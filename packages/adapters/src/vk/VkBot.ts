/**
 * A running VK community bot (vk-io): decodes events, hands them to the engine, sends the fitted replies through the
 * bot's outbound queue, answers every callback button, and reports health. Bots Long Poll or Callback API; the
 * Callback handler answers the confirmation request, checks `secret` (anything else gets 401 and is not processed),
 * answers `ok`, and processes a re-delivered event once. Every API call of the bot — sends, uploads, long poll
 * restarts — passes one rate limiter (20 requests/s per community token by default).
 */
import { randomInt, timingSafeEqual } from "node:crypto"
import * as Http from "node:http"
import * as Https from "node:https"
import type { Capabilities, ChatRef, Reply, Update } from "@groupbuy/router"
import { Data, Effect, FiberSet, Redacted, Runtime, type Scope } from "effect"
import { type Context as VkContext, VK } from "vk-io"
import type { APIRequest } from "vk-io"
import { AdapterEvents } from "../shared/AdapterEvents.js"
import { makeChatLocks } from "../shared/ChatLocks.js"
import { type HealthTracker, makeHealthTracker } from "../shared/HealthTracker.js"
import * as OutboundQueue from "../shared/OutboundQueue.js"
import { makeRateLimiter } from "../shared/RateLimiter.js"
import { RecentIds } from "../shared/RecentIds.js"
import * as SafeFetch from "../shared/SafeFetch.js"
import { TurnHandler } from "../shared/TurnHandler.js"
import { classifyVkError, VkApiError } from "./VkApiError.js"
import { vkCapabilities } from "./VkCapabilities.js"
import { decode, type VkBotIdentity } from "./VkDecode.js"
import { encodeAll, type VkOp, type VkTarget } from "./VkEncode.js"

export type VkMode =
  | { readonly _tag: "LongPoll" }
  | {
      readonly _tag: "Callback"
      /** the string VK expects back for the `confirmation` event */
      readonly confirmation: string
      /** the `secret` set in the community's Callback API settings */
      readonly secret: Redacted.Redacted<string>
    }

/** vk-io middleware (middleware-io's shape). */
export type VkMiddleware = (context: VkContext, next: () => Promise<unknown>) => Promise<void>

export interface VkEngineOptions {
  /** the fleet id, unique across bots: `ChatRef.bot`, sessions and de-duplication are keyed by it */
  readonly id: string
  /** `global` applies to every API call of the token; per-chat windows apply to sends */
  readonly limits?: OutboundQueue.OutboundLimits | undefined
  readonly capacity?: number | undefined
  /** which decoded updates GroupBuy takes (embedding: the rest goes to the host's handlers); default all */
  readonly accepts?: ((update: Update) => boolean) | undefined
  /** the community the token must belong to (`VK_GROUP_ID`); start-up fails when it belongs to another one */
  readonly groupId?: number | undefined
  /** fetches the pictures of `Image` replies for upload; default `SafeFetch.make` (public addresses, images only) */
  readonly fetchImage?: SafeFetch.SafeFetch | undefined
}

export interface VkBotOptions extends VkEngineOptions {
  /** the community access token */
  readonly token: Redacted.Redacted<string>
  /** vk-io's `apiBaseUrl` (`VK_API_BASE_URL`); the public API by default */
  readonly apiBaseUrl?: string | undefined
  readonly mode: VkMode
}

export class VkStartError extends Data.TaggedError("VkStartError")<{
  readonly bot: string
  readonly message: string
}> {}

/** GroupBuy attached to a vk-io instance: what both the standalone runner and embedding use. */
export interface VkEngine {
  readonly id: string
  readonly platform: "vk"
  readonly capabilities: Capabilities
  readonly groupId: number
  /** the community's short name (for `vk.me/<name>` deep links) */
  readonly screenName: string
  /** handles one event (`type`, `object`); false when GroupBuy does not handle it */
  readonly handleEvent: (type: string, object: unknown) => Effect.Effect<boolean>
  /** vk-io middleware: GroupBuy's events are handled, everything else goes to `next` */
  readonly middleware: VkMiddleware
  /** sends fitted replies proactively, through the queue */
  readonly deliver: (ref: ChatRef, replies: ReadonlyArray<Reply>) => Effect.Effect<void, VkApiError>
  readonly stats: Effect.Effect<OutboundQueue.OutboundStats>
}

export interface VkBot extends VkEngine {
  readonly vk: VK
  /** Node `(req, res)` Callback API handler (Callback mode) */
  readonly callback: (req: Http.IncomingMessage, res: Http.ServerResponse) => Promise<void>
  /** web-standard Callback API handler (Callback mode) */
  readonly fetchCallback: (request: Request) => Promise<Response>
}

/** VK takes JPG, PNG and GIF message photos; the file name tells which (vk-io would call every upload `.jpg`). */
const photoName = (image: SafeFetch.Fetched): string => {
  const type = /^image\/(png|gif)\b/i.exec(image.contentType)?.[1]?.toLowerCase()
  return `picture.${type ?? "jpg"}`
}

/** The raw `object` of an event behind a vk-io context, and its type. */
const rawEvent = (context: VkContext): { type: string; object: unknown } => ({
  type: context.is(["message_new"]) ? "message_new" : context.type,
  object: (context as unknown as { readonly payload: unknown }).payload
})

/**
 * Attaches GroupBuy to a vk-io instance (its own, or a host's): every API call passes the rate limiter and reports
 * to the health tracker; resolves the community; returns the update handler as middleware.
 */
export const attach = (
  vk: VK,
  options: VkEngineOptions,
  tracker?: HealthTracker
): Effect.Effect<VkEngine, VkStartError, AdapterEvents | TurnHandler | Scope.Scope> =>
  Effect.gen(function* () {
    const events = yield* AdapterEvents
    const turns = yield* TurnHandler
    yield* turns.register(options.id, vkCapabilities)
    const runtime = yield* Effect.runtime<never>()
    const runFork = Runtime.runFork(runtime)
    const runPromise = Runtime.runPromise(runtime)
    const health = tracker ?? makeHealthTracker(events, options.id, "vk")
    const limits = options.limits ?? OutboundQueue.vkLimits
    const limiter =
      limits.global === undefined ? undefined : yield* makeRateLimiter(limits.global, limits.marginMs ?? 0)

    // vk-io has no transformer hook: every request goes through `callWithRequest`, so that is where the limiter
    // and the health tracker sit.
    const api = vk.api as unknown as { callWithRequest: (request: APIRequest) => Promise<unknown> }
    const original = api.callWithRequest.bind(vk.api)
    api.callWithRequest = async (request) => {
      const release = limiter === undefined ? undefined : await runPromise(limiter.acquire)
      try {
        const result = await original(request)
        runFork(health.success)
        return result
      } catch (error) {
        const e = VkApiError.fromUnknown(request.method, error)
        if (e.unauthorized) runFork(health.unauthorized(`${e.method}: ${e.description}`))
        else if (e.code === undefined) runFork(health.networkFailure(`${e.method}: ${e.description}`))
        throw error
      } finally {
        if (release !== undefined) await runPromise(release)
      }
    }

    const call = (method: string, params: Readonly<Record<string, unknown>>) =>
      Effect.tryPromise({
        try: () => vk.api.call(method, params) as Promise<unknown>,
        catch: (error) => VkApiError.fromUnknown(method, error)
      })

    const group = yield* call("groups.getById", {}).pipe(
      Effect.map((r) => (r as { groups: Array<{ id: number; screen_name: string }> }).groups[0]),
      Effect.filterOrFail(
        (g) => g !== undefined,
        () => new VkApiError({ method: "groups.getById", code: undefined, description: "no community for this token" })
      ),
      Effect.mapError((e) => new VkStartError({ bot: options.id, message: `${e.method}: ${e.description}` }))
    )
    if (options.groupId !== undefined && options.groupId !== group.id) {
      return yield* new VkStartError({
        bot: options.id,
        message: `the token belongs to the community ${group.screen_name} (id ${group.id}), not to ${options.groupId}`
      })
    }
    const identity: VkBotIdentity = { id: options.id, groupId: group.id }
    const fetchImage = options.fetchImage ?? SafeFetch.make({ accept: SafeFetch.isImage })

    /** One op → API calls; the `random_id` is fixed per op so that a retried send is delivered once. */
    const exec = (op: VkOp): Effect.Effect<void, VkApiError> => {
      const randomId = randomInt(1, 2 ** 31 - 1)
      switch (op._tag) {
        case "Send":
          return Effect.asVoid(call("messages.send", { ...op.params, random_id: randomId }))
        case "Edit":
          return call("messages.edit", op.params).pipe(
            Effect.catchIf(
              (e) => e.cannotEdit,
              () => call("messages.send", { ...op.fallback, random_id: randomId })
            ),
            Effect.asVoid
          )
        case "SendPhoto": {
          // The picture could not be fetched or uploaded: the text still goes out, with the picture's address.
          const textOnly = (why: string, description: string) =>
            Effect.logWarning(why, description).pipe(
              Effect.zipRight(
                call("messages.send", {
                  ...op.params,
                  message: [op.params.message, op.url].filter((s) => s !== "").join("\n"),
                  random_id: randomId
                })
              )
            )
          // vk-io would fetch a URL itself (any address) and read anything else as a local path: it only gets bytes.
          return fetchImage(op.url).pipe(
            Effect.matchEffect({
              onFailure: (e) => textOnly("vk photo not fetched", `${e.reason}: ${e.message}`),
              onSuccess: (image) =>
                Effect.tryPromise({
                  try: () =>
                    vk.upload.messagePhoto({
                      peer_id: Number(op.params.peer_id),
                      source: { value: image.bytes, contentType: image.contentType, filename: photoName(image) }
                    }),
                  catch: (error) => VkApiError.fromUnknown("photos.saveMessagesPhoto", error)
                }).pipe(
                  Effect.flatMap((photo) =>
                    call("messages.send", { ...op.params, attachment: String(photo), random_id: randomId })
                  ),
                  Effect.catchIf(
                    (e) => e.method !== "messages.send" && classifyVkError(e)._tag === "Fail",
                    (e) => textOnly("vk photo upload failed", e.description)
                  )
                )
            }),
            Effect.asVoid
          )
        }
      }
    }

    const queue = yield* OutboundQueue.make<VkApiError>({
      limits: { ...limits, global: undefined },
      classify: classifyVkError,
      capacity: options.capacity
    })
    const locks = yield* makeChatLocks
    const recent = new RecentIds()
    const background = yield* FiberSet.make()

    const reportFailure = (chatId: string, error: VkApiError) =>
      Effect.gen(function* () {
        if (error.unreachable) yield* health.unreachable(chatId, `${error.method}: ${error.description}`)
        yield* Effect.logWarning("vk send failed").pipe(
          Effect.annotateLogs({ bot: options.id, chatId, method: error.method, code: error.code ?? "network" })
        )
      })

    const enqueueAll = (peerId: number, isGroup: boolean, ops: ReadonlyArray<VkOp>) =>
      Effect.forEach(ops, (op) => queue.enqueue({ chat: String(peerId), group: isGroup }, exec(op)))

    const answer = (params: Readonly<Record<string, unknown>> | undefined) =>
      params === undefined
        ? Effect.void
        : call("messages.sendMessageEventAnswer", params).pipe(
            Effect.catchAll((e) => Effect.logWarning("sendMessageEventAnswer failed", e.description))
          )

    const handleEvent = (type: string, object: unknown): Effect.Effect<boolean> =>
      Effect.gen(function* () {
        const update = decode(identity, type, object)
        if (update === undefined || (options.accepts !== undefined && !options.accepts(update))) return false
        if (!recent.firstTime(update.updateId)) return true
        const peerId = Number(update.ref.chatId)
        const target: VkTarget = {
          peerId,
          messageId: update._tag === "Button" ? update.messageId : undefined,
          event:
            type === "message_event"
              ? { eventId: String((object as { event_id: string }).event_id), userId: Number(update.ref.userId) }
              : undefined
        }
        const waits = yield* locks.withLock(
          update.ref.chatId,
          Effect.gen(function* () {
            const replies = yield* turns.handle(update, vkCapabilities)
            const encoded = encodeAll(replies, target)
            const waits = yield* enqueueAll(peerId, update.ref.isGroup === true, encoded.ops)
            yield* answer(encoded.answer)
            return waits
          })
        )
        yield* FiberSet.run(
          background,
          Effect.forEach(waits, (wait) => Effect.catchAll(wait, (e) => reportFailure(update.ref.chatId, e)), {
            discard: true
          })
        )
        return true
      }).pipe(Effect.withSpan("vk.update", { attributes: { bot: options.id } }))

    const middleware: VkMiddleware = async (context, next) => {
      const { type, object } = rawEvent(context)
      const handled = await runPromise(handleEvent(type, object))
      if (!handled) await next()
    }

    const deliver = (ref: ChatRef, replies: ReadonlyArray<Reply>) =>
      Effect.gen(function* () {
        const peerId = Number(ref.chatId)
        const { ops } = encodeAll(replies, { peerId })
        const waits = yield* enqueueAll(peerId, ref.isGroup === true, ops)
        for (const wait of waits) {
          yield* wait.pipe(Effect.tapError((e) => (e.unreachable ? reportFailure(ref.chatId, e) : Effect.void)))
        }
      })

    return {
      id: options.id,
      platform: "vk",
      capabilities: vkCapabilities,
      groupId: group.id,
      screenName: group.screen_name,
      handleEvent,
      middleware,
      deliver,
      stats: queue.stats
    } satisfies VkEngine
  })

const sameSecret = (given: unknown, expected: string): boolean => {
  if (typeof given !== "string") return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

const MAX_BODY = 1024 * 1024

/**
 * The Callback API protocol over a parsed body: confirmation, secret, `ok`. Returns the status and body to answer;
 * events are handled before answering, so VK re-delivers what failed to reach the engine.
 */
const callbackProtocol = (mode: Extract<VkMode, { _tag: "Callback" }>, groupId: number, vk: VK) => {
  const secret = Redacted.value(mode.secret)
  return async (body: unknown): Promise<{ status: number; body: string }> => {
    if (typeof body !== "object" || body === null) return { status: 400, body: "bad request" }
    const event = body as { type?: unknown; secret?: unknown; group_id?: unknown }
    if (!sameSecret(event.secret, secret)) return { status: 401, body: "unauthorized" }
    if (Number(event.group_id) !== groupId) return { status: 400, body: "wrong group" }
    if (event.type === "confirmation") return { status: 200, body: mode.confirmation }
    await vk.updates.handleWebhookUpdate(body as never)
    return { status: 200, body: "ok" }
  }
}

/** Starts a standalone community bot (Bots Long Poll or Callback API) for the lifetime of the scope. */
export const make = (
  options: VkBotOptions
): Effect.Effect<VkBot, VkStartError, AdapterEvents | TurnHandler | Scope.Scope> =>
  Effect.gen(function* () {
    const runtime = yield* Effect.runtime<never>()
    const runFork = Runtime.runFork(runtime)
    const apiBaseUrl = options.apiBaseUrl?.replace(/\/+$/, "")
    const agent =
      apiBaseUrl !== undefined && apiBaseUrl.startsWith("http:")
        ? new Http.Agent({ keepAlive: true })
        : new Https.Agent({ keepAlive: true })
    const vk = new VK({
      token: Redacted.value(options.token),
      ...(apiBaseUrl === undefined ? {} : { apiBaseUrl }),
      agent: agent as Https.Agent,
      // The limiter and the queue pace and retry; vk-io only carries requests.
      apiLimit: 1000,
      apiRetryLimit: 0,
      apiTimeout: 15_000,
      // the community is known: the long poll need not resolve it a second time
      ...(options.groupId === undefined ? {} : { pollingGroupId: options.groupId })
    })
    yield* Effect.addFinalizer(() => Effect.sync(() => agent.destroy()))
    const health = makeHealthTracker(yield* AdapterEvents, options.id, "vk")
    const engine = yield* attach(vk, options, health)
    vk.updates.use(engine.middleware)

    const mode = options.mode
    let callback: VkBot["callback"] = async (_req, res) => {
      res.writeHead(404).end()
    }
    let fetchCallback: VkBot["fetchCallback"] = async () => new Response(null, { status: 404 })
    if (mode._tag === "LongPoll") {
      // `start` resolves the community (groups.getById) and starts the Bots Long Poll for it.
      yield* Effect.acquireRelease(
        Effect.tryPromise({
          try: () => vk.updates.start(),
          catch: (error) => new VkStartError({ bot: options.id, message: String(error) })
        }),
        () => Effect.promise(() => vk.updates.stop())
      )
    } else {
      const protocol = callbackProtocol(mode, engine.groupId, vk)
      const run = async (read: () => Promise<string>) => {
        let body: unknown
        try {
          const text = await read()
          body = JSON.parse(text)
        } catch {
          return { status: 400, body: "bad request" }
        }
        try {
          return await protocol(body)
        } catch (error) {
          runFork(Effect.logError("vk callback failed", error))
          return { status: 200, body: "ok" }
        }
      }
      callback = async (req, res) => {
        const answer = await run(
          () =>
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
        )
        res.writeHead(answer.status, { "content-type": "text/plain; charset=utf-8" }).end(answer.body)
      }
      fetchCallback = async (request) => {
        const answer = await run(() => request.text())
        return new Response(answer.body, {
          status: answer.status,
          headers: { "content-type": "text/plain; charset=utf-8" }
        })
      }
    }
    return { ...engine, vk, callback, fetchCallback } satisfies VkBot
  })
