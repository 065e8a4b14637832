/** Columns several grids share. */
import { DateTime } from "effect"
import { formatDateTime } from "../../app/Format.js"
import type { Language } from "../../app/I18n.js"
import type { GridColumn } from "./ServerGrid.js"

/**
 * A moment: the table shows it in the administrator's language, the export writes it ISO 8601 (UTC); a row without
 * one (`null`) is an empty cell.
 */
export const dateTimeColumn = <Row>(
  column: {
    readonly id: string
    readonly header: string
    readonly sortKey?: string
    readonly at: (row: Row) => DateTime.DateTime | null
  },
  language: Language
): GridColumn<Row> => ({
  id: column.id,
  header: column.header,
  ...(column.sortKey === undefined ? {} : { sortKey: column.sortKey }),
  cell: (row) => {
    const at = column.at(row)
    return at === null ? "" : formatDateTime(at, language)
  },
  csv: (row) => {
    const at = column.at(row)
    return at === null ? null : DateTime.formatIso(at)
  }
})
