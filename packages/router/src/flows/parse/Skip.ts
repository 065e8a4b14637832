/**
 * A skip typed in words: what every optional step takes instead of its Skip button (the prompts of text-only platforms
 * invite it: "-", "нет", "skip"…). One list for the flows (`isSkip`) and the feature prompts (`/myshop`'s greeting).
 */
const SKIP_WORDS: ReadonlySet<string> = new Set(["-", "—", "–", "нет", "пропустить", "skip", "no", "none"])

export const isSkipWord = (text: string): boolean => SKIP_WORDS.has(text.trim().toLowerCase())
