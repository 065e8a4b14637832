/** The balance screen's withdrawal words: the request form and the list of requests with their states. */
import { defineMessages } from "../../app/I18n.js"

export const withdrawalMessages = defineMessages({
  ru: {
    withdraw: "Вывод денег",
    withdrawIntro:
      "Сумма удерживается с баланса сразу; администратор выплатит её по вашим реквизитам или отклонит заявку — тогда сумма вернётся на баланс.",
    amount: "Сумма, ₽",
    amountInvalid: "Введите сумму в рублях, например 500 или 500,50.",
    details: "Куда перевести",
    detailsHint: "Номер счёта и БИК банка (и ФИО получателя), номер карты или телефон для СБП.",
    detailsInvalid: "Укажите реквизиты: хотя бы 5 символов.",
    submit: "Отправить заявку",
    sent: "Заявка на {amount} отправлена, сумма удержана.",
    requests: "Заявки на вывод",
    noRequests: "Заявок на вывод пока нет.",
    date: "Дата",
    sum: "Сумма",
    where: "Реквизиты",
    status: "Статус",
    PENDING: "ждёт решения",
    PROCESSING: "выплачивается",
    APPROVED: "выплачена",
    REJECTED: "отклонена"
  },
  en: {
    withdraw: "Withdraw money",
    withdrawIntro:
      "The amount is held from your balance at once; an administrator pays it to your details or rejects the request — then the amount comes back.",
    amount: "Amount, ₽",
    amountInvalid: "Enter an amount in rubles, e.g. 500 or 500.50.",
    details: "Where to pay",
    detailsHint: "An account number and the bank's BIC (and the recipient's name), a card number, or a phone for SBP.",
    detailsInvalid: "Give the payout details: at least 5 characters.",
    submit: "Send the request",
    sent: "The request for {amount} was sent; the amount is held.",
    requests: "Withdrawal requests",
    noRequests: "No withdrawal requests yet.",
    date: "Date",
    sum: "Amount",
    where: "Details",
    status: "Status",
    PENDING: "waiting",
    PROCESSING: "paying out",
    APPROVED: "paid out",
    REJECTED: "rejected"
  }
})
