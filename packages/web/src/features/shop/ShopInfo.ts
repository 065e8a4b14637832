/** The shop's public facts (name, which parts are offered), one query the shell and the shop screens share. */
import { useQuery } from "@tanstack/react-query"
import { formatMoney, useApi, useLanguage } from "../../app/index.js"

export const SHOP_INFO_KEY = ["shop-info"] as const

export const useShopInfo = () => {
  const api = useApi()
  return useQuery({ queryKey: SHOP_INFO_KEY, queryFn: () => api.run((c) => c.shopCatalog.info()) })
}

/** Money as the shop shows it: the amount in the buyer's language with the shop's currency sign (₽ until it is known). */
export const useShopMoney = () => {
  const { language } = useLanguage()
  const sign = useShopInfo().data?.currencyDisplay ?? "₽"
  return (kopecks: bigint) => formatMoney(kopecks, language).replace("₽", sign)
}
