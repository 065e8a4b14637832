/**
 * A balance adjustment with its reason: credit or debit, the amount in rubles typed as in the cabinet ("1 234,50"),
 * and a confirmation that says exactly what will happen ("Credit 500,00 ₽ to Анна Петрова: <reason>"). The ledger
 * refuses a debit the balance does not cover; the refusal is shown in the dialog, which keeps the form as typed.
 */
import { BalanceAdjustmentBody, Kopecks, type UserId } from "@groupbuy/core/api"
import { useMutation } from "@tanstack/react-query"
import { useState } from "react"
import { formatMoney, parseRubles } from "../../../app/Format.js"
import { useLanguage, useT } from "../../../app/I18n.js"
import { SelectField } from "../../../app/SelectField.js"
import { TextField } from "../../../app/TextField.js"
import { useAdminApi } from "../../AdminSession.js"
import { ConfirmAction } from "../../Confirm.js"
import { Notice } from "../../Notice.js"
import { messages } from "./messages.js"

type Direction = "credit" | "debit"

/** The longest reason the server keeps. */
const REASON_MAX = 500

export const AdjustBalance = ({ id, name, onDone }: { id: UserId; name: string; onDone: () => Promise<void> }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const [direction, setDirection] = useState<Direction>("credit")
  const [amountText, setAmountText] = useState("")
  const [reason, setReason] = useState("")
  const [done, setDone] = useState<string | undefined>(undefined)
  const amount = parseRubles(amountText)
  const amountValid = amount !== undefined && amount > 0n
  const reasonText = reason.trim()
  const reasonValid = reasonText !== "" && reasonText.length <= REASON_MAX
  const adjust = useMutation({
    mutationFn: (body: BalanceAdjustmentBody) => api.run((c) => c.admin.adjustBalance({ path: { id }, payload: body })),
    onSuccess: async (transaction) => {
      setAmountText("")
      setReason("")
      setDone(
        t("adjusted", {
          amount: `${transaction.amount > 0n ? "+" : ""}${formatMoney(transaction.amount, language)}`,
          balance: formatMoney(transaction.balanceAfter, language)
        })
      )
      await onDone()
    }
  })
  const money = amountValid ? formatMoney(amount, language) : ""
  return (
    <form
      className="adjust-balance"
      aria-labelledby="adjust-title"
      onSubmit={(e) => e.preventDefault()}
      onChange={() => setDone(undefined)}
    >
      <h3 id="adjust-title">{t("adjust")}</h3>
      <SelectField<Direction>
        id="adjust-direction"
        label={t("direction")}
        value={direction}
        options={[
          { value: "credit", label: t("credit") },
          { value: "debit", label: t("debit") }
        ]}
        onChange={setDirection}
      />
      <TextField
        id="adjust-amount"
        label={t("amount")}
        inputMode="decimal"
        autoComplete="off"
        value={amountText}
        onChange={(e) => setAmountText(e.target.value)}
        error={amountText.trim() !== "" && !amountValid ? t("amountInvalid") : undefined}
      />
      <TextField
        id="adjust-reason"
        label={t("reason")}
        autoComplete="off"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        error={reasonText.length > REASON_MAX ? t("reasonInvalid") : undefined}
      />
      <ConfirmAction
        label={t("adjustSubmit")}
        danger={direction === "debit"}
        disabled={!amountValid || !reasonValid}
        question={t(direction === "credit" ? "creditQuestion" : "debitQuestion", {
          amount: money,
          name,
          reason: reasonText
        })}
        confirmLabel={t(direction)}
        onConfirm={() =>
          adjust.mutateAsync(
            new BalanceAdjustmentBody({
              amount: Kopecks.make(direction === "credit" ? amount! : -amount!),
              reason: reasonText
            })
          )
        }
        testId="adjust-balance"
      />
      <Notice text={done} testId="adjusted" />
    </form>
  )
}
