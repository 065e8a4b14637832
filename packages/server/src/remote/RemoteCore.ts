/**
 * The router's core services over the HTTP API (`HttpApiClient` derived from core's contract), authenticated with the
 * service token: run the router in a separate bot process against a remote GroupBuy server (see
 * `examples/remote-router`). Errors the services declare come back typed; transport failures and answers outside a
 * method's contract are defects. Methods the HTTP API does not expose (administrative ones such as
 * `Ledger.adjust` or `Procurements.sweepExpired`) die with a message saying so.
 */
import { HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import {
  Categories,
  Chat,
  GroupBuyApi,
  Ledger,
  Notifications,
  Procurements,
  RoleRequest,
  RoleRequests,
  Users,
  type Actor,
  type User,
  type UserId
} from "@groupbuy/core"
import { PaymentGateway } from "@groupbuy/router"
import { Context, DateTime, Duration, Effect, Layer, Option, Redacted } from "effect"

export interface RemoteCoreOptions {
  /** the server's base URL, e.g. https://groupbuy.example */
  readonly baseUrl: string
  readonly serviceToken: Redacted.Redacted
}

/** Keeps the listed error tags; every other failure (transport, decoding, authorisation) becomes a defect. */
const only =
  <const Tags extends ReadonlyArray<string>>(...tags: Tags) =>
  <A, E extends { readonly _tag: string }, R>(
    effect: Effect.Effect<A, E, R>
  ): Effect.Effect<A, Extract<E, { readonly _tag: Tags[number] }>, R> =>
    Effect.catchIf(
      effect,
      (e): e is Exclude<E, { readonly _tag: Tags[number] }> => !tags.includes(e._tag),
      (e) => Effect.die(e)
    ) as unknown as Effect.Effect<A, Extract<E, { readonly _tag: Tags[number] }>, R>

const unavailable = (method: string) => Effect.dieMessage(`${method} is not available over the HTTP API`)

/** The user a core `Actor` stands for; the system actor has no remote equivalent. */
const actorUser = (actor: Actor, method: string) =>
  actor._tag === "User" ? Effect.succeed(actor.userId) : unavailable(`${method} as the system`)

const toUser = (u: unknown) => u as User

export const makeRemoteCore = (options: RemoteCoreOptions) =>
  Effect.gen(function* () {
    const client = yield* HttpApiClient.make(GroupBuyApi, {
      baseUrl: options.baseUrl,
      transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken(Redacted.value(options.serviceToken)))
    })

    const users = Users.of({
      register: (input) =>
        client.users.register({ payload: input }).pipe(Effect.map(toUser), only("InvalidInput", "RuleViolation")),
      resolve: (identity) =>
        client.users.resolve({ payload: identity }).pipe(
          Effect.map((r) =>
            Option.fromNullable(r).pipe(Option.map((x) => ({ user: toUser(x.user), identity: x.identity as never })))
          ),
          only()
        ),
      get: (id) => client.users.get({ path: { id } }).pipe(Effect.map(toUser), only("NotFound")),
      update: (id, patch) =>
        client.users
          .update({ path: { id }, payload: patch })
          .pipe(Effect.map(toUser), only("InvalidInput", "NotFound", "RuleViolation")),
      identities: (id) =>
        client.users.identities({ path: { id } }).pipe(
          Effect.map((xs) => xs as never),
          only()
        ),
      lastUsedIdentity: (id) =>
        client.users.lastUsedIdentity({ path: { id } }).pipe(
          Effect.map((x) => Option.fromNullable(x) as never),
          only()
        ),
      setReachable: (platform, externalId, reachable) =>
        client.users.setReachable({ path: { platform, externalId }, payload: { reachable } }).pipe(only()),
      createCode: (id, purpose, ttl) =>
        client.users
          .createCode({
            path: { id },
            payload: {
              purpose,
              ttlSeconds: Math.round(Duration.toSeconds(Duration.decode(ttl)))
            }
          })
          .pipe(
            Effect.map((c) => ({ code: c.code, expiresAt: DateTime.toDateUtc(c.expiresAt) })),
            only("NotFound")
          ),
      redeemLinkCode: (code, identity) =>
        client.users.redeemLinkCode({ payload: { code, identity } }).pipe(Effect.map(toUser), only("RuleViolation")),
      redeemWebLogin: (code) =>
        client.auth.webLogin({ payload: { code } }).pipe(
          Effect.map((s) => toUser(s.user)),
          only("RuleViolation")
        ),
      list: (filter) =>
        client.users.list({ urlParams: filter }).pipe(
          Effect.map((p) => p as never),
          only()
        ),
      setActive: (id, isActive) =>
        client.users.setFlags({ path: { id }, payload: { isActive } }).pipe(Effect.map(toUser), only("NotFound")),
      setVerified: (id, isVerified) =>
        client.users.setFlags({ path: { id }, payload: { isVerified } }).pipe(Effect.map(toUser), only("NotFound")),
      setAdmin: (id, isAdmin) =>
        client.users.setFlags({ path: { id }, payload: { isAdmin } }).pipe(Effect.map(toUser), only("NotFound")),
      // the admin API's, which a remote core has no session for
      setRole: () => unavailable("Users.setRole")
    })

    const procurements = Procurements.of({
      create: (input) =>
        client.procurements.create({ payload: input }).pipe(
          Effect.map((v) => v as never),
          only("InvalidInput", "Forbidden", "NotFound")
        ),
      update: (actor, id, patch) =>
        Effect.flatMap(actorUser(actor, "Procurements.update"), (userId) =>
          client.procurements.update({ path: { id }, payload: patch, urlParams: { userId } }).pipe(
            Effect.map((v) => v as never),
            only("InvalidInput", "Forbidden", "NotFound", "RuleViolation")
          )
        ),
      get: (id) =>
        client.procurements.get({ path: { id } }).pipe(
          Effect.map((v) => v as never),
          only("NotFound")
        ),
      history: (id) => client.procurements.history({ path: { id } }).pipe(only("NotFound")),
      list: (filter) =>
        client.procurements.list({ urlParams: filter }).pipe(
          Effect.map((p) => p as never),
          only()
        ),
      forUser: (userId) =>
        client.procurements.forUser({ path: { userId } }).pipe(
          Effect.map((m) => m as never),
          only()
        ),
      setStatus: (actor, id, to) =>
        Effect.flatMap(actorUser(actor, "Procurements.setStatus"), (userId) =>
          client.procurements.setStatus({ path: { id }, payload: { status: to, userId } }).pipe(
            Effect.map((v) => v as never),
            only("IllegalTransition", "Forbidden", "NotFound")
          )
        ),
      setFeatured: (id, featured) =>
        client.procurements.setFeatured({ path: { id }, payload: { featured } }).pipe(
          Effect.map((v) => v as never),
          only("NotFound")
        ),
      join: (userId, id, quantity) =>
        client.procurements.join({ path: { id }, payload: { quantity, userId } }).pipe(
          Effect.map((p) => p as never),
          only("InvalidInput", "NotFound", "RuleViolation")
        ),
      leave: (userId, id) =>
        client.procurements.leave({ path: { id }, payload: { userId } }).pipe(
          Effect.map((p) => p as never),
          only("NotFound", "RuleViolation")
        ),
      participants: (id) =>
        client.procurements.participants({ path: { id } }).pipe(
          Effect.map((p) => p as never),
          only("NotFound")
        ),
      confirmParticipant: (actor, id) =>
        Effect.flatMap(actorUser(actor, "Procurements.confirmParticipant"), (userId) =>
          client.procurements.confirmParticipant({ path: { id }, payload: { userId } }).pipe(
            Effect.map((p) => p as never),
            only("IllegalTransition", "Forbidden", "NotFound")
          )
        ),
      pay: (userId, id) =>
        client.procurements.pay({ path: { id }, payload: { userId } }).pipe(
          Effect.map((p) => p as never),
          only("InsufficientFunds", "IllegalTransition", "NotFound", "RuleViolation")
        ),
      markDelivered: (actor, id) =>
        Effect.flatMap(actorUser(actor, "Procurements.markDelivered"), (userId) =>
          client.procurements.markDelivered({ path: { id }, payload: { userId } }).pipe(
            Effect.map((p) => p as never),
            only("IllegalTransition", "Forbidden", "NotFound")
          )
        ),
      sweepExpired: () => unavailable("Procurements.sweepExpired")
    })

    const ledger = Ledger.of({
      balance: (userId) =>
        client.payments.balance({ path: { id: userId } }).pipe(
          Effect.map((b) => b.balance),
          only("NotFound")
        ),
      history: (userId, page) =>
        client.payments
          .transactions({ path: { id: userId }, urlParams: { offset: page.offset, limit: page.limit } })
          .pipe(
            Effect.map((p) => p as never),
            only()
          ),
      deposit: () => unavailable("Ledger.deposit"),
      withdraw: () => unavailable("Ledger.withdraw"),
      adjust: () => unavailable("Ledger.adjust"),
      list: () => unavailable("Ledger.list"),
      totals: () => unavailable("Ledger.totals")
    })

    const chat = Chat.of({
      post: (input) =>
        client.chat
          .post({
            path: { id: input.procurementId },
            payload: {
              text: input.text,
              type: input.type,
              userId: input.userId,
              ...(input.attachmentUrl !== undefined ? { attachmentUrl: input.attachmentUrl } : {}),
              ...(input.originPlatform !== undefined ? { originPlatform: input.originPlatform } : {})
            }
          })
          .pipe(
            Effect.map((m) => m as never),
            only("InvalidInput", "Forbidden", "NotFound")
          ),
      postSystem: () => unavailable("Chat.postSystem"),
      unreadIn: () => unavailable("Chat.unreadIn"),
      edit: (actor, id, text) =>
        Effect.flatMap(actorUser(actor, "Chat.edit"), (userId) =>
          client.chat.edit({ path: { id }, payload: { text, userId } }).pipe(
            Effect.map((m) => m as never),
            only("InvalidInput", "Forbidden", "NotFound")
          )
        ),
      remove: (actor, id) =>
        Effect.flatMap(actorUser(actor, "Chat.remove"), (userId) =>
          client.chat.remove({ path: { id }, urlParams: { userId } }).pipe(
            Effect.map((m) => m as never),
            only("Forbidden", "NotFound")
          )
        ),
      restore: () => unavailable("Chat.restore"),
      history: (actor, procurementId, options) =>
        Effect.flatMap(actorUser(actor, "Chat.history"), (userId) =>
          client.chat
            .history({
              path: { id: procurementId },
              urlParams: {
                userId,
                limit: options.limit,
                ...(options.before ? { before: DateTime.unsafeFromDate(options.before) } : {})
              }
            })
            .pipe(
              Effect.map((ms) => ms as never),
              only("Forbidden", "NotFound")
            )
        ),
      markRead: (userId, procurementId) =>
        client.chat.markRead({ path: { id: procurementId }, payload: { userId } }).pipe(only("Forbidden", "NotFound")),
      unreadCounts: (userId) => client.chat.unread({ urlParams: { userId } }).pipe(only()),
      members: (procurementId) => client.chat.members({ path: { id: procurementId } }).pipe(only("NotFound")),
      setMuted: () => unavailable("Chat.setMuted"),
      isMuted: () => unavailable("Chat.isMuted"),
      muted: () => unavailable("Chat.muted"),
      canAccess: (actor, procurementId) =>
        Effect.flatMap(actorUser(actor, "Chat.canAccess"), (userId) =>
          client.chat
            .history({ path: { id: procurementId }, urlParams: { userId, limit: 1 } })
            .pipe(
              Effect.as(true),
              Effect.catchTags({ Forbidden: () => Effect.succeed(false), NotFound: () => Effect.succeed(false) }),
              only()
            )
        ),
      list: () => unavailable("Chat.list")
    })

    const notifications = Notifications.of({
      create: () => unavailable("Notifications.create"),
      createMany: () => unavailable("Notifications.createMany"),
      audienceSize: () => unavailable("Notifications.audienceSize"),
      list: (userId, options) =>
        client.notifications
          .list({
            urlParams: {
              userId,
              offset: options.offset,
              limit: options.limit,
              ...(options.unreadOnly !== undefined ? { unreadOnly: options.unreadOnly } : {})
            }
          })
          .pipe(
            Effect.map((p) => p as never),
            only()
          ),
      unreadCount: (userId) =>
        client.notifications.unreadCount({ urlParams: { userId } }).pipe(
          Effect.map((c) => c.unread),
          only()
        ),
      markRead: (userId, ids) =>
        client.notifications.markRead({ payload: { ids, userId } }).pipe(
          Effect.map((c) => c.changed),
          only()
        ),
      markDelivered: () => unavailable("Notifications.markDelivered")
    })

    const categories = Categories.of({
      tree: () =>
        client.categories.tree().pipe(
          Effect.map((t) => t as never),
          only()
        ),
      children: (parentId) =>
        client.categories.children({ urlParams: parentId === null ? {} : { parentId } }).pipe(
          Effect.map((cs) => cs as never),
          only()
        ),
      get: (id) =>
        client.categories.get({ path: { id } }).pipe(
          Effect.map((c) => c as never),
          only("NotFound")
        ),
      descendantIds: (id) => client.categories.descendants({ path: { id } }).pipe(only("NotFound")),
      create: () => unavailable("Categories.create"),
      update: () => unavailable("Categories.update"),
      remove: () => unavailable("Categories.remove")
    })

    const roleRequests = RoleRequests.of({
      request: (userId, role) =>
        client.users.requestRole({ path: { id: userId }, payload: { role } }).pipe(
          Effect.map((outcome) => ({ request: RoleRequest.make(outcome.request), created: outcome.created })),
          only("NotFound", "RuleViolation")
        ),
      pending: (userId) =>
        client.users.roleRequest({ path: { id: userId } }).pipe(
          Effect.map((request) => (request === null ? null : RoleRequest.make(request))),
          only()
        ),
      list: () => unavailable("RoleRequests.list"),
      decide: () => unavailable("RoleRequests.decide")
    })

    const gateway = PaymentGateway.of({
      createDeposit: (userId: UserId, amount: bigint) =>
        client.payments.createDeposit({ payload: { userId, amount: amount as never } }).pipe(
          Effect.map((d) => ({
            paymentId: d.payment.id,
            url: d.url,
            instructions: d.instructions,
            testMoney: d.testMoney
          })),
          only("InvalidInput", "NotFound")
        )
    })

    return Context.make(Users, users).pipe(
      Context.add(Procurements, procurements),
      Context.add(Ledger, ledger),
      Context.add(Chat, chat),
      Context.add(Notifications, notifications),
      Context.add(Categories, categories),
      Context.add(RoleRequests, roleRequests),
      Context.add(PaymentGateway, gateway)
    )
  })

/** The router's core services and its `PaymentGateway` over a remote server's HTTP API. */
export const RemoteCoreLive = (options: RemoteCoreOptions) => Layer.effectContext(makeRemoteCore(options))
