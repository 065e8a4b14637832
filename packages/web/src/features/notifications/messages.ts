import { defineMessages } from "../../app/index.js"

export const messages = defineMessages({
  ru: {
    title: "Уведомления",
    unreadOnly: "Только непрочитанные",
    markAll: "Прочитать все",
    markRead: "Прочитано",
    empty: "Уведомлений нет.",
    emptyUnread: "Непрочитанных уведомлений нет.",
    more: "Показать ещё",
    unread: "новое",
    open: "Открыть",
    openChat: "Открыть чат",
    chats: "Чаты с непрочитанными",
    chatUnread: "{title}: непрочитанных {count}",
    chatFallback: "Чат закупки",
    list: "Список уведомлений",
    typeNEW_CHAT_MESSAGE: "Чат",
    typePROCUREMENT_STATUS_UPDATE: "Статус закупки",
    typePAYMENT_REQUIRED: "Нужна оплата",
    typePAYMENT_RECEIVED: "Оплата получена",
    typePROCUREMENT_COMPLETED: "Закупка завершена",
    typeSYSTEM: "GroupBuy"
  },
  en: {
    title: "Notifications",
    unreadOnly: "Unread only",
    markAll: "Mark all read",
    markRead: "Mark read",
    empty: "No notifications.",
    emptyUnread: "No unread notifications.",
    more: "Show more",
    unread: "new",
    open: "Open",
    openChat: "Open the chat",
    chats: "Chats with unread messages",
    chatUnread: "{title}: {count} unread",
    chatFallback: "Procurement chat",
    list: "Notifications list",
    typeNEW_CHAT_MESSAGE: "Chat",
    typePROCUREMENT_STATUS_UPDATE: "Procurement status",
    typePAYMENT_REQUIRED: "Payment required",
    typePAYMENT_RECEIVED: "Payment received",
    typePROCUREMENT_COMPLETED: "Procurement completed",
    typeSYSTEM: "GroupBuy"
  }
})
