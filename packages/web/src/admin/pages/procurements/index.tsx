/**
 * Procurements: the server-paged grid with filters by status, category (its subcategories included), city and
 * featured, and a search over title and description; a title opens the procurement's page.
 */
import { ProcurementSortColumn } from "@groupbuy/core/api"
import { CategoryId } from "@groupbuy/core/api"
import { DateTime } from "effect"
import { useMemo } from "react"
import { Link } from "wouter"
import { formatDate, formatMoney } from "../../../app/Format.js"
import { useLanguage, useT } from "../../../app/I18n.js"
import { useStatusLabel, useStatusOptions } from "../../../app/Procurement.js"
import { Screen } from "../../../app/Screen.js"
import { useAdminApi } from "../../AdminSession.js"
import { chosen, sortOrder, typedId, yesNo, yesNoOptions } from "../../grid/Choice.js"
import { type GridColumn, type GridFilter, type GridQuery, ServerGrid } from "../../grid/ServerGrid.js"
import { dateTimeColumn } from "../../grid/Columns.js"
import { adminMessages } from "../../messages.js"
import { useAdminCategories } from "../categories/AdminCategories.js"
import { GRID_ID, type ProcurementRow } from "./AdminProcurement.js"
import { messages } from "./messages.js"

/** The columns the server orders procurements by. */
const SORTABLE = ProcurementSortColumn.literals

const ProcurementsGrid = () => {
  const t = useT(messages)
  const ta = useT(adminMessages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const statusLabel = useStatusLabel()
  const statuses = useStatusOptions()
  const categories = useAdminCategories()
  const categoryName = useMemo(() => {
    const names = new Map(categories.flat.map((c) => [c.category.id as string, c.category]))
    return (id: string | null) => {
      const category = id === null ? undefined : names.get(id)
      return category === undefined ? "" : `${category.icon ?? ""} ${category.name}`.trim()
    }
  }, [categories.flat])
  const columns = useMemo(
    (): ReadonlyArray<GridColumn<ProcurementRow>> => [
      {
        id: "title",
        header: t("name"),
        sortKey: "title",
        cell: (v) => <Link href={`/procurements/${v.procurement.id}`}>{v.procurement.title}</Link>,
        csv: (v) => v.procurement.title
      },
      {
        id: "status",
        header: t("status"),
        sortKey: "status",
        cell: (v) => statusLabel(v.procurement.status),
        csv: (v) => v.procurement.status
      },
      {
        id: "category",
        header: t("category"),
        cell: (v) => categoryName(v.procurement.categoryId),
        csv: (v) => categoryName(v.procurement.categoryId)
      },
      {
        id: "city",
        header: t("city"),
        sortKey: "city",
        cell: (v) => v.procurement.city,
        csv: (v) => v.procurement.city
      },
      {
        id: "organizer",
        header: t("organizer"),
        cell: (v) => <Link href={`/users/${v.organizer.id}`}>{v.organizer.name}</Link>,
        csv: (v) => v.organizer.name
      },
      {
        id: "collected",
        header: t("collected"),
        numeric: true,
        sortKey: "collectedAmount",
        cell: (v) => `${formatMoney(v.progress.collectedAmount, language)} (${v.progress.percent}%)`,
        csv: (v) => Number(v.progress.collectedAmount) / 100
      },
      {
        id: "target",
        header: t("target"),
        numeric: true,
        sortKey: "targetAmount",
        cell: (v) => formatMoney(v.procurement.targetAmount, language),
        csv: (v) => Number(v.procurement.targetAmount) / 100
      },
      {
        id: "participants",
        header: t("participants"),
        numeric: true,
        sortKey: "participantCount",
        cell: (v) => v.progress.participantCount,
        csv: (v) => v.progress.participantCount
      },
      {
        id: "deadline",
        header: t("deadline"),
        sortKey: "deadline",
        cell: (v) => formatDate(v.procurement.deadline, language),
        csv: (v) => DateTime.formatIso(v.procurement.deadline)
      },
      {
        id: "featured",
        header: t("featured"),
        cell: (v) => (v.procurement.isFeatured ? ta("yes") : ta("no")),
        csv: (v) => v.procurement.isFeatured
      },
      dateTimeColumn(
        { id: "created", header: t("created"), sortKey: "createdAt", at: (v) => v.procurement.createdAt },
        language
      ),
      {
        id: "id",
        header: t("id"),
        cell: (v) => <code className="hint">{v.procurement.id.slice(0, 8)}</code>,
        csv: (v) => v.procurement.id
      }
    ],
    [t, ta, language, statusLabel, categoryName]
  )
  const filters = useMemo(
    (): ReadonlyArray<GridFilter> => [
      { kind: "text", id: "query", label: t("search") },
      { kind: "select", id: "status", label: t("status"), options: statuses },
      { kind: "select", id: "categoryId", label: t("category"), options: categories.options },
      { kind: "text", id: "city", label: t("city") },
      { kind: "select", id: "featured", label: t("featured"), options: yesNoOptions(ta) }
    ],
    [t, ta, statuses, categories.options]
  )
  const fetchPage = async (q: GridQuery) => {
    const status = chosen(statuses, q.filters.status)
    return api.run((c) =>
      c.admin.procurements({
        urlParams: {
          offset: q.offset,
          limit: q.limit,
          query: q.filters.query,
          status: status === undefined ? undefined : [status],
          categoryId: typedId(CategoryId, q.filters.categoryId, t("category")),
          city: q.filters.city,
          featured: yesNo(q.filters.featured),
          sort: sortOrder(SORTABLE, q.sort)
        }
      })
    )
  }
  return (
    <Screen title={t("title")}>
      <ServerGrid
        id={GRID_ID}
        label={t("title")}
        columns={columns}
        filters={filters}
        rowKey={(v) => v.procurement.id}
        rowData={(v) => ({
          "data-procurement-id": v.procurement.id,
          "data-status": v.procurement.status,
          "data-featured": String(v.procurement.isFeatured)
        })}
        fetchPage={fetchPage}
      />
    </Screen>
  )
}

export default ProcurementsGrid
