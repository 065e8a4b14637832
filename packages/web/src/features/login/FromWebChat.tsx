/**
 * A web chat guest who registered in the chat (`/start` in the widget at `/widget`, or linked with `/link`) opens the
 * cabinet as the same account: the widget keeps its guest token in this origin's localStorage
 * (`groupbuy.chat.token:<ws URL>`), and `POST /api/auth/widget` exchanges it for a session. Offered on a signed-out
 * `/login` without a code when such a token is there; a guest not registered yet is told to finish in the chat.
 */
import { WidgetLoginBody } from "@groupbuy/core/api"
import { useMutation } from "@tanstack/react-query"
import { useLocation } from "wouter"
import { defineMessages, ErrorMessage, useApi, useSession, useT } from "../../app/index.js"

const messages = defineMessages({
  ru: {
    continue: "Войти как в веб-чате",
    hint: "В этом браузере вы общались с ботом в веб-чате — войдите тем же аккаунтом.",
    notLinked: "Сначала завершите регистрацию в веб-чате (/start) или привяжите его к аккаунту командой /link."
  },
  en: {
    continue: "Continue as in the web chat",
    hint: "You chatted with the bot in the web chat in this browser — sign in as the same account.",
    notLinked: "First finish registering in the web chat (/start) or link it to your account with /link."
  }
})

const PREFIX = "groupbuy.chat.token:"

/** The web chat's guest token stored by the widget for this server, if any. */
export const webChatToken = (storage: Storage | undefined, host: string): string | undefined => {
  if (storage === undefined) return undefined
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i)
    if (key === null || !key.startsWith(PREFIX)) continue
    try {
      if (new URL(key.slice(PREFIX.length)).host !== host) continue
      const stored = JSON.parse(storage.getItem(key) ?? "null") as { token?: unknown } | null
      if (typeof stored?.token === "string" && stored.token !== "") return stored.token
    } catch {
      continue
    }
  }
  return undefined
}

const localStorageOrUndefined = () => {
  try {
    return window.localStorage
  } catch {
    return undefined
  }
}

export const FromWebChat = ({ next }: { next: string }) => {
  const t = useT(messages)
  const api = useApi()
  const { signIn } = useSession()
  const [, navigate] = useLocation()
  const chatToken = webChatToken(localStorageOrUndefined(), window.location.host)
  const login = useMutation({
    mutationFn: (token: string) =>
      api.run((c) => c.auth.widgetLogin({ payload: new WidgetLoginBody({ chatToken: token }) })),
    onSuccess: (session) => {
      signIn(session)
      navigate(next, { replace: true })
    }
  })
  if (chatToken === undefined) return null
  const unauthorized = login.error !== null && (login.error as { tag?: string }).tag === "Unauthorized"
  return (
    <div className="card">
      <p>{t("hint")}</p>
      <button
        type="button"
        className="secondary"
        disabled={login.isPending}
        onClick={() => login.mutate(chatToken)}
        aria-describedby={login.isError ? "web-chat-error" : undefined}
      >
        {t("continue")}
      </button>
      {unauthorized ? (
        <p className="error" role="alert" id="web-chat-error">
          {t("notLinked")}
        </p>
      ) : (
        <ErrorMessage error={login.error} id="web-chat-error" />
      )}
    </div>
  )
}
