/** Email and password; the server's refusal (wrong pair, not an admin, too many attempts) shown under the form. */
import { type FormEvent, useState } from "react"
import { ApiError } from "../app/Api.js"
import { ErrorMessage } from "../app/Errors.js"
import { useT } from "../app/I18n.js"
import { Screen } from "../app/Screen.js"
import { TextField } from "../app/TextField.js"
import { type AdminEndReason, useAdminSession } from "./AdminSession.js"
import { adminMessages } from "./messages.js"

export const SignIn = ({ reason }: { reason: AdminEndReason }) => {
  const t = useT(adminMessages)
  const { signIn } = useAdminSession()
  const [email, setEmail] = useState("")
  const [password, setPassword] = useState("")
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(undefined)

  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (busy) return
    setBusy(true)
    setError(undefined)
    signIn(email.trim(), password).then(
      () => setBusy(false),
      (failure: unknown) => {
        // the email stays; the password is typed again
        setPassword("")
        setError(failure)
        setBusy(false)
      }
    )
  }
  const refusal =
    error instanceof ApiError && error.tag === "Unauthorized"
      ? t("wrongCredentials")
      : error instanceof ApiError && error.tag === "Forbidden"
        ? t("notAdmin")
        : undefined

  return (
    <Screen title={t("signInTitle")} className="admin-sign-in">
      {reason === undefined ? null : (
        <p className="notice" role="status" data-testid="admin-session-ended">
          {reason === "expired" ? t("sessionExpired") : t("signedOut")}
        </p>
      )}
      <form onSubmit={submit} className="form" aria-describedby="admin-sign-in-error">
        <TextField
          id="admin-email"
          label={t("email")}
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={undefined}
        />
        <TextField
          id="admin-password"
          label={t("password")}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={undefined}
        />
        <button type="submit" disabled={busy} aria-busy={busy}>
          {busy ? t("signingIn") : t("signIn")}
        </button>
        <div id="admin-sign-in-error">
          {refusal === undefined ? (
            <ErrorMessage error={error} />
          ) : (
            <p className="error" role="alert">
              {refusal}
            </p>
          )}
        </div>
      </form>
      <p className="hint">{t("firstAdminHint")}</p>
    </Screen>
  )
}
