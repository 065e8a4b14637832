/**
 * One procurement for the admin panel's procurement page. The admin API has no `GET /admin/procurements/{id}` yet (and
 * the cabinet's `GET /procurements/{id}` needs a user's token), so the page starts from the row the grid already
 * loaded and refreshes it by paging the admin list (100 rows a request) until the id turns up. Replace the scan with
 * the single-procurement endpoint once the admin API has one.
 */
import type { ProcurementId } from "@groupbuy/core/api"
import { type QueryClient, useQuery, useQueryClient } from "@tanstack/react-query"
import type { Api } from "../../../app/Api.js"
import { ApiError } from "../../../app/Api.js"
import { useAdminApi } from "../../AdminSession.js"
import type { GridPage } from "../../grid/ServerGrid.js"
import type { PageItem } from "../../Types.js"

export type ProcurementRow = PageItem<"procurements">

/** The grid's query id (its pages are cached under `["admin-grid", GRID_ID, query]`). */
export const GRID_ID = "procurements"

/** The query key of one procurement's page. */
export const procurementKey = (id: ProcurementId) => ["admin-procurement", id] as const

const SCAN_PAGE = 100

/** The row as the grid last loaded it, and when. */
const fromGrid = (queryClient: QueryClient, id: ProcurementId) => {
  for (const query of queryClient.getQueryCache().findAll({ queryKey: ["admin-grid", GRID_ID] })) {
    const page = query.state.data as GridPage<ProcurementRow> | undefined
    const row = page?.items.find((r) => r.procurement.id === id)
    if (row !== undefined) return { row, at: query.state.dataUpdatedAt }
  }
  return undefined
}

const scan = async (api: Api, id: ProcurementId): Promise<ProcurementRow> => {
  for (let offset = 0; ; offset += SCAN_PAGE) {
    const page = await api.run((c) => c.admin.procurements({ urlParams: { offset, limit: SCAN_PAGE } }))
    const row = page.items.find((r) => r.procurement.id === id)
    if (row !== undefined) return row
    if (page.items.length < SCAN_PAGE || offset + SCAN_PAGE >= page.total) {
      throw new ApiError("NotFound", { _tag: "NotFound", entity: "procurement", id })
    }
  }
}

/** The procurement `id` (its progress included), kept fresh; a status or featured change puts its answer here. */
export const useAdminProcurement = (id: ProcurementId) => {
  const api = useAdminApi()
  const queryClient = useQueryClient()
  const cached = fromGrid(queryClient, id)
  return useQuery({
    queryKey: procurementKey(id),
    queryFn: () => scan(api, id),
    ...(cached === undefined ? {} : { initialData: cached.row, initialDataUpdatedAt: cached.at })
  })
}
