/// <reference lib="dom" />
/**
 * The embeddable GroupBuy chat: one script tag adds a floating button that opens a chat panel talking to the
 * server's WebSocket endpoint (`groupbuy.chat.v1`).
 *
 *   <script src="/widget.js" data-server="wss://shop.example/ws/chat" defer></script>
 *
 * Attributes: `data-server` (required, ws:// or wss://), `data-token-url` (guest token endpoint; default
 * `/api/chat/token` on the server's host), `data-theme` ("light" | "dark"; default: the system's),
 * `data-title`, `data-locale` ("ru" | "en"; default: the page's `lang`, then the browser's), `data-open` (start opened).
 * `window.GroupBuyChat` exposes `open()`, `close()` and `send(text)`.
 */
import { type ConnectionStatus, WidgetConnection } from "./WidgetConnection.js"
import type { Keyboard, Reply, ServerFrame, Span } from "./WidgetProtocol.js"
import { renderImage, renderKeyboard, renderSpans } from "./WidgetRender.js"
import { WIDGET_CSS } from "./WidgetStyles.js"

const TEXTS = {
  ru: {
    title: "GroupBuy",
    open: "Открыть чат",
    close: "Закрыть чат",
    placeholder: "Сообщение…",
    send: "Отправить",
    online: "в сети",
    connecting: "подключение…",
    offline: "нет связи, переподключаемся…",
    failed: "чат недоступен",
    error: "Не получилось: "
  },
  en: {
    title: "GroupBuy",
    open: "Open chat",
    close: "Close chat",
    placeholder: "Message…",
    send: "Send",
    online: "online",
    connecting: "connecting…",
    offline: "offline, reconnecting…",
    failed: "chat unavailable",
    error: "Failed: "
  }
} as const

type Texts = (typeof TEXTS)[keyof typeof TEXTS]

const CHAT_ICON = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2zm3 5v2h10V9H7zm0 4v2h7v-2H7z"

interface WidgetConfig {
  readonly server: string
  readonly tokenUrl: string
  readonly theme: string | undefined
  readonly title: string | undefined
  readonly locale: "ru" | "en"
  readonly startOpen: boolean
}

const readConfig = (script: HTMLScriptElement | null): WidgetConfig | undefined => {
  const server = script?.dataset["server"]
  if (script === null || server === undefined || !/^wss?:\/\//.test(server)) {
    console.error("GroupBuy chat: data-server must be a ws:// or wss:// URL")
    return undefined
  }
  const httpBase = server.replace(/^ws/, "http")
  const tokenUrl = new URL(script.dataset["tokenUrl"] ?? "/api/chat/token", httpBase).href
  // the embedding page's language first: the chat should speak it, whatever the browser's UI language is
  const language = (
    script.dataset["locale"] ||
    document.documentElement.lang ||
    navigator.language ||
    "ru"
  ).toLowerCase()
  return {
    server,
    tokenUrl,
    theme: script.dataset["theme"],
    title: script.dataset["title"],
    locale: language.startsWith("en") ? "en" : "ru",
    startOpen: script.dataset["open"] !== undefined
  }
}

class ChatWidget {
  private readonly host = document.createElement("groupbuy-chat")
  private readonly root = this.host.attachShadow({ mode: "open" })
  private readonly messages = document.createElement("div")
  private readonly status = document.createElement("span")
  private readonly input = document.createElement("textarea")
  private readonly panel = document.createElement("section")
  private readonly bySeq = new Map<string, HTMLElement>()
  private readonly texts: Texts
  private readonly connection: WidgetConnection
  private started = false
  private toastTimer: number | undefined

  constructor(private readonly config: WidgetConfig) {
    this.texts = TEXTS[config.locale]
    this.connection = new WidgetConnection(config.server, config.tokenUrl, config.locale, {
      onFrame: (frame) => this.onFrame(frame),
      onStatus: (status) => this.onStatus(status)
    })
    if (config.theme === "light" || config.theme === "dark") this.host.dataset["theme"] = config.theme
    this.build()
    document.body.append(this.host)
    if (config.startOpen) this.open()
  }

  private build() {
    const style = document.createElement("style")
    style.textContent = WIDGET_CSS

    const launcher = document.createElement("button")
    launcher.type = "button"
    launcher.className = "gb-launcher"
    launcher.setAttribute("aria-label", this.texts.open)
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg")
    svg.setAttribute("viewBox", "0 0 24 24")
    const path = document.createElementNS("http://www.w3.org/2000/svg", "path")
    path.setAttribute("d", CHAT_ICON)
    svg.append(path)
    launcher.append(svg)
    launcher.addEventListener("click", () => this.open())

    this.panel.className = "gb-panel"
    this.panel.setAttribute("role", "dialog")
    this.panel.setAttribute("aria-label", this.config.title ?? this.texts.title)
    const header = document.createElement("header")
    header.className = "gb-header"
    const title = document.createElement("span")
    title.className = "gb-title"
    title.textContent = this.config.title ?? this.texts.title
    this.status.className = "gb-status"
    const close = document.createElement("button")
    close.type = "button"
    close.className = "gb-close"
    close.setAttribute("aria-label", this.texts.close)
    close.textContent = "×"
    close.addEventListener("click", () => this.close())
    header.append(title, this.status, close)

    this.messages.className = "gb-messages"
    this.messages.setAttribute("aria-live", "polite")

    const form = document.createElement("form")
    form.className = "gb-form"
    this.input.className = "gb-input"
    this.input.rows = 1
    this.input.maxLength = 4096
    this.input.placeholder = this.texts.placeholder
    this.input.setAttribute("aria-label", this.texts.placeholder)
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault()
        form.requestSubmit()
      }
    })
    const send = document.createElement("button")
    send.type = "submit"
    send.className = "gb-send"
    send.textContent = this.texts.send
    form.append(this.input, send)
    form.addEventListener("submit", (event) => {
      event.preventDefault()
      this.sendText(this.input.value)
      this.input.value = ""
    })

    this.panel.append(header, this.messages, form)
    this.root.append(style, launcher, this.panel)
  }

  open() {
    this.host.setAttribute("data-open", "")
    if (!this.started) {
      this.started = true
      this.connection.start()
    }
    this.input.focus()
  }

  close() {
    this.host.removeAttribute("data-open")
  }

  sendText(raw: string) {
    const text = raw.trim()
    if (text === "") return
    this.appendBubble("gb-user", (bubble) => (bubble.textContent = text))
    this.connection.send({ kind: "text", text })
  }

  private press(data: string, messageId: string) {
    this.connection.send({ kind: "button", data, messageId })
  }

  private onStatus(status: ConnectionStatus) {
    this.status.textContent = this.texts[status]
    this.host.dataset["status"] = status
  }

  private onFrame(frame: ServerFrame) {
    switch (frame.type) {
      case "welcome":
        // a first visit starts the conversation like a new chat in a messenger would
        if (!frame.resumed && frame.lastSeq === 0 && this.bySeq.size === 0)
          this.connection.send({ kind: "text", text: "/start" })
        return
      case "reply":
        this.showReply(frame.seq, frame.reply, frame.edits)
        this.connection.rendered(frame.seq)
        return
      case "error":
        if (frame.code === "replay_gap") return
        this.appendBubble("gb-system", (bubble) => (bubble.textContent = this.texts.error + frame.message))
        return
      case "ack":
        return
    }
  }

  private showReply(seq: number, reply: Reply, edits: string | undefined) {
    const id = String(seq)
    if (this.bySeq.has(id)) return
    switch (reply._tag) {
      case "Toast":
        this.toast(reply.text)
        return
      case "Edit": {
        const target = edits === undefined ? undefined : this.bySeq.get(edits)
        if (target !== undefined) {
          this.fill(target, edits!, reply.text, reply.keyboard)
          this.bySeq.set(id, target)
          return
        }
        this.bySeq.set(
          id,
          this.appendBubble("gb-bot", (bubble) => this.fill(bubble, id, reply.text, reply.keyboard))
        )
        return
      }
      case "Text":
        this.bySeq.set(
          id,
          this.appendBubble("gb-bot", (bubble) => this.fill(bubble, id, reply.text, reply.keyboard))
        )
        return
      case "Image":
        this.bySeq.set(
          id,
          this.appendBubble("gb-bot", (bubble) => {
            this.fill(bubble, id, reply.caption, reply.keyboard)
            const image = renderImage(reply.url)
            if (image !== undefined) bubble.prepend(image)
          })
        )
        return
    }
  }

  /** Replaces a bubble's content; its buttons answer as message `messageId`. */
  private fill(bubble: HTMLElement, messageId: string, text: ReadonlyArray<Span>, keyboard: Keyboard | undefined) {
    bubble.replaceChildren(renderSpans(text))
    bubble.dataset["seq"] = messageId
    const buttons = renderKeyboard(keyboard, (data) => this.press(data, messageId))
    if (buttons !== undefined) bubble.append(buttons)
  }

  private appendBubble(kind: string, fill: (bubble: HTMLElement) => void): HTMLElement {
    const bubble = document.createElement("div")
    bubble.className = `gb-message ${kind}`
    fill(bubble)
    this.messages.append(bubble)
    this.messages.scrollTop = this.messages.scrollHeight
    return bubble
  }

  private toast(text: string) {
    this.root.querySelector(".gb-toast")?.remove()
    const toast = document.createElement("div")
    toast.className = "gb-toast"
    toast.setAttribute("role", "status")
    toast.textContent = text
    this.panel.append(toast)
    window.clearTimeout(this.toastTimer)
    this.toastTimer = window.setTimeout(() => toast.remove(), 3000)
  }
}

declare global {
  interface Window {
    GroupBuyChat?: { open(): void; close(): void; send(text: string): void }
  }
}

const boot = (script: HTMLScriptElement | null) => {
  if (window.GroupBuyChat !== undefined) return
  const config = readConfig(script)
  if (config === undefined) return
  const widget = new ChatWidget(config)
  window.GroupBuyChat = {
    open: () => widget.open(),
    close: () => widget.close(),
    send: (text) => widget.sendText(text)
  }
}

// `currentScript` is only set while the script runs: read it now, build once the body exists
const currentScript = document.currentScript as HTMLScriptElement | null
if (document.body !== null) boot(currentScript)
else document.addEventListener("DOMContentLoaded", () => boot(currentScript), { once: true })
