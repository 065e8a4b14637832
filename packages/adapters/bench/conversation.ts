/**
 * `npm run bench -w @groupbuy/adapters` (or `tsx bench/conversation.ts`): CONVERSATION_USERS concurrent users
 * (default 200) register (6 updates: /start, role, name, contact, skip e-mail, confirm) and then join a procurement
 * (5 updates: /procurements, its card, join, quantity, confirm) through GroupBuy's Telegram entry point
 * (`TelegramBot.attach` on a grammY bot, `bot.handleUpdate`), against a grammY bot with `@grammyjs/conversations`
 * doing the same steps with the same persistence: its conversation state in the same store as GroupBuy's sessions
 * (Redis, or `kv_store` on PGlite) and the same core calls (`Users.register`, `Procurements.list/get/join`). Both bots
 * talk to one in-process fake Bot API with no rate limits, so only the turn is measured. The sides alternate in
 * CONVERSATION_BLOCKS blocks (default 4, after one warm-up block each) per database profile: PostgreSQL + Redis
 * (TEST_DATABASE_URL / TEST_REDIS_URL, a fresh database) and embedded PGlite. Prints min / median / max of updates/s,
 * p50 and p99 latency of each side and the ratio, and the SQL statements per update of each side
 * (CONVERSATION_TRACE=1: which ones; CONVERSATION_ONLY=groupbuy|grammy: one side alone, for a CPU profile).
 */
import { SqlClient } from "@effect/sql"
import {
  CoreServicesLive,
  CreateProcurement,
  kopecks,
  ProcurementFilter,
  ProcurementId,
  Procurements,
  UserId,
  Users
} from "@groupbuy/core"
import { PgliteTest, PostgresTest } from "@groupbuy/core/testing"
import {
  BroadcastChannelsStatic,
  ChatLockRedis,
  PaymentGatewayTest,
  RouterLive,
  SessionStore,
  SessionStorePostgres,
  SessionStoreRedis
} from "@groupbuy/router"
import { type Conversation, type ConversationFlavor, conversations, createConversation } from "@grammyjs/conversations"
import { DateTime, Effect, Exit, Layer, ManagedRuntime, Scope } from "effect"
import { Bot, type Context, InlineKeyboard } from "grammy"
import type { UserFromGetMe } from "grammy/types"
import { createRequire } from "node:module"
import { AdapterEvents } from "../src/shared/AdapterEvents.js"
import { BotFleet } from "../src/shared/BotFleet.js"
import { TurnHandler } from "../src/shared/TurnHandler.js"
import * as TelegramBot from "../src/telegram/TelegramBot.js"
import { FakeBotApi, percentile, playUser, type Step, summary } from "./conversationSupport.js"

const USERS = Number(process.env.CONVERSATION_USERS ?? 200)
const BLOCKS = Number(process.env.CONVERSATION_BLOCKS ?? 4)
const PROFILES = (process.env.CONVERSATION_PROFILES ?? "postgres,pglite").split(",")
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"
/** CONVERSATION_ONLY=groupbuy|grammy: one side alone (for profiling it) */
const ONLY = process.env.CONVERSATION_ONLY?.toLowerCase()
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0"

const botInfo = (id: number, username: string): UserFromGetMe => ({
  id,
  is_bot: true,
  first_name: username,
  username,
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false
})

/** The registration as a person does it, on both bots: the same labels, the same answers. */
const registration = (phone: string): ReadonlyArray<Step> => [
  { send: "/start" },
  { press: "Покупатель" },
  { send: "Иван Петров" },
  { contact: phone },
  { press: "Пропустить" },
  { press: "Всё верно" }
]

const PROCUREMENT = "Мёд бенч"

/** Joining the one active procurement: the list, its card, join, the quantity, confirm (5 updates). */
const joining: ReadonlyArray<Step> = [
  { send: "/procurements" },
  { press: PROCUREMENT },
  { press: "Участвовать" },
  { send: "3" },
  { press: "Участвую" }
]

const flows = {
  registration: { steps: (phone: string) => registration(phone), done: "Вы зарегистрированы" },
  join: { steps: () => joining, done: "Вы участвуете" }
} as const
type Flow = keyof typeof flows

const prefix = `bench-conv-${process.pid}-${Date.now().toString(36)}:`

const stackFor = (profile: string) => {
  const database = profile === "postgres" ? PostgresTest(DATABASE_URL) : PgliteTest
  const sessions =
    profile === "postgres"
      ? Layer.merge(
          SessionStoreRedis(REDIS_URL, { prefix: `${prefix}router:` }),
          ChatLockRedis(REDIS_URL, { prefix: `${prefix}chatlock:` })
        )
      : SessionStorePostgres
  return TurnHandler.fromRouter.pipe(
    Layer.provideMerge(RouterLive()),
    Layer.provideMerge(
      Layer.mergeAll(sessions, BroadcastChannelsStatic([]), PaymentGatewayTest, BotFleet.layer, AdapterEvents.layer)
    ),
    Layer.provideMerge(CoreServicesLive.pipe(Layer.provideMerge(database)))
  )
}

type Stack = Layer.Layer.Success<ReturnType<typeof stackFor>>
type Runtime = ManagedRuntime.ManagedRuntime<Stack, unknown>

/** GroupBuy on a grammY bot: the adapter's middleware is the bot's only handler. */
const groupBuyBot = async (runtime: Runtime, scope: Scope.Scope, api: FakeBotApi) => {
  const bot = new Bot("1:groupbuy", {
    botInfo: botInfo(1, "groupbuy_bench_bot"),
    client: { fetch: api.fetch as never }
  })
  const engine = await runtime.runPromise(Scope.extend(TelegramBot.attach(bot, { id: "bench-tg", limits: {} }), scope))
  bot.use(engine.middleware)
  return bot
}

type BenchContext = ConversationFlavor<Context>

/** The alternative: grammY + conversations, storing its state where GroupBuy stores sessions, inserting the same account. */
const conversationsBot = (runtime: Runtime, api: FakeBotApi) => {
  const bot = new Bot<BenchContext>("2:conversations", {
    botInfo: botInfo(2, "conversations_bench_bot"),
    client: { fetch: api.fetch as never }
  })
  const run = <A, E>(effect: Effect.Effect<A, E, Stack>) => runtime.runPromise(effect)
  const namespace = `${prefix}conversations:`
  bot.use(
    conversations<BenchContext, Context>({
      storage: {
        type: "key",
        adapter: {
          read: (key) => run(Effect.flatMap(SessionStore, (s) => s.get(namespace + key))) as Promise<never>,
          write: (key, state) => run(Effect.flatMap(SessionStore, (s) => s.set(namespace + key, state))),
          delete: (key) => run(Effect.flatMap(SessionStore, (s) => s.remove(namespace + key)))
        }
      }
    })
  )

  async function register(conversation: Conversation<BenchContext, Context>, ctx: Context) {
    await ctx.reply("Добро пожаловать! Кто вы?", {
      reply_markup: new InlineKeyboard().text("Покупатель", "role:buyer").text("Организатор", "role:organizer")
    })
    const roleCtx = await conversation.waitForCallbackQuery(/^role:/, {
      otherwise: (c) => c.reply("Выберите роль кнопкой.")
    })
    const role = roleCtx.callbackQuery.data === "role:organizer" ? "organizer" : "buyer"
    await roleCtx.answerCallbackQuery()
    await ctx.reply("Как вас зовут?")
    const name = await conversation.form.text({ otherwise: (c) => c.reply("Напишите имя текстом.") })
    await ctx.reply("Поделитесь телефоном", {
      reply_markup: { keyboard: [[{ text: "📱 Поделиться", request_contact: true }]], one_time_keyboard: true }
    })
    const contact = await conversation.waitFor("message:contact", {
      otherwise: (c) => c.reply("Нажмите кнопку, чтобы поделиться телефоном.")
    })
    await ctx.reply("Укажите e-mail или пропустите", {
      reply_markup: new InlineKeyboard().text("Пропустить", "skip")
    })
    const emailCtx = await conversation.waitFor(["callback_query:data", "message:text"])
    const email = emailCtx.message?.text
    if (emailCtx.callbackQuery) await emailCtx.answerCallbackQuery()
    await ctx.reply(`Проверьте: ${name}, ${contact.message.contact.phone_number}${email ? `, ${email}` : ""}`, {
      reply_markup: new InlineKeyboard().text("Всё верно", "ok").text("Изменить", "edit")
    })
    const done = await conversation.waitForCallbackQuery("ok")
    await done.answerCallbackQuery()
    const from = ctx.from!
    const result = await conversation.external(() =>
      run(
        Effect.flatMap(Users, (users) =>
          users.register({
            identity: { platform: "telegram", externalId: String(from.id), username: from.username ?? null },
            firstName: name,
            phone: contact.message.contact.phone_number,
            ...(email === undefined ? {} : { email }),
            language: "ru",
            role
          })
        ).pipe(
          Effect.as("ok" as const),
          Effect.catchAll((e) => Effect.succeed(`${e._tag}` as const))
        )
      )
    )
    await ctx.reply(result === "ok" ? "Вы зарегистрированы. Главное меню" : `Не получилось: ${result}`)
  }
  bot.use(createConversation(register, "registration"))

  /** The account behind the sender: one SELECT, as a bot of its own would do it. */
  const accountOf = (ctx: Context) =>
    run(
      Effect.flatMap(
        SqlClient.SqlClient,
        (sql) => sql<{ userId: string }>`SELECT user_id FROM platform_identities
          WHERE platform = 'telegram' AND external_id = ${String(ctx.from!.id)}`
      ).pipe(Effect.map((rows) => rows[0]?.userId))
    )

  async function join(conversation: Conversation<BenchContext, Context>, ctx: Context, id: string, title: string) {
    await ctx.reply(`Сколько единиц «${title}» вы берёте?`)
    const quantity = await conversation.form.int({ otherwise: (c) => c.reply("Напишите число.") })
    await ctx.reply(`Подтверждаете участие: ${quantity}?`, {
      reply_markup: new InlineKeyboard().text("Участвую", "yes").text("Отмена", "no")
    })
    const answer = await conversation.waitForCallbackQuery(["yes", "no"])
    await answer.answerCallbackQuery()
    if (answer.callbackQuery.data === "no") return await ctx.reply("Отменено.")
    const result = await conversation.external(async () => {
      const userId = await accountOf(ctx)
      if (userId === undefined) return "not registered"
      return run(
        Effect.flatMap(Procurements, (p) => p.join(UserId.make(userId), ProcurementId.make(id), quantity)).pipe(
          Effect.as("ok"),
          Effect.catchAll((e) => Effect.succeed(e._tag as string))
        )
      )
    })
    await ctx.reply(result === "ok" ? `Вы участвуете в закупке «${title}»` : `Не получилось: ${result}`)
  }
  bot.use(createConversation(join, "join"))

  bot.command("procurements", async (ctx) => {
    const page = await run(
      Effect.flatMap(Procurements, (p) => p.list(new ProcurementFilter({ status: ["ACTIVE"], offset: 0, limit: 10 })))
    )
    const keyboard = new InlineKeyboard()
    for (const view of page.items) keyboard.text(view.procurement.title, `p:${view.procurement.id}`).row()
    await ctx.reply(`Активные закупки: ${page.total}`, { reply_markup: keyboard })
  })
  bot.callbackQuery(/^p:(.+)$/, async (ctx) => {
    const view = await run(Effect.flatMap(Procurements, (p) => p.get(ProcurementId.make(ctx.match[1]!))))
    await ctx.answerCallbackQuery()
    await ctx.editMessageText(`${view.procurement.title}\n${view.procurement.description}`, {
      reply_markup: new InlineKeyboard().text("Участвовать", `j:${view.procurement.id}`)
    })
  })
  bot.callbackQuery(/^j:(.+)$/, async (ctx) => {
    await ctx.answerCallbackQuery()
    const view = await run(Effect.flatMap(Procurements, (p) => p.get(ProcurementId.make(ctx.match[1]!))))
    await ctx.conversation.enter("join", view.procurement.id, view.procurement.title)
  })
  bot.command("start", async (ctx) => {
    const known = await run(
      Effect.flatMap(
        SqlClient.SqlClient,
        (sql) =>
          sql`SELECT 1 FROM platform_identities WHERE platform = 'telegram' AND external_id = ${String(ctx.from!.id)}`
      )
    )
    if (known.length > 0) await ctx.reply("С возвращением!")
    else await ctx.conversation.enter("registration")
  })
  return bot
}

interface BlockResult {
  readonly updatesPerSecond: number
  readonly latencies: ReadonlyArray<number>
  readonly statements: number
  readonly updates: number
}

let phoneSeq = 0
let userSeq = 0

/**
 * Every statement either side sends to the database (BEGIN and COMMIT included), counted at the `pg` client both
 * go through (`@effect/sql-pg`; PGlite is served to it over a socket), so the figure holds on both profiles.
 */
let statements = 0
// the very `pg` module @effect/sql-pg loads (no types of our own needed: only its prototype is wrapped)
const fromSqlPg = createRequire(createRequire(import.meta.url).resolve("@effect/sql-pg"))
const PgClientClass = (fromSqlPg("pg") as { Client: { prototype: { query: (...args: Array<unknown>) => unknown } } })
  .Client
const query = PgClientClass.prototype.query
/** CONVERSATION_TRACE=1: which statements, how often (printed after each profile) */
const trace = process.env.CONVERSATION_TRACE === "1" ? new Map<string, number>() : undefined
let tracing = ""
const tracedUpdates = new Map<string, number>()
PgClientClass.prototype.query = function (this: unknown, ...args: Array<unknown>) {
  statements++
  if (trace !== undefined && tracing !== "") {
    const first = args[0]
    const text = typeof first === "string" ? first : String((first as { text?: string } | undefined)?.text)
    const key = `${tracing.padEnd(10)} ${text.replace(/\s+/g, " ").slice(0, 100)}`
    trace.set(key, (trace.get(key) ?? 0) + 1)
  }
  return query.apply(this, args)
}

const runBlock = async (
  api: FakeBotApi,
  bot: Bot<any>,
  side: string,
  flow: Flow,
  users: ReadonlyArray<number>
): Promise<BlockResult> => {
  tracing = side.split(" ")[0]!
  const before = statements
  const started = performance.now()
  const perUser = await Promise.all(
    users.map((id) =>
      playUser(api, (u) => bot.handleUpdate(u), id, flows[flow].steps(`+7 9${String(++phoneSeq).padStart(9, "0")}`))
    )
  )
  const elapsed = performance.now() - started
  if (trace !== undefined) tracedUpdates.set(tracing, (tracedUpdates.get(tracing) ?? 0) + perUser.flat().length)
  tracing = ""
  const ran = statements - before
  for (const id of users) {
    const texts = api.texts(id).join(" | ")
    if (!texts.includes(flows[flow].done)) throw new Error(`user ${id} did not finish the ${flow}: ${texts}`)
    api.forget(id)
  }
  const latencies = perUser.flat()
  return {
    updatesPerSecond: (latencies.length / elapsed) * 1000,
    latencies,
    statements: ran,
    updates: latencies.length
  }
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits })

const report = (name: string, blocks: ReadonlyArray<BlockResult>) => {
  const rate = summary(blocks.map((b) => b.updatesPerSecond))
  const p50 = summary(
    blocks.map((b) =>
      percentile(
        [...b.latencies].sort((x, y) => x - y),
        50
      )
    )
  )
  const p99 = summary(
    blocks.map((b) =>
      percentile(
        [...b.latencies].sort((x, y) => x - y),
        99
      )
    )
  )
  const statements = summary(blocks.map((b) => b.statements / b.updates))
  console.log(
    `  ${name.padEnd(24)} updates/s min ${fmt(rate.min)} median ${fmt(rate.median)} max ${fmt(rate.max)}; ` +
      `p50 ${fmt(p50.median, 1)} ms (${fmt(p50.min, 1)}–${fmt(p50.max, 1)}), ` +
      `p99 ${fmt(p99.median, 1)} ms (${fmt(p99.min, 1)}–${fmt(p99.max, 1)}); ` +
      `SQL statements/update ${fmt(statements.median, 2)}`
  )
}

/** The organizer and the one ACTIVE procurement everybody joins (no stop amount: every join fits). */
const seedProcurement = (runtime: Runtime) =>
  runtime.runPromise(
    Effect.gen(function* () {
      const organizer = yield* Users.pipe(
        Effect.flatMap((users) =>
          users.register({
            identity: { platform: "telegram", externalId: "400000001" },
            firstName: "Ольга",
            role: "organizer"
          })
        )
      )
      const now = yield* DateTime.now
      yield* Procurements.pipe(
        Effect.flatMap((p) =>
          p.create(
            new CreateProcurement({
              organizerId: organizer.id,
              title: PROCUREMENT,
              description: "Гречишный мёд, выдача в центре.",
              targetAmount: kopecks(100_000),
              pricePerUnit: kopecks(10_000),
              unit: "кг",
              deadline: DateTime.add(now, { days: 10 }),
              city: "Москва",
              publish: true
            })
          )
        )
      )
    })
  )

const runProfile = async (profile: string) => {
  const runtime: Runtime = ManagedRuntime.make(stackFor(profile) as Layer.Layer<Stack, unknown>)
  try {
    await runtime.runtime()
    const scope = await runtime.runPromise(Scope.make())
    await seedProcurement(runtime)
    const api = new FakeBotApi()
    const sides = [
      { name: "GroupBuy", bot: await groupBuyBot(runtime, scope, api) },
      { name: "grammY + conversations", bot: conversationsBot(runtime, api) }
    ]
      .filter((side) => ONLY === undefined || side.name.toLowerCase().startsWith(ONLY))
      .map((side) => ({ ...side, blocks: { registration: [] as Array<BlockResult>, join: [] as Array<BlockResult> } }))
    /** a block: fresh users register, then the same users join the procurement */
    const block = async (side: (typeof sides)[number], keep: boolean) => {
      const users = Array.from({ length: USERS }, () => 500_000_000 + ++userSeq)
      const registered = await runBlock(api, side.bot, side.name, "registration", users)
      const joined = await runBlock(api, side.bot, side.name, "join", users)
      for (const id of users) api.forget(id)
      if (keep) {
        side.blocks.registration.push(registered)
        side.blocks.join.push(joined)
      }
    }
    // one warm-up block each (JIT, pools), not counted
    for (const side of sides) await block(side, false)
    for (let b = 0; b < BLOCKS; b++) {
      for (const side of b % 2 === 0 ? sides : [...sides].reverse()) await block(side, true)
    }
    const name = profile === "postgres" ? "PostgreSQL + Redis" : "PGlite"
    for (const flow of ["registration", "join"] as const) {
      console.log(
        `${name}: ${USERS} concurrent users × ${flow} (${flows[flow].steps("").length} updates each), ` +
          `${BLOCKS} alternating blocks`
      )
      for (const side of sides) report(side.name, side.blocks[flow])
      if (sides.length === 2) {
        const [ours, theirs] = [sides[0]!.blocks[flow], sides[1]!.blocks[flow]]
        const r = summary(ours.map((b, i) => b.updatesPerSecond / theirs[i]!.updatesPerSecond))
        console.log(
          `  ratio GroupBuy / grammY+conversations: min ${fmt(r.min, 2)}× median ${fmt(r.median, 2)}× ` +
            `max ${fmt(r.max, 2)}×`
        )
      }
    }
    if (trace !== undefined) {
      console.log("  SQL statements per update, both flows (CONVERSATION_TRACE):")
      const sorted = [...trace.entries()].sort((a, b) => b[1] - a[1])
      for (const [text, n] of sorted) {
        const updates = tracedUpdates.get(text.slice(0, 10).trim()) ?? 1
        console.log(`  ${(n / updates).toFixed(2).padStart(6)}/update  ${text}`)
      }
      trace.clear()
      tracedUpdates.clear()
    }
    await runtime.runPromise(Scope.close(scope, Exit.void))
  } finally {
    await runtime.dispose()
  }
}

const main = async () => {
  for (const profile of PROFILES) await runProfile(profile)
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)
