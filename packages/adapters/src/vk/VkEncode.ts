/**
 * A fitted `Reply` → VK API calls, as data. Plain text (VK has no formatting for communities), inline keyboards of
 * callback buttons carrying `{"d":"<token>"}` and link buttons (a Mini App button links to its fallback), photos
 * uploaded then attached, edits by `conversation_message_id` with a fallback to a new message, and one
 * `messages.sendMessageEventAnswer` per press.
 */
import { type Button, type Keyboard, type Reply, webAppFallback } from "@groupbuy/router"
import { toPlainText } from "../shared/RichTextRenderers.js"
import { buttonPayload } from "./VkDecode.js"

/** Snackbars longer than this are refused by VK; such toasts become messages. */
export const MAX_SNACKBAR_LENGTH = 90

/** An empty message is refused; an invisible blank keeps a keyboard-only message valid. */
const BLANK = "\u2800"

export interface VkTarget {
  readonly peerId: number
  /** the conversation message id of the pressed message */
  readonly messageId?: string | undefined
  /** the pressed callback button's event */
  readonly event?: { readonly eventId: string; readonly userId: number } | undefined
}

export type VkOp =
  | { readonly _tag: "Send"; readonly params: Readonly<Record<string, unknown>> }
  /** upload the photo at `url` for this peer, then send it with `params` */
  | { readonly _tag: "SendPhoto"; readonly url: string; readonly params: Readonly<Record<string, unknown>> }
  | {
      readonly _tag: "Edit"
      readonly params: Readonly<Record<string, unknown>>
      /** sent instead when the message cannot be edited */
      readonly fallback: Readonly<Record<string, unknown>>
    }

export interface VkEncoded {
  readonly ops: ReadonlyArray<VkOp>
  /** `messages.sendMessageEventAnswer` params for a press: the first toast as a snackbar, or a bare answer */
  readonly answer: Readonly<Record<string, unknown>> | undefined
}

const vkButton = (button: Button): Record<string, unknown> | undefined => {
  switch (button._tag) {
    case "Action":
      return {
        action: { type: "callback", label: button.label, payload: buttonPayload(button.data) },
        color: "secondary"
      }
    case "Url":
      return { action: { type: "open_link", label: button.label, link: button.url } }
    case "WebApp":
      // a VK Mini App is a VK app id, not a page URL: the button links to its fallback (the login-code link)
      return vkButton(webAppFallback(button))
    case "RequestContact":
      // VK has no such button; capabilities say so and `fit` has already replaced it with a hint.
      return undefined
  }
}

/** The inline keyboard JSON, or undefined when there are no buttons. */
export const vkKeyboard = (keyboard: Keyboard | undefined): string | undefined => {
  if (keyboard === undefined) return undefined
  const buttons = keyboard.rows.map((row) => row.flatMap((b) => vkButton(b) ?? [])).filter((row) => row.length > 0)
  return buttons.length === 0 ? undefined : JSON.stringify({ inline: true, buttons })
}

const message = (text: string, keyboard: string | undefined) => ({
  message: text === "" && keyboard !== undefined ? BLANK : text,
  ...(keyboard === undefined ? {} : { keyboard })
})

const send = (peerId: number, text: string, keyboard: string | undefined) => ({
  peer_id: peerId,
  ...message(text, keyboard),
  disable_mentions: 1
})

export const encodeReply = (reply: Exclude<Reply, { _tag: "Toast" }>, target: VkTarget): VkOp => {
  switch (reply._tag) {
    case "Text":
      return { _tag: "Send", params: send(target.peerId, toPlainText(reply.text), vkKeyboard(reply.keyboard)) }
    case "Image": {
      const keyboard = vkKeyboard(reply.keyboard)
      return {
        _tag: "SendPhoto",
        url: reply.url,
        params: {
          peer_id: target.peerId,
          message: toPlainText(reply.caption),
          ...(keyboard === undefined ? {} : { keyboard }),
          disable_mentions: 1
        }
      }
    }
    case "Document": {
      // VK takes documents only as uploads: the file goes as its caption and link (capability documents is off)
      const caption = toPlainText(reply.caption)
      const text = caption === "" ? `${reply.name}: ${reply.url}` : `${caption}\n${reply.name}: ${reply.url}`
      return { _tag: "Send", params: send(target.peerId, text, vkKeyboard(reply.keyboard)) }
    }
    case "Edit": {
      const text = toPlainText(reply.text)
      const keyboard = vkKeyboard(reply.keyboard)
      const fallback = send(target.peerId, text, keyboard)
      // a relayed chat copy: the message with that id (what messages.send answered), not the pressed one
      if (reply.messageId !== undefined)
        return {
          _tag: "Edit",
          params: { peer_id: target.peerId, message_id: Number(reply.messageId), ...message(text, keyboard) },
          fallback
        }
      if (target.messageId === undefined) return { _tag: "Send", params: fallback }
      return {
        _tag: "Edit",
        params: {
          peer_id: target.peerId,
          conversation_message_id: Number(target.messageId),
          ...message(text, keyboard),
          keep_forward_messages: 1
        },
        fallback
      }
    }
  }
}

/** Encodes the fitted replies of one turn, in order, and the answer to the press that caused it. */
export const encodeAll = (replies: ReadonlyArray<Reply>, target: VkTarget): VkEncoded => {
  const ops: Array<VkOp> = []
  let answer: Record<string, unknown> | undefined
  const event = target.event
  for (const reply of replies) {
    if (reply._tag === "Toast") {
      if (event !== undefined && answer === undefined && reply.text.length <= MAX_SNACKBAR_LENGTH) {
        answer = {
          event_id: event.eventId,
          user_id: event.userId,
          peer_id: target.peerId,
          event_data: JSON.stringify({ type: "show_snackbar", text: reply.text })
        }
      } else ops.push({ _tag: "Send", params: send(target.peerId, reply.text, undefined) })
      continue
    }
    ops.push(encodeReply(reply, target))
  }
  if (answer === undefined && event !== undefined)
    answer = { event_id: event.eventId, user_id: event.userId, peer_id: target.peerId }
  return { ops, answer }
}
