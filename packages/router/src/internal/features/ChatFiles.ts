/**
 * A chat message's uploaded file as messenger members see it: a line with its name and size and, where the host
 * provides `AttachmentLinks` (the server does), a link that opens it for that member. Sending the media itself is
 * the platforms' parity work; a link reaches every platform.
 */
import { type AttachmentInfo, AttachmentLinks, formatFileSize, type UserId } from "@groupbuy/core"
import { Effect, Option } from "effect"
import { type Language, text } from "../../Messages.js"

/** The link to the file for `userId`, or undefined where the host links no files. */
export const fileLink = (attachment: AttachmentInfo, userId: UserId) =>
  Effect.flatMap(Effect.serviceOption(AttachmentLinks), (links) =>
    Option.isNone(links) ? Effect.succeed(undefined) : links.value.link(attachment.id, userId)
  )

/** "📎 name (size): link" (without the link when there is none). */
export const fileLine = (language: Language, attachment: AttachmentInfo, link: string | undefined) =>
  text(language, link === undefined ? "chat.file" : "chat.fileLink", {
    name: attachment.name,
    size: formatFileSize(attachment.size, language),
    link: link ?? ""
  })

/** A message's text followed by its file's line on a line of its own. */
export const withFile = (said: string, file: string | undefined) =>
  file === undefined ? said : said === "" ? file : `${said}\n${file}`
