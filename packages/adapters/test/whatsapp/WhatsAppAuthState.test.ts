import { assert, describe, it } from "@effect/vitest"
import { proto } from "@whiskeysockets/baileys"
import { Effect } from "effect"
import { makeAuthState, memoryStore } from "../../src/whatsapp/WhatsAppAuthState.js"

describe("WhatsAppAuthState", () => {
  it.effect("creates creds once, saves them BufferJSON-encoded and loads them back equal", () =>
    Effect.gen(function* () {
      const store = memoryStore()
      const first = yield* makeAuthState(store)
      assert.isFalse(first.state.creds.registered)
      assert.isUndefined(store.entries.get("creds"), "nothing is written before saveCreds")
      yield* Effect.promise(() => first.saveCreds())
      const stored = JSON.parse(store.entries.get("creds")!) as { noiseKey: { private: unknown } }
      assert.deepStrictEqual(Object.keys(stored.noiseKey.private as object).sort(), ["data", "type"])
      const second = yield* makeAuthState(store)
      assert.isTrue(Buffer.isBuffer(second.state.creds.noiseKey.private))
      assert.isTrue(Buffer.from(first.state.creds.noiseKey.private).equals(second.state.creds.noiseKey.private))
      assert.strictEqual(second.state.creds.registrationId, first.state.creds.registrationId)
      assert.strictEqual(second.state.creds.advSecretKey, first.state.creds.advSecretKey)
    })
  )

  it.effect(
    "signal keys: set/get round-trip with buffers, null deletes, multi-file key names, proto for app state",
    () =>
      Effect.gen(function* () {
        const store = memoryStore()
        const { state } = yield* makeAuthState(store)
        const keyPair = { public: new Uint8Array([1, 2, 3]), private: new Uint8Array([4, 5, 6]) }
        yield* Effect.promise(async () =>
          state.keys.set({
            "pre-key": { "1": keyPair, "2": keyPair },
            session: { "4917:1@s.whatsapp.net/x": new Uint8Array([9, 9]) },
            "app-state-sync-key": { AAAA: { keyData: new Uint8Array([7]), timestamp: 5 } }
          })
        )
        assert.deepStrictEqual([...store.entries.keys()].sort(), [
          "app-state-sync-key-AAAA",
          "pre-key-1",
          "pre-key-2",
          "session-4917-1@s.whatsapp.net__x"
        ])
        const preKeys = yield* Effect.promise(async () => state.keys.get("pre-key", ["1", "3"]))
        assert.deepStrictEqual(Object.keys(preKeys), ["1"])
        assert.deepStrictEqual([...preKeys["1"]!.private], [4, 5, 6])
        const sessions = yield* Effect.promise(async () => state.keys.get("session", ["4917:1@s.whatsapp.net/x"]))
        assert.deepStrictEqual([...sessions["4917:1@s.whatsapp.net/x"]!], [9, 9])
        const appState = yield* Effect.promise(async () => state.keys.get("app-state-sync-key", ["AAAA"]))
        assert.instanceOf(appState["AAAA"], proto.Message.AppStateSyncKeyData)
        assert.deepStrictEqual([...appState["AAAA"]!.keyData!], [7])
        yield* Effect.promise(async () => state.keys.set({ "pre-key": { "1": null } }))
        assert.isFalse(store.entries.has("pre-key-1"))
        assert.deepStrictEqual(yield* Effect.promise(async () => state.keys.get("pre-key", ["1"])), {})
        yield* Effect.promise(async () => state.keys.clear!())
        assert.strictEqual(store.entries.size, 0)
      })
  )

  it.live("writes of one key land in the order baileys issued them, even when the store is slow", () =>
    Effect.gen(function* () {
      const inner = memoryStore()
      let delay = 30
      const slow = {
        ...inner,
        // the first write is the slowest: without ordering it would land last
        set: (key: string, value: unknown) =>
          Effect.sleep(`${(delay = Math.max(0, delay - 10))} millis`).pipe(Effect.zipRight(inner.set(key, value)))
      }
      const { state } = yield* makeAuthState(slow)
      yield* Effect.promise(() =>
        Promise.all([1, 2, 3].map((n) => state.keys.set({ "sender-key": { g: new Uint8Array([n]) } })))
      )
      const got = yield* Effect.promise(async () => state.keys.get("sender-key", ["g"]))
      assert.deepStrictEqual([...got["g"]!], [3])
    })
  )
})
