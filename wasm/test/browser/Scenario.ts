// One scenario run both in Node and in Chromium (bundled by Browser.test.ts); the two JSON strings must match.
import {
  generateMessages,
  generateProcurements,
  KERNEL_NAMES,
  loadKernels,
  SAMPLE_NOW,
  toProcurementColumns
} from "../../src/index.js"
import type { LoadOptions } from "../../src/index.js"

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "bigint" ? `${v}n` : ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v
  )

export const runScenario = async (options: LoadOptions = {}): Promise<string> => {
  const k = await loadKernels(options)
  const items = generateProcurements(400, 11)
  const messages = generateMessages(300, 11)
  return canonical({
    wasmLoaded: k.wasmLoaded,
    backends: KERNEL_NAMES.map((name) => k.backendOf(name)),
    processed: k.batchProcessProcurements(items, SAMPLE_NOW),
    sorted: k.sortProcurements(items, [{ field: "city" }, { field: "deadline", direction: "desc" }]).map((p) => p.id),
    stats: k.aggregateProcurementStats(items, SAMPLE_NOW),
    columnar: ((columns) => ({
      processed: k.batchProcessProcurementsColumns(columns, SAMPLE_NOW).formattedRemaining,
      sorted: k.sortProcurementsColumns(columns, [{ field: "status" }, { field: "city", direction: "desc" }]),
      stats: k.aggregateProcurementStatsColumns(columns, SAMPLE_NOW)
    }))(toProcurementColumns(items)),
    search: k.searchProcurements(items, "мёд москва", { limit: 20 }),
    messages: k.batchProcessMessages(messages, { tzOffsetMinutes: 180 }),
    messageSearch: k.searchMessages(messages, "ссылка"),
    text: k.formatMessageText(`<b>x</b> https://пример.рф/?a=1&b=2 "q" 👍 javascript:alert(1)`),
    form: k.validateProcurementForm(
      { title: "ab", city: "", category: "x", targetAmount: 0, deadline: 0 },
      {
        now: SAMPLE_NOW,
        locale: "en"
      }
    ),
    phone: k.validatePhone("8 (999) 123-45-67"),
    email: k.validateEmail(" Ivan@Mail.RU "),
    money: [k.formatCurrency(123_456_789), k.formatCurrency(2n ** 64n)],
    people: ["Анна Петрова", "👩‍🍳 Катя"].map((n) => [k.getInitials(n), k.getAvatarColor(n)])
  })
}

/** Texts whose formatted HTML is assigned to innerHTML in the browser test. */
export const HOSTILE_TEXTS: ReadonlyArray<string> = [
  `<img src=x onerror=alert(1)>`,
  `"><script>alert(1)</script>`,
  `https://a.ru/"onmouseover="alert(1)`,
  `https://a.ru/'onmouseover='alert(1)`,
  `javascript:alert(1) JaVaScRiPt:alert(1) data:text/html,<b>x</b>`,
  `<a href="javascript:alert(1)">x</a> http://ok.ru/path?a=1&b=2`,
  "<svg/onload=alert(1)> https://a.ru/`x` <iframe src=https://evil.ru>"
]
