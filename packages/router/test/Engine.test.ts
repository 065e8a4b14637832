import { assert, it } from "@effect/vitest"
import { Users } from "@groupbuy/core"
import { coreProfiles } from "@groupbuy/core/testing"
import { Effect, Layer, TestClock, TestServices } from "effect"
import { ChatLock, ChatLockTimeout, ChatRef, makeRouter, type Reply, SessionStore, type Update } from "../src/index.js"
import { makeConversation, plainOf, RouterTest, telegramLike, whatsappLike } from "../src/testing/index.js"
import { chaos, ChaosStore } from "./support/ChaosStore.js"

const texts = (replies: ReadonlyArray<Reply>) => replies.map(plainOf).join("\n")

const refOf = (name: string) =>
  new ChatRef({ bot: "engine-bot", platform: "telegram", chatId: `chat-${name}`, userId: `user-${name}`, locale: "ru" })

let updates = 0
const textUpdate = (name: string, text: string, updateId = `e${++updates}`): Update => ({
  _tag: "Text",
  ref: refOf(name),
  updateId,
  text
})
const command = (name: string, command: string, args = ""): Update => ({
  _tag: "Command",
  ref: refOf(name),
  updateId: `e${++updates}`,
  command,
  args
})

const firstToken = (replies: ReadonlyArray<Reply>, label: string) => {
  for (const reply of replies) {
    if (reply._tag === "Toast") continue
    for (const b of reply.keyboard?.rows.flat() ?? []) if (b._tag === "Action" && b.label.includes(label)) return b.data
  }
  throw new Error(`no button ${label}`)
}

for (const profile of coreProfiles()) {
  it.layer(RouterTest({ sessions: ChaosStore }).pipe(Layer.provideMerge(profile.layer)), { timeout: 120_000 })(
    `Router engine (${profile.name})`,
    (it) => {
      it.scoped("registers a new user through /start and welcomes them back", () =>
        Effect.gen(function* () {
          const chat = yield* makeConversation({ capabilities: telegramLike })
          yield* chat.user("ann", "/start").expect("Добро пожаловать")
          yield* chat.press("ann", "Покупатель")
          yield* chat.send("ann", "Анна Петрова")
          yield* chat.contact("ann", "+79001234567")
          yield* chat.press("ann", "Пропустить")
          yield* chat.press("ann", "Всё верно")
          yield* chat.expect("ann", "Готово, Анна", "Главное меню")
          yield* chat.user("ann", "/start").expect("С возвращением, Анна")
        })
      )

      it.scoped("answers unknown input with help and the main menu; /cancel with nothing to cancel", () =>
        Effect.gen(function* () {
          const chat = yield* makeConversation({ capabilities: whatsappLike })
          yield* chat.user("bob", "как дела?").expect("Я не понял", "/procurements", "1. 📝 Зарегистрироваться")
          yield* chat.user("bob", "/cancel").expect("Отменять нечего")
          yield* chat.user("bob", "/help").expect("/deposit")
          yield* chat.user("bob", "/nonsense").expect("Я не понял")
        })
      )

      it.scoped("/cancel in the middle of a flow ends it; the next text is no longer part of it", () =>
        Effect.gen(function* () {
          const chat = yield* makeConversation({ capabilities: telegramLike })
          yield* chat.send("cat", "/start")
          yield* chat.press("cat", "Покупатель")
          yield* chat.user("cat", "/cancel").expect("Отменено", "Зарегистрироваться")
          yield* chat.user("cat", "Кот Котов").expect("Я не понял")
          // the cancel button of a flow works the same
          yield* chat.send("cat", "/start")
          yield* chat.press("cat", "Отмена")
          yield* chat.expect("cat", "Отменено")
        })
      )

      it.effect("processes the updates of one chat strictly in order, other chats concurrently", () =>
        TestServices.provideLive(
          Effect.gen(function* () {
            const router = yield* makeRouter()
            const key = "session:engine-bot:chat-ord"
            chaos.log.length = 0
            chaos.slow.set(key, 30)
            const ids = Array.from({ length: 8 }, (_, i) => `ord-${i}`)
            const fast: Array<string> = []
            const slowDone: Array<string> = []
            yield* Effect.all(
              [
                ...ids.map((id) =>
                  Effect.tap(router.handle(textUpdate("ord", `сообщение ${id}`, id), telegramLike), () =>
                    Effect.sync(() => slowDone.push(id))
                  )
                ),
                Effect.tap(router.handle(textUpdate("quick", "привет"), telegramLike), () =>
                  Effect.sync(() => fast.push("quick"))
                )
              ],
              { concurrency: "unbounded" }
            )
            chaos.slow.delete(key)
            // one chat: dedupe marks in arrival order, and every turn reads then writes before the next one reads
            const mine = chaos.log.filter((l) => l.includes("chat-ord") || l.includes("ord-"))
            assert.deepStrictEqual(
              mine.filter((l) => l.startsWith("setIfAbsent")),
              ids.map((id) => `setIfAbsent dedupe:engine-bot:${id} true`)
            )
            const sessionOps = mine.filter((l) => l.endsWith(key)).map((l) => l.split(" ")[0])
            assert.deepStrictEqual(
              sessionOps,
              ids.flatMap(() => ["get", "set"])
            )
            assert.deepStrictEqual(slowDone, ids)
            // the other chat did not wait for the slow one
            const quickSet = chaos.log.indexOf("set session:engine-bot:chat-quick")
            const lastSlowSet = chaos.log.lastIndexOf(`set ${key}`)
            assert.isTrue(quickSet >= 0 && quickSet < lastSlowSet)
          })
        )
      )

      it.effect("processes the same platform update id once", () =>
        Effect.gen(function* () {
          const router = yield* makeRouter()
          const update = textUpdate("dup", "привет", "dup-1")
          const first = yield* router.handle(update, telegramLike)
          const again = yield* router.handle(update, telegramLike)
          assert.include(texts(first), "Я не понял")
          assert.deepStrictEqual(again, [])
        })
      )

      it.effect(
        "a chat lock that cannot be had (Redis down, held elsewhere too long) is answered with an apology",
        () =>
          Effect.gen(function* () {
            const unavailable = ChatLock.of({
              withLock: () =>
                Effect.die(new ChatLockTimeout({ message: "the chat lock engine-bot:chat-locked is held" }))
            })
            const router = yield* makeRouter().pipe(Effect.provideService(ChatLock, unavailable))
            const replies = yield* router.handle(textUpdate("locked", "привет"), telegramLike)
            assert.include(texts(replies), "Извините, у нас что-то сломалось")
          })
      )

      it.effect("a failure inside becomes an apology in the user's language; the engine keeps working", () =>
        Effect.gen(function* () {
          const router = yield* makeRouter()
          chaos.failing.add("session:engine-bot:chat-boom")
          const ru = yield* router.handle(textUpdate("boom", "привет"), telegramLike)
          const en = yield* router.handle(
            { ...textUpdate("boom", "hello"), ref: new ChatRef({ ...refOf("boom"), locale: "en-GB" }) },
            telegramLike
          )
          chaos.failing.delete("session:engine-bot:chat-boom")
          assert.include(texts(ru), "Извините, у нас что-то сломалось")
          assert.include(texts(en), "Sorry, something broke on our side")
          const after = yield* router.handle(textUpdate("boom", "привет"), telegramLike)
          assert.include(texts(after), "Я не понял")
        })
      )

      it.effect("a stale button says the menu is out of date, shows a fresh one and does nothing else", () =>
        Effect.gen(function* () {
          const router = yield* makeRouter()
          const menu1 = yield* router.handle(command("stale", "help"), telegramLike)
          const oldToken = firstToken(menu1, "Закупки")
          const menu2 = yield* router.handle(command("stale", "help"), telegramLike)
          const pressed = yield* router.handle(
            { _tag: "Button", ref: refOf("stale"), updateId: `e${++updates}`, data: oldToken },
            telegramLike
          )
          assert.include(texts(pressed), "Это меню устарело")
          assert.notInclude(texts(pressed), "Активные закупки")
          // the fresh menu has fresh tokens, and they work
          const freshToken = firstToken(pressed, "Помощь")
          assert.notStrictEqual(freshToken, firstToken(menu2, "Помощь"))
          const help = yield* router.handle(
            { _tag: "Button", ref: refOf("stale"), updateId: `e${++updates}`, data: freshToken },
            telegramLike
          )
          assert.include(texts(help), "/deposit")
          // a forged token is stale too
          const forged = yield* router.handle(
            { _tag: "Button", ref: refOf("stale"), updateId: `e${++updates}`, data: "zzzz0" },
            telegramLike
          )
          assert.include(texts(forged), "Это меню устарело")
        })
      )

      it.effect("a restart in the middle of a flow resumes it with a new Router over the same store", () =>
        Effect.gen(function* () {
          const first = yield* makeRouter()
          yield* first.handle(command("resume", "start"), telegramLike)
          const roles = yield* first.handle(textUpdate("resume", "1"), telegramLike)
          assert.include(texts(roles), "Как вас зовут")
          const second = yield* makeRouter()
          const next = yield* second.handle(textUpdate("resume", "Роман Рестартов"), telegramLike)
          assert.include(texts(next), "номер телефона")
        })
      )

      it.effect("an abandoned flow expires: the user is told and the update is handled afresh", () =>
        Effect.gen(function* () {
          const router = yield* makeRouter()
          yield* router.handle(command("expire", "start"), telegramLike)
          yield* TestClock.adjust("25 hours")
          const later = yield* router.handle(textUpdate("expire", "Покупатель"), telegramLike)
          assert.include(texts(later), "Незаконченное действие «регистрация» сброшено")
          assert.include(texts(later), "Я не понял")
        })
      )

      it.scoped("/link joins another platform's identity to the account; /web issues a one-time login link", () =>
        Effect.gen(function* () {
          const chat = yield* makeConversation({ capabilities: telegramLike, namespace: "link-" })
          yield* chat.send("lena", "/start")
          yield* chat.press("lena", "Покупатель")
          yield* chat.send("lena", "Лена Линк")
          yield* chat.contact("lena", "+79005550011")
          yield* chat.press("lena", "Пропустить")
          yield* chat.press("lena", "Всё верно")
          const issued = yield* chat.send("lena", "/link")
          const code = issued.flatMap((r) => (r._tag === "Text" ? r.text : [])).find((s) => s.code === true)?.text
          assert.isString(code)
          const vk = yield* makeConversation({ capabilities: whatsappLike, platform: "vk", namespace: "link-vk-" })
          yield* vk.user("lena", `/link ${code}`).expect("Аккаунты связаны", "Лена")
          yield* vk.user("lena", "/start").expect("С возвращением, Лена")
          yield* vk.user("lena", `/link ${code}`).expect("уже использован")
          const again = yield* vk.send("other", `/link ${code}`)
          assert.notInclude(texts(again), "Аккаунты связаны")

          // a Mini App button: the cabinet's page (signs in from the platform's launch data), else the login link
          const web = yield* chat.send("lena", "/web")
          const button = web.flatMap((r) => (r._tag === "Text" ? (r.keyboard?.rows.flat() ?? []) : []))[0]
          assert(button?._tag === "WebApp", "a Mini App button")
          assert.strictEqual(button.url, "http://localhost:3000/")
          const fallback = new URL(button.fallbackUrl)
          assert.strictEqual(`${fallback.origin}${fallback.pathname}`, "http://localhost:3000/login")
          const users = yield* Users
          const user = yield* users.redeemWebLogin(fallback.searchParams.get("code")!)
          assert.strictEqual(user.firstName, "Лена")
          // without link buttons the login link is written under the text
          const typed = texts(yield* vk.send("lena", "/web"))
          const written = /Открыть кабинет: (\S+)/.exec(typed)?.[1]
          assert.isString(written)
          const typedCode = new URL(written!).searchParams.get("code")!
          assert.strictEqual((yield* users.redeemWebLogin(typedCode)).firstName, "Лена")
        })
      )

      it.scoped("commands that need an account ask to register first", () =>
        Effect.gen(function* () {
          const chat = yield* makeConversation({ capabilities: telegramLike, namespace: "anon-" })
          for (const command of ["/balance", "/profile", "/deposit", "/my_procurements", "/chat", "/web", "/link"]) {
            yield* chat.user("nemo", command).expect("Сначала давайте зарегистрируемся")
          }
        })
      )

      it.effect("a snapshot from an older flow version restarts the flow politely", () =>
        Effect.gen(function* () {
          const router = yield* makeRouter()
          const store = yield* SessionStore
          yield* router.handle(command("old", "start"), telegramLike)
          const key = "session:engine-bot:chat-old"
          const session = (yield* store.get(key)) as { flow: { version: number } }
          yield* store.set(key, { ...session, flow: { ...session.flow, version: 0 } })
          const replies = yield* router.handle(textUpdate("old", "Олег"), telegramLike)
          assert.include(texts(replies), "начнём «регистрация» заново")
          assert.include(texts(replies), "Кем вы хотите быть")
          const unreadable = yield* router.handle(textUpdate("old", "Покупатель"), telegramLike)
          assert.include(texts(unreadable), "Как вас зовут")
        })
      )
    }
  )
}
