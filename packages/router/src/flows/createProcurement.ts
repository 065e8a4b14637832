/**
 * Creating a procurement (the engine starts it for organizers only): title → description → category (browsed
 * level by level through `LoadCategories`) → unit → price per unit → minimum quantity → target amount → stop-at
 * amount → deadline → city → delivery address → photo → preview → Publish / Save as draft → `CreateProcurement`.
 * The states are laid out here; their guards and actions are `internal/ProcurementSetup.ts`'s.
 */
import * as Steps from "./internal/Steps.js"
import {
  type CategoryItem,
  type CreateProcurementContext,
  CreateProcurementInput,
  type CreateProcurementOutput,
  TITLE_LENGTH,
  DESCRIPTION_LENGTH,
  UNIT_LENGTH,
  CITY_LENGTH,
  ADDRESS_LENGTH
} from "./internal/ProcurementForm.js"
import { procurementSetup } from "./internal/ProcurementSetup.js"

export { CreateProcurementInput, TITLE_LENGTH, DESCRIPTION_LENGTH, UNIT_LENGTH, CITY_LENGTH, ADDRESS_LENGTH }
export type { CategoryItem, CreateProcurementContext, CreateProcurementOutput }

export const createProcurementMachine = procurementSetup.createMachine({
  id: "createProcurement",
  context: ({ input }) => ({
    language: input.language,
    notice: null,
    title: null,
    description: null,
    categoryPath: [],
    categories: [],
    categoryId: null,
    categoryName: null,
    unit: null,
    pricePerUnit: null,
    minQuantity: 1,
    targetAmount: null,
    stopAtAmount: null,
    deadline: null,
    city: null,
    deliveryAddress: null,
    imageUrl: null,
    publish: true,
    procurementId: null,
    status: null
  }),
  initial: "title",
  states: {
    ...Steps.typed("title", {
      ask: "askTitle",
      valid: "isValidTitle",
      save: "saveTitle",
      reject: "rejectTitle",
      next: "description",
      back: null
    }),
    ...Steps.typed("description", {
      ask: "askDescription",
      valid: "isValidDescription",
      save: "saveDescription",
      reject: "rejectDescription",
      next: "category",
      back: "title"
    }),
    category: {
      initial: "loading",
      on: {
        back: [
          { guard: "isInSubcategory", target: ".loading", reenter: true, actions: "leaveCategory" },
          { target: "description" }
        ]
      },
      states: {
        loading: {
          entry: "loadCategories",
          on: {
            "io.done": [
              { guard: "isCategoriesLoaded", target: "choosing", actions: "saveCategories" },
              { guard: "isCategoriesResult", target: "failed", actions: "forgetCategories" }
            ],
            "io.failed": {
              guard: "isCategoriesResult",
              target: "failed",
              actions: ["forgetCategories", "noticeFailure"]
            },
            // the answer never came (e.g. the process restarted mid-turn): any input asks again
            "*": { guard: "isOtherInput", target: "loading", reenter: true }
          }
        },
        choosing: {
          entry: ["showCategories", "clearNotice"],
          on: {
            "*": [
              { guard: "isParentCategory", target: "loading", actions: "enterCategory" },
              { guard: "isLeafCategory", target: "#createProcurement.unit", actions: "chooseCategory" },
              { guard: "isChooseThis", target: "#createProcurement.unit", actions: "chooseThisCategory" },
              { guard: "isNoCategory", target: "#createProcurement.unit", actions: "chooseNoCategory" },
              { guard: "isOtherInput", target: "choosing", reenter: true, actions: "noticeUnexpected" }
            ]
          }
        },
        failed: {
          entry: ["showCategoriesFailed", "clearNotice"],
          on: {
            "*": [
              { guard: "isRetry", target: "loading" },
              { guard: "isNoCategory", target: "#createProcurement.unit", actions: "chooseNoCategory" },
              { guard: "isOtherInput", target: "failed", reenter: true, actions: "noticeUnexpected" }
            ]
          }
        }
      }
    },
    ...Steps.choice("unit", {
      ask: "askUnit",
      valid: "isValidUnit",
      save: "saveUnit",
      next: "price",
      back: "category",
      unexpected: "rejectUnitOrUnexpected"
    }),
    ...Steps.typed("price", {
      ask: "askPrice",
      valid: "isValidPrice",
      save: "savePrice",
      reject: "rejectPrice",
      next: "minQuantity",
      back: "unit"
    }),
    ...Steps.typed("minQuantity", {
      ask: "askMinQuantity",
      valid: "isValidMinQuantity",
      save: "saveMinQuantity",
      reject: "rejectMinQuantity",
      next: "target",
      back: "price",
      skip: "skipMinQuantity"
    }),
    ...Steps.typed("target", {
      ask: "askTarget",
      valid: "isValidTarget",
      save: "saveTarget",
      reject: "rejectTarget",
      next: "stopAt",
      back: "minQuantity"
    }),
    ...Steps.typed("stopAt", {
      ask: "askStopAt",
      valid: "isValidStopAt",
      save: "saveStopAt",
      reject: "rejectStopAt",
      next: "deadline",
      back: "target",
      skip: "skipStopAt"
    }),
    ...Steps.choice("deadline", {
      ask: "askDeadline",
      valid: "isValidDeadline",
      save: "saveDeadline",
      next: "city",
      back: "stopAt",
      unexpected: "rejectDeadlineOrUnexpected"
    }),
    ...Steps.typed("city", {
      ask: "askCity",
      valid: "isValidCity",
      save: "saveCity",
      reject: "rejectCity",
      next: "address",
      back: "deadline"
    }),
    ...Steps.typed("address", {
      ask: "askAddress",
      valid: "isValidAddress",
      save: "saveAddress",
      reject: "rejectAddress",
      next: "photo",
      back: "city",
      skip: "skipAddress"
    }),
    ...Steps.typed("photo", {
      ask: "askPhoto",
      valid: "isPhoto",
      save: "savePhoto",
      reject: "noticeNotPhoto",
      next: "preview",
      back: "address",
      skip: "skipPhoto",
      input: "media",
      unexpected: "noticePhotoExpected"
    }),
    ...Steps.confirm("preview", {
      show: "showPreview",
      back: "photo",
      action: [
        { guard: "isPublish", target: "submitting", actions: "choosePublish" },
        { guard: "isDraft", target: "submitting", actions: "chooseDraft" }
      ]
    }),
    ...Steps.submitting("submitting", {
      send: "sendProcurement",
      done: { guard: "isCreated", target: "done", actions: "saveCreated" },
      result: "isCreateResult",
      fallback: "preview"
    }),
    done: {
      type: "final",
      entry: "announceCreated"
    }
  },
  output: ({ context }) => ({ procurementId: context.procurementId ?? "", status: context.status ?? "" })
})
