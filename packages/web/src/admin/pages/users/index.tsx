/**
 * Users: the server-paged grid with filters by role, platform, active and verified, and one search over name, email,
 * phone and platform id (the server matches a platform id exactly, the rest by substring); a name opens the user's page.
 */
import { useMemo } from "react"
import { Link } from "wouter"
import { formatMoney } from "../../../app/Format.js"
import { useLanguage, useT } from "../../../app/I18n.js"
import { Screen } from "../../../app/Screen.js"
import type { Client } from "../../../app/Api.js"
import { useAdminApi } from "../../AdminSession.js"
import { chosen, sortOrder, yesNo, yesNoOptions } from "../../grid/Choice.js"
import { type GridColumn, type GridFilter, type GridQuery, ServerGrid } from "../../grid/ServerGrid.js"
import { dateTimeColumn } from "../../grid/Columns.js"
import { adminMessages } from "../../messages.js"
import { fullName, platformOptions, roleOptions, type UserRow } from "./Labels.js"
import { messages } from "./messages.js"

type UserSort = NonNullable<NonNullable<Parameters<Client["admin"]["users"]>[0]>["urlParams"]["sort"]>["column"]

/** The columns the server orders by (the grid's sort keys). */
const SORTABLE: ReadonlyArray<UserSort> = ["firstName", "email", "role", "balance", "createdAt"]

const UsersGrid = () => {
  const t = useT(messages)
  const ta = useT(adminMessages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const roles = useMemo(() => roleOptions(t), [t])
  const platforms = useMemo(() => platformOptions(t), [t])
  const yesNoText = (value: boolean) => (value ? ta("yes") : ta("no"))
  const columns = useMemo(
    (): ReadonlyArray<GridColumn<UserRow>> => [
      {
        id: "name",
        header: t("name"),
        sortKey: "firstName",
        cell: (u) => (
          <>
            <Link href={`/users/${u.id}`}>{fullName(u)}</Link>
            {u.username === null ? null : <span className="hint"> @{u.username}</span>}
            {u.isAdmin ? <span className="hint"> · {t("admin")}</span> : null}
          </>
        ),
        csv: fullName
      },
      { id: "email", header: t("email"), sortKey: "email", cell: (u) => u.email ?? "", csv: (u) => u.email },
      { id: "phone", header: t("phone"), cell: (u) => u.phone ?? "", csv: (u) => u.phone },
      { id: "role", header: t("role"), sortKey: "role", cell: (u) => t(u.role), csv: (u) => u.role },
      {
        id: "platform",
        header: t("lastPlatform"),
        cell: (u) => (u.lastPlatform === null ? "" : t(u.lastPlatform)),
        csv: (u) => u.lastPlatform
      },
      {
        id: "balance",
        header: t("balance"),
        sortKey: "balance",
        numeric: true,
        cell: (u) => formatMoney(u.balance, language),
        // rubles as a number, which a spreadsheet sums (exact: a balance is far below 2^53 kopecks)
        csv: (u) => Number(u.balance) / 100
      },
      { id: "active", header: t("active"), cell: (u) => yesNoText(u.isActive), csv: (u) => u.isActive },
      { id: "verified", header: t("verified"), cell: (u) => yesNoText(u.isVerified), csv: (u) => u.isVerified },
      dateTimeColumn(
        { id: "registered", header: t("registered"), sortKey: "createdAt", at: (u) => u.createdAt },
        language
      ),
      { id: "id", header: t("id"), cell: (u) => <code className="hint">{u.id.slice(0, 8)}</code>, csv: (u) => u.id }
    ],
    [t, ta, language]
  )
  const filters = useMemo(
    (): ReadonlyArray<GridFilter> => [
      { kind: "text", id: "query", label: `${t("search")}: ${t("searchHint")}` },
      { kind: "select", id: "role", label: t("role"), options: roles },
      { kind: "select", id: "platform", label: t("platform"), options: platforms },
      { kind: "select", id: "isActive", label: t("active"), options: yesNoOptions(ta) },
      { kind: "select", id: "isVerified", label: t("verified"), options: yesNoOptions(ta) }
    ],
    [t, ta, roles, platforms]
  )
  const fetchPage = (q: GridQuery) =>
    api.run((c) =>
      c.admin.users({
        urlParams: {
          offset: q.offset,
          limit: q.limit,
          sort: sortOrder(SORTABLE, q.sort),
          query: q.filters.query,
          role: chosen(roles, q.filters.role),
          platform: chosen(platforms, q.filters.platform),
          isActive: yesNo(q.filters.isActive),
          isVerified: yesNo(q.filters.isVerified)
        }
      })
    )
  return (
    <Screen title={t("title")}>
      <ServerGrid
        id="users"
        label={t("title")}
        columns={columns}
        filters={filters}
        rowKey={(u) => u.id}
        rowData={(u) => ({ "data-user-id": u.id, "data-active": String(u.isActive) })}
        fetchPage={fetchPage}
      />
    </Screen>
  )
}

export default UsersGrid
