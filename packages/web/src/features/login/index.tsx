/**
 * `/login?code=…`: the bot's `/web` link. Opening the page never spends the code (link previews fetch URLs); the
 * button does, through `POST /api/auth/web-login`. Then the code leaves the address bar and the history.
 */
import { WebLoginBody } from "@groupbuy/core/api"
import { useMutation } from "@tanstack/react-query"
import { Link, useLocation } from "wouter"
import { ErrorMessage, Screen, useApi, useSession, useT } from "../../app/index.js"
import { FromWebChat } from "./FromWebChat.js"
import { messages } from "./messages.js"

const safeNext = (next: string | null) => (next !== null && next.startsWith("/") && !next.startsWith("//") ? next : "/")

export default function Login() {
  const t = useT(messages)
  const api = useApi()
  const { user, signIn, ended } = useSession()
  const [, navigate] = useLocation()
  const params = new URLSearchParams(window.location.search)
  const code = params.get("code")?.trim() ?? ""
  const next = safeNext(params.get("next"))

  const login = useMutation({
    mutationFn: () => api.run((client) => client.auth.webLogin({ payload: new WebLoginBody({ code }) })),
    onSuccess: (session) => {
      signIn(session)
      // the code is spent: drop it from the address bar and the history
      window.history.replaceState(null, "", "/login")
      navigate(next, { replace: true })
    }
  })

  return (
    <Screen title={t("title")}>
      {ended === "expired" ? <p role="status">{t("expired")}</p> : null}
      {ended === "signedOut" ? <p role="status">{t("signedOut")}</p> : null}
      {user !== undefined && code === "" ? (
        <p>
          {t("signedInAs", { name: user.firstName })} <Link href="/">{t("toBrowse")}</Link>
        </p>
      ) : code === "" ? (
        <>
          <p>{t("noCode")}</p>
          <FromWebChat next={next} />
          {/* the web chat page is the server's own (not a cabinet route): a plain link */}
          <p>
            {t("noBot")} <a href="/widget">{t("toWebChat")}</a>
          </p>
        </>
      ) : (
        <>
          <p>{t("intro")}</p>
          <button
            type="button"
            data-testid="sign-in"
            onClick={() => login.mutate()}
            disabled={login.isPending}
            aria-describedby={login.isError ? "login-error" : undefined}
          >
            {login.isPending ? t("signingIn") : t("signIn")}
          </button>
          <ErrorMessage error={login.error} id="login-error" />
        </>
      )}
    </Screen>
  )
}
