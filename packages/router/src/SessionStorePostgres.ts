/**
 * The PostgreSQL `SessionStore`, over core's `KeyValue` service (the `kv_store` table) — the router never touches SQL.
 */
import { KeyValue } from "@groupbuy/core"
import { Effect, Layer } from "effect"
import { SessionStore } from "./SessionStore.js"

/** The `kv_store` namespace the router's keys live in. */
export const SESSION_NAMESPACE = "router"

export const makeSessionStorePostgres = (namespace = SESSION_NAMESPACE) =>
  Effect.map(KeyValue, (kv) =>
    SessionStore.of({
      get: (key) => kv.get(namespace, key),
      getMany: (keys) => kv.getMany(namespace, keys),
      set: (key, value, ttl) => kv.set(namespace, key, value, ttl),
      setIfAbsent: (key, value, ttl) => kv.setIfAbsent(namespace, key, value, ttl),
      remove: (key) => kv.remove(namespace, key)
    })
  )

export const SessionStorePostgres: Layer.Layer<SessionStore, never, KeyValue> = Layer.effect(
  SessionStore,
  makeSessionStorePostgres()
)
