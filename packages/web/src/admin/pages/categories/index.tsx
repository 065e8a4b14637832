/**
 * Categories: the tree with icons and descriptions; create (at the top or under a parent), edit, move (a new parent,
 * confirmed) and delete (confirmed). The server's guards — a duplicate name among siblings, a move into the category's
 * own subtree, a category that still has subcategories — come back as its ru/en sentences next to the action.
 */
import { type CategoryNodeJson, CreateCategory, UpdateCategory } from "@groupbuy/core/api"
import { useMutation, useQueryClient } from "@tanstack/react-query"
import { type FormEvent, useMemo, useState } from "react"
import type { Category } from "../../../app/Categories.js"
import { ErrorMessage, fieldErrors } from "../../../app/Errors.js"
import { useLanguage, useT } from "../../../app/I18n.js"
import { QueryView } from "../../../app/QueryView.js"
import { Screen } from "../../../app/Screen.js"
import { SelectField, type SelectOption } from "../../../app/SelectField.js"
import { TextField } from "../../../app/TextField.js"
import { useAdminApi } from "../../AdminSession.js"
import { ConfirmAction } from "../../Confirm.js"
import { CATEGORIES_KEY, useAdminCategories } from "./AdminCategories.js"
import { messages } from "./messages.js"

/** The value of the parent select that means "no parent". */
const TOP = "top"

interface Draft {
  readonly name: string
  readonly icon: string
  readonly description: string
  readonly sortOrder: string
}

const emptyDraft: Draft = { name: "", icon: "", description: "", sortOrder: "0" }

const draftOf = (c: Category): Draft => ({
  name: c.name,
  icon: c.icon ?? "",
  description: c.description ?? "",
  sortOrder: String(c.sortOrder)
})

/** A whole number typed in the order field, or undefined. */
const parseOrder = (text: string): number | undefined => (/^-?\d{1,9}$/.test(text.trim()) ? Number(text) : undefined)

/** After a change the tree, and the procurements that show category names, load again. */
const useRefresh = () => {
  const queryClient = useQueryClient()
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: CATEGORIES_KEY }),
      queryClient.invalidateQueries({ queryKey: ["admin-grid", "procurements"] })
    ])
}

/** Name, icon, description and order, each with the server's complaint about it under it. */
const CategoryFields = ({
  prefix,
  draft,
  onChange,
  error,
  orderInvalid
}: {
  prefix: string
  draft: Draft
  onChange: (draft: Draft) => void
  error: unknown
  orderInvalid: boolean
}) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const fields = fieldErrors(error, language)
  const field = (key: keyof Draft) => ({
    id: `${prefix}-${key}`,
    value: draft[key],
    onChange: (e: { target: { value: string } }) => onChange({ ...draft, [key]: e.target.value })
  })
  return (
    <>
      <TextField {...field("name")} label={t("name")} error={fields.name} required maxLength={60} />
      <TextField {...field("icon")} label={t("icon")} error={fields.icon} />
      <TextField {...field("description")} label={t("description")} error={fields.description} maxLength={1000} />
      <TextField
        {...field("sortOrder")}
        label={t("sortOrder")}
        inputMode="numeric"
        error={orderInvalid ? t("sortOrderInvalid") : fields.sortOrder}
      />
    </>
  )
}

/** A failure that is not about one of the fields (those are shown under their inputs): a guard's sentence, say. */
const GeneralError = ({ error }: { error: unknown }) => {
  const { language } = useLanguage()
  return Object.keys(fieldErrors(error, language)).length === 0 ? <ErrorMessage error={error} /> : null
}

const parentOptions = (
  t: (key: "topLevel") => string,
  flat: ReadonlyArray<{ readonly category: Category; readonly label: string }>,
  exclude: ReadonlySet<string>
): ReadonlyArray<SelectOption<string>> => [
  { value: TOP, label: t("topLevel") },
  ...flat.filter((c) => !exclude.has(c.category.id)).map((c) => ({ value: c.category.id, label: c.label }))
]

/**
 * A category form's submit: nothing while the request is under way; the order must be a whole number (else the field
 * says so and nothing is sent); then `send` gets the draft as a body's fields (an empty icon or description: none).
 */
const submitDraft =
  (
    mutation: { readonly isPending: boolean },
    draft: Draft,
    setOrderInvalid: (invalid: boolean) => void,
    send: (fields: {
      readonly name: string
      readonly icon: string | null
      readonly description: string | null
      readonly sortOrder: number
    }) => void
  ) =>
  (e: FormEvent) => {
    e.preventDefault()
    if (mutation.isPending) return
    const sortOrder = parseOrder(draft.sortOrder)
    setOrderInvalid(sortOrder === undefined)
    if (sortOrder === undefined) return
    send({
      name: draft.name,
      icon: draft.icon.trim() === "" ? null : draft.icon.trim(),
      description: draft.description.trim() === "" ? null : draft.description,
      sortOrder
    })
  }

const CreateForm = () => {
  const t = useT(messages)
  const api = useAdminApi()
  const refresh = useRefresh()
  const { flat } = useAdminCategories()
  const [draft, setDraft] = useState<Draft>(emptyDraft)
  const [parent, setParent] = useState<string>(TOP)
  const [orderInvalid, setOrderInvalid] = useState(false)
  const create = useMutation({
    mutationFn: (body: CreateCategory) => api.run((c) => c.admin.createCategory({ payload: body })),
    onSuccess: async () => {
      setDraft(emptyDraft)
      await refresh()
    }
  })
  const submit = submitDraft(create, draft, setOrderInvalid, (fields) => {
    const parentId = flat.find((c) => c.category.id === parent)?.category.id ?? null
    create.mutate(new CreateCategory({ ...fields, parentId }))
  })
  return (
    <form className="card category-form" onSubmit={submit} aria-labelledby="create-title" data-testid="category-create">
      <h2 id="create-title">{t("create")}</h2>
      <CategoryFields
        prefix="create"
        draft={draft}
        onChange={setDraft}
        error={create.error}
        orderInvalid={orderInvalid}
      />
      <SelectField<string>
        id="create-parent"
        label={t("parent")}
        value={parent}
        options={parentOptions(t, flat, new Set())}
        onChange={setParent}
      />
      <GeneralError error={create.error} />
      <button type="submit" disabled={create.isPending} aria-busy={create.isPending}>
        {create.isPending ? t("creating") : t("createSubmit")}
      </button>
      {create.isSuccess ? (
        <p className="hint" role="status">
          {t("created", { name: create.data.name })}
        </p>
      ) : null}
    </form>
  )
}

const EditForm = ({ category, onDone }: { category: Category; onDone: () => void }) => {
  const t = useT(messages)
  const api = useAdminApi()
  const refresh = useRefresh()
  const [draft, setDraft] = useState<Draft>(draftOf(category))
  const [orderInvalid, setOrderInvalid] = useState(false)
  const save = useMutation({
    mutationFn: (patch: UpdateCategory) =>
      api.run((c) => c.admin.updateCategory({ path: { id: category.id }, payload: patch })),
    onSuccess: async () => {
      await refresh()
      onDone()
    }
  })
  const submit = submitDraft(save, draft, setOrderInvalid, (fields) => save.mutate(new UpdateCategory(fields)))
  return (
    <form className="category-form" onSubmit={submit} aria-label={t("editTitle", { name: category.name })}>
      <CategoryFields
        prefix={`edit-${category.id}`}
        draft={draft}
        onChange={setDraft}
        error={save.error}
        orderInvalid={orderInvalid}
      />
      <GeneralError error={save.error} />
      <div className="row">
        <button type="submit" disabled={save.isPending} aria-busy={save.isPending}>
          {save.isPending ? t("saving") : t("save")}
        </button>
        <button type="button" className="secondary" onClick={onDone} disabled={save.isPending}>
          {t("cancelEdit")}
        </button>
      </div>
    </form>
  )
}

/** Every id in a subtree: a category cannot move into itself or below itself. */
const subtreeIds = (node: CategoryNodeJson): Array<string> => [node.category.id, ...node.children.flatMap(subtreeIds)]

const MoveForm = ({ node }: { node: CategoryNodeJson }) => {
  const t = useT(messages)
  const api = useAdminApi()
  const refresh = useRefresh()
  const { flat } = useAdminCategories()
  const category = node.category
  const current = category.parentId ?? TOP
  const [target, setTarget] = useState<string>(current)
  const options = useMemo(() => parentOptions(t, flat, new Set(subtreeIds(node))), [t, flat, node])
  const parent = flat.find((c) => c.category.id === target)?.category
  const move = useMutation({
    mutationFn: () =>
      api.run((c) =>
        c.admin.updateCategory({
          path: { id: category.id },
          payload: new UpdateCategory({ parentId: parent?.id ?? null })
        })
      ),
    onSuccess: refresh
  })
  return (
    <div className="row category-move">
      <SelectField<string>
        id={`move-${category.id}`}
        label={t("moveTitle", { name: category.name })}
        value={target}
        options={options}
        onChange={setTarget}
      />
      <ConfirmAction
        label={t("move")}
        disabled={target === current}
        question={
          parent === undefined
            ? t("moveQuestionTop", { name: category.name })
            : t("moveQuestion", { name: category.name, parent: parent.name })
        }
        confirmLabel={t("move")}
        onConfirm={() => move.mutateAsync()}
        testId={`move-category-${category.id}`}
      />
    </div>
  )
}

const DeleteCategory = ({ category }: { category: Category }) => {
  const t = useT(messages)
  const api = useAdminApi()
  const refresh = useRefresh()
  const remove = useMutation({
    mutationFn: () => api.run((c) => c.admin.deleteCategory({ path: { id: category.id } })),
    onSuccess: refresh
  })
  return (
    <ConfirmAction
      label={t("delete")}
      danger
      question={t("deleteQuestion", { name: category.name })}
      confirmLabel={t("delete")}
      onConfirm={() => remove.mutateAsync()}
      testId={`delete-category-${category.id}`}
    />
  )
}

const CategoryItem = ({ node }: { node: CategoryNodeJson }) => {
  const t = useT(messages)
  const [editing, setEditing] = useState(false)
  const c = node.category
  return (
    <li data-testid="category" data-category-id={c.id} data-name={c.name}>
      <div className="category-node">
        <div>
          <strong>
            {c.icon === null ? null : <span aria-hidden="true">{c.icon} </span>}
            {c.name}
          </strong>
          {node.children.length === 0 ? null : (
            <span className="hint"> · {t("children", { count: node.children.length })}</span>
          )}
          {c.description === null ? null : <p className="hint">{c.description}</p>}
        </div>
        {editing ? (
          <EditForm category={c} onDone={() => setEditing(false)} />
        ) : (
          <div className="row category-actions" role="group" aria-label={t("actionsOf", { name: c.name })}>
            <button type="button" className="secondary" onClick={() => setEditing(true)}>
              {t("edit")}
            </button>
            <DeleteCategory category={c} />
            <MoveForm node={node} />
          </div>
        )}
      </div>
      {node.children.length === 0 ? null : <CategoryList nodes={node.children} />}
    </li>
  )
}

const CategoryList = ({ nodes, label }: { nodes: ReadonlyArray<CategoryNodeJson>; label?: string }) => (
  <ul className="category-tree" {...(label === undefined ? {} : { "aria-label": label })}>
    {nodes.map((node) => (
      <CategoryItem key={node.category.id} node={node} />
    ))}
  </ul>
)

const Categories = () => {
  const t = useT(messages)
  const { tree } = useAdminCategories()
  return (
    <Screen title={t("title")}>
      <div className="categories-layout">
        <section className="card" aria-labelledby="tree-title">
          <h2 id="tree-title">{t("tree")}</h2>
          <QueryView query={tree} empty={{ when: (nodes) => nodes.length === 0, say: t("empty") }}>
            {(nodes) => <CategoryList nodes={nodes} label={t("tree")} />}
          </QueryView>
        </section>
        <CreateForm />
      </div>
    </Screen>
  )
}

export default Categories
