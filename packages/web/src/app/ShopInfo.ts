/**
 * The shop's public facts (its name, the referral commission, which parts are offered): one query, by key and fetch,
 * for the cabinet's menu, its shop screens and the admin panel (each with its own `Api`).
 */
import type { Api } from "./Api.js"

export const shopInfoQuery = (api: Api) => ({
  queryKey: ["shop-info"] as const,
  queryFn: () => api.run((c) => c.shopCatalog.info())
})
