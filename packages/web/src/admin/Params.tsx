/** A record's fields on its page (a user's profile, a procurement's parameters): label and value, a dash for none. */
import { Fragment, type ReactNode } from "react"

export type ParamRows = ReadonlyArray<readonly [string, ReactNode]>

export const Params = ({ rows, testId }: { rows: ParamRows; testId: string }) => (
  <dl className="params" data-testid={testId}>
    {rows.map(([label, value]) => (
      <Fragment key={label}>
        <dt>{label}</dt>
        <dd>{value === "" ? "—" : value}</dd>
      </Fragment>
    ))}
  </dl>
)
