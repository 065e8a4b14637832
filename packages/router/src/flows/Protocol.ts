/**
 * The contract between the engine and the conversation machines. Machines are pure: they validate and decide, and
 * emit `reply` (what to show) and `request` (I/O for the engine to perform over core services). The engine performs
 * a request and feeds the outcome back as `io.done` / `io.failed`. Snapshots are persisted as JSON after every turn,
 * so machine context holds only JSON values (money as kopeck strings, dates as epoch ms).
 */
import type { Reply } from "../Model.js"

/** Every event carries the engine's clock (epoch ms) so machines never read time themselves. */
interface Stamped {
  readonly now: number
}

export type FlowEvent =
  | ({ readonly type: "text"; readonly text: string } & Stamped)
  /** a button press, after the engine resolved its token: `action` as the machine put it on the button */
  | ({ readonly type: "action"; readonly action: string } & Stamped)
  | ({ readonly type: "contact"; readonly phone: string; readonly own: boolean } & Stamped)
  | ({
      readonly type: "media"
      readonly kind: "photo" | "file"
      readonly url: string
      readonly caption?: string
    } & Stamped)
  /** "flow:back" button or a typed "назад"/"back" */
  | ({ readonly type: "back" } & Stamped)
  | ({ readonly type: "io.done"; readonly request: FlowRequest["_tag"]; readonly data: unknown } & Stamped)
  | ({
      readonly type: "io.failed"
      readonly request: FlowRequest["_tag"]
      /** a core error's code (RuleViolation code, "InvalidInput", "InsufficientFunds", "Forbidden", ...) */
      readonly code: string
      /** already localised for the user */
      readonly message: string
      readonly params?: Readonly<Record<string, string>>
    } & Stamped)

/** Button actions every machine understands; the engine handles cancel itself. */
export const BACK_ACTION = "flow:back"
export const CANCEL_ACTION = "flow:cancel"

/** I/O the engine performs for a machine; results come back as `io.done` with the documented `data`. */
export type FlowRequest =
  | {
      readonly _tag: "RegisterUser"
      readonly role: "buyer" | "organizer" | "supplier"
      readonly firstName: string
      readonly lastName: string | null
      readonly phone: string
      readonly email: string | null
    } /* data: { userId: string } */
  | {
      readonly _tag: "LoadCategories"
      readonly parentId: string | null
    } /* data: ReadonlyArray<{ id: string; name: string; icon: string | null; hasChildren: boolean }> */
  | {
      readonly _tag: "CreateProcurement"
      readonly title: string
      readonly description: string
      readonly categoryId: string | null
      readonly unit: string
      /** kopecks */
      readonly pricePerUnit: string
      readonly targetAmount: string
      readonly stopAtAmount: string | null
      readonly minQuantity: number
      /** epoch ms */
      readonly deadline: number
      readonly city: string
      readonly deliveryAddress: string | null
      readonly imageUrl: string | null
      readonly publish: boolean
    } /* data: { procurementId: string; status: string } */
  | {
      readonly _tag: "CreateDeposit"
      /** kopecks */
      readonly amount: string
    } /* data: { paymentId: string; url: string | null; instructions: string | null; testMoney?: boolean } */
  | {
      readonly _tag: "JoinProcurement"
      readonly procurementId: string
      readonly quantity: number
    } /* data: { participantId: string; amount: string } */

/** What a machine emits. */
export type FlowEmitted =
  { readonly type: "reply"; readonly reply: Reply } | { readonly type: "request"; readonly request: FlowRequest }
