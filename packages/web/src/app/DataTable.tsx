/**
 * A table of rows over TanStack Table, in a keyboard-reachable scroll region. On a phone each row stacks into a card
 * whose cells carry their column's name (`data-label`), so nothing scrolls sideways; the header row stays in the
 * accessibility tree, only hidden from sight.
 */
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table"
import { useMemo, type ReactNode } from "react"
import { TableScroll } from "./Screen.js"

/** One column: its heading, what a row shows in it, right-aligned figures when `numeric`. */
export interface DataColumn<Row> {
  readonly id: string
  readonly header: string
  readonly cell: (row: Row) => ReactNode
  readonly numeric?: boolean
  /** A column the rows can be ordered by: its heading becomes a button, and the header cell says the order (`aria-sort`). */
  readonly sorting?: ColumnSorting
}

/** How a sortable column is ordered now, what its button says, and what a press does. */
export interface ColumnSorting {
  readonly order: "ascending" | "descending" | "none"
  readonly label: string
  readonly toggle: () => void
}

const heading = (column: DataColumn<unknown> | undefined, header: ReactNode) =>
  column?.sorting === undefined ? (
    header
  ) : (
    <button type="button" className="sort-button" onClick={column.sorting.toggle} aria-label={column.sorting.label}>
      {header}
      <span aria-hidden="true">
        {column.sorting.order === "ascending" ? " ▲" : column.sorting.order === "descending" ? " ▼" : " ↕"}
      </span>
    </button>
  )

const numClass = (numeric: boolean | undefined) => (numeric === true ? "num" : undefined)

/** `label` names the region; `rowKey` keeps a row's identity across refetches; `rowData` adds `data-*` attributes to a row (what tests and styles select on). */
export const DataTable = <Row,>({
  label,
  testId,
  rows,
  rowKey,
  columns,
  rowData,
  footer
}: {
  label: string
  testId: string
  rows: ReadonlyArray<Row>
  rowKey: (row: Row) => string
  columns: ReadonlyArray<DataColumn<Row>>
  rowData?: (row: Row) => Readonly<Record<`data-${string}`, string>>
  footer?: ReactNode
}) => {
  const tableColumns = useMemo(() => {
    const column = createColumnHelper<Row>()
    return columns.map((c) => column.display({ id: c.id, header: c.header, cell: (cell) => c.cell(cell.row.original) }))
  }, [columns])
  const byId = useMemo(() => new Map(columns.map((c) => [c.id, c])), [columns])
  const table = useReactTable({
    data: rows as Array<Row>,
    columns: tableColumns,
    getRowId: rowKey,
    getCoreRowModel: getCoreRowModel()
  })
  return (
    <TableScroll label={label}>
      <table data-testid={testId} className="data-table">
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const column = byId.get(header.column.id)
                return (
                  <th
                    key={header.id}
                    scope="col"
                    className={numClass(column?.numeric)}
                    aria-sort={column?.sorting?.order}
                  >
                    {heading(
                      column as DataColumn<unknown> | undefined,
                      flexRender(header.column.columnDef.header, header.getContext())
                    )}
                  </th>
                )
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} {...rowData?.(row.original)}>
              {row.getVisibleCells().map((cell) => {
                const column = byId.get(cell.column.id)
                return (
                  <td key={cell.id} className={numClass(column?.numeric)} data-label={column?.header}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {footer}
    </TableScroll>
  )
}
