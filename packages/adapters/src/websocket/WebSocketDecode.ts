/** A web chat client's `update` frame → the router's `Update`. */
import type { ChatRef, Update } from "@groupbuy/router"
import type * as ChatProtocol from "./ChatProtocol.js"

const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@\S+)?(?:\s+([\s\S]*))?$/

/** Builds the router's `Update` from a client's input; `/cmd args` becomes a command. */
export const toUpdate = (
  ref: ChatRef,
  updateId: string,
  input: (typeof ChatProtocol.UpdateFrame.Type)["update"]
): Update => {
  if (input.kind === "button") {
    return input.messageId === undefined
      ? { _tag: "Button", ref, updateId, data: input.data }
      : { _tag: "Button", ref, updateId, data: input.data, messageId: input.messageId }
  }
  const command = COMMAND.exec(input.text.trim())
  return command
    ? { _tag: "Command", ref, updateId, command: command[1]!.toLowerCase(), args: (command[2] ?? "").trim() }
    : { _tag: "Text", ref, updateId, text: input.text }
}
