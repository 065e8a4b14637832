import { defineMessages } from "../../app/index.js"

export const messages = defineMessages({
  ru: {
    title: "Мои закупки",
    organized: "Организую",
    joined: "Участвую",
    supplied: "Поставляю",
    all: "Все статусы",
    empty: "Здесь пока пусто.",
    myPart: "Моё участие: {status}"
  },
  en: {
    title: "My procurements",
    organized: "Organizing",
    joined: "Taking part",
    supplied: "Supplying",
    all: "All statuses",
    empty: "Nothing here yet.",
    myPart: "My part: {status}"
  }
})
