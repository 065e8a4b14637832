/**
 * A product's page (`/shop/products/:id`), or the empty form (`/shop/products/new`): the form checked as you type in
 * the administrator's language (the server's own refusals shown by their fields), and for a saved product its stock
 * counts, the DIGITAL items' bulk upload (what was added, repeated and blank — never the contents back), taking it off
 * sale and deleting it, each asked first.
 */
import { CategoryId, CreateProduct, type Kopecks, ProductId, UpdateProduct, UploadItemsBody } from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { Option, Schema } from "effect"
import { type FormEvent, useState } from "react"
import { Link, useLocation, useParams } from "wouter"
import { ApiError } from "../../../app/Api.js"
import { ErrorMessage, fieldErrors } from "../../../app/Errors.js"
import { formatMoney, parseRubles } from "../../../app/Format.js"
import { useLanguage, useT } from "../../../app/I18n.js"
import { Loading, Screen } from "../../../app/Screen.js"
import { SelectField } from "../../../app/SelectField.js"
import { TextField } from "../../../app/TextField.js"
import { useAdminApi } from "../../AdminSession.js"
import { ConfirmAction } from "../../Confirm.js"
import { Notice } from "../../Notice.js"
import { useAdminCategories } from "../categories/AdminCategories.js"
import { messages } from "./messages.js"
import "./shop.css"
import type { ProductKind, ProductRow } from "./ShopTypes.js"
import { SHOP_PATH, ShopTabs } from "./Tabs.js"

const productKey = (id: string) => ["admin-shop-product", id] as const

interface Draft {
  readonly title: string
  readonly description: string
  readonly categoryId: string
  readonly kind: ProductKind
  readonly price: string
  readonly stock: string
  readonly images: string
  readonly isActive: boolean
  readonly sortOrder: string
}

const rublesText = (kopecks: bigint) =>
  kopecks % 100n === 0n ? String(kopecks / 100n) : `${kopecks / 100n},${String(kopecks % 100n).padStart(2, "0")}`

const draftOf = (p: ProductRow | undefined): Draft => ({
  title: p?.title ?? "",
  description: p?.description ?? "",
  categoryId: p?.categoryId ?? "",
  kind: p?.kind ?? "DIGITAL",
  price: p === undefined ? "" : rublesText(p.price),
  stock: p?.stock === null || p?.stock === undefined ? "0" : String(p.stock),
  images: (p?.images ?? []).join("\n"),
  isActive: p?.isActive ?? true,
  sortOrder: String(p?.sortOrder ?? 0)
})

const WHOLE = /^-?\d{1,9}$/
const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")

type Field = "title" | "price" | "stock" | "sortOrder" | "images"

/** What is wrong with the draft, by field, in the administrator's words. */
const check = (
  d: Draft
): Partial<Record<Field, "errTitle" | "errPrice" | "errStock" | "errSortOrder" | "errImages">> => {
  const price = parseRubles(d.price)
  return {
    ...(d.title.trim() === "" || d.title.trim().length > 200 ? { title: "errTitle" as const } : {}),
    ...(price === undefined || price <= 0n ? { price: "errPrice" as const } : {}),
    ...(d.kind === "STOCKED" && !(WHOLE.test(d.stock.trim()) && Number(d.stock) >= 0)
      ? { stock: "errStock" as const }
      : {}),
    ...(WHOLE.test(d.sortOrder.trim()) ? {} : { sortOrder: "errSortOrder" as const }),
    ...(lines(d.images).every((l) => /^https?:\/\/\S+$/.test(l)) ? {} : { images: "errImages" as const })
  }
}

const ProductForm = ({ product, onSaved }: { product: ProductRow | undefined; onSaved: (p: ProductRow) => void }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const categories = useAdminCategories()
  const [draft, setDraft] = useState<Draft>(() => draftOf(product))
  const [touched, setTouched] = useState<ReadonlySet<Field>>(new Set())
  const [submitted, setSubmitted] = useState(false)
  const problems = check(draft)
  const set = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }))
  const touch = (field: Field) => () => setTouched((s) => new Set(s).add(field))
  const save = useMutation({
    mutationFn: () => {
      const categoryId = Option.getOrNull(Schema.decodeUnknownOption(CategoryId)(draft.categoryId))
      const common = {
        title: draft.title.trim(),
        description: draft.description.trim(),
        categoryId,
        price: parseRubles(draft.price) as Kopecks,
        images: lines(draft.images),
        isActive: draft.isActive,
        sortOrder: Number(draft.sortOrder.trim()),
        ...(draft.kind === "STOCKED" ? { stock: Number(draft.stock.trim()) } : {})
      }
      return api.run((c) =>
        product === undefined
          ? c.shopAdmin.createProduct({ payload: new CreateProduct({ ...common, kind: draft.kind }) })
          : c.shopAdmin.updateProduct({ path: { id: product.id }, payload: new UpdateProduct(common) })
      )
    },
    onSuccess: onSaved
  })
  const server = fieldErrors(save.error, language)
  const shown = (field: Field) => {
    const problem = problems[field]
    return problem !== undefined && (submitted || touched.has(field)) ? t(problem) : server[field]
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setSubmitted(true)
    if (Object.keys(problems).length === 0 && !save.isPending) save.mutate()
  }
  return (
    <form
      className="card"
      onSubmit={submit}
      noValidate
      aria-label={product === undefined ? t("newProduct") : t("save")}
    >
      <TextField
        id="product-title"
        label={t("title")}
        value={draft.title}
        maxLength={200}
        onChange={(e) => set({ title: e.target.value })}
        onBlur={touch("title")}
        error={shown("title")}
      />
      <div>
        <label htmlFor="product-description">{t("description")}</label>
        <textarea
          id="product-description"
          rows={3}
          value={draft.description}
          onChange={(e) => set({ description: e.target.value })}
        />
      </div>
      <SelectField<string>
        id="product-category"
        label={t("category")}
        value={draft.categoryId}
        options={[{ value: "", label: t("noCategory") }, ...categories.options]}
        onChange={(categoryId) => set({ categoryId })}
      />
      {product === undefined ? (
        <SelectField<ProductKind>
          id="product-kind"
          label={t("kind")}
          value={draft.kind}
          options={(["DIGITAL", "STOCKED"] as const).map((k) => ({ value: k, label: t(k) }))}
          onChange={(kind) => set({ kind })}
        />
      ) : (
        <p className="hint">
          {t("kind")}: {t(product.kind)}. {t("kindFixed")}
        </p>
      )}
      <TextField
        id="product-price"
        label={t("priceRubles")}
        inputMode="decimal"
        value={draft.price}
        onChange={(e) => set({ price: e.target.value })}
        onBlur={touch("price")}
        error={shown("price")}
      />
      {draft.kind === "STOCKED" ? (
        <TextField
          id="product-stock"
          label={t("stock")}
          inputMode="numeric"
          value={draft.stock}
          onChange={(e) => set({ stock: e.target.value })}
          onBlur={touch("stock")}
          error={shown("stock")}
        />
      ) : null}
      <div>
        <label htmlFor="product-images">{t("images")}</label>
        <textarea
          id="product-images"
          rows={2}
          value={draft.images}
          onChange={(e) => set({ images: e.target.value })}
          onBlur={touch("images")}
          aria-invalid={shown("images") !== undefined}
          aria-describedby="product-images-error"
        />
        <p className="error" id="product-images-error">
          {shown("images") ?? ""}
        </p>
      </div>
      <TextField
        id="product-sort"
        label={t("sortOrder")}
        inputMode="numeric"
        value={draft.sortOrder}
        onChange={(e) => set({ sortOrder: e.target.value })}
        onBlur={touch("sortOrder")}
        error={shown("sortOrder")}
      />
      <label className="shop-check">
        <input type="checkbox" checked={draft.isActive} onChange={(e) => set({ isActive: e.target.checked })} />
        {t("isActive")}
      </label>
      {Object.keys(server).length === 0 ? <ErrorMessage error={save.error} /> : null}
      <p>
        <button type="submit" disabled={save.isPending} aria-busy={save.isPending} data-testid="save-product">
          {save.isPending ? t("saving") : t("save")}
        </button>
      </p>
    </form>
  )
}

const StockAndItems = ({ product }: { product: ProductRow }) => {
  const t = useT(messages)
  const api = useAdminApi()
  const queryClient = useQueryClient()
  const [text, setText] = useState("")
  const stock = useQuery({
    queryKey: [...productKey(product.id), "stock"],
    queryFn: () => api.run((c) => c.shopAdmin.stock({ path: { id: product.id } }))
  })
  const upload = useMutation({
    mutationFn: (items: string) =>
      api.run((c) =>
        c.shopAdmin.uploadItems({ path: { id: product.id }, payload: new UploadItemsBody({ text: items }) })
      ),
    onSuccess: async () => {
      // the contents leave the page once they are on the server
      setText("")
      await queryClient.invalidateQueries({ queryKey: productKey(product.id) })
      await queryClient.invalidateQueries({ queryKey: ["admin-grid"] })
    }
  })
  return (
    <section className="card" aria-labelledby="stock-title">
      <h2 id="stock-title">{t("stockTitle")}</h2>
      {stock.isPending ? (
        <Loading />
      ) : stock.isError ? (
        <ErrorMessage error={stock.error} />
      ) : (
        <p data-testid="stock-counts" data-on-hand={stock.data.onHand} data-sold={stock.data.sold}>
          {t("stockSold", { onHand: stock.data.onHand, sold: stock.data.sold })}
        </p>
      )}
      {product.kind !== "DIGITAL" ? null : (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            if (text.trim() !== "" && !upload.isPending) upload.mutate(text)
          }}
        >
          <h3>{t("uploadTitle")}</h3>
          <p className="hint" id="upload-hint">
            {t("uploadHint")}
          </p>
          <label htmlFor="upload-items">{t("uploadField")}</label>
          <textarea
            id="upload-items"
            rows={6}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-describedby="upload-hint"
            autoComplete="off"
            spellCheck={false}
          />
          <p>
            <button type="submit" disabled={text.trim() === "" || upload.isPending} data-testid="upload-items">
              {t("upload")}
            </button>
          </p>
          <ErrorMessage error={upload.error} />
          <Notice
            text={
              upload.data === undefined
                ? undefined
                : t("uploaded", {
                    added: upload.data.added,
                    duplicates: upload.data.duplicates,
                    blanks: upload.data.blanks,
                    onHand: upload.data.stock.onHand
                  })
            }
            testId="upload-result"
          />
        </form>
      )}
    </section>
  )
}

const Saved = ({ product }: { product: ProductRow }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const queryClient = useQueryClient()
  const [, navigate] = useLocation()
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const refresh = async (p: ProductRow) => {
    queryClient.setQueryData(productKey(p.id), p)
    await queryClient.invalidateQueries({ queryKey: ["admin-grid"] })
  }
  return (
    <>
      <Notice text={notice} testId="product-notice" />
      <div className="shop-actions">
        <ConfirmAction
          label={t("deactivate")}
          question={t("deactivateQuestion", { title: product.title })}
          confirmLabel={t("deactivate")}
          disabled={!product.isActive}
          onConfirm={async () => {
            const p = await api.run((c) => c.shopAdmin.deactivateProduct({ path: { id: product.id } }))
            await refresh(p)
            setNotice(t("deactivated", { title: p.title }))
          }}
          testId="deactivate-product"
        />
        <ConfirmAction
          label={t("remove")}
          danger
          question={t("removeQuestion", { title: product.title })}
          confirmLabel={t("remove")}
          onConfirm={async () => {
            await api.run((c) => c.shopAdmin.deleteProduct({ path: { id: product.id } }))
            await queryClient.invalidateQueries({ queryKey: ["admin-grid"] })
            navigate(SHOP_PATH)
          }}
          testId="delete-product"
        />
      </div>
      {product.kind === "PROVIDER" ? (
        <dl className="params">
          <dt>{t("provider")}</dt>
          <dd>{product.providerId ?? "—"}</dd>
          <dt>{t("offer")}</dt>
          <dd>{product.offerKey ?? "—"}</dd>
          <dt>{t("periodDays")}</dt>
          <dd>{product.periodDays ?? "—"}</dd>
          <dt>{t("providerCost")}</dt>
          <dd>{product.providerCost === null ? "—" : formatMoney(product.providerCost, language)}</dd>
        </dl>
      ) : null}
      <div className="grid-2">
        <ProductForm
          key={product.updatedAt.epochMillis}
          product={product}
          onSaved={(p) => {
            void refresh(p)
            setNotice(t("saved"))
          }}
        />
        <StockAndItems product={product} />
      </div>
    </>
  )
}

const ProductPage = () => {
  const t = useT(messages)
  const api = useAdminApi()
  const [, navigate] = useLocation()
  const params = useParams<{ id: string }>()
  const id = Option.getOrUndefined(Schema.decodeUnknownOption(ProductId)(params.id))
  const product = useQuery({
    queryKey: productKey(params.id),
    queryFn: () => api.run((c) => c.shopAdmin.product({ path: { id: id! } })),
    enabled: id !== undefined
  })
  const back = <Link href={SHOP_PATH}>{t("toList")}</Link>
  if (params.id === "new") {
    return (
      <Screen title={t("newProduct")}>
        <ShopTabs />
        {back}
        <ProductForm product={undefined} onSaved={(p) => navigate(`${SHOP_PATH}/products/${p.id}`)} />
      </Screen>
    )
  }
  return (
    <Screen title={product.data === undefined ? t("productsTab") : t("productTitle", { title: product.data.title })}>
      <ShopTabs />
      {back}
      {id === undefined ? (
        <ErrorMessage error={new ApiError("NotFound", {})} />
      ) : product.isPending ? (
        <Loading />
      ) : product.isError ? (
        <ErrorMessage error={product.error} />
      ) : (
        <Saved product={product.data} />
      )}
    </Screen>
  )
}

export default ProductPage
