/**
 * One dashboard chart: Chart.js on a canvas (only the controllers and elements the dashboard draws are registered, and
 * the whole module is in the dashboard's lazy chunk) with its figures as a table under it. The canvas is a picture of
 * the table: screen readers and tests read the table (visually hidden until "Show as table"), the figure is named by
 * its caption. Colours come from the theme's CSS variables and are read again when the root's theme changes.
 */
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip
} from "chart.js"
import { useEffect, useId, useRef, useState } from "react"
import { useT } from "../../../app/I18n.js"
import { messages } from "./messages.js"

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip
)

/** One series: its name and a value per label. */
export interface Series {
  readonly label: string
  readonly values: ReadonlyArray<number>
  /** how the table writes a value (default: the number in the page's language) */
  readonly format?: (value: number) => string
  /** in the table only (e.g. amounts beside counts, which would flatten the counts on one axis) */
  readonly tableOnly?: boolean
}

export interface ChartProps {
  readonly id: string
  readonly kind: "bar" | "doughnut" | "line"
  /** the chart's accessible name and caption */
  readonly title: string
  /** the category of each value (a day, a status, a role) */
  readonly labels: ReadonlyArray<string>
  /** what the table calls the labels' column */
  readonly labelHeader: string
  readonly series: ReadonlyArray<Series>
}

/** The palette: `--chart-1` … `--chart-6` of admin.css (light and dark values). */
const PALETTE = 6

const cssVariable = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim()

const configuration = ({ kind, labels, series }: ChartProps): ChartConfiguration => {
  const palette = Array.from({ length: PALETTE }, (_, i) => cssVariable(`--chart-${i + 1}`))
  const text = cssVariable("--text")
  const grid = cssVariable("--border")
  const colour = (i: number) => palette[i % PALETTE]!
  const round = kind === "doughnut"
  const drawn = series.filter((s) => s.tableOnly !== true).length
  return {
    type: kind,
    data: {
      labels: [...labels],
      datasets: series
        .filter((s) => s.tableOnly !== true)
        .map((s, i) => ({
          label: s.label,
          data: [...s.values],
          // a doughnut colours its slices, a bar or line chart its series
          backgroundColor: round ? labels.map((_, j) => colour(j)) : colour(i),
          borderColor: round ? cssVariable("--bg") : colour(i),
          borderWidth: round ? 2 : kind === "line" ? 2 : 0
        }))
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      // figures, not a show: nothing moves (and a reduced-motion setting has nothing to stop)
      animation: false,
      color: text,
      plugins: { legend: { display: round || drawn > 1, labels: { color: text } } },
      ...(round
        ? {}
        : {
            scales: {
              x: { ticks: { color: text }, grid: { color: grid } },
              y: { beginAtZero: true, ticks: { color: text, precision: 0 }, grid: { color: grid } }
            }
          })
    }
  }
}

export const DashboardChart = (props: ChartProps) => {
  const t = useT(messages)
  const canvas = useRef<HTMLCanvasElement>(null)
  const captionId = useId()
  const [showTable, setShowTable] = useState(false)
  const { id, title, labels, labelHeader, series } = props

  // drawn again when the figures change (not on every render) or the theme does: the page's theme is set on the
  // root element after this component's effects run, so the chart watches the root rather than the theme's state
  const figures = JSON.stringify([props.kind, labels, series.map((s) => [s.label, s.values])])
  const latest = useRef(props)
  latest.current = props
  useEffect(() => {
    const target = canvas.current
    if (target === null) return
    let chart = new Chart(target, configuration(latest.current))
    const redraw = new MutationObserver(() => {
      chart.destroy()
      chart = new Chart(target, configuration(latest.current))
    })
    redraw.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme", "style"] })
    return () => {
      redraw.disconnect()
      chart.destroy()
    }
  }, [figures])
  const empty = labels.length === 0

  return (
    <figure className="dashboard-chart card" aria-labelledby={captionId} data-testid={`chart-${id}`}>
      <figcaption id={captionId}>
        <h3>{title}</h3>
        <button
          type="button"
          className="link-button"
          aria-pressed={showTable}
          onClick={() => setShowTable((shown) => !shown)}
        >
          {t("showTable")}
        </button>
      </figcaption>
      {empty ? (
        <p className="empty">{t("noData")}</p>
      ) : (
        <div className="chart-canvas" hidden={showTable}>
          <canvas ref={canvas} aria-hidden="true" />
        </div>
      )}
      {/* hidden in a box, not on the table: a table ignores the 1px width and would widen the page */}
      <div className={showTable ? undefined : "visually-hidden"}>
        <table className="chart-table" data-testid={`chart-table-${id}`}>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{labelHeader}</th>
              {series.map((s) => (
                <th scope="col" key={s.label}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((label, row) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                {series.map((s) => (
                  <td key={s.label}>{(s.format ?? String)(s.values[row] ?? 0)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  )
}
