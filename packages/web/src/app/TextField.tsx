/** A labelled input with its error under it: the input is described by the error and marked invalid while it has one. */
import type { InputHTMLAttributes, ReactNode } from "react"

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "aria-invalid" | "aria-describedby">

/** `error` is the message to show (none: the line stays, empty, so the form does not jump); `errorTestId` names it. */
export const TextField = ({
  id,
  label,
  error,
  errorTestId,
  ...input
}: InputProps & { id: string; label: ReactNode; error: string | undefined; errorTestId?: string }) => {
  const errorId = `${id}-error`
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error !== undefined} aria-describedby={errorId} {...input} />
      <p className="error" id={errorId} {...(errorTestId === undefined ? {} : { "data-testid": errorTestId })}>
        {error ?? ""}
      </p>
    </div>
  )
}
