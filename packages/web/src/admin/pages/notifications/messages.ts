/** The bulk notifications section's words: the form, the preview, the count, the confirmation and the result. */
import { defineMessages } from "../../../app/I18n.js"

export const messages = defineMessages({
  ru: {
    title: "Рассылка",
    intro: "Уведомление получит каждый активный пользователь: в кабинете и в мессенджере, где он был последним.",
    notificationTitle: "Заголовок",
    body: "Текст",
    titleInvalid: "Заголовок — от 1 до {max} символов.",
    bodyInvalid: "Текст — от 1 до {max} символов.",
    left: "Осталось символов: {count}",
    preview: "Так его увидят",
    previewEmpty: "Заполните заголовок и текст — здесь появится уведомление.",
    recipients: "Получателей: {count}",
    recipientsNone: "Активных пользователей нет — отправлять некому.",
    send: "Отправить",
    sendTo: "Отправить {count} польз.",
    question: "Отправить уведомление «{title}» {count} пользователям? Отозвать его будет нельзя.",
    sent: "Уведомление «{title}» отправлено {count} пользователям."
  },
  en: {
    title: "Bulk notifications",
    intro: "Every active user gets the notification: in the cabinet and on the messenger they used last.",
    notificationTitle: "Title",
    body: "Text",
    titleInvalid: "The title is 1 to {max} characters.",
    bodyInvalid: "The text is 1 to {max} characters.",
    left: "Characters left: {count}",
    preview: "How it will look",
    previewEmpty: "Fill in the title and the text to see the notification here.",
    recipients: "Recipients: {count}",
    recipientsNone: "There are no active users — nobody to send to.",
    send: "Send",
    sendTo: "Send to {count} users",
    question: "Send the notification “{title}” to {count} users? It cannot be recalled.",
    sent: "The notification “{title}” was sent to {count} users."
  }
})
