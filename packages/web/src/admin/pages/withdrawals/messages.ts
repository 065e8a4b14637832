/** The withdrawals section's words: the list, its filter, pay out / reject and their confirmations. */
import { defineMessages } from "../../../app/I18n.js"

export const messages = defineMessages({
  ru: {
    title: "Выводы",
    intro:
      "Заявки пользователей на вывод денег с баланса (бот /withdraw, личный кабинет, API). Сумма удержана с момента заявки; одобрение выплачивает её через платёжного провайдера, отклонение возвращает на баланс.",
    user: "Пользователь",
    amount: "Сумма",
    balance: "Баланс сейчас",
    details: "Реквизиты",
    status: "Статус",
    asked: "Создана",
    decided: "Решено",
    failure: "Ошибка выплаты",
    actions: "Действия",
    PENDING: "ждёт решения",
    PROCESSING: "выплачивается",
    APPROVED: "выплачена",
    REJECTED: "отклонена",
    approve: "Выплатить",
    reject: "Отклонить",
    reason: "Причина (её увидит пользователь)",
    approveQuestion: "Выплатить {amount} пользователю {name} по реквизитам «{details}»? Он получит уведомление.",
    rejectQuestion: "Отклонить заявку пользователя {name} на {amount}? Сумма вернётся на его баланс.",
    approved: "Заявка пользователя {name} на {amount} выплачена.",
    rejected: "Заявка пользователя {name} на {amount} отклонена, сумма возвращена на баланс."
  },
  en: {
    title: "Withdrawals",
    intro:
      "Users' requests to withdraw money from their balance (bot /withdraw, the cabinet, the API). The amount is held from the moment of the request; approval pays it out through the payment provider, rejection returns it to the balance.",
    user: "User",
    amount: "Amount",
    balance: "Balance now",
    details: "Payout details",
    status: "Status",
    asked: "Requested",
    decided: "Decided",
    failure: "Payout error",
    actions: "Actions",
    PENDING: "waiting",
    PROCESSING: "paying out",
    APPROVED: "paid out",
    REJECTED: "rejected",
    approve: "Pay out",
    reject: "Reject",
    reason: "Reason (the user sees it)",
    approveQuestion: "Pay {amount} to {name} at “{details}”? They will be notified.",
    rejectQuestion: "Reject the request of {name} for {amount}? The amount goes back to their balance.",
    approved: "The request of {name} for {amount} was paid out.",
    rejected: "The request of {name} for {amount} was rejected; the amount is back on their balance."
  }
})
