/** Core's domain errors as text for the user, in their language (and as `io.failed` codes for flows). */
import { formatRubles } from "@groupbuy/core"
import type { DomainError } from "@groupbuy/core"
import { type Language, text } from "../Messages.js"

export interface Described {
  readonly code: string
  readonly message: string
  readonly params: Readonly<Record<string, string>>
}

/** The user-facing explanation of a core error: core's own ru/en texts where it has them, the catalogue otherwise. */
export const describeError = (language: Language, error: DomainError): Described => {
  switch (error._tag) {
    case "InvalidInput":
      return {
        code: "InvalidInput",
        message: error.describe(language),
        params: { path: error.issues[0].path, issue: error.issues[0].code }
      }
    case "RuleViolation":
      return { code: error.code, message: error[language], params: error.params }
    case "NotFound":
      return { code: "NotFound", message: text(language, "error.notFound"), params: { entity: error.entity } }
    case "Forbidden":
      return { code: "Forbidden", message: text(language, "error.forbidden"), params: { action: error.action } }
    case "IllegalTransition":
      return {
        code: "IllegalTransition",
        message: text(language, "error.illegalTransition", {
          from: error.entity === "procurement" ? text(language, `status.${error.from as "ACTIVE"}`) : error.from
        }),
        params: { from: error.from, to: error.to }
      }
    case "InsufficientFunds":
      return {
        code: "InsufficientFunds",
        message: text(language, "error.insufficientFunds", {
          needed: formatRubles(error.needed),
          available: formatRubles(error.available)
        }),
        params: { needed: error.needed.toString(), available: error.available.toString() }
      }
  }
}
