/// <reference lib="dom" />
/**
 * Builds the DOM for replies with `createElement` and `textContent` only: nothing from a message is ever parsed as
 * HTML. Links and images are made only of http(s) URLs; links open in a new tab without access to this page.
 */
import type { Button, Keyboard, Span } from "./WidgetProtocol.js"

/** The URL when it is http(s) (relative URLs resolve against the page), else undefined. */
export const safeUrl = (url: string | undefined): string | undefined => {
  if (url === undefined) return undefined
  try {
    const parsed = new URL(url, window.location.href)
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : undefined
  } catch {
    return undefined
  }
}

const element = <K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag)
  if (className !== undefined) node.className = className
  return node
}

const link = (href: string, text: string, className?: string): HTMLAnchorElement => {
  const anchor = element("a", className)
  anchor.href = href
  anchor.target = "_blank"
  anchor.rel = "noopener noreferrer"
  anchor.textContent = text
  return anchor
}

/** Rich text spans → a fragment of text nodes and `<b>`/`<i>`/`<code>`/`<a>` elements. */
export const renderSpans = (spans: ReadonlyArray<Span>): DocumentFragment => {
  const fragment = document.createDocumentFragment()
  for (const span of spans) {
    let node: Node = document.createTextNode(span.text)
    if (span.code === true) {
      const code = element("code")
      code.append(node)
      node = code
    }
    if (span.italic === true) {
      const italic = element("i")
      italic.append(node)
      node = italic
    }
    if (span.bold === true) {
      const bold = element("b")
      bold.append(node)
      node = bold
    }
    const href = safeUrl(span.href)
    if (href !== undefined) {
      const anchor = link(href, "")
      anchor.append(node)
      node = anchor
    }
    fragment.append(node)
  }
  return fragment
}

/** Rows of buttons; `press` is called with the button's data. */
export const renderKeyboard = (
  keyboard: Keyboard | undefined,
  press: (data: string) => void
): HTMLElement | undefined => {
  if (keyboard === undefined || keyboard.rows.length === 0) return undefined
  const container = element("div", "gb-keyboard")
  for (const row of keyboard.rows) {
    const line = element("div", "gb-row")
    for (const button of row) {
      const node = renderButton(button, press)
      if (node !== undefined) line.append(node)
    }
    if (line.childElementCount > 0) container.append(line)
  }
  return container.childElementCount > 0 ? container : undefined
}

const renderButton = (button: Button, press: (data: string) => void): HTMLElement | undefined => {
  switch (button._tag) {
    case "Action": {
      const node = element("button", "gb-button")
      node.type = "button"
      node.textContent = button.label
      node.addEventListener("click", () => press(button.data))
      return node
    }
    case "Url": {
      const href = safeUrl(button.url)
      return href === undefined ? undefined : link(href, button.label, "gb-button gb-link-button")
    }
    case "RequestContact":
      // the web declares requestContact: false; a browser cannot share the phone number
      return undefined
  }
}

/** An image from an http(s) URL, lazy-loaded, with no referrer. */
export const renderImage = (url: string): HTMLElement | undefined => {
  const src = safeUrl(url)
  if (src === undefined) return undefined
  const image = element("img", "gb-image")
  image.src = src
  image.alt = ""
  image.loading = "lazy"
  image.referrerPolicy = "no-referrer"
  return image
}
