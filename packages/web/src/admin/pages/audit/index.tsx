/** The audit log: who did what to which record, from where; filterable by actor, action, target and days, sortable. */
import { AuditSortColumn } from "@groupbuy/core/api"
import { useMemo } from "react"
import { defineMessages, useLanguage, useT } from "../../../app/I18n.js"
import { Screen } from "../../../app/Screen.js"
import { useAdminApi } from "../../AdminSession.js"
import type { PageItem } from "../../Types.js"
import { dayBound, sortOrder } from "../../grid/Choice.js"
import { dateTimeColumn } from "../../grid/Columns.js"
import { type GridColumn, type GridFilter, type GridQuery, ServerGrid } from "../../grid/ServerGrid.js"
import { adminMessages } from "../../messages.js"

/** The columns the server orders the log by. */
const SORTABLE = AuditSortColumn.literals

const messages = defineMessages({
  ru: {
    title: "Журнал действий",
    when: "Когда",
    actor: "Кто",
    action: "Действие",
    target: "Объект",
    details: "Подробности",
    ip: "IP",
    actorId: "Кто (id)",
    targetType: "Тип объекта",
    targetId: "Объект (id)",
    kindAdmin: "администратор",
    kindUser: "пользователь",
    kindSystem: "система"
  },
  en: {
    title: "Audit log",
    when: "When",
    actor: "Who",
    action: "Action",
    target: "Target",
    details: "Details",
    ip: "IP",
    actorId: "Who (id)",
    targetType: "Target type",
    targetId: "Target (id)",
    kindAdmin: "administrator",
    kindUser: "user",
    kindSystem: "system"
  }
})

type Entry = PageItem<"audit">

const target = (e: Entry) => (e.targetType === null ? "" : `${e.targetType} ${e.targetId ?? ""}`.trim())
const details = (e: Entry) => (Object.keys(e.details).length === 0 ? "" : JSON.stringify(e.details))

const AuditLog = () => {
  const t = useT(messages)
  const ta = useT(adminMessages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const kind = (e: Entry) =>
    e.actorKind === "admin" ? t("kindAdmin") : e.actorKind === "user" ? t("kindUser") : t("kindSystem")
  const columns = useMemo(
    (): ReadonlyArray<GridColumn<Entry>> => [
      dateTimeColumn({ id: "when", header: t("when"), sortKey: "createdAt", at: (e) => e.createdAt }, language),
      {
        id: "actor",
        header: t("actor"),
        cell: (e) => `${kind(e)} ${e.actorId ?? ""}`.trim(),
        csv: (e) => `${e.actorKind} ${e.actorId ?? ""}`.trim()
      },
      {
        id: "action",
        header: t("action"),
        sortKey: "action",
        cell: (e) => <code>{e.action}</code>,
        csv: (e) => e.action
      },
      { id: "target", header: t("target"), sortKey: "targetType", cell: target, csv: target },
      { id: "details", header: t("details"), cell: (e) => <span className="hint">{details(e)}</span>, csv: details },
      { id: "ip", header: t("ip"), cell: (e) => e.ip ?? "", csv: (e) => e.ip }
    ],
    [t, language]
  )
  const filters = useMemo(
    (): ReadonlyArray<GridFilter> => [
      { kind: "text", id: "action", label: t("action") },
      { kind: "text", id: "actorId", label: t("actorId") },
      { kind: "text", id: "targetType", label: t("targetType") },
      { kind: "text", id: "targetId", label: t("targetId") },
      { kind: "date", id: "from", label: ta("from") },
      { kind: "date", id: "to", label: ta("to") }
    ],
    [t, ta]
  )
  const fetchPage = async (q: GridQuery) => {
    const { action, actorId, from, targetId, targetType, to } = q.filters
    const urlParams = {
      offset: q.offset,
      limit: q.limit,
      action,
      actorId,
      targetType,
      targetId,
      from: dayBound(from, "start", ta("from")),
      to: dayBound(to, "end", ta("to")),
      sort: sortOrder(SORTABLE, q.sort)
    }
    return api.run((c) => c.admin.audit({ urlParams }))
  }
  return (
    <Screen title={t("title")}>
      <ServerGrid
        id="audit"
        label={t("title")}
        columns={columns}
        filters={filters}
        rowKey={(e) => String(e.id)}
        fetchPage={fetchPage}
      />
    </Screen>
  )
}

export default AuditLog
