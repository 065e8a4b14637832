/**
 * The web cabinet's addresses, written once: the page a Mini App opens (the `/web` button and Telegram's chat menu
 * button open the same one) and the one-time login link that signs a browser in.
 */

const base = (webBaseUrl: string) => webBaseUrl.replace(/\/+$/, "")

/** The cabinet's root page, opened as a Mini App: the page signs the person in from the platform's launch data. */
export const miniApp = (webBaseUrl: string): string => `${base(webBaseUrl)}/`

/** The link that signs a browser in with a `/web` one-time code. */
export const login = (webBaseUrl: string, code: string): string =>
  `${base(webBaseUrl)}/login?code=${encodeURIComponent(code)}`

/** A procurement's chat in the cabinet (opened as a Mini App, or in a browser that is signed in). */
export const chat = (webBaseUrl: string, procurementId: string): string =>
  `${base(webBaseUrl)}/procurements/${encodeURIComponent(procurementId)}/chat`
