/**
 * The dashboard: the figures an administrator looks at first (users, procurements, money, activity) and charts of
 * them. The period selector sets the window of the money charts (the payment summary's `days`, kept in the URL); the
 * rest are the dashboard endpoint's fixed windows (today, 7 and 30 days).
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
import { DashboardChart } from "./Chart.js"
import { messages } from "./messages.js"

type Stats = AdminResult<"dashboard">
type Summary = AdminResult<"paymentSummary">
type Days = "7" | "30" | "90" | "365"

const DAYS: ReadonlyArray<Days> = ["7", "30", "90", "365"]

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

const Board = ({ stats, summary, days }: { stats: Stats; summary: UseQueryResult<Summary>; days: Days }) => {
  const t = useT(messages)
  const tu = useT(userWords)
  const tp = useT(paymentWords)
  const { language } = useLanguage()
  const number = (n: number) => new Intl.NumberFormat(language === "ru" ? "ru-RU" : "en-GB").format(n)
  const asMoney = money(language)
  const status = useStatusLabel()
  const { users, procurements } = stats
  const revenue = summary.data?.byStatus.find((s) => s.status === "SUCCEEDED")?.amount ?? 0n
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
          <DashboardChart
            id="users-by-role"
            kind="doughnut"
            title={t("byRole")}
            labelHeader={t("role")}
            labels={users.byRole.map((r) => tu(r.role))}
            series={[{ label: t("count"), values: users.byRole.map((r) => r.count) }]}
          />
          <DashboardChart
            id="users-by-platform"
            kind="bar"
            title={t("byPlatform")}
            labelHeader={t("platform")}
            labels={users.byPlatform.map((r) => tu(r.platform))}
            series={[{ label: t("count"), values: users.byPlatform.map((r) => r.count) }]}
          />
          <DashboardChart
            id="registrations"
            kind="bar"
            title={t("registrations")}
            labelHeader={t("when")}
            labels={[t("today"), t("week"), t("month")]}
            series={[{ label: t("count"), values: [users.newToday, users.newWeek, users.newMonth] }]}
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
          <DashboardChart
            id="procurements-by-status"
            kind="bar"
            title={t("byStatus")}
            labelHeader={t("status")}
            labels={procurements.byStatus.map((r) => status(r.status))}
            series={[{ label: t("count"), values: procurements.byStatus.map((r) => r.count) }]}
          />
        </div>
      </Group>
      <Group id="money" title={t("money")}>
        <dl className="figures">
          <Figure
            id="revenue"
            label={t("revenue")}
            value={summary.data === undefined ? "…" : formatMoney(revenue, language)}
            hint={t(`days${days}`)}
          />
        </dl>
        <QueryView query={summary}>
          {(summary) => (
            <div className="charts">
              <DashboardChart
                id="payments-by-status"
                kind="bar"
                title={t("paymentsByStatus")}
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
              <DashboardChart
                id="payments-by-day"
                kind="line"
                title={t("paymentsByDay")}
                labelHeader={t("day")}
                labels={summary.byDay.map((r) => r.day)}
                series={[
                  { label: t("amount"), values: summary.byDay.map((r) => rubles(r.amount)), format: asMoney },
                  { label: t("count"), values: summary.byDay.map((r) => r.count), tableOnly: true }
                ]}
              />
            </div>
          )}
        </QueryView>
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
      </Group>
    </>
  )
}

const Dashboard = () => {
  const t = useT(messages)
  const api = useAdminApi()
  const [params, setParams] = useSearchParams()
  const periods = useMemo(
    (): ReadonlyArray<SelectOption<Days>> => DAYS.map((d) => ({ value: d, label: t(`days${d}`) })),
    [t]
  )
  const days = chosen(periods, params.get("days") ?? undefined) ?? "30"
  const stats = useQuery({ queryKey: ["admin-dashboard"], queryFn: () => api.run((c) => c.admin.dashboard()) })
  const summary = useQuery({
    queryKey: ["admin-payment-summary", days],
    queryFn: () => api.run((c) => c.admin.paymentSummary({ urlParams: { days: Number(days) } }))
  })
  return (
    <Screen
      title={t("title")}
      className="dashboard"
      actions={
        <SelectField<Days>
          id="dashboard-period"
          label={t("period")}
          value={days}
          options={periods}
          onChange={(d) => setParams((p) => ({ ...Object.fromEntries(p), days: d }))}
        />
      }
    >
      <QueryView query={stats}>{(data) => <Board stats={data} summary={summary} days={days} />}</QueryView>
    </Screen>
  )
}

export default Dashboard
