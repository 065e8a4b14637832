/**
 * The ledger's words: its columns and the transaction types. The cabinet's balance and the admin panel's journal
 * spread them into their own messages, so a type reads the same to the user and to the administrator.
 */
export const ledgerWords = {
  ru: {
    date: "Дата",
    type: "Тип",
    change: "Сумма",
    after: "Баланс после",
    note: "Описание",
    DEPOSIT: "Пополнение",
    WITHDRAWAL: "Вывод",
    PROCUREMENT_JOIN: "Оплата закупки",
    PROCUREMENT_REFUND: "Возврат за закупку",
    TRANSFER: "Перевод организатору",
    BONUS: "Бонус",
    ADJUSTMENT: "Корректировка",
    PURCHASE: "Покупка в магазине",
    PURCHASE_REFUND: "Возврат за покупку",
    COMMISSION: "Комиссия магазина",
    COMMISSION_REVERSAL: "Отмена комиссии",
    WITHDRAWAL_HOLD: "Заявка на вывод (удержано)",
    WITHDRAWAL_RELEASE: "Возврат по заявке на вывод"
  },
  en: {
    date: "Date",
    type: "Type",
    change: "Amount",
    after: "Balance after",
    note: "Description",
    DEPOSIT: "Deposit",
    WITHDRAWAL: "Withdrawal",
    PROCUREMENT_JOIN: "Procurement payment",
    PROCUREMENT_REFUND: "Procurement refund",
    TRANSFER: "Transfer to organizer",
    BONUS: "Bonus",
    ADJUSTMENT: "Adjustment",
    PURCHASE: "Shop purchase",
    PURCHASE_REFUND: "Shop refund",
    COMMISSION: "Shop commission",
    COMMISSION_REVERSAL: "Commission reversal",
    WITHDRAWAL_HOLD: "Withdrawal request (held)",
    WITHDRAWAL_RELEASE: "Withdrawal request released"
  }
} as const
