import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import {
  endOfMoscowDay,
  formatMoscowDate,
  MAX_DEADLINE_DAYS,
  moscowDay,
  parseDeadline
} from "../../../src/flows/parse/Deadline.js"

/** 21.11.2026 12:00 Moscow time. */
const NOW = Date.UTC(2026, 10, 21, 9, 0)
/** The end of a Moscow day as epoch ms: 23:59:59.999 MSK = 20:59:59.999 UTC. */
const end = (year: number, month: number, day: number) => Date.UTC(year, month - 1, day, 20, 59, 59, 999)

const parsed = (input: string, now = NOW) => {
  const result = parseDeadline(input, now)
  return Either.isRight(result)
    ? formatMoscowDate(result.right)
    : `!${result.left.key} ${result.left.params?.["date"] ?? ""}`.trim()
}

describe("parseDeadline", () => {
  it("is the end of the Moscow day", () => {
    assert.strictEqual(Either.getOrThrow(parseDeadline("25.12.2026", NOW)), end(2026, 12, 25))
    assert.strictEqual(endOfMoscowDay({ year: 2026, month: 12, day: 25 }), end(2026, 12, 25))
    assert.deepStrictEqual(moscowDay(end(2026, 12, 25)), { year: 2026, month: 12, day: 25 })
    assert.deepStrictEqual(moscowDay(end(2026, 12, 25) + 1), { year: 2026, month: 12, day: 26 })
  })

  it("reads numeric dates", () => {
    assert.strictEqual(parsed("25.12.2026"), "25.12.2026")
    assert.strictEqual(parsed("5.1.2027"), "05.01.2027")
    assert.strictEqual(parsed("25/12/2026"), "25.12.2026")
    assert.strictEqual(parsed("25.12.26"), "25.12.2026")
    assert.strictEqual(parsed("2026-12-25"), "25.12.2026")
    assert.strictEqual(parsed("25.12"), "25.12.2026")
    assert.strictEqual(parsed("до 25.12.2026"), "25.12.2026")
    assert.strictEqual(parsed("25.12.2026 г."), "25.12.2026")
  })

  it("a day and month already past this year means next year", () => {
    assert.strictEqual(parsed("01.03"), "01.03.2027")
    assert.strictEqual(parsed("20.11"), "20.11.2027")
  })

  it("reads month names in Russian and English", () => {
    assert.strictEqual(parsed("25 декабря"), "25.12.2026")
    assert.strictEqual(parsed("25 дек"), "25.12.2026")
    assert.strictEqual(parsed("9 мая"), "09.05.2027")
    assert.strictEqual(parsed("1 марта 2027"), "01.03.2027")
    assert.strictEqual(parsed("1 сент"), "01.09.2027")
    assert.strictEqual(parsed("December 25"), "25.12.2026")
    assert.strictEqual(parsed("dec 25th, 2026"), "25.12.2026")
    assert.strictEqual(parsed("25 Dec 2026"), "25.12.2026")
    assert.strictEqual(parsed("25 декабрика"), "25.12.2026")
    assert.strictEqual(parsed("25 смарта"), "!deadline.malformed")
  })

  it("reads relative phrases", () => {
    assert.strictEqual(parsed("завтра"), "22.11.2026")
    assert.strictEqual(parsed("Tomorrow"), "22.11.2026")
    assert.strictEqual(parsed("послезавтра"), "23.11.2026")
    assert.strictEqual(parsed("the day after tomorrow"), "23.11.2026")
    assert.strictEqual(parsed("через 3 дня"), "24.11.2026")
    assert.strictEqual(parsed("через день"), "22.11.2026")
    assert.strictEqual(parsed("через 10 дней"), "01.12.2026")
    assert.strictEqual(parsed("через неделю"), "28.11.2026")
    assert.strictEqual(parsed("через 2 недели"), "05.12.2026")
    assert.strictEqual(parsed("через две недели"), "05.12.2026")
    assert.strictEqual(parsed("через месяц"), "21.12.2026")
    assert.strictEqual(parsed("через 3 месяца"), "21.02.2027")
    assert.strictEqual(parsed("in 2 weeks"), "05.12.2026")
    assert.strictEqual(parsed("in a week"), "28.11.2026")
    assert.strictEqual(parsed("in three days"), "24.11.2026")
    assert.strictEqual(parsed("in a month"), "21.12.2026")
    assert.strictEqual(parsed("через  2   недели"), "05.12.2026")
  })

  it("adds months clamped to the month's last day", () => {
    const jan31 = Date.UTC(2027, 0, 31, 9)
    assert.strictEqual(parsed("через месяц", jan31), "28.02.2027")
    assert.strictEqual(parsed("через месяц", Date.UTC(2028, 0, 31, 9)), "29.02.2028")
  })

  it("uses the Moscow day, not the UTC day, near midnight", () => {
    // 21.11.2026 00:30 Moscow time is still 20.11 in UTC
    const justAfterMidnight = Date.UTC(2026, 10, 20, 21, 30)
    assert.strictEqual(parsed("завтра", justAfterMidnight), "22.11.2026")
    assert.strictEqual(parsed("21.11.2026", justAfterMidnight), "!deadline.today 21.11.2026")
    // 21.11.2026 23:30 Moscow time
    assert.strictEqual(parsed("завтра", Date.UTC(2026, 10, 21, 20, 30)), "22.11.2026")
  })

  it("refuses today, the past, impossible and far dates with the date in the reason", () => {
    assert.strictEqual(parsed("сегодня"), "!deadline.today 21.11.2026")
    assert.strictEqual(parsed("today"), "!deadline.today 21.11.2026")
    assert.strictEqual(parsed("21.11.2026"), "!deadline.today 21.11.2026")
    assert.strictEqual(parsed("21.11"), "!deadline.today 21.11.2026")
    assert.strictEqual(parsed("20.11.2026"), "!deadline.past 20.11.2026")
    assert.strictEqual(parsed("2025-01-01"), "!deadline.past 01.01.2025")
    assert.strictEqual(parsed("31.02.2027"), "!deadline.noSuchDay 31.02.2027")
    assert.strictEqual(parsed("32.01"), "!deadline.noSuchDay 32.01.2026")
    assert.strictEqual(parsed("30 февраля"), "!deadline.noSuchDay 30.02.2026")
    assert.strictEqual(parsed("25.12.2062"), "!deadline.tooFar 25.12.2062")
    assert.strictEqual(parsed("через 5 лет"), "!deadline.malformed")
    assert.strictEqual(parsed("через 30 месяцев"), "!deadline.tooFar 21.05.2029")
    assert.strictEqual(parsed(""), "!deadline.empty")
    assert.strictEqual(parsed("когда-нибудь"), "!deadline.malformed")
    assert.strictEqual(parsed("через много дней"), "!deadline.malformed")
  })

  it("every accepted deadline is the end of a Moscow day after today and within the horizon", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 2019, max: 2040 }),
        (now, day, month, year) => {
          const result = parseDeadline(`${day}.${month}.${year}`, now)
          if (Either.isLeft(result)) return true
          const d = moscowDay(result.right)
          const today = moscowDay(now)
          const key = (x: typeof d) => x.year * 10_000 + x.month * 100 + x.day
          return (
            d.day === day &&
            d.month === month &&
            d.year === year &&
            endOfMoscowDay(d) === result.right &&
            key(d) > key(today) &&
            result.right - now <= (MAX_DEADLINE_DAYS + 1) * 86_400_000
          )
        }
      ),
      { numRuns: 2000 }
    )
  })

  it("accepts every day from tomorrow to the horizon in each numeric form", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
        fc.integer({ min: 1, max: MAX_DEADLINE_DAYS }),
        (now, days) => {
          const target = endOfMoscowDay(moscowDay(now)) + days * 86_400_000
          const d = moscowDay(target)
          const dd = String(d.day).padStart(2, "0")
          const mm = String(d.month).padStart(2, "0")
          return [`${dd}.${mm}.${d.year}`, `${d.year}-${mm}-${dd}`, `${d.day}/${d.month}/${d.year}`].every((typed) => {
            const result = parseDeadline(typed, now)
            return Either.isRight(result) && result.right === target
          })
        }
      ),
      { numRuns: 2000 }
    )
  })
})
