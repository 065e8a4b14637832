/**
 * CSV as spreadsheets read it: RFC 4180 quoting, CRLF line ends, a UTF-8 byte-order mark (so Excel shows Cyrillic),
 * and cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the start) prefixed with `'`
 * (CSV injection: a user's name must never become a formula on an administrator's machine).
 */

export type CsvValue = string | number | bigint | boolean | null | undefined

const FORMULA = /^[=+\-@\t\r]/

/** One cell as written in the file. */
export const csvCell = (value: CsvValue): string => {
  if (value === null || value === undefined) return ""
  // numbers are data: a negative amount stays a number, not a neutralised formula
  const text = typeof value === "string" ? (FORMULA.test(value) ? `'${value}` : value) : String(value)
  return /[",\r\n;]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** The whole file: a header line, then one line per row. */
export const toCsv = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<CsvValue>>): string =>
  "\uFEFF" +
  [header.map(csvCell), ...rows.map((r) => r.map(csvCell))].map((cells) => cells.join(",")).join("\r\n") +
  "\r\n"

/** Offers `csv` to the browser as a download named `name`. */
export const downloadCsv = (name: string, csv: string) => {
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }))
  const a = document.createElement("a")
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  // the click has started the download; the object URL may go
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
