/** Dashboard statistics for the admin API, computed with a few aggregate queries. */
import { SqlClient } from "@effect/sql"
import {
  type DashboardStats,
  InvalidInput,
  Kopecks,
  kopecks,
  Payments,
  type Platform,
  type ProcurementStatus,
  type Role
} from "@groupbuy/core"
import { Clock, DateTime, Effect, Schema } from "effect"

const DAY = 86_400_000

export type DashboardPeriod = "day" | "week" | "month"

// whitelisted SQL for each period: date_trunc's field, the step, and the label format (ISO weeks)
const PERIODS: Record<DashboardPeriod, { readonly step: string; readonly label: string }> = {
  day: { step: "1 day", label: "YYYY-MM-DD" },
  week: { step: "1 week", label: 'IYYY-"W"IW' },
  month: { step: "1 month", label: "YYYY-MM" }
}
const MAX_BUCKETS = 1000
const STEP_MS: Record<DashboardPeriod, number> = { day: DAY, week: 7 * DAY, month: 28 * DAY }

const TrendRow = Schema.Struct({
  label: Schema.String,
  start: Schema.DateTimeUtcFromDate,
  registrations: Schema.NumberFromString,
  procurementsCreated: Schema.NumberFromString,
  procurementsCompleted: Schema.NumberFromString,
  paymentsSucceeded: Schema.NumberFromString,
  paymentsAmount: Kopecks,
  messages: Schema.NumberFromString,
  notifications: Schema.NumberFromString
})

/**
 * Activity per period between `from` and `to`: one generated bucket each (zeros included), joined with per-table
 * counts grouped by the same truncation (UTC).
 */
const trends = (period: DashboardPeriod, from: Date, to: Date) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const field = sql.literal(`'${period}'`)
    const { label, step } = PERIODS[period]
    const bucket = (column: string) => sql.literal(`date_trunc('${period}', ${column} AT TIME ZONE 'UTC')`)
    const counted = (table: string, column: string, where = "true") =>
      sql`SELECT ${bucket(column)} AS start, count(*) AS n FROM ${sql.literal(table)}
          WHERE ${sql.literal(column)} >= ${from} AND ${sql.literal(column)} < ${to}::timestamptz + interval '1 millisecond'
            AND ${sql.literal(where)}
          GROUP BY 1`
    const rows = yield* sql`
      WITH b AS (
        SELECT generate_series(date_trunc(${field}, ${from}::timestamptz AT TIME ZONE 'UTC'),
          date_trunc(${field}, ${to}::timestamptz AT TIME ZONE 'UTC'), ${sql.literal(`interval '${step}'`)}) AS start
      ),
      u AS (${counted("users", "created_at")}),
      pc AS (${counted("procurements", "created_at")}),
      pd AS (${counted("procurements", "updated_at", "status = 'COMPLETED'")}),
      pay AS (
        SELECT ${bucket("settled_at")} AS start, count(*) AS n, sum(amount) AS amount FROM payments
        WHERE status = 'SUCCEEDED' AND settled_at >= ${from} AND settled_at < ${to}::timestamptz + interval '1 millisecond'
        GROUP BY 1
      ),
      m AS (${counted("chat_messages", "created_at")}),
      nt AS (${counted("notifications", "created_at")})
      SELECT to_char(b.start, ${label}) AS label, b.start AT TIME ZONE 'UTC' AS start,
        coalesce(u.n, 0)::text AS registrations, coalesce(pc.n, 0)::text AS procurements_created,
        coalesce(pd.n, 0)::text AS procurements_completed, coalesce(pay.n, 0)::text AS payments_succeeded,
        coalesce(pay.amount, 0)::text AS payments_amount, coalesce(m.n, 0)::text AS messages,
        coalesce(nt.n, 0)::text AS notifications
      FROM b LEFT JOIN u USING (start) LEFT JOIN pc USING (start) LEFT JOIN pd USING (start)
        LEFT JOIN pay USING (start) LEFT JOIN m USING (start) LEFT JOIN nt USING (start)
      ORDER BY b.start`
    return yield* Schema.decodeUnknown(Schema.Array(TrendRow))(rows)
  })

/** The dashboard's trends for `period` over `from`..`to` (the last 30 days by day by default). */
export const dashboardTrends = (options: {
  readonly period?: DashboardPeriod | undefined
  readonly from?: Date | undefined
  readonly to?: Date | undefined
}) =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    const period = options.period ?? "day"
    const to = options.to ?? new Date(now)
    const from = options.from ?? new Date(Math.floor(now / DAY) * DAY - 29 * DAY)
    if (from.getTime() > to.getTime()) {
      return yield* InvalidInput.single("from", "dashboard.range", "from is after to", "начало периода позже его конца")
    }
    if ((to.getTime() - from.getTime()) / STEP_MS[period] > MAX_BUCKETS) {
      return yield* InvalidInput.single(
        "from",
        "dashboard.too-many-buckets",
        `at most ${MAX_BUCKETS} buckets: choose a shorter range or a longer period`,
        `не больше ${MAX_BUCKETS} интервалов: выберите период короче или шаг крупнее`
      )
    }
    const buckets = yield* trends(period, from, to).pipe(Effect.orDie)
    return { period, from: DateTime.unsafeFromDate(from), to: DateTime.unsafeFromDate(to), buckets }
  }).pipe(Effect.withSpan("Admin.dashboardTrends"))

export const dashboardStats = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const payments = yield* Payments
  const now = yield* Clock.currentTimeMillis
  const startOfDay = new Date(Math.floor(now / DAY) * DAY)
  const weekAgo = new Date(now - 7 * DAY)
  const monthAgo = new Date(now - 30 * DAY)
  const n = (v: unknown) => Number(v ?? 0)

  const [users] = yield* sql<{ total: string; today: string; week: string; month: string }>`
    SELECT count(*) AS total,
      count(*) FILTER (WHERE created_at >= ${startOfDay}) AS today,
      count(*) FILTER (WHERE created_at >= ${weekAgo}) AS week,
      count(*) FILTER (WHERE created_at >= ${monthAgo}) AS month
    FROM users`
  const byRole = yield* sql<{ role: Role; count: string }>`SELECT role, count(*) AS count FROM users GROUP BY role`
  const byPlatform = yield* sql<{ platform: Platform; count: string }>`
    SELECT platform, count(DISTINCT user_id) AS count FROM platform_identities GROUP BY platform`
  const byStatus = yield* sql<{ status: ProcurementStatus; count: string }>`
    SELECT status, count(*) AS count FROM procurements GROUP BY status`
  const [messages] = yield* sql<{ total: string; today: string }>`
    SELECT count(*) AS total, count(*) FILTER (WHERE created_at >= ${startOfDay}) AS today
    FROM chat_messages WHERE deleted_at IS NULL`
  const [notifications] = yield* sql<{ total: string; unread: string }>`
    SELECT count(*) AS total, count(*) FILTER (WHERE NOT is_read) AS unread FROM notifications`
  const summary = yield* payments.summary(30)

  const statusCount = (s: ProcurementStatus) => n(byStatus.find((r) => r.status === s)?.count)
  const finished = statusCount("COMPLETED") + statusCount("CANCELLED")
  const revenue = summary.byStatus.find((s) => s.status === "SUCCEEDED")?.amount ?? kopecks(0)
  const stats: DashboardStats = {
    users: {
      total: n(users?.total),
      byRole: byRole.map((r) => ({ role: r.role, count: n(r.count) })),
      byPlatform: byPlatform.map((r) => ({ platform: r.platform, count: n(r.count) })),
      newToday: n(users?.today),
      newWeek: n(users?.week),
      newMonth: n(users?.month)
    },
    procurements: {
      total: byStatus.reduce((sum, r) => sum + n(r.count), 0),
      byStatus: byStatus.map((r) => ({ status: r.status, count: n(r.count) })),
      active: statusCount("ACTIVE"),
      completionRate: finished === 0 ? 0 : statusCount("COMPLETED") / finished
    },
    payments: { revenue, byStatus: summary.byStatus, byDay: summary.byDay },
    messages: { total: n(messages?.total), today: n(messages?.today) },
    notifications: { total: n(notifications?.total), unread: n(notifications?.unread) }
  }
  return stats
}).pipe(Effect.orDie, Effect.withSpan("Admin.dashboard"))
