/** The shop's public facts (name, which parts are offered), one query the shell and the shop screens share. */
import { useQuery } from "@tanstack/react-query"
import { useApi } from "../../app/index.js"

export const SHOP_INFO_KEY = ["shop-info"] as const

export const useShopInfo = () => {
  const api = useApi()
  return useQuery({ queryKey: SHOP_INFO_KEY, queryFn: () => api.run((c) => c.shopCatalog.info()) })
}
