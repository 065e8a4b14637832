import { Schema } from "effect"

/** The languages flows speak. */
export const Language = Schema.Literal("ru", "en")
