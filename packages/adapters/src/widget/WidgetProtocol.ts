/// <reference lib="dom" />
/**
 * The widget's copy of the `groupbuy.chat.v1` frames it uses (docs/ws-protocol.md). The widget is a standalone
 * browser bundle, so it declares the shapes instead of importing the server's schemas; the browser tests run it
 * against the real server to keep the two in step.
 */
export const VERSION = "groupbuy.chat.v1"

export interface Span {
  readonly text: string
  readonly bold?: boolean
  readonly italic?: boolean
  readonly code?: boolean
  readonly href?: string
}

export type Button =
  | { readonly _tag: "Action"; readonly label: string; readonly data: string }
  | { readonly _tag: "Url"; readonly label: string; readonly url: string }
  | { readonly _tag: "RequestContact"; readonly label: string }

export interface Keyboard {
  readonly rows: ReadonlyArray<ReadonlyArray<Button>>
}

export type Reply =
  | { readonly _tag: "Text"; readonly text: ReadonlyArray<Span>; readonly keyboard?: Keyboard }
  | {
      readonly _tag: "Image"
      readonly url: string
      readonly caption: ReadonlyArray<Span>
      readonly keyboard?: Keyboard
    }
  | { readonly _tag: "Edit"; readonly text: ReadonlyArray<Span>; readonly keyboard?: Keyboard }
  | { readonly _tag: "Toast"; readonly text: string; readonly alert?: boolean }

export type ServerFrame =
  | {
      readonly type: "welcome"
      readonly stream: string
      readonly lastSeq: number
      readonly resumed: boolean
      readonly identity: { readonly userId: string; readonly guest: boolean; readonly expiresAt: number }
    }
  | {
      readonly type: "reply"
      readonly seq: number
      readonly inReplyTo?: string
      readonly edits?: string
      readonly reply: Reply
    }
  | { readonly type: "ack"; readonly id: string }
  | { readonly type: "error"; readonly code: string; readonly message: string; readonly id?: string }

export type Input =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "button"; readonly data: string; readonly messageId?: string }
