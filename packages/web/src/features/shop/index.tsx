/**
 * The shop's catalogue: the categories that hold products (and "Other" for products in none), then the chosen
 * category's products with price and availability, each opening its purchase screen. The category is in the URL
 * (`?category=`), so Back returns to it. Shown only while the shop is offered.
 */
import { CategoryId } from "@groupbuy/core/api"
import { useQuery } from "@tanstack/react-query"
import { Option, Schema } from "effect"
import { Link, useSearchParams } from "wouter"
import { Empty, QueryView, Screen, useApi, useT } from "../../app/index.js"
import { messages } from "./messages.js"
import { useShopInfo, useShopMoney } from "./ShopInfo.js"
import "./shop.css"

const OTHER = "other"

const Products = ({ categoryId }: { categoryId: CategoryId | null }) => {
  const t = useT(messages)
  const money = useShopMoney()
  const api = useApi()
  const products = useQuery({
    queryKey: ["shop-products", categoryId],
    queryFn: () =>
      api.run((c) =>
        c.shopCatalog.products({ urlParams: { limit: 100, ...(categoryId === null ? {} : { categoryId }) } })
      )
  })
  return (
    <section aria-labelledby="shop-products-title">
      <h2 id="shop-products-title">{t("products")}</h2>
      <QueryView query={products} empty={{ when: (p) => p.items.length === 0, say: t("noProducts") }}>
        {({ items }) => (
          <ul className="shop-list" data-testid="shop-products">
            {items.map((p) => (
              <li key={p.id} className="card shop-product" data-product-id={p.id}>
                <Link href={`/shop/products/${p.id}`} className="shop-product-title">
                  {p.title}
                </Link>
                <span className="meta">
                  {money(p.price)} · {p.available > 0 ? t("available", { count: p.available }) : t("soldOut")}
                </span>
              </li>
            ))}
          </ul>
        )}
      </QueryView>
    </section>
  )
}

export default function Shop() {
  const t = useT(messages)
  const api = useApi()
  const info = useShopInfo()
  const [params] = useSearchParams()
  const chosen = params.get("category")
  const categoryId = chosen === OTHER ? null : Option.getOrUndefined(Schema.decodeUnknownOption(CategoryId)(chosen))
  const categories = useQuery({
    queryKey: ["shop-categories"],
    queryFn: () => api.run((c) => c.shopCatalog.categories())
  })
  const uncategorized = useQuery({
    queryKey: ["shop-products", null],
    queryFn: () => api.run((c) => c.shopCatalog.products({ urlParams: { limit: 100 } }))
  })
  const hasOther = (uncategorized.data?.total ?? 0) > 0
  if (info.data?.offer.shop === false) {
    return (
      <Screen title={info.data.name}>
        <p data-testid="shop-closed">{t("closed")}</p>
      </Screen>
    )
  }
  return (
    <Screen
      title={info.data?.name ?? t("title")}
      actions={
        <>
          <Link href="/shop/orders" data-testid="my-orders">
            {t("myOrders")}
          </Link>
          <Link href="/shop/subscriptions" data-testid="my-subscriptions">
            {t("mySubscriptions")}
          </Link>
        </>
      }
    >
      {info.data?.description ? <p className="hint">{info.data.description}</p> : null}
      <nav aria-label={t("categories")}>
        <QueryView query={categories}>
          {(list) =>
            list.length === 0 && !hasOther ? (
              <Empty>{t("emptyShop")}</Empty>
            ) : (
              <ul className="shop-categories" data-testid="shop-categories">
                {list.map(({ category, productCount }) => (
                  <li key={category.id}>
                    <Link
                      href={`/shop?category=${category.id}`}
                      aria-current={categoryId === category.id ? "page" : undefined}
                    >
                      {`${category.icon ?? ""} ${category.name}`.trim()}
                    </Link>{" "}
                    <span className="meta">{t("productCount", { count: productCount })}</span>
                  </li>
                ))}
                {hasOther ? (
                  <li>
                    <Link href={`/shop?category=${OTHER}`} aria-current={categoryId === null ? "page" : undefined}>
                      {t("other")}
                    </Link>{" "}
                    <span className="meta">{t("productCount", { count: uncategorized.data?.total ?? 0 })}</span>
                  </li>
                ) : null}
              </ul>
            )
          }
        </QueryView>
      </nav>
      {categoryId === undefined ? null : <Products categoryId={categoryId} />}
      {info.data?.supportContact ? <p className="hint">{t("support", { contact: info.data.supportContact })}</p> : null}
    </Screen>
  )
}
