/** A labelled `<select>` over typed options; the value handed back is the option's own, never a cast of the DOM string. */
import type { ReactNode } from "react"

/** One choice of a select: its value and what the person reads. */
export interface SelectOption<V extends string> {
  readonly value: V
  readonly label: string
}

/**
 * The select with its label; with `validation`, also its error under it (described by, `aria-invalid`) and the blur
 * that marks it touched.
 */
export const SelectField = <V extends string>({
  id,
  label,
  value,
  options,
  onChange,
  validation
}: {
  id: string
  label: ReactNode
  value: V
  options: ReadonlyArray<SelectOption<V>>
  onChange: (value: V) => void
  validation?: { readonly error: string | undefined; readonly onBlur: () => void }
}) => {
  const errorId = `${id}-error`
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => {
          const picked = options.find((o) => o.value === e.target.value)
          if (picked !== undefined) onChange(picked.value)
        }}
        {...(validation === undefined
          ? {}
          : {
              onBlur: validation.onBlur,
              "aria-invalid": validation.error !== undefined,
              "aria-describedby": errorId
            })}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {validation === undefined ? null : (
        <p className="error" id={errorId}>
          {validation.error ?? ""}
        </p>
      )}
    </div>
  )
}
