/**
 * Profile: names, phone, email (checked as you type by the wasm/JS validators, refused by the server with the
 * same rules), language (saved to the account, so the bots speak it too), theme, linked platforms and a link code.
 */
import { CreateCodeBody, UpdateProfile } from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { useState } from "react"
import {
  ErrorMessage,
  QueryView,
  Screen,
  SelectField,
  TextField,
  fieldErrors,
  formatDateTime,
  useApi,
  useFreshUser,
  useKernels,
  useLanguage,
  useSession,
  useT,
  useTheme,
  type Language,
  type SelectOption,
  type SessionUser
} from "../../app/index.js"
import { messages } from "./messages.js"

export default function Profile() {
  const t = useT(messages)
  // the account as the server has it now: a role given meanwhile shows here and counts in the session
  const me = useFreshUser().query
  return (
    <Screen title={t("title")}>
      <QueryView query={me}>{(user) => <ProfileForm user={user} />}</QueryView>
      <QueryView query={me}>{(user) => (user.role === "buyer" ? <RoleRequest user={user} /> : null)}</QueryView>
      <Platforms />
    </Screen>
  )
}

/** Each language in its own name. */
const LANGUAGES: ReadonlyArray<SelectOption<Language>> = [
  { value: "ru", label: "Русский" },
  { value: "en", label: "English" }
]

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
    <TextField
      id={`profile-${name}`}
      label={t(name)}
      type={type}
      value={form[name]}
      onChange={set(name)}
      error={errorOf(name)}
    />
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
        <SelectField
          id="profile-language"
          label={t("language")}
          value={form.language}
          onChange={(language) => setForm((f) => ({ ...f, language }))}
          options={LANGUAGES}
        />
        <SelectField
          id="profile-theme"
          label={t("theme")}
          value={choice}
          onChange={setChoice}
          options={[
            { value: "system", label: telegram ? t("themeTelegram") : t("themeSystem") },
            { value: "light", label: t("themeLight") },
            { value: "dark", label: t("themeDark") }
          ]}
        />
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

/** The roles one may ask for: the request reaches the administrators; one waits at a time. */
const RoleRequest = ({ user }: { user: SessionUser }) => {
  const t = useT(messages)
  const api = useApi()
  const client = useQueryClient()
  const key = ["role-request", user.id]
  const pending = useQuery({
    queryKey: key,
    queryFn: () => api.run((c) => c.users.roleRequest({ path: { id: user.id } }))
  })
  const ask = useMutation({
    mutationFn: (role: "organizer" | "supplier") =>
      api.run((c) => c.users.requestRole({ path: { id: user.id }, payload: { role } })),
    onSuccess: (outcome) => client.setQueryData(key, outcome.request)
  })
  // a buyer asks; another role is changed by an administrator
  const askable = user.role === "buyer" ? (["organizer", "supplier"] as const) : []
  return (
    <section className="card" aria-labelledby="role-request-title" data-testid="role-request">
      <h2 id="role-request-title">{t("roleRequestTitle")}</h2>
      <QueryView query={pending}>
        {(request) =>
          request !== null ? (
            <p role="status">{t("rolePending", { role: t(request.role) })}</p>
          ) : (
            <>
              <p className="hint">{t("roleRequestHint")}</p>
              <p>
                {askable.map((role) => (
                  <button
                    key={role}
                    type="button"
                    className="secondary"
                    disabled={ask.isPending}
                    onClick={() => ask.mutate(role)}
                  >
                    {t(role === "organizer" ? "askOrganizer" : "askSupplier")}
                  </button>
                ))}
              </p>
            </>
          )
        }
      </QueryView>
      <ErrorMessage error={ask.error} />
    </section>
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
      <QueryView query={identities} empty={{ when: (list) => list.length === 0, say: t("noPlatforms") }}>
        {(list) => (
          <ul data-testid="identities">
            {list.map((identity) => (
              <li key={identity.id}>
                {identity.platform}: {identity.displayName ?? identity.username ?? identity.externalId}
              </li>
            ))}
          </ul>
        )}
      </QueryView>
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
