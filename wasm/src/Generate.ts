/** Deterministic sample data (seeded PRNG) for benchmarks, tests and UI demos. */
import type { ChatMessage, Procurement, ProcurementStatus } from "./Types.js"

/** 2026-01-15T09:00:00Z, the default `now` of generated data and of benchmarkBatchProcessing. */
export const SAMPLE_NOW = Date.UTC(2026, 0, 15, 9, 0, 0)

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. */
export const prng = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const PRODUCTS = [
  "Мёд алтайский",
  "Детские комбинезоны",
  "Сыр пармезан",
  "Кофе в зёрнах",
  "Ёлочные игрушки",
  "Постельное бельё",
  "Оливковое масло",
  "Школьные рюкзаки",
  "Зимние шины",
  "Корм для кошек",
  "Organic tea",
  "Книги издательства МИФ",
  "Шерстяные носки",
  "Крем для рук",
  "Палатки туристические",
  "Конструктор LEGO"
]
const ADJECTIVES = ["оптом", "со скидкой", "от производителя", "из Италии", "под заказ", "2026", "выкуп №3", "🔥 хит"]
const PHRASES = [
  "Собираем заказ до конца месяца",
  "доставка в пункт выдачи",
  "оплата после стопа",
  "орг. сбор 10%",
  "размерная сетка в альбоме",
  "подробности на https://example.ru/zakupka?id=42",
  "вопросы — в личку",
  "минимальная партия 20 штук",
  "цены с учётом НДС",
  "❤️ спасибо всем участникам"
]
const CITIES = [
  "Москва",
  "Санкт-Петербург",
  "Новосибирск",
  "Екатеринбург",
  "Казань",
  "Нижний Новгород",
  "Самара",
  "Ростов-на-Дону",
  "Уфа",
  "Пермь",
  " москва ",
  "МОСКВА",
  "Орёл"
]
const CATEGORIES = ["Продукты", "Одежда", "Детские товары", "Дом", "Авто", "Красота", "Книги", "Спорт", "Зоотовары"]
const STATUSES: ReadonlyArray<ProcurementStatus> = [
  "ACTIVE",
  "ACTIVE",
  "ACTIVE",
  "DRAFT",
  "STOPPED",
  "PAYMENT",
  "COMPLETED",
  "COMPLETED",
  "CANCELLED"
]
const NAMES = ["Анна", "Ольга", "Ёлкин Пётр", "Мария Иванова", "Dmitry K.", "Светлана", "👩‍🍳 Катя", "Игорь Смирнов"]
const TEXTS = [
  "Когда будет стоп?",
  "Оплатила, проверьте пожалуйста",
  "Ссылка на каталог: https://example.ru/catalog?page=2&sort=price.",
  "<b>не тег</b> & \"кавычки\" 'одинарные'",
  "Спасибо! 👍",
  "Можно ли поменять размер на 42?",
  "javascript:alert(1) — не ссылка",
  "Забрала заказ, всё отлично 😊"
]

const pick = <T>(r: () => number, list: ReadonlyArray<T>): T => list[Math.floor(r() * list.length)]!

export const generateProcurements = (count: number, seed = 1, now = SAMPLE_NOW): Array<Procurement> => {
  const r = prng(seed)
  const out = new Array<Procurement>(count)
  for (let i = 0; i < count; i++) {
    const target = Math.floor(r() * 50_000_000) + 10_000
    const description = `${pick(r, PHRASES)}, ${pick(r, PHRASES)}. ${pick(r, PHRASES)}.`
    out[i] = {
      id: `p${seed}-${i}`,
      title: `${pick(r, PRODUCTS)} ${pick(r, ADJECTIVES)}`,
      description,
      city: pick(r, CITIES),
      category: pick(r, CATEGORIES),
      status: pick(r, STATUSES),
      targetAmount: target,
      collectedAmount: Math.floor(target * r() * 1.2),
      participantCount: Math.floor(r() * 200),
      deadline: r() < 0.01 ? NaN : now + Math.floor((r() * 120 - 30) * 86_400_000),
      createdAt: now - Math.floor(r() * 120 * 86_400_000)
    }
  }
  return out
}

export const generateMessages = (count: number, seed = 1, now = SAMPLE_NOW): Array<ChatMessage> => {
  const r = prng(seed)
  const out = new Array<ChatMessage>(count)
  let t = now - count * 600_000
  for (let i = 0; i < count; i++) {
    t += Math.floor(r() * 1_200_000)
    out[i] = { id: `m${seed}-${i}`, author: pick(r, NAMES), text: `${pick(r, TEXTS)} ${pick(r, TEXTS)}`, createdAt: t }
  }
  return out
}
