import { defineMessages } from "../../app/index.js"

export const messages = defineMessages({
  ru: {
    title: "Вход",
    intro: "Вход по одноразовой ссылке из бота. Нажмите «Войти» — ссылка сработает один раз.",
    noCode: "Чтобы войти, отправьте боту команду /web и откройте присланную ссылку.",
    noBot: "Нет бота под рукой? Зарегистрируйтесь в веб-чате — оттуда тоже можно открыть кабинет.",
    toWebChat: "Открыть веб-чат",
    signIn: "Войти",
    signingIn: "Входим…",
    signedInAs: "Вы вошли как {name}.",
    toBrowse: "Перейти к закупкам",
    expired: "Сеанс истёк. Получите новую ссылку командой /web в боте.",
    signedOut: "Вы вышли из кабинета.",
    badCode: "Ссылка недействительна."
  },
  en: {
    title: "Sign in",
    intro: "Sign in with the one-time link from the bot. Press “Sign in” — the link works once.",
    noCode: "To sign in, send /web to the bot and open the link it sends you.",
    noBot: "No bot at hand? Register in the web chat — the cabinet opens from there too.",
    toWebChat: "Open the web chat",
    signIn: "Sign in",
    signingIn: "Signing in…",
    signedInAs: "You are signed in as {name}.",
    toBrowse: "Go to procurements",
    expired: "Your session has expired. Get a new link with /web in the bot.",
    signedOut: "You have signed out.",
    badCode: "The link is not valid."
  }
})
