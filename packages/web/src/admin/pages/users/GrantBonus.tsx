/**
 * A bonus with its reason (the user reads it in their notice): the amount in rubles as in the cabinet, and a
 * confirmation that says exactly what will happen. One idempotency key per filled form, so a repeated confirmation
 * after a lost answer grants once.
 */
import { BonusBody, Kopecks, type UserId } from "@groupbuy/core/api"
import { useMutation } from "@tanstack/react-query"
import { useState } from "react"
import { formatMoney, parseRubles } from "../../../app/Format.js"
import { defineMessages, useLanguage, useT } from "../../../app/I18n.js"
import { TextField } from "../../../app/TextField.js"
import { useAdminApi } from "../../AdminSession.js"
import { ConfirmAction } from "../../Confirm.js"
import { Notice } from "../../Notice.js"

const messages = defineMessages({
  ru: {
    bonus: "Бонус",
    amount: "Сумма бонуса, ₽",
    amountInvalid: "Введите сумму в рублях больше нуля, например 100 или 100,50.",
    reason: "За что (пользователь увидит)",
    reasonInvalid: "Причина — не длиннее 500 символов.",
    submit: "Начислить бонус",
    question: "Начислить бонус {amount} пользователю {name}: «{reason}»? Он получит уведомление.",
    confirm: "Начислить",
    granted: "Бонус {amount} начислен, баланс: {balance}."
  },
  en: {
    bonus: "Bonus",
    amount: "Bonus amount, ₽",
    amountInvalid: "Enter an amount in rubles above zero, e.g. 100 or 100.50.",
    reason: "What for (the user sees it)",
    reasonInvalid: "The reason may be at most 500 characters long.",
    submit: "Grant a bonus",
    question: "Grant a bonus of {amount} to {name}: “{reason}”? They will be notified.",
    confirm: "Grant",
    granted: "Bonus of {amount} granted; balance: {balance}."
  }
})

const REASON_MAX = 500

export const GrantBonus = ({ id, name, onDone }: { id: UserId; name: string; onDone: () => Promise<void> }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const [amountText, setAmountText] = useState("")
  const [reason, setReason] = useState("")
  const [key, setKey] = useState(() => crypto.randomUUID())
  const [done, setDone] = useState<string | undefined>(undefined)
  const amount = parseRubles(amountText)
  const amountValid = amount !== undefined && amount > 0n
  const reasonText = reason.trim()
  const reasonValid = reasonText !== "" && reasonText.length <= REASON_MAX
  const grant = useMutation({
    mutationFn: (body: BonusBody) => api.run((c) => c.adminBonus.grantBonus({ path: { id }, payload: body })),
    onSuccess: async (transaction) => {
      setAmountText("")
      setReason("")
      setKey(crypto.randomUUID())
      setDone(
        t("granted", {
          amount: formatMoney(transaction.amount, language),
          balance: formatMoney(transaction.balanceAfter, language)
        })
      )
      await onDone()
    }
  })
  return (
    <form
      className="adjust-balance"
      aria-labelledby="bonus-title"
      onSubmit={(e) => e.preventDefault()}
      onChange={() => setDone(undefined)}
    >
      <h3 id="bonus-title">{t("bonus")}</h3>
      <TextField
        id="bonus-amount"
        label={t("amount")}
        inputMode="decimal"
        autoComplete="off"
        value={amountText}
        onChange={(e) => setAmountText(e.target.value)}
        error={amountText.trim() !== "" && !amountValid ? t("amountInvalid") : undefined}
      />
      <TextField
        id="bonus-reason"
        label={t("reason")}
        autoComplete="off"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        error={reasonText.length > REASON_MAX ? t("reasonInvalid") : undefined}
      />
      <ConfirmAction
        label={t("submit")}
        disabled={!amountValid || !reasonValid}
        question={t("question", {
          amount: amountValid ? formatMoney(amount, language) : "",
          name,
          reason: reasonText
        })}
        confirmLabel={t("confirm")}
        onConfirm={() =>
          grant.mutateAsync(new BonusBody({ amount: Kopecks.make(amount!), reason: reasonText, idempotencyKey: key }))
        }
        testId="grant-bonus"
      />
      <Notice text={done} testId="bonus-granted" />
    </form>
  )
}
