/**
 * A running VK community bot (vk-io), the transport around `AdapterTurn`: decodes events, takes their turn (the
 * router, the bot's outbound queue, the answer to every callback button), and reports health. Bots Long Poll or
 * Callback API (`VkCallback`: confirmation, `secret`, `ok`; a re-delivered event is processed once). Every API call of the bot — sends, uploads, long poll
 * restarts — passes one rate limiter (20 requests/s per community token by default).
 */
import { randomInt } from "node:crypto"
import * as Http from "node:http"
import * as Https from "node:https"
import type { Capabilities, ChatRef, DeliveryReceipt, Reply, Update } from "@groupbuy/router"
import { Context, Data, Effect, Layer, Redacted, type Scope } from "effect"
import { type Context as VkContext, VK } from "vk-io"
import type { APIRequest } from "vk-io"
import { AdapterEvents } from "../shared/AdapterEvents.js"
import * as AdapterTurn from "../shared/AdapterTurn.js"
import { botsLayer } from "../shared/BotsLayer.js"
import { type HealthTracker, makeHealthTracker } from "../shared/HealthTracker.js"
import * as OutboundQueue from "../shared/OutboundQueue.js"
import { sdkBridge } from "../shared/SdkBridge.js"
import { makeRateLimiter } from "../shared/RateLimiter.js"
import * as SafeFetch from "../shared/SafeFetch.js"
import { TurnHandler } from "../shared/TurnHandler.js"
import { classifyVkError, VkApiError } from "./VkApiError.js"
import { type CallbackHandlers, callbackHandlers, type CallbackSettings } from "./VkCallback.js"
import { vkCapabilities } from "./VkCapabilities.js"
import { decode, type VkBotIdentity } from "./VkDecode.js"
import { encodeAll, type VkOp, type VkTarget } from "./VkEncode.js"

export type VkMode = { readonly _tag: "LongPoll" } | ({ readonly _tag: "Callback" } & CallbackSettings)

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
  readonly deliver: (ref: ChatRef, replies: ReadonlyArray<Reply>) => Effect.Effect<DeliveryReceipt, VkApiError>
  readonly stats: Effect.Effect<OutboundQueue.OutboundStats>
}

/** A standalone bot; its Callback API handlers answer 404 in Long Poll mode. */
export interface VkBot extends VkEngine, CallbackHandlers {
  readonly vk: VK
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
    const { runFork, runPromise } = yield* sdkBridge
    const health = tracker ?? makeHealthTracker(yield* AdapterEvents, options.id, "vk")
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
    /** A send's answer with `peer_id` is the new message's id (a relayed chat copy is edited by it later). */
    const sentId = (result: unknown) => (typeof result === "number" ? String(result) : undefined)

    const exec = (op: VkOp): Effect.Effect<string | void, VkApiError> => {
      const randomId = randomInt(1, 2 ** 31 - 1)
      switch (op._tag) {
        case "Send":
          return Effect.map(call("messages.send", { ...op.params, random_id: randomId }), sentId)
        case "Edit":
          return call("messages.edit", op.params).pipe(
            // an edit by the message's id keeps that id
            Effect.as(op.params.message_id === undefined ? undefined : String(op.params.message_id)),
            Effect.catchIf(
              (e) => e.cannotEdit,
              () => Effect.map(call("messages.send", { ...op.fallback, random_id: randomId }), sentId)
            )
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
    const turn = yield* AdapterTurn.make({
      bot: options.id,
      platform: "vk",
      capabilities: vkCapabilities,
      accepts: options.accepts,
      health,
      encode: (replies, target: VkTarget) => {
        const encoded = encodeAll(replies, target)
        const answer = encoded.answer
        return {
          ops: encoded.ops,
          answer:
            answer === undefined
              ? undefined
              : call("messages.sendMessageEventAnswer", answer).pipe(
                  Effect.catchAll((e) => Effect.logWarning("sendMessageEventAnswer failed", e.description))
                )
        }
      },
      enqueue: (to, op: VkOp) => queue.enqueue(to, exec(op)),
      failure: (e) => ({
        unreachable: e.unreachable,
        detail: `${e.method}: ${e.description}`,
        code: e.code ?? "network"
      })
    })

    const handleEvent = (type: string, object: unknown): Effect.Effect<boolean> =>
      turn.handle(decode(identity, type, object), (update) => ({
        peerId: Number(update.ref.chatId),
        messageId: update._tag === "Button" ? update.messageId : undefined,
        event:
          type === "message_event"
            ? { eventId: String((object as { event_id: string }).event_id), userId: Number(update.ref.userId) }
            : undefined
      }))

    const middleware: VkMiddleware = async (context, next) => {
      const { type, object } = rawEvent(context)
      const handled = await runPromise(handleEvent(type, object))
      if (!handled) await next()
    }

    const deliver = (ref: ChatRef, replies: ReadonlyArray<Reply>) =>
      turn.deliver(ref, { peerId: Number(ref.chatId) }, replies)

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

/** Starts a standalone community bot (Bots Long Poll or Callback API) for the lifetime of the scope. */
export const make = (
  options: VkBotOptions
): Effect.Effect<VkBot, VkStartError, AdapterEvents | TurnHandler | Scope.Scope> =>
  Effect.gen(function* () {
    const { runFork } = yield* sdkBridge
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
    if (mode._tag === "Callback") {
      const handlers = callbackHandlers(mode, engine.groupId, vk, (error) =>
        runFork(Effect.logError("vk callback failed", error))
      )
      return { ...engine, vk, ...handlers } satisfies VkBot
    }
    // `start` resolves the community (groups.getById) and starts the Bots Long Poll for it.
    yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => vk.updates.start(),
        catch: (error) => new VkStartError({ bot: options.id, message: String(error) })
      }),
      () => Effect.promise(() => vk.updates.stop())
    )
    return { ...engine, vk, ...notFound } satisfies VkBot
  })

/** What a Long Poll bot answers on its Callback API handlers. */
const notFound: CallbackHandlers = {
  callback: async (_req, res) => {
    res.writeHead(404).end()
  },
  fetchCallback: async () => new Response(null, { status: 404 })
}

/** The running standalone community bots of this process, by fleet id. */
export class VkBots extends Context.Tag("@groupbuy/adapters/VkBots")<VkBots, ReadonlyMap<string, VkBot>>() {}

/** Runs one standalone community bot for the layer's lifetime. */
export const layer = (options: VkBotOptions): Layer.Layer<VkBots, VkStartError, AdapterEvents | TurnHandler> =>
  botsLayer(VkBots, make(options), (bot) => bot.id)
