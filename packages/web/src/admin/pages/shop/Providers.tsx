/**
 * External providers: each configured one (on / off, whether a key is set — never the key —, address, markup,
 * versions, countries, periods, sync interval, the last sync) with its form and "Sync now", a form to add one, and the
 * sync log (what each run created, updated and deactivated, or why it failed).
 */
import { ConfigureProvider } from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { type FormEvent, useMemo, useState } from "react"
import { ErrorMessage, fieldErrors } from "../../../app/Errors.js"
import { formatDateTime } from "../../../app/Format.js"
import { useLanguage, useT } from "../../../app/I18n.js"
import { Loading, Screen } from "../../../app/Screen.js"
import { TextField } from "../../../app/TextField.js"
import { useAdminApi } from "../../AdminSession.js"
import { chosen } from "../../grid/Choice.js"
import { dateTimeColumn } from "../../grid/Columns.js"
import { type GridColumn, type GridFilter, type GridQuery, ServerGrid } from "../../grid/ServerGrid.js"
import { Notice } from "../../Notice.js"
import { messages } from "./messages.js"
import "./shop.css"
import type { ProviderView, SyncRun } from "./ShopTypes.js"
import { ShopTabs } from "./Tabs.js"

const PROVIDERS_KEY = ["admin-shop-providers"] as const

interface Draft {
  readonly providerId: string
  readonly enabled: boolean
  readonly apiKey: string
  readonly baseUrl: string
  readonly markupPercent: string
  readonly versions: string
  readonly countries: string
  readonly periods: string
  readonly syncIntervalMinutes: string
}

const draftOf = (p: ProviderView | undefined): Draft => ({
  providerId: p?.providerId ?? "proxy6",
  enabled: p?.enabled ?? false,
  apiKey: "",
  baseUrl: p?.baseUrl ?? "",
  markupPercent: p?.markupPercent === null || p?.markupPercent === undefined ? "" : String(p.markupPercent),
  versions: (p?.versions ?? [4, 6]).join(", "),
  countries: (p?.countries ?? []).join(", "),
  periods: (p?.periods ?? [30]).join(", "),
  syncIntervalMinutes: String(p?.syncIntervalMinutes ?? 60)
})

const items = (text: string) =>
  text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "")
const ints = (text: string) => {
  const parts = items(text)
  return parts.every((p) => /^\d{1,6}$/.test(p)) ? parts.map(Number) : undefined
}

const ProviderForm = ({ provider, onSaved }: { provider: ProviderView | undefined; onSaved: (id: string) => void }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const queryClient = useQueryClient()
  const [draft, setDraft] = useState(() => draftOf(provider))
  const set = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }))
  const markup = draft.markupPercent.trim().replace(",", ".")
  const problems: Partial<Record<keyof Draft, string>> = {
    ...(/^[a-z0-9][a-z0-9_-]{0,39}$/.test(draft.providerId) ? {} : { providerId: t("errList") }),
    ...(markup === "" || /^\d+(\.\d+)?$/.test(markup) ? {} : { markupPercent: t("errMarkup") }),
    ...(ints(draft.versions) === undefined ? { versions: t("errList") } : {}),
    ...(ints(draft.periods) === undefined ? { periods: t("errList") } : {}),
    ...(/^\d{1,6}$/.test(draft.syncIntervalMinutes.trim()) ? {} : { syncIntervalMinutes: t("errInterval") })
  }
  const save = useMutation({
    mutationFn: () =>
      api.run((c) =>
        c.shopAdmin.configureProvider({
          path: { providerId: draft.providerId },
          payload: new ConfigureProvider({
            kind: "proxy6",
            enabled: draft.enabled,
            ...(draft.apiKey.trim() === "" ? {} : { apiKey: draft.apiKey.trim() }),
            ...(draft.baseUrl.trim() === "" ? {} : { baseUrl: draft.baseUrl.trim() }),
            markupPercent: markup === "" ? null : Number(markup),
            versions: ints(draft.versions)!,
            countries: items(draft.countries).map((c) => c.toUpperCase()),
            periods: ints(draft.periods)!,
            syncIntervalMinutes: Number(draft.syncIntervalMinutes.trim())
          })
        })
      ),
    onSuccess: async (saved) => {
      set({ apiKey: "" })
      await queryClient.invalidateQueries({ queryKey: PROVIDERS_KEY })
      onSaved(saved.providerId)
    }
  })
  const server = fieldErrors(save.error, language)
  const error = (field: keyof Draft) => problems[field] ?? server[field]
  const prefix = `provider-${provider?.providerId ?? "new"}`
  const field = (name: Exclude<keyof Draft, "enabled">, label: string) => (
    <TextField
      id={`${prefix}-${name}`}
      label={label}
      value={draft[name]}
      onChange={(e) => set({ [name]: e.target.value })}
      error={error(name)}
      {...(name === "apiKey" ? { type: "password", autoComplete: "off" } : {})}
      {...(name === "providerId" && provider !== undefined ? { readOnly: true } : {})}
    />
  )
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (Object.keys(problems).length === 0 && !save.isPending) save.mutate()
  }
  return (
    <form onSubmit={submit} noValidate aria-label={provider === undefined ? t("addProvider") : provider.providerId}>
      {field("providerId", t("providerId"))}
      <label className="shop-check">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
        {t("enabled")}
      </label>
      {field("apiKey", provider?.apiKeySet === true ? t("apiKeyKeep") : t("apiKey"))}
      {field("baseUrl", t("baseUrl"))}
      {field("markupPercent", t("markupPercent"))}
      {field("versions", t("versions"))}
      {field("countries", t("countries"))}
      {field("periods", t("periods"))}
      {field("syncIntervalMinutes", t("syncIntervalMinutes"))}
      {Object.keys(server).length === 0 ? <ErrorMessage error={save.error} /> : null}
      <p>
        <button type="submit" disabled={save.isPending} data-testid={`${prefix}-save`}>
          {provider === undefined ? t("addProvider") : t("configure")}
        </button>
      </p>
    </form>
  )
}

const ProviderCard = ({ provider, onNotice }: { provider: ProviderView; onNotice: (text: string) => void }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const queryClient = useQueryClient()
  const sync = useMutation({
    mutationFn: () => api.run((c) => c.shopAdmin.syncProvider({ path: { providerId: provider.providerId } })),
    onSuccess: async (run) => {
      onNotice(
        t("synced", {
          id: run.providerId,
          status: run.status === "OK" ? t("OK") : `${t("FAILED")}: ${run.error ?? ""}`,
          created: run.created,
          updated: run.updated,
          deactivated: run.deactivated,
          unchanged: run.unchanged
        })
      )
      await queryClient.invalidateQueries({ queryKey: PROVIDERS_KEY })
      await queryClient.invalidateQueries({ queryKey: ["admin-grid"] })
    }
  })
  const headingId = `provider-${provider.providerId}-title`
  return (
    <section className="card" aria-labelledby={headingId} data-testid={`provider-${provider.providerId}`}>
      <h2 id={headingId}>{provider.providerId}</h2>
      <p className="hint">
        {provider.enabled ? t("enabled") : `${t("enabled")}: ${t("no")}`} ·{" "}
        {provider.apiKeySet ? t("apiKeySet", { hint: provider.apiKeyHint ?? "" }) : t("apiKeyNone")} · {t("lastSyncAt")}
        : {provider.lastSyncAt === null ? t("never") : formatDateTime(provider.lastSyncAt, language)}
      </p>
      <p>
        <button
          type="button"
          className="secondary"
          disabled={sync.isPending}
          aria-busy={sync.isPending}
          onClick={() => sync.mutate()}
          data-testid={`sync-${provider.providerId}`}
        >
          {t("syncNow")}
        </button>
      </p>
      <ErrorMessage error={sync.error} />
      <ProviderForm provider={provider} onSaved={(id) => onNotice(t("configured", { id }))} />
    </section>
  )
}

const SyncLog = () => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const statusOptions = useMemo(
    () => [
      { value: "OK" as const, label: t("OK") },
      { value: "FAILED" as const, label: t("FAILED") }
    ],
    [t]
  )
  const columns = useMemo(
    (): ReadonlyArray<GridColumn<SyncRun>> => [
      dateTimeColumn({ id: "createdAt", header: t("createdAt"), at: (r) => r.createdAt }, language),
      { id: "provider", header: t("provider"), cell: (r) => r.providerId, csv: (r) => r.providerId },
      { id: "status", header: t("runStatus"), cell: (r) => t(r.status), csv: (r) => r.status },
      {
        id: "changes",
        header: t("changes"),
        cell: (r) =>
          r.status === "FAILED"
            ? (r.error ?? "")
            : `+${r.created} / ~${r.updated} / −${r.deactivated} / =${r.unchanged}`,
        csv: (r) =>
          r.status === "FAILED" ? (r.error ?? "") : r.changes.map((c) => `${c.change}: ${c.title}`).join("; ")
      }
    ],
    [t, language]
  )
  const filters = useMemo(
    (): ReadonlyArray<GridFilter> => [{ kind: "select", id: "status", label: t("runStatus"), options: statusOptions }],
    [t, statusOptions]
  )
  const fetchPage = (q: GridQuery) => {
    const status = chosen(statusOptions, q.filters.status)
    return api.run((c) =>
      c.shopAdmin.syncLog({
        urlParams: { offset: q.offset, limit: q.limit, ...(status === undefined ? {} : { status }) }
      })
    )
  }
  return (
    <section aria-labelledby="sync-log-title">
      <h2 id="sync-log-title">{t("syncLog")}</h2>
      <ServerGrid
        id="shop-sync-log"
        label={t("syncLog")}
        columns={columns}
        filters={filters}
        rowKey={(r) => r.id}
        rowData={(r) => ({ "data-status": r.status })}
        fetchPage={fetchPage}
      />
    </section>
  )
}

const Providers = () => {
  const t = useT(messages)
  const api = useAdminApi()
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const providers = useQuery({ queryKey: PROVIDERS_KEY, queryFn: () => api.run((c) => c.shopAdmin.providers()) })
  return (
    <Screen title={t("providersTitle")}>
      <ShopTabs />
      <p className="hint">{t("providersIntro")}</p>
      <Notice text={notice} testId="providers-notice" />
      {providers.isPending ? (
        <Loading />
      ) : providers.isError ? (
        <ErrorMessage error={providers.error} />
      ) : (
        <div className="grid-2">
          {providers.data.map((p) => (
            <ProviderCard key={p.providerId} provider={p} onNotice={setNotice} />
          ))}
          <section className="card" aria-labelledby="add-provider-title">
            <h2 id="add-provider-title">{t("addProvider")}</h2>
            <ProviderForm provider={undefined} onSaved={(id) => setNotice(t("configured", { id }))} />
          </section>
        </div>
      )}
      <SyncLog />
    </Screen>
  )
}

export default Providers
