/**
 * Test support: a scripted `TurnHandler` (a tiny stand-in for the router, for adapter-only tests) and scoped fakes.
 * It answers like the engine would, with replies already fitted: text with a keyboard, an edit plus a toast for a
 * press, a contact request, and records every update it received.
 */
import type { Capabilities, Reply, Update } from "@groupbuy/router"
import { Effect, Layer } from "effect"
import { AdapterEvents } from "../../src/shared/AdapterEvents.js"
import { TurnHandler } from "../../src/shared/TurnHandler.js"
import { eventually } from "./FakeServerSupport.js"

export interface ScriptedTurns {
  readonly updates: Array<Update>
  readonly layer: Layer.Layer<TurnHandler | AdapterEvents>
}

export const echoReplies = (update: Update, capabilities: Capabilities): ReadonlyArray<Reply> => {
  switch (update._tag) {
    case "Command":
      if (update.command === "phone")
        return [
          {
            _tag: "Text",
            text: [{ text: "Поделитесь номером" }],
            keyboard: { rows: [[{ _tag: "RequestContact", label: "📱 Номер" }]] }
          }
        ]
      return [
        {
          _tag: "Text",
          text: [{ text: `/${update.command} ` }, { text: update.args, bold: true }],
          keyboard: {
            rows: [
              [
                { _tag: "Action", label: "Дальше", data: "t1" },
                { _tag: "Action", label: "Тост", data: "t2" }
              ]
            ]
          }
        }
      ]
    case "Text":
      return [{ _tag: "Text", text: [{ text: `echo: ${update.text}` }] }]
    case "Button":
      return update.data === "t2"
        ? [{ _tag: "Toast", text: "Готово" }]
        : [
            {
              _tag: "Edit",
              text: [{ text: "Страница 2" }],
              keyboard: { rows: [[{ _tag: "Action", label: "«", data: "t0" }]] }
            }
          ]
    case "Contact":
      return [{ _tag: "Text", text: [{ text: `phone ${update.phone} own=${update.own}` }], removeKeyboard: true }]
    case "Media":
      return [
        {
          _tag: "Image",
          url: update.url,
          caption: [{ text: `got ${update.kind} (${capabilities.maxCaptionLength})` }]
        }
      ]
  }
}

export const scriptedTurns = (
  replies: (update: Update, capabilities: Capabilities) => ReadonlyArray<Reply> = echoReplies
): ScriptedTurns => {
  const updates: Array<Update> = []
  const handler = Layer.succeed(TurnHandler, {
    handle: (update, capabilities) =>
      Effect.sync(() => {
        updates.push(update)
        return replies(update, capabilities)
      }),
    register: () => Effect.void
  })
  return { updates, layer: Layer.merge(handler, AdapterEvents.layer) }
}

/** Starts a fake server for the scope. */
export const scopedFake = <F extends { close(): Promise<void> }>(start: () => Promise<F>) =>
  Effect.acquireRelease(Effect.promise(start), (fake) => Effect.promise(() => fake.close()))

export const waitFor = <A>(probe: () => A | undefined, what: string, timeoutMs = 10_000) =>
  Effect.promise(() => eventually(probe, { what, timeoutMs }))
