/** Dashboard statistics for the admin API, computed with a few aggregate queries. */
import { SqlClient } from "@effect/sql"
import {
  type DashboardStats,
  kopecks,
  Payments,
  type Platform,
  type ProcurementStatus,
  type Role
} from "@groupbuy/core"
import { Clock, Effect } from "effect"

const DAY = 86_400_000

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
