/**
 * The links relayed chat messages carry to their files: `PUBLIC_URL/api/attachments/{id}/shared?token=…`, the token a
 * user JWT whose audience names that one file (it opens nothing else, and no API call accepts it), valid for a week.
 * The download still checks that the person is a member when the link is opened.
 */
import { AttachmentLinks, type AttachmentId } from "@groupbuy/core"
import { Duration, Effect, Layer } from "effect"
import { ServerConfig } from "../config/ServerConfig.js"
import { UserTokens } from "./UserTokens.js"

/** The audience of the tokens of one file's links. */
export const attachmentAudience = (id: AttachmentId) => `groupbuy:attachment:${id}`

/** How long a relayed link opens its file. */
export const ATTACHMENT_LINK_TTL = Duration.days(7)

export const AttachmentLinksLive = Layer.effect(
  AttachmentLinks,
  Effect.gen(function* () {
    const config = yield* ServerConfig
    const tokens = yield* UserTokens
    const base = config.publicUrl.replace(/\/+$/u, "")
    return AttachmentLinks.of({
      link: (id, userId) =>
        Effect.map(
          tokens.issue(userId, { audience: attachmentAudience(id), ttl: ATTACHMENT_LINK_TTL }),
          ({ token }) => `${base}/api/attachments/${id}/shared?token=${encodeURIComponent(token)}`
        )
    })
  })
)
