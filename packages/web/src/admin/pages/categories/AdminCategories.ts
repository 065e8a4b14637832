/** The category tree as the admin API serves it: one query for the categories section and the procurements filter. */
import { useQuery } from "@tanstack/react-query"
import { useMemo } from "react"
import { flattenCategories } from "../../../app/Categories.js"
import type { SelectOption } from "../../../app/SelectField.js"
import { useAdminApi } from "../../AdminSession.js"

/** The query key of the tree: every category change invalidates it. */
export const CATEGORIES_KEY = ["admin-categories"] as const

/** The tree query, the categories in tree order (icon, indented name) and the same as select options. */
export const useAdminCategories = () => {
  const api = useAdminApi()
  const tree = useQuery({ queryKey: CATEGORIES_KEY, queryFn: () => api.run((c) => c.admin.categories()) })
  const flat = useMemo(() => flattenCategories(tree.data ?? []), [tree.data])
  const options = useMemo(
    (): ReadonlyArray<SelectOption<string>> => flat.map((c) => ({ value: c.category.id, label: c.label })),
    [flat]
  )
  return { tree, flat, options }
}
