/** axe-core and screenshots of a cabinet screen: desktop and phone, light and dark (test-artifacts/web/). */
import { mkdirSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { Page } from "playwright-core"

export const ARTIFACTS = fileURLToPath(new URL("../../../../test-artifacts/web/", import.meta.url))
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8")

export const SIZES = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const

/** axe-core on the page as it is: serious and critical violations, as "rule: target" lines. */
export const axe = async (page: Page): Promise<Array<string>> => {
  await page.evaluate(AXE)
  return page.evaluate(async () => {
    const result = await (
      window as unknown as {
        axe: {
          run: () => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }> }>
        }
      }
    ).axe.run()
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`)
  })
}

/** Screenshots of the current screen in both sizes and both themes, and axe in both themes. */
export const record = async (page: Page, name: string, violations: Array<string>) => {
  mkdirSync(ARTIFACTS, { recursive: true })
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    for (const [size, viewport] of Object.entries(SIZES)) {
      await page.setViewportSize(viewport)
      await page.screenshot({ path: join(ARTIFACTS, `${name}-${size}-${scheme}.png`), fullPage: true })
    }
    for (const v of await axe(page)) violations.push(`${name} (${scheme}): ${v}`)
  }
  await page.emulateMedia({ colorScheme: "light" })
  await page.setViewportSize(SIZES.desktop)
}
