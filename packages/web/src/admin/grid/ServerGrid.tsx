/**
 * A grid over one of the admin API's page endpoints: the server pages, sorts and filters (nothing is loaded whole),
 * the table is TanStack Table (`DataTable`), and the state — page, page size, order, filters — lives in the URL, so
 * a filtered view can be reloaded, bookmarked and sent to a colleague. "Export CSV" pages through every matching row
 * (up to `CSV_LIMIT`) with the same filters and order.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query"
import { type FormEvent, type ReactNode, useCallback, useEffect, useMemo, useState } from "react"
import { useSearchParams } from "wouter"
import { type DataColumn, DataTable } from "../../app/DataTable.js"
import { ErrorMessage } from "../../app/Errors.js"
import { useT } from "../../app/I18n.js"
import { Empty, Loading } from "../../app/Screen.js"
import { SelectField, type SelectOption } from "../../app/SelectField.js"
import { adminMessages } from "../messages.js"
import { type CsvValue, downloadCsv, toCsv } from "./Csv.js"

/** A column of the grid: a table column, the server's key to order by (none: not sortable), its CSV value. */
export interface GridColumn<Row> extends Omit<DataColumn<Row>, "sorting"> {
  readonly sortKey?: string
  /** what the export writes (none: the column is left out of the file, e.g. action buttons) */
  readonly csv?: (row: Row) => CsvValue
}

/** A filter above the grid; its value is a string in the URL (`""`: not filtered). */
export type GridFilter =
  | { readonly kind: "text"; readonly id: string; readonly label: string }
  | {
      readonly kind: "select"
      readonly id: string
      readonly label: string
      readonly options: ReadonlyArray<SelectOption<string>>
    }
  | { readonly kind: "date"; readonly id: string; readonly label: string }

/** One request of the grid: the page, the order (`key:asc|desc`), the filters that are set. */
export interface GridQuery {
  readonly offset: number
  readonly limit: number
  readonly sort: string | undefined
  readonly filters: Readonly<Record<string, string>>
}

export interface GridPage<Row> {
  readonly items: ReadonlyArray<Row>
  readonly total: number
}

/** The most rows one export writes; past it the file says so and the administrator narrows the filters. */
export const CSV_LIMIT = 10_000
const PAGE_SIZES = ["25", "50", "100"] as const
/** What the export asks for at once: the API's largest page. */
const EXPORT_PAGE = 100

const RESERVED = new Set(["page", "limit", "sort"])

const useGridState = (filters: ReadonlyArray<GridFilter>) => {
  const [params, setParams] = useSearchParams()
  const limit = PAGE_SIZES.includes(params.get("limit") as never) ? Number(params.get("limit")) : 25
  const page = Math.max(1, Math.floor(Number(params.get("page") ?? "1")) || 1)
  const sort = params.get("sort") ?? undefined
  const values = useMemo(() => {
    const out: Record<string, string> = {}
    for (const f of filters) {
      const v = params.get(f.id)
      if (v !== null && v !== "" && !RESERVED.has(f.id)) out[f.id] = v
    }
    return out
  }, [params, filters])
  /** Changes some of the state; anything but the page number starts again from the first page. */
  const update = useCallback(
    (change: Readonly<Record<string, string | undefined>>) =>
      setParams((previous) => {
        const next = new URLSearchParams(previous)
        for (const [k, v] of Object.entries(change)) {
          if (v === undefined || v === "") next.delete(k)
          else next.set(k, v)
        }
        if (!("page" in change)) next.delete("page")
        return next
      }),
    [setParams]
  )
  const query: GridQuery = { offset: (page - 1) * limit, limit, sort, filters: values }
  return { query, page, update }
}

const nextOrder = (sort: string | undefined, key: string): string | undefined =>
  sort === `${key}:asc` ? `${key}:desc` : sort === `${key}:desc` ? undefined : `${key}:asc`

const FilterBar = ({
  filters,
  values,
  onChange
}: {
  filters: ReadonlyArray<GridFilter>
  values: Readonly<Record<string, string>>
  onChange: (change: Readonly<Record<string, string | undefined>>) => void
}) => {
  const t = useT(adminMessages)
  // text filters are typed first and applied with Enter or "Apply"; choices apply at once
  const [draft, setDraft] = useState<Record<string, string>>({})
  useEffect(() => setDraft({}), [values])
  const texts = filters.filter((f) => f.kind === "text")
  const submit = (e: FormEvent) => {
    e.preventDefault()
    onChange(Object.fromEntries(texts.map((f) => [f.id, (draft[f.id] ?? values[f.id] ?? "").trim()])))
  }
  return (
    <form className="filters admin-filters" onSubmit={submit} aria-label={t("filters")} role="search">
      {filters.map((f) => {
        const id = `filter-${f.id}`
        switch (f.kind) {
          case "text":
            return (
              <div key={f.id}>
                <label htmlFor={id}>{f.label}</label>
                <input
                  id={id}
                  type="search"
                  value={draft[f.id] ?? values[f.id] ?? ""}
                  onChange={(e) => setDraft((d) => ({ ...d, [f.id]: e.target.value }))}
                />
              </div>
            )
          case "date":
            return (
              <div key={f.id}>
                <label htmlFor={id}>{f.label}</label>
                <input
                  id={id}
                  type="date"
                  value={values[f.id] ?? ""}
                  onChange={(e) => onChange({ [f.id]: e.target.value })}
                />
              </div>
            )
          case "select":
            return (
              <SelectField<string>
                key={f.id}
                id={id}
                label={f.label}
                value={values[f.id] ?? ""}
                options={[{ value: "", label: t("any") }, ...f.options]}
                onChange={(v) => onChange({ [f.id]: v })}
              />
            )
        }
      })}
      <div className="filter-actions">
        {texts.length === 0 ? null : <button type="submit">{t("apply")}</button>}
        <button
          type="button"
          className="secondary"
          onClick={() => onChange(Object.fromEntries(filters.map((f) => [f.id, undefined])))}
        >
          {t("reset")}
        </button>
      </div>
    </form>
  )
}

const useExport = <Row,>(
  fetchPage: (query: GridQuery) => Promise<GridPage<Row>>,
  columns: ReadonlyArray<GridColumn<Row>>,
  name: string
) => {
  const [progress, setProgress] = useState<{ done: number; total: number } | undefined>(undefined)
  const [outcome, setOutcome] = useState<{ capped: number } | { error: unknown } | undefined>(undefined)
  const run = async (query: GridQuery) => {
    if (progress !== undefined) return
    setOutcome(undefined)
    const exported = columns.filter((c) => c.csv !== undefined)
    const rows: Array<ReadonlyArray<CsvValue>> = []
    try {
      let total = Infinity
      setProgress({ done: 0, total: 0 })
      while (rows.length < Math.min(total, CSV_LIMIT)) {
        const page = await fetchPage({ ...query, offset: rows.length, limit: EXPORT_PAGE })
        total = page.total
        if (page.items.length === 0) break
        for (const row of page.items) if (rows.length < CSV_LIMIT) rows.push(exported.map((c) => c.csv!(row)))
        setProgress({ done: rows.length, total: Math.min(total, CSV_LIMIT) })
      }
      const day = new Date().toISOString().slice(0, 10)
      downloadCsv(
        `${name}-${day}.csv`,
        toCsv(
          exported.map((c) => c.header),
          rows
        )
      )
      setOutcome(total > CSV_LIMIT ? { capped: CSV_LIMIT } : undefined)
    } catch (error) {
      setOutcome({ error })
    } finally {
      setProgress(undefined)
    }
  }
  return { run, progress, outcome }
}

/**
 * The grid: `id` names its query and its CSV file, `fetchPage` asks the server for one page (the page maps the URL's
 * strings to the endpoint's typed parameters), `actions` go above it (e.g. "Create").
 */
export const ServerGrid = <Row,>({
  id,
  label,
  columns,
  filters,
  rowKey,
  rowData,
  fetchPage,
  actions
}: {
  id: string
  label: string
  columns: ReadonlyArray<GridColumn<Row>>
  filters: ReadonlyArray<GridFilter>
  rowKey: (row: Row) => string
  rowData?: (row: Row) => Readonly<Record<`data-${string}`, string>>
  fetchPage: (query: GridQuery) => Promise<GridPage<Row>>
  actions?: ReactNode
}) => {
  const t = useT(adminMessages)
  const { query, page, update } = useGridState(filters)
  const result = useQuery({
    queryKey: ["admin-grid", id, query],
    queryFn: () => fetchPage(query),
    placeholderData: keepPreviousData
  })
  const exporter = useExport(fetchPage, columns, id)
  const tableColumns = useMemo(
    () =>
      columns.map(({ sortKey, csv: _csv, ...column }): DataColumn<Row> => {
        if (sortKey === undefined) return column
        const order =
          query.sort === `${sortKey}:asc` ? "ascending" : query.sort === `${sortKey}:desc` ? "descending" : "none"
        return {
          ...column,
          sorting: {
            order,
            label: `${t("sortBy", { column: column.header })}${order === "none" ? "" : `, ${t(order === "ascending" ? "sortAscending" : "sortDescending")}`}`,
            toggle: () => update({ sort: nextOrder(query.sort, sortKey) })
          }
        }
      }),
    [columns, query.sort, t, update]
  )
  const total = result.data?.total ?? 0
  const pages = Math.max(1, Math.ceil(total / query.limit))
  return (
    <div className="admin-grid" data-testid={`grid-${id}`}>
      {filters.length === 0 ? null : <FilterBar filters={filters} values={query.filters} onChange={update} />}
      <div className="grid-toolbar">
        {actions}
        <button
          type="button"
          className="secondary"
          disabled={exporter.progress !== undefined || total === 0}
          aria-busy={exporter.progress !== undefined}
          onClick={() => void exporter.run(query)}
          data-testid={`export-${id}`}
        >
          {exporter.progress === undefined
            ? t("exportCsv")
            : t("exporting", { done: exporter.progress.done, total: exporter.progress.total })}
        </button>
        {exporter.outcome === undefined ? null : "capped" in exporter.outcome ? (
          <p className="hint" role="status">
            {t("exportCapped", { count: exporter.outcome.capped })}
          </p>
        ) : (
          <ErrorMessage error={exporter.outcome.error} />
        )}
      </div>
      {result.isPending ? (
        <Loading />
      ) : result.isError ? (
        <ErrorMessage error={result.error} />
      ) : result.data.items.length === 0 ? (
        <Empty>{t("empty")}</Empty>
      ) : (
        <DataTable
          label={label}
          testId={`table-${id}`}
          rows={result.data.items}
          rowKey={rowKey}
          columns={tableColumns}
          {...(rowData === undefined ? {} : { rowData })}
        />
      )}
      <nav className="pager" aria-label={label}>
        <button
          type="button"
          className="secondary"
          disabled={page <= 1}
          onClick={() => update({ page: String(page - 1) })}
        >
          {t("previous")}
        </button>
        <span role="status" aria-live="polite" data-testid={`shown-${id}`}>
          {total === 0
            ? t("rows", { total })
            : t("shown", {
                from: query.offset + 1,
                to: Math.min(query.offset + query.limit, total),
                total
              })}
        </span>
        <button
          type="button"
          className="secondary"
          disabled={page >= pages}
          onClick={() => update({ page: String(page + 1) })}
        >
          {t("next")}
        </button>
        <SelectField<string>
          id={`page-size-${id}`}
          label={t("pageSize")}
          value={String(query.limit)}
          options={PAGE_SIZES.map((s) => ({ value: s, label: s }))}
          onChange={(limit) => update({ limit })}
        />
      </nav>
    </div>
  )
}
