/**
 * Errors for people: every failure of a call becomes one sentence in the current language (the server's own ru/en
 * text where it sends one), and `fieldErrors` maps an `InvalidInput`'s issues to the fields that caused them, so a
 * form shows each next to its input.
 */
import { useLanguage, useT, type Language } from "./I18n.js"
import { ApiError } from "./Api.js"
import { appMessages } from "./messages.js"
import { formatMoney } from "./Format.js"

type Issue = { readonly path: string; readonly en: string; readonly ru: string }

const get = (error: unknown, key: string): unknown =>
  typeof error === "object" && error !== null ? (error as Record<string, unknown>)[key] : undefined

/** The issues of an `InvalidInput`, by field path (the first one per field). */
export const fieldErrors = (error: unknown, language: Language): Readonly<Record<string, string>> => {
  if (!(error instanceof ApiError) || error.tag !== "InvalidInput") return {}
  const issues = (get(error.error, "issues") ?? []) as ReadonlyArray<Issue>
  const out: Record<string, string> = {}
  for (const issue of issues) out[issue.path] ??= issue[language]
  return out
}

/**
 * A rule's refusal (`RuleViolation`) in the given language, to show next to the field it concerns (a bot token the
 * platform refused, one already in use); `undefined` for any other failure, which `ErrorMessage` describes.
 */
export const ruleRefusal = (error: unknown, language: Language): string | undefined =>
  error instanceof ApiError && error.tag === "RuleViolation" ? String(get(error.error, language) ?? "") : undefined

/** One sentence for any failure of a call. */
export const useDescribeError = () => {
  const t = useT(appMessages)
  const { language } = useLanguage()
  return (error: unknown): string => {
    if (!(error instanceof ApiError)) return navigator.onLine === false ? t("errOffline") : t("errUnknown")
    const e = error.error
    switch (error.tag) {
      case "InvalidInput":
        return ((get(e, "issues") ?? []) as ReadonlyArray<Issue>).map((i) => i[language]).join("; ")
      case "RuleViolation":
        return String(get(e, language) ?? t("errUnknown"))
      case "InsufficientFunds":
        return t("errFunds", {
          needed: formatMoney(get(e, "needed") as bigint, language),
          available: formatMoney(get(e, "available") as bigint, language)
        })
      case "IllegalTransition": {
        // the server names the moves there are from where it stands
        const allowed = (get(e, "allowed") ?? []) as ReadonlyArray<string>
        const moves = { from: String(get(e, "from")), to: String(get(e, "to")) }
        return allowed.length === 0
          ? t("errIllegal", moves)
          : t("errIllegalAllowed", { ...moves, allowed: allowed.join(", ") })
      }
      case "Forbidden":
        return t("errForbidden")
      case "NotFound":
        return t("errNotFound")
      case "Unauthorized":
        return t("errUnauthorized")
      case "TooManyRequests":
        return t("errTooMany", { seconds: String(get(e, "retryAfter")) })
      case "ProviderUnavailable":
        return t("errUnavailable")
      case "RequestError":
        return t("errOffline")
      default:
        return t("errUnknown")
    }
  }
}

/** An error shown where it happened (`role="alert"`, so screen readers announce it). */
export const ErrorMessage = ({ error, id }: { error: unknown; id?: string }) => {
  const describe = useDescribeError()
  if (error === null || error === undefined) return null
  return (
    <p className="error" role="alert" id={id}>
      {describe(error)}
    </p>
  )
}
