import type { MessageKey } from "../../Messages.js"

/** Why an input was refused: a key of the flow message catalogue and the values it mentions. */
export interface Problem {
  readonly key: MessageKey
  readonly params?: Readonly<Record<string, string>>
}

export const problem = (key: MessageKey, params?: Readonly<Record<string, string>>): Problem =>
  params === undefined ? { key } : { key, params }
