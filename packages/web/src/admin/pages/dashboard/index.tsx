/**
 * The dashboard: the figures an administrator looks at first (users, procurements, money, activity) and charts of
 * them. The period (in the URL) is the trends' bucket and range — the last 30 days by day, 12 weeks by week or 12
 * months by month — and the window of the payments by status; the totals are the dashboard endpoint's (all time,
 * today, 7 and 30 days).
 */
import { type UseQueryResult, useQuery } from "@tanstack/react-query"
import { type ReactNode, useMemo } from "react"
import { useSearchParams } from "wouter"
import { formatMoney } from "../../../app/Format.js"
import { type Language, useLanguage, useT } from "../../../app/I18n.js"
import { useStatusLabel } from "../../../app/Procurement.js"
import { QueryView } from "../../../app/QueryView.js"
import { Screen } from "../../../app/Screen.js"
import { SelectField, type SelectOption } from "../../../app/SelectField.js"
import { useAdminApi } from "../../AdminSession.js"
import { chosen } from "../../grid/Choice.js"
import type { AdminResult } from "../../Types.js"
import { messages as paymentWords } from "../payments/messages.js"
import { messages as userWords } from "../users/messages.js"
import { type ChartProps, DashboardChart, type Series } from "./Chart.js"
import { messages } from "./messages.js"

type Stats = AdminResult<"dashboard">
type Summary = AdminResult<"paymentSummary">
type Trends = AdminResult<"dashboardTrends">
type Period = Trends["period"]

const DAY = 86_400_000

/** Each period: the first day of its range (UTC) and the payment summary's window in days. */
const PERIODS: Record<Period, { readonly from: (today: Date) => Date; readonly days: number }> = {
  day: { from: (today) => new Date(today.getTime() - 29 * DAY), days: 30 },
  week: { from: (today) => new Date(today.getTime() - 83 * DAY), days: 84 },
  month: { from: (today) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 11, 1)), days: 365 }
}
const PERIOD_KEYS: ReadonlyArray<Period> = ["day", "week", "month"]

const todayUtc = () => new Date(Math.floor(Date.now() / DAY) * DAY)

/** Kopecks as rubles for a chart's axis (the table writes the exact amount). */
const rubles = (kopecks: bigint) => Number(kopecks) / 100
const money = (language: Language) => (value: number) => formatMoney(BigInt(Math.round(value * 100)), language)

const Figure = ({ id, label, value, hint }: { id: string; label: string; value: string; hint?: string }) => (
  <div className="figure card" data-testid={`figure-${id}`}>
    <dt>{label}</dt>
    <dd>
      <span className="figure-value">{value}</span>
      {hint === undefined ? null : <span className="hint"> {hint}</span>}
    </dd>
  </div>
)

const Group = ({ id, title, children }: { id: string; title: string; children: ReactNode }) => (
  <section className="dashboard-group" aria-labelledby={`group-${id}`}>
    <h2 id={`group-${id}`}>{title}</h2>
    {children}
  </section>
)

/** A chart of the trends: one value per bucket, the buckets' labels, the period in the title. */
const TrendChart = ({
  trends,
  id,
  title,
  kind,
  series
}: {
  trends: UseQueryResult<Trends>
  id: string
  title: string
  kind: "bar" | "line"
  series: (buckets: Trends["buckets"]) => ReadonlyArray<Series>
}) => {
  const t = useT(messages)
  return (
    <QueryView query={trends}>
      {(data) => (
        <DashboardChart
          id={id}
          kind={kind}
          title={`${title} · ${t(`period_${data.period}`)}`}
          labelHeader={t(`bucket_${data.period}`)}
          labels={data.buckets.map((b) => b.label)}
          series={series(data.buckets)}
        />
      )}
    </QueryView>
  )
}

/** How many there are of each kind (a role, a platform, a status): a label and a count a row. */
const CountChart = <Row extends { readonly count: number }>({
  rows,
  label,
  ...chart
}: Omit<ChartProps, "labels" | "series"> & { rows: ReadonlyArray<Row>; label: (row: Row) => string }) => {
  const t = useT(messages)
  return (
    <DashboardChart
      {...chart}
      labels={rows.map(label)}
      series={[{ label: t("count"), values: rows.map((r) => r.count) }]}
    />
  )
}

const Board = ({
  stats,
  trends,
  summary,
  period
}: {
  stats: Stats
  trends: UseQueryResult<Trends>
  summary: UseQueryResult<Summary>
  period: Period
}) => {
  const t = useT(messages)
  const tu = useT(userWords)
  const tp = useT(paymentWords)
  const { language } = useLanguage()
  const number = (n: number) => new Intl.NumberFormat(language === "ru" ? "ru-RU" : "en-GB").format(n)
  const asMoney = money(language)
  const status = useStatusLabel()
  const { users, procurements } = stats
  const revenue = trends.data?.buckets.reduce((sum, b) => sum + b.paymentsAmount, 0n)
  return (
    <>
      <Group id="users" title={t("users")}>
        <dl className="figures">
          <Figure id="users-total" label={t("usersTotal")} value={number(users.total)} />
          <Figure id="users-today" label={t("newToday")} value={number(users.newToday)} />
          <Figure id="users-week" label={t("newWeek")} value={number(users.newWeek)} />
          <Figure id="users-month" label={t("newMonth")} value={number(users.newMonth)} />
        </dl>
        <div className="charts">
          <CountChart
            id="users-by-role"
            kind="doughnut"
            title={t("byRole")}
            labelHeader={t("role")}
            rows={users.byRole}
            label={(r) => tu(r.role)}
          />
          <CountChart
            id="users-by-platform"
            kind="bar"
            title={t("byPlatform")}
            labelHeader={t("platform")}
            rows={users.byPlatform}
            label={(r) => tu(r.platform)}
          />
          <TrendChart
            trends={trends}
            id="registrations"
            kind="bar"
            title={t("registrations")}
            series={(buckets) => [{ label: t("count"), values: buckets.map((b) => b.registrations) }]}
          />
        </div>
      </Group>
      <Group id="procurements" title={t("procurements")}>
        <dl className="figures">
          <Figure id="procurements-total" label={t("procurementsTotal")} value={number(procurements.total)} />
          <Figure id="procurements-active" label={t("active")} value={number(procurements.active)} />
          <Figure
            id="completion-rate"
            label={t("completionRate")}
            value={`${Math.round(procurements.completionRate * 100)} %`}
            hint={t("completionHint")}
          />
        </dl>
        <div className="charts">
          <CountChart
            id="procurements-by-status"
            kind="bar"
            title={t("byStatus")}
            labelHeader={t("status")}
            rows={procurements.byStatus}
            label={(r) => status(r.status)}
          />
          <TrendChart
            trends={trends}
            id="procurements-trend"
            kind="line"
            title={t("procurementsTrend")}
            series={(buckets) => [
              { label: t("created"), values: buckets.map((b) => b.procurementsCreated) },
              { label: t("completed"), values: buckets.map((b) => b.procurementsCompleted) }
            ]}
          />
        </div>
      </Group>
      <Group id="money" title={t("money")}>
        <dl className="figures">
          <Figure
            id="revenue"
            label={t("revenue")}
            value={revenue === undefined ? "…" : formatMoney(revenue, language)}
            hint={t(`period_${period}`)}
          />
        </dl>
        <div className="charts">
          <TrendChart
            trends={trends}
            id="payments-by-day"
            kind="line"
            title={t("received")}
            series={(buckets) => [
              { label: t("amount"), values: buckets.map((b) => rubles(b.paymentsAmount)), format: asMoney },
              { label: t("count"), values: buckets.map((b) => b.paymentsSucceeded), tableOnly: true }
            ]}
          />
          <QueryView query={summary}>
            {(summary) => (
              <DashboardChart
                id="payments-by-status"
                kind="bar"
                title={`${t("paymentsByStatus")} · ${t(`period_${period}`)}`}
                labelHeader={t("status")}
                labels={summary.byStatus.map((r) => tp(r.status))}
                series={[
                  { label: t("count"), values: summary.byStatus.map((r) => r.count) },
                  {
                    label: t("amount"),
                    values: summary.byStatus.map((r) => rubles(r.amount)),
                    format: asMoney,
                    tableOnly: true
                  }
                ]}
              />
            )}
          </QueryView>
        </div>
      </Group>
      <Group id="activity" title={t("activity")}>
        <dl className="figures">
          <Figure id="messages-total" label={t("messagesTotal")} value={number(stats.messages.total)} />
          <Figure id="messages-today" label={t("messagesToday")} value={number(stats.messages.today)} />
          <Figure id="notifications-total" label={t("notificationsTotal")} value={number(stats.notifications.total)} />
          <Figure
            id="notifications-unread"
            label={t("notificationsUnread")}
            value={number(stats.notifications.unread)}
          />
        </dl>
        <div className="charts">
          <TrendChart
            trends={trends}
            id="activity-trend"
            kind="line"
            title={t("activityTrend")}
            series={(buckets) => [
              { label: t("messagesSeries"), values: buckets.map((b) => b.messages) },
              { label: t("notificationsSeries"), values: buckets.map((b) => b.notifications) }
            ]}
          />
        </div>
      </Group>
    </>
  )
}

const Dashboard = () => {
  const t = useT(messages)
  const api = useAdminApi()
  const [params, setParams] = useSearchParams()
  const periods = useMemo(
    (): ReadonlyArray<SelectOption<Period>> => PERIOD_KEYS.map((p) => ({ value: p, label: t(`period_${p}`) })),
    [t]
  )
  const period = chosen(periods, params.get("period") ?? undefined) ?? "day"
  const stats = useQuery({ queryKey: ["admin-dashboard"], queryFn: () => api.run((c) => c.admin.dashboard()) })
  const trends = useQuery({
    queryKey: ["admin-dashboard-trends", period],
    queryFn: () =>
      api.run((c) => c.admin.dashboardTrends({ urlParams: { period, from: PERIODS[period].from(todayUtc()) } }))
  })
  const summary = useQuery({
    queryKey: ["admin-payment-summary", PERIODS[period].days],
    queryFn: () => api.run((c) => c.admin.paymentSummary({ urlParams: { days: PERIODS[period].days } }))
  })
  return (
    <Screen
      title={t("title")}
      className="dashboard"
      actions={
        <SelectField<Period>
          id="dashboard-period"
          label={t("period")}
          value={period}
          options={periods}
          onChange={(p) => setParams((previous) => ({ ...Object.fromEntries(previous), period: p }))}
        />
      }
    >
      <QueryView query={stats}>
        {(data) => <Board stats={data} trends={trends} summary={summary} period={period} />}
      </QueryView>
    </Screen>
  )
}

export default Dashboard
