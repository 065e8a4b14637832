/**
 * Browse: featured procurements in a slider, then the list with filters (status and category on the server, city,
 * text search and sorting on the client). The fetched list is packed once into columns and processed by the
 * `@groupbuy/wasm` kernels (progress, days left, money formatting, search, sort, the city aggregate) — WebAssembly
 * when available, the identical JS fallback otherwise; `data-backend` on the list says which.
 */
import type { ColumnSortKey, Procurement as KernelItem } from "@groupbuy/wasm"
import { useQuery } from "@tanstack/react-query"
import { DateTime } from "effect"
import { useDeferredValue, useMemo, useState } from "react"
import {
  ErrorMessage,
  Loading,
  ProcurementCards,
  Screen,
  SelectField,
  StatusFilter,
  useApi,
  useCategories,
  useKernels,
  useT,
  type ProcurementStatus,
  type ProcurementView
} from "../../app/index.js"
import { messages } from "./messages.js"

type Sort = "newest" | "deadline" | "progress" | "participants" | "target" | "relevance"

const SORT_KEYS: Record<Exclude<Sort, "relevance">, ColumnSortKey> = {
  newest: { field: "createdAt", direction: "desc" },
  deadline: { field: "deadline", direction: "asc" },
  progress: { field: "progress", direction: "desc" },
  participants: { field: "participantCount", direction: "desc" },
  target: { field: "targetAmount", direction: "desc" }
}

/** The sorts in the order the select lists them, with their labels. */
const SORTS: ReadonlyArray<Sort> = ["relevance", "newest", "deadline", "progress", "participants", "target"]
const SORT_LABELS = {
  relevance: "sortRelevance",
  newest: "sortNewest",
  deadline: "sortDeadline",
  progress: "sortProgress",
  participants: "sortParticipants",
  target: "sortTarget"
} as const satisfies Record<Sort, string>

const OPEN: ReadonlyArray<ProcurementStatus> = ["ACTIVE", "STOPPED", "PAYMENT"]
/** At most this many procurements are fetched for the client-side list (100 per request). */
const MAX_ITEMS = 1000

const toKernelItem = (view: ProcurementView, categories: ReadonlyMap<string, string>): KernelItem => ({
  id: view.procurement.id,
  title: view.procurement.title,
  description: view.procurement.description,
  city: view.procurement.city,
  category: view.procurement.categoryId === null ? "" : (categories.get(view.procurement.categoryId) ?? ""),
  status: view.procurement.status,
  targetAmount: Number(view.procurement.targetAmount),
  collectedAmount: Number(view.progress.collectedAmount),
  participantCount: view.progress.participantCount,
  deadline: DateTime.toEpochMillis(view.procurement.deadline),
  createdAt: DateTime.toEpochMillis(view.procurement.createdAt)
})

export default function Browse() {
  const t = useT(messages)
  const api = useApi()
  const list = useKernels()
  const [status, setStatus] = useState<"open" | "all" | ProcurementStatus>("open")
  const [categoryId, setCategoryId] = useState("")
  const [city, setCity] = useState("")
  const [query, setQuery] = useState("")
  const [sort, setSort] = useState<Sort>("newest")
  const search = useDeferredValue(query.trim())

  const categories = useCategories()
  const categoryNames = useMemo(
    () => new Map(categories.flat.map(({ category }) => [category.id, category.name])),
    [categories.flat]
  )
  const category = categories.find(categoryId)

  const statuses = status === "open" ? OPEN : status === "all" ? undefined : [status]
  const procurements = useQuery({
    queryKey: ["procurements", "browse", statuses ?? "all", category?.id ?? ""],
    queryFn: async () => {
      const page = (offset: number) =>
        api.run((c) =>
          c.procurements.list({
            urlParams: {
              limit: 100,
              offset,
              ...(statuses === undefined ? {} : { status: statuses }),
              ...(category === undefined ? {} : { categoryId: category.id })
            }
          })
        )
      // the first page tells how many there are; the rest are fetched at once
      const first = await page(0)
      const offsets: Array<number> = []
      for (let offset = 100; offset < Math.min(first.total, MAX_ITEMS); offset += 100) offsets.push(offset)
      const rest = await Promise.all(offsets.map(page))
      return [first, ...rest].flatMap((p) => p.items as ReadonlyArray<ProcurementView>)
    }
  })

  const views = procurements.data
  const items = useMemo(() => (views ?? []).map((v) => toKernelItem(v, categoryNames)), [views, categoryNames])
  const now = useMemo(() => Date.now(), [items])
  // packed once per fetched list; every kernel below reads these columns
  const prepared = useMemo(() => {
    if (list === undefined) return undefined
    const started = performance.now()
    const columns = list.toColumns(items)
    const processed = list.kernels.batchProcessProcurementsColumns(columns, now)
    const cities = list.kernels.aggregateProcurementStatsColumns(columns, now).cities.map((c) => c.city)
    return { columns, processed, cities, ms: performance.now() - started }
  }, [list, items, now])
  const processed = prepared?.processed
  const cities = prepared?.cities ?? []
  const sorted = useMemo(() => {
    if (list === undefined || prepared === undefined) return { order: [], ms: 0 }
    const started = performance.now()
    const { columns } = prepared
    const cityId = city === "" ? -1 : columns.cities.findIndex((c) => c.trim().toLowerCase() === city.toLowerCase())
    const inCity = (i: number) =>
      cityId === -1 || columns.cities[columns.city[i]!]!.trim().toLowerCase() === city.toLowerCase()
    const pick = (): Array<number> => {
      if (search !== "") {
        const hits = list.kernels.searchProcurements(items, search)
        if (sort === "relevance") return hits.map((h) => h.index).filter(inCity)
        const hit = new Set(hits.map((h) => h.index))
        return Array.from(list.kernels.sortProcurementsColumns(columns, [SORT_KEYS[sort]])).filter(
          (i) => hit.has(i) && inCity(i)
        )
      }
      const key = SORT_KEYS[sort === "relevance" ? "newest" : sort]
      return Array.from(list.kernels.sortProcurementsColumns(columns, [key])).filter(inCity)
    }
    const order = pick()
    return { order, ms: performance.now() - started }
  }, [list, prepared, items, search, sort, city])
  const order = sorted.order
  // the kernels' own time (pack, process, aggregate, search/sort) for the benchmark, beside the backend that ran them
  const kernelMs = ((prepared?.ms ?? 0) + sorted.ms).toFixed(2)

  const featured = (views ?? []).filter((v) => v.procurement.isFeatured && v.procurement.status === "ACTIVE")
  const figures = (i: number) =>
    processed === undefined
      ? undefined
      : {
          percent: processed.progressPercent[i]!,
          daysLeft: processed.daysLeft[i]!,
          collected: processed.formattedCollected[i]!,
          target: processed.formattedTarget[i]!
        }
  const index = useMemo(() => new Map((views ?? []).map((v, i) => [v.procurement.id, i])), [views])

  return (
    <Screen title={t("title")}>
      {featured.length === 0 ? null : (
        <section aria-labelledby="featured-title">
          <h2 id="featured-title">{t("featured")}</h2>
          <ProcurementCards
            className="slider"
            testId="featured"
            headingLevel={3}
            items={featured.map((view) => ({ view, figures: figures(index.get(view.procurement.id)!) }))}
          />
        </section>
      )}
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label htmlFor="browse-search">{t("search")}</label>
          <input
            id="browse-search"
            type="search"
            value={query}
            placeholder={t("searchPlaceholder")}
            onChange={(e) => {
              setQuery(e.target.value)
              if (e.target.value.trim() !== "" && sort === "newest") setSort("relevance")
            }}
          />
        </div>
        <StatusFilter
          id="browse-status"
          value={status}
          onChange={setStatus}
          first={[
            { value: "open", label: t("statusOpen") },
            { value: "all", label: t("statusAll") }
          ]}
        />
        <SelectField
          id="browse-category"
          label={t("category")}
          value={categoryId}
          onChange={setCategoryId}
          options={[{ value: "", label: t("categoryAll") }, ...categories.options]}
        />
        <SelectField
          id="browse-city"
          label={t("city")}
          value={city}
          onChange={setCity}
          options={[{ value: "", label: t("cityAll") }, ...cities.map((c) => ({ value: c, label: c }))]}
        />
        <SelectField
          id="browse-sort"
          label={t("sort")}
          value={sort}
          onChange={setSort}
          options={SORTS.map((s) => ({ value: s, label: t(SORT_LABELS[s]) }))}
        />
      </form>
      <ErrorMessage error={procurements.error ?? categories.tree.error} />
      {procurements.isPending || list === undefined ? (
        <Loading />
      ) : procurements.isError ? null : (
        <section
          aria-label={t("list")}
          data-testid="procurement-list"
          data-backend={list.backend}
          data-kernel-ms={kernelMs}
        >
          <p className="hint" role="status">
            {t("found", { count: order.length })}
          </p>
          <ProcurementCards
            items={order.map((i) => ({ view: views![i]!, figures: figures(i) }))}
            empty={items.length === 0 && search === "" ? t("emptyAll") : t("empty")}
          />
        </section>
      )}
    </Screen>
  )
}
