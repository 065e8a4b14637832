/**
 * Role requests: who asks to become an organizer or a supplier (waiting ones first; the status filter shows the
 * decided ones), with approve / decline, each asked first. The server applies the role, audits the decision and tells
 * the requester in their language; a request decided meanwhile by another administrator is refused in its words.
 */
import { useMemo, useState } from "react"
import { Link } from "wouter"
import { useLanguage, useT } from "../../../app/I18n.js"
import { Screen } from "../../../app/Screen.js"
import { useAdminApi } from "../../AdminSession.js"
import { dateTimeColumn } from "../../grid/Columns.js"
import { type GridColumn, type GridFilter, type GridQuery, ServerGrid } from "../../grid/ServerGrid.js"
import { Notice } from "../../Notice.js"
import { fullName } from "../users/Labels.js"
import { messages as userWords } from "../users/messages.js"
import { Decide, type RoleRequestRow as Row } from "./Decide.js"
import { messages } from "./messages.js"

type Status = Row["request"]["status"]

const GRID = "role-requests"
const STATUSES: ReadonlyArray<Status> = ["PENDING", "APPROVED", "DECLINED"]

const RoleRequests = () => {
  const t = useT(messages)
  const tu = useT(userWords)
  const { language } = useLanguage()
  const api = useAdminApi()
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const columns = useMemo(
    (): ReadonlyArray<GridColumn<Row>> => [
      {
        id: "user",
        header: t("user"),
        cell: (r) => <Link href={`/users/${r.request.userId}`}>{fullName(r.user)}</Link>,
        csv: (r) => fullName(r.user)
      },
      { id: "current", header: t("current"), cell: (r) => tu(r.user.currentRole), csv: (r) => r.user.currentRole },
      { id: "requested", header: t("requested"), cell: (r) => tu(r.request.role), csv: (r) => r.request.role },
      { id: "status", header: t("status"), cell: (r) => t(r.request.status), csv: (r) => r.request.status },
      dateTimeColumn({ id: "asked", header: t("asked"), at: (r) => r.request.createdAt }, language),
      dateTimeColumn({ id: "decided", header: t("decided"), at: (r) => r.request.decidedAt }, language),
      { id: "actions", header: t("actions"), cell: (r) => <Decide row={r} onDone={setNotice} /> }
    ],
    [t, tu, language]
  )
  const filters = useMemo(
    (): ReadonlyArray<GridFilter> => [
      {
        kind: "select",
        id: "status",
        label: t("status"),
        options: STATUSES.map((s) => ({ value: s, label: t(s) }))
      }
    ],
    [t]
  )
  const fetchPage = (q: GridQuery) =>
    api.run((c) =>
      c.admin.roleRequests({
        urlParams: {
          offset: q.offset,
          limit: q.limit,
          ...(STATUSES.includes(q.filters.status as Status) ? { status: q.filters.status as Status } : {})
        }
      })
    )
  return (
    <Screen title={t("title")}>
      <p className="hint">{t("intro")}</p>
      <Notice text={notice} testId="role-requests-notice" />
      <ServerGrid
        id={GRID}
        label={t("title")}
        columns={columns}
        filters={filters}
        rowKey={(r) => r.request.id}
        rowData={(r) => ({ "data-role-request-id": r.request.id })}
        fetchPage={fetchPage}
      />
    </Screen>
  )
}

export default RoleRequests
