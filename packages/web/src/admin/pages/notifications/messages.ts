/** The bulk notifications section's words: the form, the preview, the count, the confirmation and the result. */
import { defineMessages } from "../../../app/I18n.js"

export const messages = defineMessages({
  ru: {
    title: "Рассылка",
    intro: "Уведомление придёт в кабинет и в мессенджер, где пользователь был последним. Отключённые его не получат.",
    audience: "Кому",
    everyone: "все активные пользователи",
    notificationTitle: "Заголовок",
    body: "Текст",
    titleInvalid: "Заголовок — от 1 до {max} символов.",
    bodyInvalid: "Текст — от 1 до {max} символов.",
    left: "Осталось символов: {count}",
    preview: "Так его увидят",
    previewEmpty: "Заполните заголовок и текст — здесь появится уведомление.",
    recipients: "Получателей: {count} ({audience})",
    recipientsNone: "Таких пользователей нет — отправлять некому.",
    send: "Отправить",
    sendTo: "Отправить {count} польз.",
    question: "Отправить уведомление «{title}» {count} пользователям ({audience})? Отозвать его будет нельзя.",
    sent: "Уведомление «{title}» отправлено {count} пользователям."
  },
  en: {
    title: "Bulk notifications",
    intro:
      "The notification arrives in the cabinet and on the messenger the user used last. Deactivated users get nothing.",
    audience: "To whom",
    everyone: "every active user",
    notificationTitle: "Title",
    body: "Text",
    titleInvalid: "The title is 1 to {max} characters.",
    bodyInvalid: "The text is 1 to {max} characters.",
    left: "Characters left: {count}",
    preview: "How it will look",
    previewEmpty: "Fill in the title and the text to see the notification here.",
    recipients: "Recipients: {count} ({audience})",
    recipientsNone: "There are no such users — nobody to send to.",
    send: "Send",
    sendTo: "Send to {count} users",
    question: "Send the notification “{title}” to {count} users ({audience})? It cannot be recalled.",
    sent: "The notification “{title}” was sent to {count} users."
  }
})
