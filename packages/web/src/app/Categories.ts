/** The category tree, one query shared by every screen that offers categories, flattened for a select. */
import type { CategoryNodeJson } from "@groupbuy/core/api"
import { useQuery } from "@tanstack/react-query"
import { useMemo } from "react"
import { useApi } from "./Session.js"
import type { SelectOption } from "./SelectField.js"

/** One category as the server sent it. */
export type Category = CategoryNodeJson["category"]

/** A category with its label in a flat list: indented by depth, after its icon. */
export interface FlatCategory {
  readonly category: Category
  readonly label: string
}

/** The tree in order, each category labelled with its icon and indented by depth (the admin panel's tree too). */
export const flattenCategories = (nodes: ReadonlyArray<CategoryNodeJson>, depth = 0): Array<FlatCategory> =>
  nodes.flatMap((node) => [
    {
      category: node.category,
      label: `${"\u00a0\u00a0".repeat(depth)}${node.category.icon ?? ""} ${node.category.name}`.trim()
    },
    ...flattenCategories(node.children, depth + 1)
  ])

/**
 * The tree query (its error to show), every category in tree order, the same as select options, and `find`, which
 * turns an id picked in a form back into the server's category (so its branded id is never cast from input).
 */
export const useCategories = () => {
  const api = useApi()
  const tree = useQuery({ queryKey: ["categories"], queryFn: () => api.run((c) => c.categories.tree()) })
  const flat = useMemo(() => flattenCategories(tree.data ?? []), [tree.data])
  const options = useMemo(
    (): ReadonlyArray<SelectOption<string>> => flat.map((c) => ({ value: c.category.id, label: c.label })),
    [flat]
  )
  const find = (id: string): Category | undefined => flat.find((c) => c.category.id === id)?.category
  return { tree, flat, options, find }
}
