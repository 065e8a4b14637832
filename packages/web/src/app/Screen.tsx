/** The layout of one screen: a heading, optional actions, and the states every screen has (loading, empty). */
import type { ReactNode } from "react"
import { useT } from "./I18n.js"
import { appMessages } from "./messages.js"

export const Screen = ({
  title,
  actions,
  children,
  className
}: {
  title: string
  actions?: ReactNode
  children: ReactNode
  className?: string
}) => (
  <section className={className === undefined ? "screen" : `screen ${className}`} aria-labelledby="screen-title">
    <header className="screen-header">
      <h1 id="screen-title">{title}</h1>
      {actions === undefined ? null : <div className="screen-actions">{actions}</div>}
    </header>
    {children}
  </section>
)

/** A loading placeholder announced politely. */
export const Loading = () => {
  const t = useT(appMessages)
  return (
    <p className="loading" role="status" aria-live="polite">
      {t("loading")}
    </p>
  )
}

/** What an empty list says. */
export const Empty = ({ children }: { children: ReactNode }) => <p className="empty">{children}</p>

/** A horizontally scrollable table area, reachable by keyboard (focusable, named region). */
export const TableScroll = ({ label, children }: { label: string; children: ReactNode }) => (
  <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
    {children}
  </div>
)
