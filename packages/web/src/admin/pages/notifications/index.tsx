/**
 * Bulk notifications: whom (every active user, or those of a role, a platform, verified or not), a title and a text,
 * the notification as people will see it, how many will get it (the server counts with the same filters), a
 * confirmation naming that number and the audience, and the server's own count of what it stored. The server
 * delivers each row to the user's last messenger.
 */
import { BulkNotificationBody } from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { useMemo, useState } from "react"
import { useT } from "../../../app/I18n.js"
import { QueryView } from "../../../app/QueryView.js"
import { Screen } from "../../../app/Screen.js"
import { SelectField, type SelectOption } from "../../../app/SelectField.js"
import { TextField } from "../../../app/TextField.js"
import { useAdminApi } from "../../AdminSession.js"
import { ConfirmAction } from "../../Confirm.js"
import { chosen, yesNo, yesNoOptions } from "../../grid/Choice.js"
import { adminMessages } from "../../messages.js"
import { Notice } from "../../Notice.js"
import { accountRoleOptions, platformOptions } from "../users/Labels.js"
import { messages as userWords } from "../users/messages.js"
import { messages } from "./messages.js"

/** The longest title and text the server keeps (`BulkNotificationBody`). */
const TITLE_MAX = 200
const BODY_MAX = 4000

const BulkNotifications = () => {
  const t = useT(messages)
  const tu = useT(userWords)
  const ta = useT(adminMessages)
  const api = useAdminApi()
  const queryClient = useQueryClient()
  const [title, setTitle] = useState("")
  const [body, setBody] = useState("")
  const [sent, setSent] = useState<string | undefined>(undefined)
  const titleText = title.trim()
  const bodyText = body.trim()
  const titleValid = titleText !== "" && titleText.length <= TITLE_MAX
  const bodyValid = bodyText !== "" && bodyText.length <= BODY_MAX
  const [audience, setAudience] = useState({ role: "", platform: "", isVerified: "" })
  const roles = useMemo(() => accountRoleOptions(tu), [tu])
  const platforms = useMemo(() => platformOptions(tu), [tu])
  const audienceFields: ReadonlyArray<{
    readonly key: keyof typeof audience
    readonly id: string
    readonly label: string
    readonly options: ReadonlyArray<SelectOption<string>>
  }> = [
    { key: "role", id: "bulk-role", label: tu("role"), options: roles },
    { key: "platform", id: "bulk-platform", label: tu("platform"), options: platforms },
    { key: "isVerified", id: "bulk-verified", label: tu("verified"), options: yesNoOptions(ta) }
  ]
  // the audience as the endpoint's typed filters (a choice not offered filters nothing)
  const filters = {
    role: chosen(roles, audience.role),
    platform: chosen(platforms, audience.platform),
    isVerified: yesNo(audience.isVerified)
  }
  const described = [
    filters.role === undefined ? undefined : `${tu("role")}: ${roles.find((r) => r.value === filters.role)!.label}`,
    filters.platform === undefined ? undefined : `${tu("platform")}: ${tu(filters.platform)}`,
    filters.isVerified === undefined ? undefined : `${tu("verified")}: ${ta(filters.isVerified ? "yes" : "no")}`
  ].filter((d) => d !== undefined)
  const audienceText = described.length === 0 ? t("everyone") : described.join("; ")
  const recipients = useQuery({
    queryKey: ["admin-bulk-recipients", filters],
    queryFn: () => api.run((c) => c.admin.bulkNotificationCount({ urlParams: filters })).then((r) => r.count)
  })
  const send = useMutation({
    mutationFn: (payload: BulkNotificationBody) => api.run((c) => c.admin.bulkNotification({ payload })),
    onSuccess: async (result, payload) => {
      setSent(t("sent", { title: payload.title, count: result.count }))
      setTitle("")
      setBody("")
      await queryClient.invalidateQueries({ queryKey: ["admin-dashboard"] })
    }
  })
  const count = recipients.data ?? 0
  return (
    <Screen title={t("title")}>
      <p className="hint">{t("intro")}</p>
      <div className="bulk-layout">
        <form
          className="bulk-form"
          aria-label={t("title")}
          onSubmit={(e) => e.preventDefault()}
          onChange={() => setSent(undefined)}
        >
          <fieldset className="bulk-audience">
            <legend>{t("audience")}</legend>
            {audienceFields.map((field) => (
              <SelectField<string>
                key={field.key}
                id={field.id}
                label={field.label}
                value={audience[field.key]}
                options={[{ value: "", label: ta("any") }, ...field.options]}
                onChange={(value) => setAudience((a) => ({ ...a, [field.key]: value }))}
              />
            ))}
          </fieldset>
          <TextField
            id="bulk-title"
            label={t("notificationTitle")}
            autoComplete="off"
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            error={titleText.length > TITLE_MAX ? t("titleInvalid", { max: TITLE_MAX }) : undefined}
          />
          <div>
            <label htmlFor="bulk-body">{t("body")}</label>
            <textarea
              id="bulk-body"
              rows={6}
              value={body}
              onChange={(e) => setBody(e.target.value)}
              aria-invalid={bodyText.length > BODY_MAX}
              aria-describedby="bulk-body-left bulk-body-error"
            />
            <p className="hint" id="bulk-body-left">
              {t("left", { count: BODY_MAX - bodyText.length })}
            </p>
            <p className="error" id="bulk-body-error">
              {bodyText.length > BODY_MAX ? t("bodyInvalid", { max: BODY_MAX }) : ""}
            </p>
          </div>
          <QueryView query={recipients}>
            {(n) => (
              <p data-testid="bulk-recipients" role="status">
                {n === 0 ? t("recipientsNone") : t("recipients", { count: n, audience: audienceText })}
              </p>
            )}
          </QueryView>
          <ConfirmAction
            label={recipients.data === undefined ? t("send") : t("sendTo", { count })}
            disabled={!titleValid || !bodyValid || count === 0}
            question={t("question", { title: titleText, count, audience: audienceText })}
            confirmLabel={t("sendTo", { count })}
            onConfirm={() =>
              send.mutateAsync(
                new BulkNotificationBody({
                  title: titleText,
                  body: bodyText,
                  ...(filters.role === undefined ? {} : { role: filters.role }),
                  ...(filters.platform === undefined ? {} : { platform: filters.platform }),
                  ...(filters.isVerified === undefined ? {} : { isVerified: filters.isVerified })
                })
              )
            }
            testId="bulk-send"
          />
          <Notice text={sent} testId="bulk-sent" />
        </form>
        <section className="card bulk-preview" aria-labelledby="bulk-preview-title" data-testid="bulk-preview">
          <h2 id="bulk-preview-title">{t("preview")}</h2>
          {titleText === "" && bodyText === "" ? (
            <p className="hint">{t("previewEmpty")}</p>
          ) : (
            <article className="notification-preview">
              <h3>{titleText}</h3>
              <p>{bodyText}</p>
            </article>
          )}
        </section>
      </div>
    </Screen>
  )
}

export default BulkNotifications
