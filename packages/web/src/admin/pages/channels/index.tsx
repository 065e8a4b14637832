/**
 * Channels for `/broadcast`: the registered chats (a grid, like every list of the panel), a form that adds one (bot,
 * platform, chat id, title, language of the announcements) and removal with a confirmation. The server's refusals
 * (the same chat of the same bot twice, an unknown bot) are shown in its own words next to the form.
 */
import { AddChannelBody } from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { type FormEvent, useMemo, useState } from "react"
import { ErrorMessage, fieldErrors } from "../../../app/Errors.js"
import { type Language, useLanguage, useT } from "../../../app/I18n.js"
import { Screen } from "../../../app/Screen.js"
import { SelectField } from "../../../app/SelectField.js"
import { TextField } from "../../../app/TextField.js"
import { useAdminApi } from "../../AdminSession.js"
import { ConfirmAction } from "../../Confirm.js"
import { type GridColumn, type GridQuery, ServerGrid } from "../../grid/ServerGrid.js"
import { dateTimeColumn } from "../../grid/Columns.js"
import { NO_FILTERS, pageOf } from "../../grid/WholeList.js"
import type { AdminResult } from "../../Types.js"
import { Notice } from "../../Notice.js"
import { type Platform, platformOptions } from "../users/Labels.js"
import { messages as userWords } from "../users/messages.js"
import { messages } from "./messages.js"

type Channel = AdminResult<"channels">[number]

const GRID = "channels"

/** The longest values the server keeps (`AddChannel`). */
const MAX = { botId: 64, chatId: 128, title: 200 } as const
type Field = keyof typeof MAX

const Remove = ({ channel, onDone }: { channel: Channel; onDone: (notice: string) => void }) => {
  const t = useT(messages)
  const api = useAdminApi()
  const queryClient = useQueryClient()
  const remove = useMutation({
    mutationFn: () => api.run((c) => c.admin.removeChannel({ path: { id: channel.id } })),
    onSuccess: async () => {
      onDone(t("removed", { title: channel.title }))
      await queryClient.invalidateQueries({ queryKey: ["admin-grid", GRID] })
    }
  })
  return (
    <ConfirmAction
      label={t("remove")}
      danger
      question={t("removeQuestion", { title: channel.title, chatId: channel.chatId, botId: channel.botId })}
      confirmLabel={t("remove")}
      onConfirm={() => remove.mutateAsync()}
      testId={`remove-channel-${channel.id}`}
    />
  )
}

const AddChannel = ({ onDone }: { onDone: (notice: string) => void }) => {
  const t = useT(messages)
  const tu = useT(userWords)
  const { language } = useLanguage()
  const api = useAdminApi()
  const queryClient = useQueryClient()
  // the bots this server runs, offered as the bot's id (a channel of another bot is never announced in)
  const bots = useQuery({ queryKey: ["admin-bots"], queryFn: () => api.run((c) => c.admin.bots()) })
  const platforms = useMemo(() => platformOptions(tu).filter((p) => p.value !== "web"), [tu])
  const [values, setValues] = useState<Record<Field, string>>({ botId: "", chatId: "", title: "" })
  const [platform, setPlatform] = useState<Platform>("telegram")
  const [channelLanguage, setChannelLanguage] = useState<Language>("ru")
  const [tried, setTried] = useState(false)
  const add = useMutation({
    mutationFn: (payload: AddChannelBody) => api.run((c) => c.admin.addChannel({ payload })),
    onSuccess: async (channel) => {
      setValues({ botId: "", chatId: "", title: "" })
      setTried(false)
      onDone(t("added", { title: channel.title }))
      await queryClient.invalidateQueries({ queryKey: ["admin-grid", GRID] })
    }
  })
  const server = fieldErrors(add.error, language)
  const problem = (field: Field): string | undefined => {
    const value = values[field].trim()
    if (value.length > MAX[field]) return t("tooLong", { max: MAX[field] })
    if (tried && value === "") return t("required")
    return server[field]
  }
  const valid = (Object.keys(MAX) as ReadonlyArray<Field>).every((f) => {
    const value = values[f].trim()
    return value !== "" && value.length <= MAX[f]
  })
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setTried(true)
    if (!valid || add.isPending) return
    add.mutate(
      new AddChannelBody({
        botId: values.botId.trim(),
        platform,
        chatId: values.chatId.trim(),
        title: values.title.trim(),
        language: channelLanguage
      })
    )
  }
  const field = (id: Field, label: string, hint?: string) => (
    <TextField
      id={`channel-${id}`}
      label={
        hint === undefined ? (
          label
        ) : (
          <>
            {label} <span className="hint field-hint">{hint}</span>
          </>
        )
      }
      autoComplete="off"
      {...(id === "botId" ? { list: "channel-bots" } : {})}
      value={values[id]}
      onChange={(e) => {
        const value = e.target.value
        setValues((v) => ({ ...v, [id]: value }))
        // a bot of this server picked: its platform follows
        const known = id === "botId" ? bots.data?.find((b) => b.id === value.trim()) : undefined
        if (known !== undefined && known.platform !== "web") setPlatform(known.platform)
      }}
      error={problem(id)}
    />
  )
  return (
    <form className="card channel-form" aria-labelledby="add-channel-title" onSubmit={submit} noValidate>
      <h2 id="add-channel-title">{t("add")}</h2>
      {field("botId", t("bot"), t("botHint"))}
      <datalist id="channel-bots">
        {(bots.data ?? []).map((b) => (
          <option key={b.id} value={b.id}>
            {b.username === null ? tu(b.platform) : `${tu(b.platform)} @${b.username}`}
          </option>
        ))}
      </datalist>
      <SelectField<Platform>
        id="channel-platform"
        label={t("platform")}
        value={platform}
        options={platforms}
        onChange={setPlatform}
      />
      {field("chatId", t("chatId"), t("chatIdHint"))}
      {field("title", t("channelTitle"))}
      <SelectField<Language>
        id="channel-language"
        label={t("language")}
        value={channelLanguage}
        options={[
          { value: "ru", label: t("ru") },
          { value: "en", label: t("en") }
        ]}
        onChange={setChannelLanguage}
      />
      {add.error === null || Object.keys(server).length > 0 ? null : <ErrorMessage error={add.error} />}
      <button type="submit" disabled={add.isPending} aria-busy={add.isPending} data-testid="add-channel">
        {t("add")}
      </button>
    </form>
  )
}

const Channels = () => {
  const t = useT(messages)
  const tu = useT(userWords)
  const { language } = useLanguage()
  const api = useAdminApi()
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const columns = useMemo(
    (): ReadonlyArray<GridColumn<Channel>> => [
      { id: "title", header: t("channelTitle"), cell: (c) => c.title, csv: (c) => c.title },
      { id: "bot", header: t("bot"), cell: (c) => <code>{c.botId}</code>, csv: (c) => c.botId },
      { id: "platform", header: t("platform"), cell: (c) => tu(c.platform), csv: (c) => c.platform },
      { id: "chat", header: t("chatId"), cell: (c) => <code>{c.chatId}</code>, csv: (c) => c.chatId },
      { id: "language", header: t("language"), cell: (c) => t(c.language), csv: (c) => c.language },
      dateTimeColumn({ id: "added", header: t("added_at"), at: (c) => c.createdAt }, language),
      { id: "actions", header: t("actions"), cell: (c) => <Remove channel={c} onDone={setNotice} /> }
    ],
    [t, tu, language]
  )
  // the server answers the whole (short) list; the grid pages it like any other
  const fetchPage = (q: GridQuery) => api.run((c) => c.admin.channels()).then((all) => pageOf(all, q))
  return (
    <Screen title={t("title")}>
      <p className="hint">{t("intro")}</p>
      <Notice text={notice} testId="channels-notice" />
      <div className="channels-layout">
        <ServerGrid
          id={GRID}
          label={t("title")}
          columns={columns}
          filters={NO_FILTERS}
          rowKey={(c) => c.id}
          rowData={(c) => ({ "data-channel-id": c.id })}
          fetchPage={fetchPage}
        />
        <AddChannel onDone={setNotice} />
      </div>
    </Screen>
  )
}

export default Channels
