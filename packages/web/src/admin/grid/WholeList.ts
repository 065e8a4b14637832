/** A grid over an endpoint that answers its whole (short) list at once: channels, bots. */
import type { GridFilter, GridPage, GridQuery } from "./ServerGrid.js"

/** Such a grid has nothing to filter. */
export const NO_FILTERS: ReadonlyArray<GridFilter> = []

/** The page `query` asks for, cut from the whole list (pages and exports like a server-paged grid). */
export const pageOf = <Row>(all: ReadonlyArray<Row>, query: GridQuery): GridPage<Row> => ({
  items: all.slice(query.offset, query.offset + query.limit),
  total: all.length
})
