/**
 * An action that asks first and says what it will do (the admin panel's destructive or money-moving actions, the
 * cabinet's announcement): a button that opens a modal dialog (`<dialog>`, so focus is trapped and Escape cancels)
 * with the question, then runs the action once — the confirm button is disabled while it runs, so a double click acts
 * once. A failure is shown in the dialog, which stays open so nothing the person decided is lost.
 */
import { type ReactNode, useId, useRef, useState } from "react"
import { ErrorMessage } from "./Errors.js"
import { useT } from "./I18n.js"
import { appMessages } from "./messages.js"

export const ConfirmAction = ({
  label,
  question,
  confirmLabel,
  danger = false,
  disabled = false,
  onConfirm,
  testId
}: {
  /** the button that opens the dialog */
  label: ReactNode
  /** what will happen, in a sentence */
  question: ReactNode
  confirmLabel?: string
  danger?: boolean
  disabled?: boolean
  onConfirm: () => Promise<unknown>
  testId: string
}) => {
  const t = useT(appMessages)
  const dialog = useRef<HTMLDialogElement>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(undefined)
  const titleId = useId()
  const confirm = () => {
    if (busy) return
    setBusy(true)
    setError(undefined)
    onConfirm().then(
      () => {
        setBusy(false)
        dialog.current?.close()
      },
      (failure: unknown) => {
        setBusy(false)
        setError(failure)
      }
    )
  }
  return (
    <>
      <button
        type="button"
        className={danger ? "danger" : "secondary"}
        disabled={disabled}
        onClick={() => {
          setError(undefined)
          dialog.current?.showModal()
        }}
        data-testid={testId}
      >
        {label}
      </button>
      <dialog ref={dialog} className="confirm" aria-labelledby={titleId} data-testid={`${testId}-dialog`}>
        <p id={titleId}>{question}</p>
        <ErrorMessage error={error} />
        <div className="row">
          <button type="button" className="secondary" onClick={() => dialog.current?.close()} disabled={busy}>
            {t("cancel")}
          </button>
          <button
            type="button"
            className={danger ? "danger" : undefined}
            onClick={confirm}
            disabled={busy}
            aria-busy={busy}
            data-testid={`${testId}-confirm`}
          >
            {busy ? t("working") : (confirmLabel ?? t("confirm"))}
          </button>
        </div>
      </dialog>
    </>
  )
}
