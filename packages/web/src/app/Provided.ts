/** A context's value, which only its provider sets: used outside it, a programming error says which hook and provider. */
import { type Context, useContext } from "react"

export const useProvided = <A>(context: Context<A | undefined>, hook: string, provider: string): A => {
  const value = useContext(context)
  if (value === undefined) throw new Error(`${hook}() outside <${provider}>`)
  return value
}
