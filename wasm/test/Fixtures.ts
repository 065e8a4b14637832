import { existsSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { fileURLToPath } from "node:url"
import { checkExports, DEFAULT_WASM_URL, JsBackend, makeWasmBackend } from "../src/index.js"
import type { KernelExports, KernelFunctions, WebAssemblyApi } from "../src/index.js"

export const WebAssemblyGlobal = (): WebAssemblyApi =>
  (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly

/** build/kernels.wasm; the root `npm test` builds it first (`npm run build -w @groupbuy/wasm`). */
export const wasmBytes = async (): Promise<Uint8Array> => {
  const path = fileURLToPath(DEFAULT_WASM_URL)
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build -w @groupbuy/wasm\` first`)
  return readFile(path)
}

export interface WasmUnderTest {
  readonly backend: KernelFunctions
  readonly exports: KernelExports
}

/** A fresh instance of the kernels and the wasm backend over it. */
export const instantiateWasm = async (): Promise<WasmUnderTest> => {
  const { instance } = (await WebAssemblyGlobal().instantiate(await wasmBytes(), {})) as {
    instance: { exports: Record<string, unknown> }
  }
  const problem = checkExports(instance.exports)
  if (problem !== undefined) throw new Error(problem)
  const exports = instance.exports as unknown as KernelExports
  return { backend: makeWasmBackend(exports), exports }
}

export const backends = async (): Promise<ReadonlyArray<readonly [string, KernelFunctions]>> => [
  ["js", JsBackend],
  ["wasm", (await instantiateWasm()).backend]
]

/** JSON with bigints and typed arrays made comparable. */
export const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "bigint" ? `${v}n` : ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v
  )
