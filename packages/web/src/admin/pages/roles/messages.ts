/** The role requests section's words: the list, its filter, approve / decline and their confirmations. */
import { defineMessages } from "../../../app/I18n.js"

export const messages = defineMessages({
  ru: {
    title: "Запросы ролей",
    intro: "Пользователи просят роль организатора или поставщика из бота (/profile) или из личного кабинета.",
    user: "Пользователь",
    current: "Сейчас",
    requested: "Просит",
    status: "Статус",
    asked: "Запрошено",
    decided: "Решено",
    actions: "Действия",
    PENDING: "ждёт решения",
    APPROVED: "одобрен",
    DECLINED: "отклонён",
    approve: "Одобрить",
    decline: "Отклонить",
    approveQuestion: "Дать пользователю {name} роль «{role}»? Он получит уведомление.",
    declineQuestion: "Отклонить запрос пользователя {name} на роль «{role}»? Он получит уведомление.",
    approved: "{name} теперь — {role}.",
    declined: "Запрос пользователя {name} на роль «{role}» отклонён."
  },
  en: {
    title: "Role requests",
    intro: "Users ask for the organizer or supplier role from the bot (/profile) or the web cabinet.",
    user: "User",
    current: "Now",
    requested: "Asks for",
    status: "Status",
    asked: "Asked",
    decided: "Decided",
    actions: "Actions",
    PENDING: "waiting",
    APPROVED: "approved",
    DECLINED: "declined",
    approve: "Approve",
    decline: "Decline",
    approveQuestion: "Give {name} the role “{role}”? They will be notified.",
    declineQuestion: "Decline the request of {name} for the role “{role}”? They will be notified.",
    approved: "{name} is now {role}.",
    declined: "The request of {name} for the role “{role}” was declined."
  }
})
