/** What flows ask the engine to do (`request` events), performed over core services and fed back as events. */
import {
  Categories,
  CategoryId,
  type CategoryNode,
  CreateProcurement,
  type DomainError,
  kopecks,
  ProcurementId,
  Procurements,
  RegisterUser,
  type User,
  Users
} from "@groupbuy/core"
import { DateTime, Effect, Schema } from "effect"
import type { FlowRequest } from "../flows/Protocol.js"
import type { Language } from "../Messages.js"
import type { ChatRef } from "../Model.js"
import { PaymentGateway } from "../PaymentGateway.js"
import { identityOf } from "./Common.js"
import { describeError } from "./Errors.js"
import type { UnstampedEvent } from "./FlowRunner.js"

/** Who asks: the chat, the account (none before registration) and the language of the answer. */
export interface Asker {
  readonly ref: ChatRef
  readonly user: User | undefined
  readonly language: Language
}

const childrenOf = (nodes: ReadonlyArray<CategoryNode>, parentId: string | null) => {
  const find = (nodes: ReadonlyArray<CategoryNode>): ReadonlyArray<CategoryNode> | undefined => {
    if (parentId === null) return nodes
    for (const node of nodes) {
      if (node.category.id === parentId) return node.children
      const below = find(node.children)
      if (below !== undefined) return below
    }
    return undefined
  }
  return find(nodes) ?? []
}

const signedIn = (asker: Asker, request: FlowRequest) =>
  asker.user === undefined ? Effect.dieMessage(`${request._tag} without an account`) : Effect.succeed(asker.user)

const perform = (asker: Asker, request: FlowRequest) =>
  Effect.gen(function* () {
    switch (request._tag) {
      case "RegisterUser": {
        const user = yield* (yield* Users).register(
          new RegisterUser({
            identity: identityOf(asker.ref),
            firstName: request.firstName,
            lastName: request.lastName,
            phone: request.phone,
            email: request.email,
            language: asker.language,
            role: request.role
          })
        )
        return { data: { userId: user.id }, user }
      }
      case "LoadCategories": {
        const tree = yield* (yield* Categories).tree()
        const data = childrenOf(tree, request.parentId).map((node) => ({
          id: node.category.id,
          name: node.category.name,
          icon: node.category.icon,
          hasChildren: node.children.length > 0
        }))
        return { data }
      }
      case "CreateProcurement": {
        const user = yield* signedIn(asker, request)
        const categoryId =
          request.categoryId === null
            ? null
            : yield* Schema.decodeUnknown(CategoryId)(request.categoryId).pipe(Effect.orDie)
        const view = yield* (yield* Procurements).create(
          new CreateProcurement({
            organizerId: user.id,
            title: request.title,
            description: request.description,
            categoryId,
            targetAmount: kopecks(BigInt(request.targetAmount)),
            pricePerUnit: kopecks(BigInt(request.pricePerUnit)),
            unit: request.unit,
            minQuantity: request.minQuantity,
            deadline: DateTime.unsafeMake(request.deadline),
            city: request.city,
            deliveryAddress: request.deliveryAddress,
            stopAtAmount: request.stopAtAmount === null ? null : kopecks(BigInt(request.stopAtAmount)),
            imageUrl: request.imageUrl,
            publish: request.publish
          })
        )
        return { data: { procurementId: view.procurement.id, status: view.procurement.status } }
      }
      case "CreateDeposit": {
        const user = yield* signedIn(asker, request)
        const link = yield* (yield* PaymentGateway).createDeposit(user.id, BigInt(request.amount))
        return {
          data: { paymentId: link.paymentId, url: link.url, instructions: link.instructions, testMoney: link.testMoney }
        }
      }
      case "JoinProcurement": {
        const user = yield* signedIn(asker, request)
        const id = yield* Schema.decodeUnknown(ProcurementId)(request.procurementId).pipe(Effect.orDie)
        const participant = yield* (yield* Procurements).join(user.id, id, request.quantity)
        return { data: { participantId: participant.id, amount: participant.amount.toString() } }
      }
    }
  })

/** A request's outcome as the event for the flow, and the account a registration made. */
export interface Performed {
  readonly event: UnstampedEvent
  readonly user?: User
}

type PerformServices = Users | Categories | Procurements | PaymentGateway

/**
 * Performs one request: `io.done` with its data, or `io.failed` with the domain error described in the asker's
 * language; a registration also returns the new account.
 */
export const performRequest = (asker: Asker, request: FlowRequest): Effect.Effect<Performed, never, PerformServices> =>
  perform(asker, request).pipe(
    Effect.map((done): Performed => ({
      event: { type: "io.done", request: request._tag, data: done.data },
      ...("user" in done && done.user !== undefined ? { user: done.user } : {})
    })),
    Effect.catchAll((error: DomainError) => {
      const described = describeError(asker.language, error)
      return Effect.succeed<Performed>({
        event: {
          type: "io.failed",
          request: request._tag,
          code: described.code,
          message: described.message,
          params: described.params
        } satisfies UnstampedEvent
      })
    })
  )
