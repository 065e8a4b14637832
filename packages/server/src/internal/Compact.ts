/** Drops `undefined` values so decoded optional fields (`?: A | undefined`) fit exact optional properties (`?: A`). */
export type Compact<A> = { [K in keyof A]: Exclude<A[K], undefined> }

export const compact = <A extends object>(value: A): Compact<A> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Compact<A>
