/**
 * Create (`/create`) or edit (`/procurements/:id/edit`) a procurement: the bot flow's fields, checked as you type by
 * the wasm/JS form validator (the same messages as core), then by the server, whose issues appear next to their
 * fields. What was typed survives a failed submit and a reload of the tab (sessionStorage) until it is sent.
 */
import { Kopecks, ProcurementId, ProcurementRules, UserId } from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { DateTime, Either, Option, Schema } from "effect"
import { useEffect, useState, type InputHTMLAttributes } from "react"
import { useLocation, useParams } from "wouter"
import {
  ErrorMessage,
  Loading,
  Screen,
  SelectField,
  TextField,
  fieldErrors,
  parseRubles,
  useApi,
  useFreshUser,
  useCategories,
  useKernels,
  useLanguage,
  useSession,
  useT,
  type ProcurementView
} from "../../app/index.js"
import { messages } from "./messages.js"

const DRAFT_KEY = "groupbuy.web.create-draft"

interface Form {
  readonly title: string
  readonly description: string
  readonly categoryId: string
  /** a user with the supplier role, or "" for none (chosen at creation only) */
  readonly supplierId: string
  readonly city: string
  readonly targetAmount: string
  readonly pricePerUnit: string
  readonly unit: string
  readonly minQuantity: string
  readonly deadline: string
  readonly paymentDeadline: string
  readonly deliveryAddress: string
  readonly stopAtAmount: string
  readonly imageUrl: string
  readonly fee: string
}
type Field = keyof Form

const EMPTY: Form = {
  title: "",
  description: "",
  categoryId: "",
  supplierId: "",
  city: "",
  targetAmount: "",
  pricePerUnit: "",
  unit: "",
  minQuantity: "1",
  deadline: "",
  paymentDeadline: "",
  deliveryAddress: "",
  stopAtAmount: "",
  imageUrl: "",
  fee: "0"
}

const pad = (n: number) => String(n).padStart(2, "0")
/** A DateTime as the value of a `datetime-local` input (local time). */
const toLocalInput = (value: DateTime.DateTime) => {
  const d = DateTime.toDateUtc(value)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}
const fromLocalInput = (value: string): DateTime.Utc | undefined => {
  const ms = new Date(value).getTime()
  return value === "" || Number.isNaN(ms) ? undefined : DateTime.unsafeMake(ms)
}

const fromView = (view: ProcurementView): Form => {
  const p = view.procurement
  const rubles = (k: bigint) =>
    k % 100n === 0n ? String(k / 100n) : `${k / 100n},${String(k % 100n).padStart(2, "0")}`
  return {
    title: p.title,
    description: p.description,
    categoryId: p.categoryId ?? "",
    supplierId: p.supplierId ?? "",
    city: p.city,
    targetAmount: rubles(p.targetAmount),
    pricePerUnit: rubles(p.pricePerUnit),
    unit: p.unit,
    minQuantity: String(p.minQuantity),
    deadline: toLocalInput(p.deadline),
    paymentDeadline: p.paymentDeadline === null ? "" : toLocalInput(p.paymentDeadline),
    deliveryAddress: p.deliveryAddress ?? "",
    stopAtAmount: p.stopAtAmount === null ? "" : rubles(p.stopAtAmount),
    imageUrl: p.imageUrl ?? "",
    fee: String(p.organizerFeePercent)
  }
}

const decodeId = Schema.decodeUnknownOption(ProcurementId)
const decodeUserId = Schema.decodeUnknownOption(UserId)

export default function CreateOrEdit() {
  const params = useParams<{ id?: string }>()
  const t = useT(messages)
  const api = useApi()
  const me = useFreshUser().user!
  const id = params.id === undefined ? undefined : decodeId(params.id)
  const existing = useQuery({
    queryKey: ["procurement", params.id],
    enabled: id !== undefined && Option.isSome(id),
    queryFn: () => api.run((c) => c.procurements.get({ path: { id: Option.getOrThrow(id!) } }))
  })
  if (id === undefined) {
    // the role as the server has it now (a role request may have been approved since signing in)
    if (me.role !== "organizer" && !me.isAdmin)
      return (
        <Screen title={t("title")}>
          <p>{t("forbidden")}</p>
        </Screen>
      )
    return <ProcurementForm />
  }
  if (existing.isPending) return <Loading />
  if (existing.isError) return <ErrorMessage error={existing.error} />
  const status = existing.data.procurement.status
  if (status !== "DRAFT" && status !== "ACTIVE")
    return (
      <Screen title={t("editTitle")}>
        <p>{t("notEditable")}</p>
      </Screen>
    )
  return <ProcurementForm existing={existing.data} />
}

const ProcurementForm = ({ existing }: { existing?: ProcurementView }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useApi()
  const list = useKernels()
  const queryClient = useQueryClient()
  const [, navigate] = useLocation()
  const { user } = useSession()
  const editing = existing !== undefined
  const [form, setForm] = useState<Form>(() => {
    if (existing !== undefined) return fromView(existing)
    try {
      const saved = window.sessionStorage.getItem(DRAFT_KEY)
      return saved === null ? EMPTY : { ...EMPTY, ...(JSON.parse(saved) as Partial<Form>) }
    } catch {
      return EMPTY
    }
  })
  const [touched, setTouched] = useState<ReadonlySet<Field>>(new Set())
  const [submitted, setSubmitted] = useState(false)
  useEffect(() => {
    if (!editing) window.sessionStorage.setItem(DRAFT_KEY, JSON.stringify(form))
  }, [form, editing])

  const categories = useCategories()
  const category = categories.find(form.categoryId)
  // the people with the supplier role (the server refuses anyone else as a supplier)
  const suppliers = useQuery({
    queryKey: ["suppliers"],
    enabled: !editing,
    queryFn: () => api.run((c) => c.users.suppliers())
  })

  const target = parseRubles(form.targetAmount)
  const price = parseRubles(form.pricePerUnit)
  const stopAt = form.stopAtAmount.trim() === "" ? null : parseRubles(form.stopAtAmount)
  const deadline = fromLocalInput(form.deadline)
  const paymentDeadline = form.paymentDeadline === "" ? null : fromLocalInput(form.paymentDeadline)
  const minQuantity = Number(form.minQuantity)
  const fee = Number(form.fee.replace(",", "."))

  const optionalText = (text: string) => (text.trim() === "" ? null : text.trim())
  const now = DateTime.unsafeNow()
  /** The fields whose text is not a value yet: their own message, not a rule's, stands next to them. */
  const unparsed = new Set<Field>([
    ...(target === undefined ? (["targetAmount"] as const) : []),
    ...(price === undefined ? (["pricePerUnit"] as const) : []),
    ...(stopAt === undefined ? (["stopAtAmount"] as const) : []),
    ...(deadline === undefined ? (["deadline"] as const) : []),
    ...(paymentDeadline === undefined ? (["paymentDeadline"] as const) : []),
    ...(Number.isInteger(minQuantity) ? [] : (["minQuantity"] as const)),
    ...(Number.isFinite(fee) ? [] : (["fee"] as const))
  ])
  // an edit sends what it may change; the deadline only when it moved (so an unchanged one is not re-checked)
  const patch =
    existing === undefined
      ? undefined
      : {
          title: form.title.trim(),
          description: form.description.trim(),
          categoryId: category?.id ?? null,
          city: form.city.trim(),
          ...(deadline !== undefined && !DateTime.Equivalence(deadline, existing.procurement.deadline)
            ? { deadline }
            : {}),
          paymentDeadline: paymentDeadline ?? null,
          deliveryAddress: optionalText(form.deliveryAddress),
          imageUrl: optionalText(form.imageUrl)
        }
  const createInput = {
    organizerId: user!.id,
    title: form.title,
    description: form.description,
    categoryId: category?.id ?? null,
    supplierId: Option.getOrNull(decodeUserId(form.supplierId)),
    targetAmount: target ?? Kopecks.make(0n),
    pricePerUnit: price ?? Kopecks.make(0n),
    unit: form.unit.trim(),
    minQuantity,
    deadline: deadline ?? now,
    paymentDeadline: paymentDeadline ?? null,
    city: form.city,
    deliveryAddress: optionalText(form.deliveryAddress),
    stopAtAmount: stopAt ?? null,
    imageUrl: optionalText(form.imageUrl),
    organizerFeePercent: fee,
    publish: true
  }

  const { organizerId: _organizer, ...withoutOrganizer } = createInput
  const errors: Partial<Record<Field, string>> = {}
  // 1. core's own rules, the ones the server and the bots apply, with their messages
  const checked =
    existing === undefined || patch === undefined
      ? ProcurementRules.validateCreate(createInput, now)
      : ProcurementRules.validateUpdate(
          {
            ...existing.procurement,
            deadline: existing.procurement.deadline,
            paymentDeadline: existing.procurement.paymentDeadline
          },
          patch,
          now
        )
  if (Either.isLeft(checked)) {
    for (const issue of checked.left) {
      const field = (issue.path === "organizerFeePercent" ? "fee" : issue.path) as Field
      if (field in EMPTY && !unparsed.has(field)) errors[field] ??= issue[language]
    }
  }
  // 2. the wasm/JS form validator, instantly, for what core cannot judge yet (no category, a date or amount not typed)
  if (list !== undefined) {
    const result = list.kernels.validateProcurementForm(
      {
        title: form.title,
        description: form.description,
        city: form.city,
        category: category?.name ?? "",
        targetAmount: target === undefined ? Number.NaN : Number(target),
        deadline: deadline === undefined ? Number.NaN : DateTime.toEpochMillis(deadline)
      },
      { now: DateTime.toEpochMillis(now), locale: language }
    )
    // only where core could not judge: its limits are the server's (the kernels' own differ, e.g. a 120-character
    // title limit against core's 200), so the kernel never refuses what the server accepts
    for (const e of result.errors) {
      const field: Field = e.field === "category" ? "categoryId" : (e.field as Field)
      if (field === "categoryId" || unparsed.has(field)) errors[field] ??= e.message
    }
  }
  // 3. what did not parse
  if (target === undefined && form.targetAmount.trim() !== "") errors.targetAmount = t("amountInvalid")
  if (!editing) {
    if (price === undefined) errors.pricePerUnit = t("priceRequired")
    if (form.unit.trim() === "") errors.unit ??= t("unitRequired")
    if (!Number.isInteger(minQuantity)) errors.minQuantity = t("minQuantityInvalid")
    if (stopAt === undefined) errors.stopAtAmount = t("amountInvalid")
    if (!Number.isFinite(fee)) errors.fee = t("feeInvalid")
  }

  const done = (view: ProcurementView) => {
    if (!editing) window.sessionStorage.removeItem(DRAFT_KEY)
    void queryClient.invalidateQueries({ queryKey: ["procurements"] })
    void queryClient.invalidateQueries({ queryKey: ["my-procurements"] })
    queryClient.setQueryData(["procurement", view.procurement.id], view)
    navigate(`/procurements/${view.procurement.id}`)
  }
  const save = useMutation({
    mutationFn: (publish: boolean) =>
      api.run((c) =>
        existing !== undefined && patch !== undefined
          ? c.procurements.update({ path: { id: existing.procurement.id }, urlParams: {}, payload: patch })
          : c.procurements.create({
              // the organizer is the caller: the server takes it from the token
              payload: {
                ...withoutOrganizer,
                title: createInput.title.trim(),
                description: createInput.description.trim(),
                city: createInput.city.trim(),
                publish
              }
            })
      ),
    onSuccess: done
  })

  const issues = fieldErrors(save.error, language)
  // the server names the fee by its contract field
  const server: Partial<Record<Field, string>> = {
    ...issues,
    ...(issues["organizerFeePercent"] === undefined ? {} : { fee: issues["organizerFeePercent"] })
  }
  const show = (field: Field) => (submitted || touched.has(field) ? (errors[field] ?? server[field]) : server[field])
  const set = (field: Field) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [field]: e.target.value }))
  const blur = (field: Field) => () => setTouched((s) => new Set(s).add(field))
  const submit = (publish: boolean) => {
    setSubmitted(true)
    if (Object.keys(errors).length === 0) save.mutate(publish)
  }

  const input = (
    field: Field,
    label: string,
    props: Pick<InputHTMLAttributes<HTMLInputElement>, "inputMode" | "disabled" | "type"> = {}
  ) => (
    <TextField
      id={`create-${field}`}
      label={label}
      value={form[field]}
      onChange={set(field)}
      onBlur={blur(field)}
      error={show(field)}
      errorTestId={`error-${field}`}
      {...props}
    />
  )

  return (
    <Screen title={editing ? t("editTitle") : t("title")}>
      <form
        className="card"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          submit(true)
        }}
      >
        {input("title", t("fieldTitle"))}
        <div>
          <label htmlFor="create-description">{t("description")}</label>
          <textarea
            id="create-description"
            rows={4}
            value={form.description}
            onChange={set("description")}
            onBlur={blur("description")}
            aria-invalid={show("description") !== undefined}
            aria-describedby="create-description-error"
          />
          <p className="error" id="create-description-error">
            {show("description") ?? ""}
          </p>
        </div>
        <div className="grid-2">
          <SelectField
            id="create-categoryId"
            label={t("category")}
            value={form.categoryId}
            onChange={(categoryId) => setForm((f) => ({ ...f, categoryId }))}
            validation={{ error: show("categoryId"), onBlur: blur("categoryId") }}
            options={[{ value: "", label: t("categoryPick") }, ...categories.options]}
          />
          {editing ? null : (
            <SelectField
              id="create-supplierId"
              label={t("supplier")}
              value={form.supplierId}
              onChange={(supplierId) => setForm((f) => ({ ...f, supplierId }))}
              validation={{ error: show("supplierId"), onBlur: blur("supplierId") }}
              options={[
                { value: "", label: t("supplierNone") },
                ...(suppliers.data ?? []).map((s) => ({ value: s.id as string, label: s.name }))
              ]}
            />
          )}
          {input("city", t("city"))}
          {input("targetAmount", t("targetAmount"), { inputMode: "decimal", disabled: editing })}
          {input("pricePerUnit", t("pricePerUnit"), { inputMode: "decimal", disabled: editing })}
          {input("unit", t("unit"), { disabled: editing })}
          {input("minQuantity", t("minQuantity"), { inputMode: "numeric", disabled: editing })}
          {input("deadline", t("deadline"), { type: "datetime-local" })}
          {input("paymentDeadline", t("paymentDeadline"), { type: "datetime-local" })}
          {input("stopAtAmount", t("stopAtAmount"), { inputMode: "decimal", disabled: editing })}
          {input("fee", t("fee"), { inputMode: "decimal", disabled: editing })}
        </div>
        {input("deliveryAddress", t("deliveryAddress"))}
        {input("imageUrl", t("imageUrl"), { type: "url" })}
        {errors.imageUrl === undefined && form.imageUrl.trim().startsWith("https://") ? (
          <img className="cover" src={form.imageUrl.trim()} alt={t("imagePreview")} />
        ) : null}
        {submitted && Object.keys(errors).length > 0 ? (
          <p className="error" role="alert">
            {t("fixErrors")}
          </p>
        ) : null}
        {/* a refusal that no field shows (a rule, a path the form has no input for) is said here */}
        {Object.keys(issues).length === 0 ||
        Object.keys(issues).some((k) => !(k in EMPTY) && k !== "organizerFeePercent") ? (
          <ErrorMessage error={save.error} />
        ) : null}
        <div className="row">
          {editing ? (
            <button type="submit" disabled={save.isPending} data-testid="save">
              {t("saveChanges")}
            </button>
          ) : (
            <>
              <button
                type="button"
                className="secondary"
                disabled={save.isPending}
                onClick={() => submit(false)}
                data-testid="save-draft"
              >
                {t("saveDraft")}
              </button>
              <button type="submit" disabled={save.isPending} data-testid="publish">
                {t("publish")}
              </button>
            </>
          )}
        </div>
        {editing ? null : <p className="hint">{t("keptDraft")}</p>}
      </form>
    </Screen>
  )
}
