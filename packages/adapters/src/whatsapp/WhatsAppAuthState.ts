/**
 * WhatsApp (baileys) authentication state over a small key/value port, so it can live in PostgreSQL (the server
 * implements the port over core's `KeyValue`) instead of baileys' multi-file store, which is not for production.
 * Semantics mirror `useMultiFileAuthState`: `creds` under one key, each signal key under `<type>-<id>`, values
 * JSON-encoded with `BufferJSON` (buffers become `{ type: "Buffer", data: base64 }`), a null value deletes.
 */
import {
  type AuthenticationCreds,
  type AuthenticationState,
  BufferJSON,
  initAuthCreds,
  proto,
  type SignalDataSet,
  type SignalDataTypeMap
} from "@whiskeysockets/baileys"
import { Effect, Runtime } from "effect"

/**
 * The port: one account's auth state as JSON values (what `JSON.parse` returns, safe for `jsonb`). Keys are short
 * ASCII strings (`creds`, `session-4917…`, `app-state-sync-key-AAAA…`).
 */
export interface AuthStateStore {
  readonly get: (key: string) => Effect.Effect<unknown | undefined>
  readonly set: (key: string, value: unknown) => Effect.Effect<void>
  readonly remove: (key: string) => Effect.Effect<void>
  /** forgets the whole account (after logout) */
  readonly clear: Effect.Effect<void>
}

/** An in-memory store (tests, trying things out); values are copied through JSON like a database would. */
export const memoryStore = (): AuthStateStore & { readonly entries: Map<string, string> } => {
  const entries = new Map<string, string>()
  return {
    entries,
    get: (key) =>
      Effect.sync(() => {
        const text = entries.get(key)
        return text === undefined ? undefined : (JSON.parse(text) as unknown)
      }),
    set: (key, value) => Effect.sync(() => void entries.set(key, JSON.stringify(value))),
    remove: (key) => Effect.sync(() => void entries.delete(key)),
    clear: Effect.sync(() => entries.clear())
  }
}

/** A value as the store keeps it: Buffers/Uint8Arrays encoded by `BufferJSON.replacer`. */
export const encodeValue = (value: unknown): unknown => JSON.parse(JSON.stringify(value, BufferJSON.replacer))

/** The inverse of `encodeValue`: Buffers restored by `BufferJSON.reviver`. */
export const decodeValue = (value: unknown): unknown => JSON.parse(JSON.stringify(value), BufferJSON.reviver)

const CREDS = "creds"
/** `/` and `:` are rewritten exactly like the multi-file store rewrites file names */
const keyOf = (type: string, id: string) => `${type}-${id}`.replace(/\//g, "__").replace(/:/g, "-")

export interface BaileysAuth {
  readonly state: AuthenticationState
  readonly saveCreds: () => Promise<void>
}

/**
 * Loads the creds (or creates fresh ones) and returns baileys' `{ state, saveCreds }` over the store. Writes of
 * one key are applied in the order baileys issued them.
 */
export const makeAuthState = (store: AuthStateStore): Effect.Effect<BaileysAuth> =>
  Effect.gen(function* () {
    const runtime = yield* Effect.runtime<never>()
    const run = Runtime.runPromise(runtime)
    const stored = yield* store.get(CREDS)
    const creds: AuthenticationCreds =
      stored === undefined ? initAuthCreds() : (decodeValue(stored) as AuthenticationCreds)

    // per-key write chains: a later write of a key never lands before an earlier one
    const chains = new Map<string, Promise<void>>()
    const serially = (key: string, write: Effect.Effect<void>): Promise<void> => {
      const previous = chains.get(key) ?? Promise.resolve()
      const next = previous.then(() => run(write))
      const settled = next.catch(() => undefined)
      chains.set(key, settled)
      void settled.then(() => {
        if (chains.get(key) === settled) chains.delete(key)
      })
      return next
    }

    const state: AuthenticationState = {
      creds,
      keys: {
        get: async <T extends keyof SignalDataTypeMap>(type: T, ids: Array<string>) => {
          const data: { [id: string]: SignalDataTypeMap[T] } = {}
          await Promise.all(
            ids.map(async (id) => {
              const key = keyOf(type, id)
              await chains.get(key)
              const raw = await run(store.get(key))
              if (raw === undefined || raw === null) return
              let value = decodeValue(raw)
              if (type === "app-state-sync-key") {
                value = proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>)
              }
              data[id] = value as SignalDataTypeMap[T]
            })
          )
          return data
        },
        set: async (data: SignalDataSet) => {
          const writes: Array<Promise<void>> = []
          for (const type of Object.keys(data) as Array<keyof SignalDataTypeMap>) {
            const entries = data[type] ?? {}
            for (const id of Object.keys(entries)) {
              const value = entries[id]
              const key = keyOf(type, id)
              writes.push(serially(key, value ? store.set(key, encodeValue(value)) : store.remove(key)))
            }
          }
          await Promise.all(writes)
        },
        clear: () => run(store.clear)
      }
    }
    return { state, saveCreds: () => serially(CREDS, store.set(CREDS, encodeValue(creds))) }
  })
