/**
 * Payments: the summary of the last days (by status, and paid by day) and the server-paged grid of every payment,
 * filterable by status, type, provider and user; the transaction journal is the section's second tab.
 */
import { PaymentSortColumn, UserId } from "@groupbuy/core/api"
import { useQuery } from "@tanstack/react-query"
import { DateTime } from "effect"
import { useMemo } from "react"
import { Link, useSearchParams } from "wouter"
import { DataTable, type DataColumn } from "../../../app/DataTable.js"
import { formatDate, formatMoney } from "../../../app/Format.js"
import { type Language, useLanguage, useT } from "../../../app/I18n.js"
import { QueryView } from "../../../app/QueryView.js"
import { Screen } from "../../../app/Screen.js"
import { SelectField, type SelectOption } from "../../../app/SelectField.js"
import { useAdminApi } from "../../AdminSession.js"
import { chosen, dayBound, sortOrder, typedId } from "../../grid/Choice.js"
import { type GridColumn, type GridFilter, type GridQuery, ServerGrid } from "../../grid/ServerGrid.js"
import { dateTimeColumn } from "../../grid/Columns.js"
import { adminMessages } from "../../messages.js"
import type { AdminResult, PageItem } from "../../Types.js"
import { messages } from "./messages.js"
import { PaymentTabs } from "./Tabs.js"

type PaymentRow = PageItem<"payments">
type PaymentStatus = PaymentRow["status"]
type PaymentType = PaymentRow["type"]
type Summary = AdminResult<"paymentSummary">

const STATUSES: ReadonlyArray<PaymentStatus> = ["PENDING", "WAITING_FOR_CAPTURE", "SUCCEEDED", "CANCELLED", "REFUNDED"]
const TYPES: ReadonlyArray<PaymentType> = ["DEPOSIT", "WITHDRAWAL", "PROCUREMENT_PAYMENT"]
/** The columns the server orders payments by. */
const SORTABLE = PaymentSortColumn.literals
const PERIODS = ["7", "30", "90", "365"] as const
type Period = (typeof PERIODS)[number]

const short = (id: string) => id.slice(0, 8)

/** "2026-12-04" (the server's UTC day) as the reader writes a date; noon keeps it the same day in every time zone. */
const dayLabel = (day: string, language: Language) =>
  /^\d{4}-\d{2}-\d{2}$/.test(day) ? formatDate(DateTime.unsafeMake(`${day}T12:00:00Z`), language) : day

const PaymentSummary = () => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  // the period lives in the URL beside the grid's state, so a reload or a shared link keeps it
  const [params, setParams] = useSearchParams()
  const periods = useMemo(
    (): ReadonlyArray<SelectOption<Period>> => PERIODS.map((d) => ({ value: d, label: t("days", { days: d }) })),
    [t]
  )
  const days = chosen(periods, params.get("days") ?? undefined) ?? "30"
  const setDays = (next: Period) =>
    setParams((previous) => {
      const changed = new URLSearchParams(previous)
      changed.set("days", next)
      return changed
    })
  const summary = useQuery({
    queryKey: ["admin-payment-summary", days],
    queryFn: () => api.run((c) => c.admin.paymentSummary({ urlParams: { days: Number(days) } }))
  })
  const byStatus = useMemo(
    (): ReadonlyArray<DataColumn<Summary["byStatus"][number]>> => [
      { id: "status", header: t("status"), cell: (r) => t(r.status) },
      { id: "count", header: t("count"), numeric: true, cell: (r) => r.count },
      { id: "amount", header: t("amount"), numeric: true, cell: (r) => formatMoney(r.amount, language) }
    ],
    [t, language]
  )
  const byDay = useMemo(
    (): ReadonlyArray<DataColumn<Summary["byDay"][number]>> => [
      { id: "day", header: t("day"), cell: (r) => dayLabel(r.day, language) },
      { id: "count", header: t("count"), numeric: true, cell: (r) => r.count },
      { id: "amount", header: t("amount"), numeric: true, cell: (r) => formatMoney(r.amount, language) }
    ],
    [t, language]
  )
  return (
    <section className="card payment-summary" aria-labelledby="summary-title" data-testid="payment-summary">
      <div className="row summary-header">
        <h2 id="summary-title">{t("summary")}</h2>
        <SelectField<Period> id="summary-days" label={t("period")} value={days} options={periods} onChange={setDays} />
      </div>
      <QueryView query={summary}>
        {(data) => (
          <div className="grid-2">
            <div>
              <h3>{t("byStatus")}</h3>
              <DataTable
                label={t("byStatus")}
                testId="summary-by-status"
                rows={data.byStatus}
                rowKey={(r) => r.status}
                rowData={(r) => ({ "data-status": r.status })}
                columns={byStatus}
              />
            </div>
            <div>
              <h3>{t("byDay")}</h3>
              {data.byDay.length === 0 ? (
                <p className="hint">{t("noDays")}</p>
              ) : (
                <DataTable
                  label={t("byDay")}
                  testId="summary-by-day"
                  rows={data.byDay}
                  rowKey={(r) => r.day}
                  columns={byDay}
                />
              )}
            </div>
          </div>
        )}
      </QueryView>
    </section>
  )
}

const Payments = () => {
  const t = useT(messages)
  const ta = useT(adminMessages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const statuses = useMemo(
    (): ReadonlyArray<SelectOption<PaymentStatus>> => STATUSES.map((s) => ({ value: s, label: t(s) })),
    [t]
  )
  const types = useMemo(
    (): ReadonlyArray<SelectOption<PaymentType>> => TYPES.map((s) => ({ value: s, label: t(s) })),
    [t]
  )
  const columns = useMemo(
    (): ReadonlyArray<GridColumn<PaymentRow>> => [
      dateTimeColumn({ id: "created", header: t("created"), sortKey: "createdAt", at: (p) => p.createdAt }, language),
      {
        id: "user",
        header: t("user"),
        cell: (p) => <Link href={`/users/${p.userId}`}>{short(p.userId)}</Link>,
        csv: (p) => p.userId
      },
      { id: "type", header: t("type"), sortKey: "type", cell: (p) => t(p.type), csv: (p) => p.type },
      { id: "status", header: t("status"), sortKey: "status", cell: (p) => t(p.status), csv: (p) => p.status },
      { id: "provider", header: t("provider"), sortKey: "provider", cell: (p) => p.provider, csv: (p) => p.provider },
      {
        id: "amount",
        header: t("amount"),
        numeric: true,
        sortKey: "amount",
        cell: (p) => formatMoney(p.amount, language),
        csv: (p) => Number(p.amount) / 100
      },
      { id: "description", header: t("description"), cell: (p) => p.description ?? "", csv: (p) => p.description },
      dateTimeColumn({ id: "settled", header: t("settled"), sortKey: "settledAt", at: (p) => p.settledAt }, language),
      {
        id: "procurement",
        header: t("procurement"),
        cell: (p) =>
          p.procurementId === null ? (
            ""
          ) : (
            <Link href={`/procurements/${p.procurementId}`}>{short(p.procurementId)}</Link>
          ),
        csv: (p) => p.procurementId
      },
      { id: "id", header: t("id"), cell: (p) => <code className="hint">{short(p.id)}</code>, csv: (p) => p.id }
    ],
    [t, language]
  )
  const filters = useMemo(
    (): ReadonlyArray<GridFilter> => [
      { kind: "select", id: "status", label: t("status"), options: statuses },
      { kind: "select", id: "type", label: t("type"), options: types },
      { kind: "text", id: "provider", label: t("provider") },
      { kind: "text", id: "userId", label: t("userId") },
      { kind: "date", id: "from", label: ta("from") },
      { kind: "date", id: "to", label: ta("to") }
    ],
    [t, ta, statuses, types]
  )
  const fetchPage = async (q: GridQuery) => {
    const userId = typedId(UserId, q.filters.userId, t("userId"))
    return api.run((c) =>
      c.admin.payments({
        urlParams: {
          offset: q.offset,
          limit: q.limit,
          status: chosen(statuses, q.filters.status),
          type: chosen(types, q.filters.type),
          provider: q.filters.provider,
          userId,
          from: dayBound(q.filters.from, "start", ta("from")),
          to: dayBound(q.filters.to, "end", ta("to")),
          sort: sortOrder(SORTABLE, q.sort)
        }
      })
    )
  }
  return (
    <Screen title={t("title")}>
      <PaymentTabs />
      <PaymentSummary />
      <ServerGrid
        id="payments"
        label={t("title")}
        columns={columns}
        filters={filters}
        rowKey={(p) => p.id}
        rowData={(p) => ({ "data-payment-id": p.id, "data-status": p.status })}
        fetchPage={fetchPage}
      />
    </Screen>
  )
}

export default Payments
