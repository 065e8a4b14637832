/**
 * Profile: names, phone, email (checked as you type by the wasm/JS validators, refused by the server with the
 * same rules), language (saved to the account, so the bots speak it too), theme, linked platforms and a link code.
 */
import { CreateCodeBody, UpdateProfile } from "@groupbuy/core/api"
import { useMutation, useQuery } from "@tanstack/react-query"
import { useState } from "react"
import {
  ErrorMessage,
  Loading,
  Screen,
  fieldErrors,
  formatDateTime,
  useApi,
  useKernels,
  useLanguage,
  useSession,
  useT,
  useTheme,
  type Language,
  type SessionUser,
  type ThemeChoice
} from "../../app/index.js"
import { messages } from "./messages.js"

export default function Profile() {
  const t = useT(messages)
  const api = useApi()
  const { user } = useSession()
  const me = useQuery({ queryKey: ["me", user!.id], queryFn: () => api.run((c) => c.users.me()) })
  return (
    <Screen title={t("title")}>
      {me.isPending ? <Loading /> : me.isError ? <ErrorMessage error={me.error} /> : <ProfileForm user={me.data} />}
      <Platforms />
    </Screen>
  )
}

const ProfileForm = ({ user }: { user: SessionUser }) => {
  const t = useT(messages)
  const { language, setLanguage } = useLanguage()
  const { choice, setChoice, telegram } = useTheme()
  const api = useApi()
  const { setUser } = useSession()
  const list = useKernels()
  const [form, setForm] = useState({
    firstName: user.firstName,
    lastName: user.lastName ?? "",
    phone: user.phone ?? "",
    email: user.email ?? "",
    language: user.language as Language
  })
  const set = (field: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [field]: e.target.value }))

  const phone = form.phone.trim() === "" || list === undefined ? undefined : list.kernels.validatePhone(form.phone)
  const email = form.email.trim() === "" || list === undefined ? undefined : list.kernels.validateEmail(form.email)
  const local: Record<string, string> = {}
  if (form.firstName.trim() === "") local["firstName"] = t("firstNameRequired")
  if (phone !== undefined && !phone.valid) local["phone"] = t("phoneInvalid")
  if (email !== undefined && !email.valid) local["email"] = t("emailInvalid")

  const save = useMutation({
    mutationFn: () =>
      api.run((c) =>
        c.users.update({
          path: { id: user.id },
          payload: new UpdateProfile({
            firstName: form.firstName.trim(),
            lastName: form.lastName.trim() === "" ? null : form.lastName.trim(),
            phone: phone?.valid === true ? phone.normalized : null,
            email: email?.valid === true ? email.normalized : null,
            language: form.language
          })
        })
      ),
    onSuccess: (updated) => {
      setUser(updated)
      setLanguage(updated.language)
    }
  })
  const server = fieldErrors(save.error, language)
  const errorOf = (field: string) => local[field] ?? server[field]
  const field = (name: "firstName" | "lastName" | "phone" | "email", type = "text") => (
    <div>
      <label htmlFor={`profile-${name}`}>{t(name)}</label>
      <input
        id={`profile-${name}`}
        type={type}
        value={form[name]}
        onChange={set(name)}
        aria-invalid={errorOf(name) !== undefined}
        aria-describedby={`profile-${name}-error`}
      />
      <p className="error" id={`profile-${name}-error`}>
        {errorOf(name) ?? ""}
      </p>
    </div>
  )

  return (
    <form
      className="card"
      onSubmit={(e) => {
        e.preventDefault()
        if (Object.keys(local).length === 0) save.mutate()
      }}
    >
      <p className="hint">{t("role", { role: t(user.role) })}</p>
      <div className="grid-2">
        {field("firstName")}
        {field("lastName")}
        {field("phone", "tel")}
        {field("email", "email")}
        <div>
          <label htmlFor="profile-language">{t("language")}</label>
          <select id="profile-language" value={form.language} onChange={set("language")}>
            <option value="ru">Русский</option>
            <option value="en">English</option>
          </select>
        </div>
        <div>
          <label htmlFor="profile-theme">{t("theme")}</label>
          <select id="profile-theme" value={choice} onChange={(e) => setChoice(e.target.value as ThemeChoice)}>
            <option value="system">{telegram ? t("themeTelegram") : t("themeSystem")}</option>
            <option value="light">{t("themeLight")}</option>
            <option value="dark">{t("themeDark")}</option>
          </select>
        </div>
      </div>
      <p>
        <button type="submit" disabled={save.isPending} data-testid="save-profile">
          {t("save")}
        </button>
      </p>
      {save.isSuccess ? (
        <p className="ok" role="status">
          {t("saved")}
        </p>
      ) : null}
      {Object.keys(server).length === 0 ||
      Object.keys(server).some((k) => !["firstName", "lastName", "phone", "email"].includes(k)) ? (
        <ErrorMessage error={save.error} />
      ) : null}
    </form>
  )
}

const Platforms = () => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useApi()
  const { user } = useSession()
  const id = user!.id
  const identities = useQuery({
    queryKey: ["identities", id],
    queryFn: () => api.run((c) => c.users.identities({ path: { id } }))
  })
  const code = useMutation({
    mutationFn: () =>
      api.run((c) =>
        c.users.createCode({ path: { id }, payload: new CreateCodeBody({ purpose: "link", ttlSeconds: 900 }) })
      )
  })
  return (
    <section className="card" aria-labelledby="platforms-title">
      <h2 id="platforms-title">{t("platforms")}</h2>
      {identities.isPending ? (
        <Loading />
      ) : identities.isError ? (
        <ErrorMessage error={identities.error} />
      ) : identities.data.length === 0 ? (
        <p>{t("noPlatforms")}</p>
      ) : (
        <ul data-testid="identities">
          {identities.data.map((identity) => (
            <li key={identity.id}>
              {identity.platform}: {identity.displayName ?? identity.username ?? identity.externalId}
            </li>
          ))}
        </ul>
      )}
      <h3>{t("linkCode")}</h3>
      <button type="button" className="secondary" onClick={() => code.mutate()} disabled={code.isPending}>
        {t("getCode")}
      </button>
      <ErrorMessage error={code.error} />
      {code.data === undefined ? null : (
        <p role="status">
          <span className="code" data-testid="link-code">
            {code.data.code}
          </span>{" "}
          {t("linkHint", { code: code.data.code, until: formatDateTime(code.data.expiresAt, language) })}
        </p>
      )}
    </section>
  )
}
