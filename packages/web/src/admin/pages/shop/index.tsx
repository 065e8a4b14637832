/**
 * The shop's products: a server-paged grid (category, kind, on sale, title search; ordered by the server) with each
 * product's availability — never a DIGITAL item's content — and a link to its page (edit, stock, upload, deactivate,
 * delete); "Create a product" opens the same form empty.
 */
import { CategoryId } from "@groupbuy/core/api"
import { useMemo } from "react"
import { Link } from "wouter"
import { formatMoney } from "../../../app/Format.js"
import { useLanguage, useT } from "../../../app/I18n.js"
import { Screen } from "../../../app/Screen.js"
import { useAdminApi } from "../../AdminSession.js"
import { chosen, sortOrder, typedId, yesNo, yesNoOptions } from "../../grid/Choice.js"
import { type GridColumn, type GridFilter, type GridQuery, ServerGrid } from "../../grid/ServerGrid.js"
import { useAdminCategories } from "../categories/AdminCategories.js"
import { messages } from "./messages.js"
import { KINDS, type ProductRow } from "./ShopTypes.js"
import { SHOP_PATH, ShopTabs } from "./Tabs.js"

const SORTABLE = ["sortOrder", "title", "price", "createdAt", "available"] as const

const Products = () => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const categories = useAdminCategories()
  const categoryName = (id: string | null) =>
    id === null ? t("noCategory") : (categories.flat.find((c) => c.category.id === id)?.label.trim() ?? "")
  const kindOptions = useMemo(() => KINDS.map((k) => ({ value: k, label: t(k) })), [t])
  const columns = useMemo(
    (): ReadonlyArray<GridColumn<ProductRow>> => [
      {
        id: "title",
        header: t("title"),
        sortKey: "title",
        cell: (p) => <Link href={`${SHOP_PATH}/products/${p.id}`}>{p.title}</Link>,
        csv: (p) => p.title
      },
      { id: "category", header: t("category"), cell: (p) => categoryName(p.categoryId), csv: (p) => p.categoryId },
      { id: "kind", header: t("kind"), cell: (p) => t(p.kind), csv: (p) => p.kind },
      {
        id: "price",
        header: t("price"),
        sortKey: "price",
        numeric: true,
        cell: (p) => formatMoney(p.price, language),
        csv: (p) => p.price.toString()
      },
      {
        id: "available",
        header: t("available"),
        sortKey: "available",
        numeric: true,
        cell: (p) => <span data-testid={`available-${p.id}`}>{p.available}</span>,
        csv: (p) => p.available
      },
      {
        id: "active",
        header: t("active"),
        cell: (p) => t(p.isActive ? "yes" : "no"),
        csv: (p) => (p.isActive ? "true" : "false")
      },
      { id: "sortOrder", header: t("sortOrder"), sortKey: "sortOrder", numeric: true, cell: (p) => p.sortOrder }
    ],
    // categoryName reads the tree, which `categories.flat` stands for
    [t, language, categories.flat]
  )
  const filters = useMemo(
    (): ReadonlyArray<GridFilter> => [
      { kind: "text", id: "search", label: t("search") },
      { kind: "select", id: "categoryId", label: t("category"), options: categories.options },
      { kind: "select", id: "kind", label: t("kind"), options: kindOptions },
      { kind: "select", id: "isActive", label: t("active"), options: yesNoOptions(t) }
    ],
    [t, categories.options, kindOptions]
  )
  const fetchPage = (q: GridQuery) => {
    const isActive = yesNo(q.filters.isActive)
    const categoryId = typedId(CategoryId, q.filters.categoryId, t("category"))
    const kind = chosen(kindOptions, q.filters.kind)
    const sort = sortOrder(SORTABLE, q.sort)
    return api.run((c) =>
      c.shopAdmin.products({
        urlParams: {
          offset: q.offset,
          limit: q.limit,
          ...(q.filters.search === undefined ? {} : { search: q.filters.search }),
          ...(categoryId === undefined ? {} : { categoryId }),
          ...(kind === undefined ? {} : { kind }),
          ...(isActive === undefined ? {} : { isActive }),
          ...(sort === undefined ? {} : { sort })
        }
      })
    )
  }
  return (
    <Screen title={t("productsTitle")}>
      <ShopTabs />
      <p className="hint">{t("productsIntro")}</p>
      <ServerGrid
        id="shop-products"
        label={t("productsTitle")}
        columns={columns}
        filters={filters}
        rowKey={(p) => p.id}
        rowData={(p) => ({ "data-product-id": p.id, "data-kind": p.kind })}
        fetchPage={fetchPage}
        actions={
          <Link href={`${SHOP_PATH}/products/new`} className="button" data-testid="create-product">
            {t("create")}
          </Link>
        }
      />
    </Screen>
  )
}

export default Products
