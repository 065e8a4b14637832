/**
 * The fleet as data (issue #15): the bot records with their role, status, health and whether this instance runs them
 * — add a bot by its token (the server asks the platform; a wrong token or one in use is said next to the field),
 * pause / turn on, make main (asked) or fallback, remove (asked); a shop's bot is managed under "Bot shops". And the
 * pool of spare tokens that refills the fallback role: listed by their last four characters, added, removed (asked).
 */
import {
  AddBotPoolToken,
  AddBotRecord,
  type BotPoolEntry,
  type BotRecordView,
  UpdateBotRecord
} from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { Redacted } from "effect"
import { type FormEvent, useState } from "react"
import { BOT_PLATFORM_OPTIONS, type BotPlatform } from "../../../app/BotPlatforms.js"
import { ErrorMessage, ruleRefusal } from "../../../app/Errors.js"
import { useLanguage, useT } from "../../../app/I18n.js"
import { QueryView } from "../../../app/QueryView.js"
import { SelectField } from "../../../app/SelectField.js"
import { TextField } from "../../../app/TextField.js"
import { useAdminApi } from "../../AdminSession.js"
import { ConfirmAction } from "../../Confirm.js"
import { Notice } from "../../Notice.js"
import { recordsMessages as messages } from "./recordsMessages.js"

type Platform = BotPlatform
const RECORDS_KEY = ["admin-bot-records"] as const
const POOL_KEY = ["admin-bot-pool"] as const

const nameOf = (r: BotRecordView) => (r.username === null ? r.id : `@${r.username}`)

const TokenForm = ({
  id,
  submitLabel,
  withRole,
  run
}: {
  id: string
  submitLabel: string
  withRole: boolean
  run: (platform: Platform, token: string, role: "main" | "fallback") => Promise<unknown>
}) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const [platform, setPlatform] = useState<Platform>("telegram")
  const [role, setRole] = useState<"main" | "fallback">("fallback")
  const [token, setToken] = useState("")
  const [tried, setTried] = useState(false)
  const submit = useMutation({
    mutationFn: () => run(platform, token.trim(), role),
    onSuccess: () => {
      setToken("")
      setTried(false)
    }
  })
  const missing = token.trim() === ""
  const refused = ruleRefusal(submit.error, language)
  const onSubmit = (e: FormEvent) => {
    e.preventDefault()
    setTried(true)
    if (!missing && !submit.isPending) submit.mutate()
  }
  return (
    <form className="card" onSubmit={onSubmit} noValidate aria-label={submitLabel}>
      <SelectField<Platform>
        id={`${id}-platform`}
        label={t("platform")}
        value={platform}
        options={BOT_PLATFORM_OPTIONS}
        onChange={setPlatform}
      />
      {withRole ? (
        <SelectField<"main" | "fallback">
          id={`${id}-role`}
          label={t("role")}
          value={role}
          options={[
            { value: "fallback", label: t("fallback") },
            { value: "main", label: t("main") }
          ]}
          onChange={setRole}
        />
      ) : null}
      <TextField
        id={`${id}-token`}
        label={t("token")}
        type="password"
        autoComplete="off"
        value={token}
        onChange={(e) => setToken(e.target.value)}
        error={(tried && missing ? t("tokenRequired") : undefined) ?? refused}
      />
      {refused === undefined ? <ErrorMessage error={submit.error} /> : null}
      <button type="submit" disabled={submit.isPending} data-testid={`${id}-submit`}>
        {submit.isPending ? t("adding") : submitLabel}
      </button>
    </form>
  )
}

const RecordActions = ({ record, onDone }: { record: BotRecordView; onDone: (notice: string) => void }) => {
  const t = useT(messages)
  const api = useAdminApi()
  const queryClient = useQueryClient()
  const update = useMutation({
    mutationFn: (patch: UpdateBotRecord) =>
      api.run((c) => c.adminBotRecords.updateBotRecord({ path: { id: record.id }, payload: patch })),
    onSuccess: async (next) => {
      onDone(t("changed", { bot: nameOf(next), what: `${t(next.role)}, ${t(next.status)}` }))
      await queryClient.invalidateQueries({ queryKey: RECORDS_KEY })
    }
  })
  if (record.role === "referral") return null
  return (
    <div className="row">
      <button
        type="button"
        className="secondary"
        disabled={update.isPending}
        onClick={() => update.mutate(new UpdateBotRecord({ status: record.status === "active" ? "paused" : "active" }))}
        data-testid={`record-toggle-${record.id}`}
      >
        {record.status === "active" ? t("pause") : t("resume")}
      </button>
      {record.role === "main" ? (
        <button
          type="button"
          className="secondary"
          disabled={update.isPending}
          onClick={() => update.mutate(new UpdateBotRecord({ role: "fallback" }))}
        >
          {t("demote")}
        </button>
      ) : (
        <ConfirmAction
          label={t("promote")}
          question={t("promoteQuestion", { bot: nameOf(record) })}
          confirmLabel={t("promote")}
          onConfirm={() => update.mutateAsync(new UpdateBotRecord({ role: "main" }))}
          testId={`record-promote-${record.id}`}
        />
      )}
      <ConfirmAction
        label={t("remove")}
        danger
        question={t("removeQuestion", { bot: nameOf(record) })}
        confirmLabel={t("remove")}
        onConfirm={async () => {
          await api.run((c) => c.adminBotRecords.removeBotRecord({ path: { id: record.id } }))
          onDone(t("removed", { bot: nameOf(record) }))
          await queryClient.invalidateQueries({ queryKey: RECORDS_KEY })
        }}
        testId={`record-remove-${record.id}`}
      />
      <ErrorMessage error={update.error} />
    </div>
  )
}

export const Records = () => {
  const t = useT(messages)
  const api = useAdminApi()
  const queryClient = useQueryClient()
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const records = useQuery({ queryKey: RECORDS_KEY, queryFn: () => api.run((c) => c.adminBotRecords.botRecords()) })
  const pool = useQuery({ queryKey: POOL_KEY, queryFn: () => api.run((c) => c.adminBotPool.botPool()) })
  return (
    <>
      <section aria-labelledby="records-title">
        <h2 id="records-title">{t("records")}</h2>
        <p className="hint">{t("recordsIntro")}</p>
        <Notice text={notice} testId="records-notice" />
        <QueryView query={records}>
          {(list) => (
            <div className="table-scroll" role="region" aria-labelledby="records-title" tabIndex={0}>
              <table data-testid="bot-records">
                <thead>
                  <tr>
                    <th scope="col">{t("id")}</th>
                    <th scope="col">{t("platform")}</th>
                    <th scope="col">{t("role")}</th>
                    <th scope="col">{t("status")}</th>
                    <th scope="col">{t("health")}</th>
                    <th scope="col">{t("running")}</th>
                    <th scope="col">{t("actions")}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((r) => (
                    <tr
                      key={r.id}
                      data-record-id={r.id}
                      data-role={r.role}
                      data-status={r.status}
                      data-running={r.running}
                    >
                      <td>
                        <code>{r.id}</code>
                        {r.username === null ? null : <div className="hint">@{r.username}</div>}
                      </td>
                      <td>{r.platform}</td>
                      <td>{t(r.role)}</td>
                      <td>{t(r.status)}</td>
                      <td title={r.healthDetail ?? undefined}>{t(r.health)}</td>
                      <td>{r.running ? t("yes") : t("no")}</td>
                      <td>
                        <RecordActions record={r} onDone={setNotice} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryView>
        <h3>{t("add")}</h3>
        <TokenForm
          id="add-bot"
          submitLabel={t("add")}
          withRole
          run={async (platform, token, role) => {
            const added = await api.run((c) =>
              c.adminBotRecords.addBotRecord({
                payload: new AddBotRecord({ platform, role, token: Redacted.make(token) })
              })
            )
            setNotice(t("added", { bot: nameOf(added) }))
            await queryClient.invalidateQueries({ queryKey: RECORDS_KEY })
          }}
        />
      </section>
      <section aria-labelledby="pool-title">
        <h2 id="pool-title">{t("pool")}</h2>
        <p className="hint">{t("poolIntro")}</p>
        <QueryView query={pool}>
          {(list) => (
            <ul className="pool-list" data-testid="bot-pool">
              {list.map((entry: BotPoolEntry) => (
                <li key={entry.id} data-state={entry.state}>
                  <code>…{entry.hint}</code> · {entry.platform} · {t(entry.state)} · {t(entry.source)}
                  {entry.detail === null ? null : <span className="hint"> — {entry.detail}</span>}{" "}
                  <ConfirmAction
                    label={t("removeSpare")}
                    question={t("removeSpareQuestion", { hint: entry.hint })}
                    confirmLabel={t("removeSpare")}
                    onConfirm={async () => {
                      await api.run((c) => c.adminBotPool.removeBotPoolToken({ path: { id: entry.id } }))
                      setNotice(t("spareRemoved", { hint: entry.hint }))
                      await queryClient.invalidateQueries({ queryKey: POOL_KEY })
                    }}
                    testId={`pool-remove-${entry.hint}`}
                  />
                </li>
              ))}
            </ul>
          )}
        </QueryView>
        <TokenForm
          id="add-spare"
          submitLabel={t("addSpare")}
          withRole={false}
          run={async (platform, token) => {
            const added = await api.run((c) =>
              c.adminBotPool.addBotPoolToken({
                payload: new AddBotPoolToken({ platform, token: Redacted.make(token) })
              })
            )
            setNotice(t("spareAdded", { hint: added.hint }))
            await queryClient.invalidateQueries({ queryKey: POOL_KEY })
          }}
        />
      </section>
    </>
  )
}
