import { describe, expect, it } from "vitest"
import { groupBuyCommandNames, groupBuyCommands } from "../../src/shared/CommandMenu.js"

describe("CommandMenu", () => {
  it("lists the shop's commands after the group purchases' ones, in both languages", () => {
    const menus = groupBuyCommands()
    for (const language of ["ru", "en"] as const) {
      const names = menus[language].map((c) => c.command)
      expect(names.slice(0, 2)).toEqual(["start", "help"])
      expect(names.slice(-4)).toEqual(["catalog", "orders", "subscriptions", "myshop"])
    }
    expect(menus.ru.find((c) => c.command === "catalog")?.description).toBe("каталог товаров")
    expect(menus.en.find((c) => c.command === "orders")?.description).toBe("my orders")
  })

  it("counts the shop's commands as GroupBuy's (an embedding bot hands them over)", () => {
    expect(groupBuyCommandNames().has("catalog")).toBe(true)
    expect(groupBuyCommandNames().has("orders")).toBe(true)
    expect(groupBuyCommandNames().has("subscriptions")).toBe(true)
    expect(groupBuyCommandNames().has("myshop")).toBe(true)
  })

  it("offers /withdraw right after /deposit, in both languages", () => {
    const menus = groupBuyCommands()
    for (const language of ["ru", "en"] as const) {
      const names = menus[language].map((c) => c.command)
      expect(names.indexOf("withdraw")).toBe(names.indexOf("deposit") + 1)
    }
    expect(menus.ru.find((c) => c.command === "withdraw")?.description).toBe("вывести деньги")
    expect(menus.en.find((c) => c.command === "withdraw")?.description).toBe("withdraw money")
  })
})
