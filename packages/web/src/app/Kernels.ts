/**
 * The list kernels of `@groupbuy/wasm`, loaded once per page and outside the initial bundle: WebAssembly when the
 * browser has it, the identical JS backend otherwise. Lists carry `data-backend` saying which one served them.
 */
import { useEffect, useState } from "react"
import type { Kernels, Procurement, ProcurementColumns } from "@groupbuy/wasm"

export interface ListKernels {
  readonly kernels: Kernels
  /** Packs a list once for the columnar kernels. */
  readonly toColumns: (items: ReadonlyArray<Procurement>) => ProcurementColumns
  /** Which backend serves the list kernels. */
  readonly backend: "wasm" | "js"
}

let shared: Promise<ListKernels> | undefined

export const loadKernels = (): Promise<ListKernels> =>
  (shared ??= import("@groupbuy/wasm").then(async (wasm) => {
    const kernels = await wasm.defaultKernels()
    return { kernels, toColumns: wasm.toProcurementColumns, backend: kernels.backendOf("sortProcurementsColumns") }
  }))

/** The kernels, or undefined while they load. */
export const useKernels = (): ListKernels | undefined => {
  const [kernels, setKernels] = useState<ListKernels | undefined>(undefined)
  useEffect(() => {
    let live = true
    void loadKernels().then((k) => live && setKernels(k))
    return () => {
      live = false
    }
  }, [])
  return kernels
}
