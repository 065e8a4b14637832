/**
 * The engine behind `Router`: one turn per update under the chat's lock — de-duplicate, load the session, resolve
 * the account, route, fit the replies (binding button tokens to this menu generation), persist the session.
 * What a turn does lives in the feature modules (`features/`), reached through `Route.ts`.
 */
import { Users } from "@groupbuy/core"
import { Cause, Clock, Context, Duration, Effect, Layer, Option, Ref } from "effect"
import { ChatLock, ChatLockTimeout } from "../ChatLock.js"
import { fitAll } from "../Fit.js"
import { languageOf } from "../Messages.js"
import type { Capabilities, Reply, Update } from "../Model.js"
import { Router, type RouterOptions, type RouterService } from "../Router.js"
import { identityOf } from "./Common.js"
import { flowLabel } from "./FlowHost.js"
import { announceAs } from "./features/Broadcast.js"
import * as ChatNotices from "./features/ChatNotices.js"
import { notifyWith, onEvent, REMEMBER_EVERY, renderNotification, rememberRef, stores } from "./features/Proactive.js"
import { makeKeyedLock } from "./KeyedLock.js"
import { apology, PLAIN_TEXT, present } from "./Present.js"
import { route } from "./Route.js"
import { dedupeKey, emptySession, sessionKey } from "./Session.js"
import { EngineEnv, type EngineServices, emit, type TurnState } from "./Turn.js"
import { say } from "./Views.js"

/** One turn: the update's replies, fitted (none for a duplicate). */
const turnOf = (
  update: Update,
  capabilities: Capabilities,
  options: { readonly flowTtl: number; readonly dedupeTtl: Duration.DurationInput }
) =>
  Effect.gen(function* () {
    const ref = update.ref
    const { store, sessions } = yield* stores
    const { sessionTtl } = yield* EngineEnv
    const users = yield* Users
    // the three reads of a turn are independent: issued together, the store's commands share one round trip and the
    // account is resolved meanwhile (a duplicate's resolve only refreshes what a repeat would refresh anyway)
    const [fresh, stored, resolved] = yield* Effect.all(
      [
        store.setIfAbsent(dedupeKey(ref.bot, update.updateId), 1, options.dedupeTtl),
        sessions.get(sessionKey(ref.bot, ref.chatId)),
        users.resolve(identityOf(ref))
      ],
      { concurrency: "unbounded" }
    )
    if (!fresh) return [] as ReadonlyArray<Reply>
    const now = yield* Clock.currentTimeMillis
    const loaded = Option.getOrElse(stored, () => emptySession(now))
    const user = Option.getOrUndefined(Option.map(resolved, (r) => r.user))
    // a disabled account is refused before routing, for every kind of update (commands, buttons, flow steps,
    // chat-mode messages): nothing runs and neither the session nor the chat's reference is written
    if (user !== undefined && !user.isActive) {
      return fitAll([say(user.language, "account.disabled")], capabilities).replies
    }
    // the chat a user writes from is remembered for proactive messages; the session notes when it last was, so a
    // conversation does not read the user's chats on every update
    const seen =
      user === undefined
        ? loaded.seen
        : loaded.seen?.userId === user.id && now - loaded.seen.at < REMEMBER_EVERY
          ? loaded.seen
          : yield* Effect.as(rememberRef(user.id, ref, now), { userId: user.id, at: now })
    const language = user?.language ?? loaded.language ?? languageOf(ref.locale)
    const begun: TurnState = {
      update,
      ref,
      now,
      capabilities,
      session: seen === loaded.seen ? loaded : { ...loaded, seen },
      user,
      language,
      replies: [],
      direct: undefined
    }
    // an abandoned flow or prompt expires; the user is told, and the update is handled afresh
    const { flow, awaiting: _a, menu: _m, ...unexpired } = loaded
    const turn =
      now - loaded.updatedAt <= options.flowTtl
        ? begun
        : flow === undefined
          ? { ...begun, session: unexpired }
          : emit(
              { ...begun, session: unexpired },
              say(language, "flow.expired", { flow: flowLabel(language, flow.name) })
            )
    const done = yield* route(turn)
    if (done.direct !== undefined) {
      yield* sessions.set(sessionKey(ref.bot, ref.chatId), { ...done.session, updatedAt: now }, sessionTtl)
      return [done.direct]
    }
    const presented = yield* present(done.replies, capabilities, done.language, done.session)
    yield* sessions.set(sessionKey(ref.bot, ref.chatId), { ...presented.session, updatedAt: now }, sessionTtl)
    return presented.replies
  }).pipe(
    Effect.catchAllCause((cause) =>
      Effect.as(
        Effect.logError("router: update failed", Cause.pretty(cause)).pipe(
          Effect.annotateLogs({ update: JSON.stringify(update) })
        ),
        apology(languageOf(update.ref.locale), capabilities)
      )
    )
  )

export const makeRouter = (options: RouterOptions = {}) =>
  Effect.gen(function* () {
    // per-chat exclusion: the provided ChatLock (Redis across instances), else in-process
    const providedLock = yield* Effect.serviceOption(ChatLock)
    const locks = Option.isSome(providedLock) ? providedLock.value : yield* makeKeyedLock
    const env = EngineEnv.of({
      webBaseUrl: (options.webBaseUrl ?? "http://localhost:3000").replace(/\/+$/, ""),
      sessionTtl: options.sessionTtl ?? "30 days",
      bots: new Map<string, Capabilities>(),
      locks,
      chatNotices: {
        gather: Duration.decode(options.chatNotices?.gather ?? "5 seconds"),
        window: Duration.decode(options.chatNotices?.window ?? "60 seconds"),
        telling: yield* Ref.make(0)
      }
    })
    const context = Context.add(yield* Effect.context<Exclude<EngineServices, EngineEnv>>(), EngineEnv, env)
    const limits = {
      flowTtl: Duration.toMillis(Duration.decode(options.flowTtl ?? "24 hours")),
      dedupeTtl: options.dedupeTtl ?? "24 hours"
    }

    const service: RouterService = {
      handle: (update, capabilities) =>
        Effect.suspend(() => {
          if (capabilities !== undefined) env.bots.set(update.ref.bot, capabilities)
          const effective = capabilities ?? env.bots.get(update.ref.bot) ?? PLAIN_TEXT
          return locks.withLock(`${update.ref.bot}:${update.ref.chatId}`, turnOf(update, effective, limits)).pipe(
            // the chat's lock could not be had (Redis down, or held elsewhere too long): the turn did not run
            Effect.catchSomeDefect((defect) =>
              defect instanceof ChatLockTimeout
                ? Option.some(
                    Effect.as(
                      Effect.logError("router: chat lock unavailable", defect.message),
                      apology(languageOf(update.ref.locale), effective)
                    )
                  )
                : Option.none()
            )
          )
        }).pipe(
          Effect.provide(context),
          Effect.withSpan("Router.handle", { attributes: { bot: update.ref.bot, kind: update._tag } })
        ),
      settled: ChatNotices.settled.pipe(Effect.provide(context)),
      register: (bot, capabilities) => Effect.sync(() => void env.bots.set(bot, capabilities)),
      notify: (userId, replies) =>
        notifyWith(userId, () => replies).pipe(
          Effect.catchAllCause((cause) =>
            Effect.as(Effect.logError("router: notify failed", Cause.pretty(cause)), undefined)
          ),
          Effect.provide(context)
        ),
      // the relay to members in chat mode, then the notices to the others (which never fail)
      onEvent: (event) => onEvent(event).pipe(Effect.zipLeft(ChatNotices.onEvent(event)), Effect.provide(context)),
      announce: (id, by) =>
        Effect.flatMap(Users, (users) => users.get(by)).pipe(
          Effect.flatMap((user) => announceAs(user, id)),
          Effect.provide(context),
          Effect.withSpan("Router.announce", { attributes: { procurement: id } })
        ),
      renderNotification
    }
    return service
  })

/** The router over core services, a session store, a payment gateway, a deliverer and broadcast channels. */
export const RouterLive = (options: RouterOptions = {}) => Layer.effect(Router, makeRouter(options))
