/** The channels section's words: the list, the form that adds one, removal and its confirmation. */
import { defineMessages } from "../../../app/I18n.js"

export const messages = defineMessages({
  ru: {
    title: "Каналы",
    intro: "Чаты, куда боты публикуют закупки по команде /broadcast.",
    add: "Подключить канал",
    bot: "Бот (id в парке ботов)",
    botHint: "Например, telegram или vk — как бот назван в настройках сервера.",
    platform: "Платформа",
    chatId: "Id чата",
    chatIdHint: "Telegram: -1001234567890 или @channel; ВКонтакте: peer id беседы.",
    channelTitle: "Название",
    language: "Язык объявлений",
    required: "Заполните это поле.",
    tooLong: "Не длиннее {max} символов.",
    added: "Канал «{title}» подключён.",
    removed: "Канал «{title}» отключён.",
    remove: "Отключить",
    removeQuestion:
      "Отключить канал «{title}» (чат {chatId}, бот {botId})? Бот перестанет публиковать туда закупки; сам чат не изменится.",
    added_at: "Подключён",
    actions: "Действия",
    ru: "русский",
    en: "английский"
  },
  en: {
    title: "Channels",
    intro: "The chats where bots announce procurements on /broadcast.",
    add: "Add a channel",
    bot: "Bot (its fleet id)",
    botHint: "E.g. telegram or vk — the bot's name in the server's settings.",
    platform: "Platform",
    chatId: "Chat id",
    chatIdHint: "Telegram: -1001234567890 or @channel; VK: the conversation's peer id.",
    channelTitle: "Title",
    language: "Language of announcements",
    required: "Please fill this in.",
    tooLong: "At most {max} characters.",
    added: "The channel “{title}” was added.",
    removed: "The channel “{title}” was removed.",
    remove: "Remove",
    removeQuestion:
      "Remove the channel “{title}” (chat {chatId}, bot {botId})? The bot will no longer announce procurements there; the chat itself stays as it is.",
    added_at: "Added",
    actions: "Actions",
    ru: "Russian",
    en: "English"
  }
})
