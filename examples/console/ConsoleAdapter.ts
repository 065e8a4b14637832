/**
 * A complete adapter in one file: chat with GroupBuy in a terminal. It is also the smallest example of the adapter
 * contract (see README.md): `capabilities` (what the "platform" can show), `decode` (input → `Update`), `encode`
 * (fitted `Reply` → output) and a runner that ties them to the engine through `TurnHandler` and joins the
 * `BotFleet` so that proactive messages (payment received, chat relay) reach it too.
 */
import { BotFleet, RichTextRenderers, TurnHandler } from "@groupbuy/adapters"
import { Capabilities, ChatRef, type Reply, type Update } from "@groupbuy/router"
import { Effect, type Scope, Stream } from "effect"

/** A terminal has no buttons: `fit` turns every keyboard into a numbered menu that the user answers with a number. */
export const consoleCapabilities = new Capabilities({
  maxTextLength: 4000,
  maxCaptionLength: 4000,
  buttons: false,
  urlButtons: false,
  requestContact: false,
  edits: false,
  media: false,
  toasts: false,
  maxButtonsPerRow: 0,
  maxRows: 0,
  maxButtonLabel: 0,
  maxCallbackBytes: 0
})

export interface ConsoleOptions {
  /** fleet id (default "console") */
  readonly bot?: string
  /** the person at the terminal (default "console-user") */
  readonly user?: string
  readonly input: AsyncIterable<string>
  readonly write: (text: string) => void
}

/** decode: a typed line → an `Update`; `/command args` is a command, anything else text. */
export const decode = (ref: ChatRef, line: string, updateId: string): Update | undefined => {
  const text = line.trim()
  if (text === "") return undefined
  const command = /^\/([a-z0-9_]{1,32})(?:\s+([\s\S]*))?$/i.exec(text)
  return command === null
    ? { _tag: "Text", ref, updateId, text }
    : { _tag: "Command", ref, updateId, command: command[1]!.toLowerCase(), args: (command[2] ?? "").trim() }
}

/** encode: a fitted reply → lines of plain text (menus are already numbered text, `fit` saw to that). */
export const encode = (reply: Reply): string => {
  switch (reply._tag) {
    case "Text":
    case "Edit":
      return RichTextRenderers.toPlainText(reply.text)
    case "Image":
      return `[image ${reply.url}] ${RichTextRenderers.toPlainText(reply.caption)}`
    case "Document":
      return `[file ${reply.name} ${reply.url}] ${RichTextRenderers.toPlainText(reply.caption)}`
    case "Toast":
      return `(${reply.text})`
  }
}

/** Runs the console chat until the input ends. */
export const runConsole = (options: ConsoleOptions): Effect.Effect<void, never, TurnHandler | BotFleet | Scope.Scope> =>
  Effect.gen(function* () {
    const turns = yield* TurnHandler
    const fleet = yield* BotFleet
    const bot = options.bot ?? "console"
    const user = options.user ?? "console-user"
    // "web" is the neutral platform name for chats that are not Telegram, VK or WhatsApp.
    const ref = new ChatRef({ bot, platform: "web", chatId: user, userId: user, locale: "ru", displayName: user })
    const print = (replies: ReadonlyArray<Reply>) =>
      Effect.sync(() => replies.forEach((reply) => options.write(`${encode(reply)}\n\n`)))

    yield* turns.register(bot, consoleCapabilities)
    yield* fleet.add({
      id: bot,
      deliver: (_ref, replies) => print(replies),
      stats: Effect.succeed({ sent: 0, retried: 0, failed: 0, pending: 0, rateLimited: 0 })
    })

    let counter = 0
    yield* Stream.fromAsyncIterable(options.input, (e) => e).pipe(
      Stream.orDie,
      Stream.runForEach((line) => {
        const update = decode(ref, line, `console-${Date.now()}-${counter++}`)
        return update === undefined
          ? Effect.void
          : turns.handle(update, consoleCapabilities).pipe(Effect.flatMap(print))
      })
    )
  })
