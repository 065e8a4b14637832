/** The shop's public facts for the shop screens: `app/ShopInfo`'s one query, with the cabinet's `Api`. */
import { useQuery } from "@tanstack/react-query"
import { formatMoney, shopInfoQuery, useApi, useLanguage } from "../../app/index.js"

export const useShopInfo = () => {
  const api = useApi()
  return useQuery(shopInfoQuery(api))
}

/** Money as the shop shows it: the amount in the buyer's language with the shop's currency sign (₽ until it is known). */
export const useShopMoney = () => {
  const { language } = useLanguage()
  const sign = useShopInfo().data?.currencyDisplay ?? "₽"
  return (kopecks: bigint) => formatMoney(kopecks, language).replace("₽", sign)
}
