/** Parses a typed command: `/start@groupbuy_bot proc_1` → `{ command: "start", args: "proc_1" }`. */

/**
 * Undefined when the text is not a command, or when it is addressed (`@name`) to another bot than `username`.
 * Command names are lower-cased; arguments keep their case and lose surrounding whitespace.
 */
export const parseCommand = (
  text: string,
  username?: string
): { readonly command: string; readonly args: string } | undefined => {
  const match = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_.]+))?(?:\s+([\s\S]*))?$/.exec(text.trim())
  if (match === null) return undefined
  const [, command, addressee, args] = match
  if (addressee !== undefined && (username === undefined || addressee.toLowerCase() !== username.toLowerCase()))
    return undefined
  return { command: command!.toLowerCase(), args: (args ?? "").trim() }
}
