/**
 * The `layer` of every bot adapter: runs one bot built by the adapter's scoped `make` for the layer's lifetime and
 * provides it in the adapter's registry tag, keyed by its fleet id (the server merges several such layers).
 */
import { type Context, Effect, Layer, type Scope } from "effect"

export const botsLayer = <Id, B, E, R>(
  tag: Context.Tag<Id, ReadonlyMap<string, B>>,
  make: Effect.Effect<B, E, R | Scope.Scope>,
  idOf: (bot: B) => string
): Layer.Layer<Id, E, Exclude<R, Scope.Scope>> =>
  Layer.scoped(
    tag,
    Effect.map(make, (bot): ReadonlyMap<string, B> => new Map([[idOf(bot), bot]]))
  )
