/** Group purchases: listing and search, creation, the lifecycle, participants. */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Forbidden, IllegalTransition, InsufficientFunds, NotFound, RuleViolation } from "../Errors.js"
import { CategoryId, ParticipantId, ProcurementId, UserId } from "../Ids.js"
import { specAlias } from "./SpecAlias.js"
import { Participant, ProcurementStatus } from "../Models.js"
import { CreateProcurement, ProcurementSort, StatusChange, UpdateProcurement } from "../Procurements.js"
import {
  BooleanParam,
  CommaSeparated,
  MyProcurementsJson,
  PageParams,
  ParticipantViewJson,
  ProcurementViewJson
} from "./Dto.js"
import { pageEndpoint } from "./PageEndpoint.js"
import * as Refusals from "./Refusals.js"
import { Authentication } from "./Security.js"

const IdPath = Schema.Struct({ id: ProcurementId })
const ParticipantPath = Schema.Struct({ id: ParticipantId })

export const ProcurementListParams = Schema.Struct({
  ...PageParams,
  status: Schema.optional(CommaSeparated(ProcurementStatus)),
  categoryId: Schema.optional(CategoryId),
  city: Schema.optional(Schema.String),
  featured: Schema.optional(BooleanParam),
  organizerId: Schema.optional(UserId),
  supplierId: Schema.optional(UserId),
  query: Schema.optional(Schema.String),
  sort: Schema.optional(ProcurementSort)
})

/**
 * Procurement bodies refuse fields they do not have (400 naming the field), as their OpenAPI schemas say
 * (`additionalProperties: false`): a misspelt or read-only field (`pricePerUnit` in an edit) must not pass for a change.
 */
const refuseUnknownFields = { parseOptions: { onExcessProperty: "error" } } as const

/** Creation input; `organizerId` is the caller for users and required for the service token. */
export const CreateProcurementBody = Schema.Struct({
  ...CreateProcurement.fields,
  organizerId: Schema.optional(UserId)
}).annotations({ identifier: "CreateProcurementBody", ...refuseUnknownFields })
export type CreateProcurementBody = typeof CreateProcurementBody.Type

/** An edit: the fields of `UpdateProcurement` and no other. */
export const UpdateProcurementBody = Schema.Struct(UpdateProcurement.fields).annotations({
  identifier: "UpdateProcurementBody",
  ...refuseUnknownFields
})
export type UpdateProcurementBody = typeof UpdateProcurementBody.Type

/** Acting for a user: omitted for users (it is themselves), required for the service token. */
export class OnBehalf extends Schema.Class<OnBehalf>("OnBehalf")({ userId: Schema.optional(UserId) }) {}

export class JoinBody extends Schema.Class<JoinBody>("JoinBody")({
  quantity: Schema.Int,
  userId: Schema.optional(UserId)
}) {}

export class StatusBody extends Schema.Class<StatusBody>("StatusBody")({
  status: ProcurementStatus,
  /** the service token acts as this user (the organizer) */
  userId: Schema.optional(UserId)
}) {}

const OnBehalfParams = Schema.Struct({ userId: Schema.optional(UserId) })

export class FeaturedBody extends Schema.Class<FeaturedBody>("FeaturedBody")({ featured: Schema.Boolean }) {}

/** Where an announcement went: `sent` of the `channels` offered took it (a channel whose platform refused did not). */
export const Announced = Schema.Struct({ sent: Schema.NonNegativeInt, channels: Schema.NonNegativeInt }).annotations({
  identifier: "Announced"
})
export type Announced = typeof Announced.Type

/** The `RuleViolation` codes an announcement is refused with (HTTP 409), for clients to put into words. */
export const AnnounceRefusal = {
  notActive: "announce.not-active",
  noChannels: "announce.no-channels",
  tooSoon: "announce.too-soon"
} as const

/** `POST /participants/:id/<move>`: the organizer moves one participant along its lifecycle. */
const participantMove = <const Name extends string>(name: Name, move: string) =>
  HttpApiEndpoint.post(name, `/participants/:id/${move}`)
    .setPath(ParticipantPath)
    .setPayload(OnBehalf)
    .addSuccess(Participant.json)
    .addError(IllegalTransition)
    .pipe(Refusals.missing)

export class ProcurementsApi extends HttpApiGroup.make("procurements")
  .add(pageEndpoint("list", "/procurements", ProcurementListParams, ProcurementViewJson))
  .add(
    HttpApiEndpoint.post("create", "/procurements")
      .setPayload(CreateProcurementBody)
      .addSuccess(ProcurementViewJson, { status: 201 })
      .pipe(Refusals.invalid)
  )
  .add(
    HttpApiEndpoint.get("get", "/procurements/:id").setPath(IdPath).addSuccess(ProcurementViewJson).addError(NotFound)
  )
  .add(
    HttpApiEndpoint.patch("update", "/procurements/:id")
      .setPath(IdPath)
      .setUrlParams(OnBehalfParams)
      .setPayload(UpdateProcurementBody)
      .addSuccess(ProcurementViewJson)
      .addError(RuleViolation)
      .pipe(Refusals.invalid)
  )
  .add(
    HttpApiEndpoint.post("setStatus", "/procurements/:id/status")
      .setPath(IdPath)
      .setPayload(StatusBody)
      .addSuccess(ProcurementViewJson)
      .addError(IllegalTransition)
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.put("setFeatured", "/procurements/:id/featured")
      .setPath(IdPath)
      .setPayload(FeaturedBody)
      .addSuccess(ProcurementViewJson)
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.post("join", "/procurements/:id/join")
      .setPath(IdPath)
      .setPayload(JoinBody)
      .addSuccess(Participant.json, { status: 201 })
      .addError(RuleViolation)
      .pipe(Refusals.invalid)
  )
  .add(
    HttpApiEndpoint.post("leave", "/procurements/:id/leave")
      .setPath(IdPath)
      .setPayload(OnBehalf)
      .addSuccess(Participant.json)
      .addError(RuleViolation)
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.post("pay", "/procurements/:id/pay")
      .setPath(IdPath)
      .setPayload(OnBehalf)
      .addSuccess(Participant.json)
      .addError(InsufficientFunds)
      .addError(IllegalTransition)
      .addError(RuleViolation)
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.get("history", "/procurements/:id/history")
      .setPath(IdPath)
      .addSuccess(Schema.Array(StatusChange))
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.get("participants", "/procurements/:id/participants")
      .setPath(IdPath)
      .addSuccess(Schema.Array(ParticipantViewJson))
      .addError(NotFound)
      // members (organizer, supplier, participants) and administrators only, like the chat's /members
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.post("announce", "/procurements/:id/announce")
      .setPath(IdPath)
      .setPayload(OnBehalf)
      .addSuccess(Announced)
      .addError(RuleViolation)
      .pipe(Refusals.missing)
      .annotate(OpenApi.Summary, "Announce a procurement in the broadcast channels")
      .annotate(
        OpenApi.Description,
        "Posts the procurement's card with a Join link to every broadcast channel (the bot's /broadcast does the same). " +
          "Its organizer or an administrator; ACTIVE procurements only. Answers how many of the channels took it. " +
          `409 codes: ${AnnounceRefusal.notActive} (not ACTIVE), ${AnnounceRefusal.noChannels} (no channel is ` +
          `connected), ${AnnounceRefusal.tooSoon} (announced less than a minute ago: a repeated request posts nothing).`
      )
  )
  .add(participantMove("confirmParticipant", "confirm"))
  .add(participantMove("markDelivered", "deliver"))
  .add(
    HttpApiEndpoint.get("forUser", "/users/:userId/procurements")
      .setPath(Schema.Struct({ userId: UserId }))
      .addSuccess(MyProcurementsJson)
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.get("userProcurements", "/procurements/user/:userId")
      .setPath(Schema.Struct({ userId: UserId }))
      .addSuccess(MyProcurementsJson)
      .addError(Forbidden)
      .pipe(specAlias("A user's procurements", "GET /users/{userId}/procurements"))
  )
  .middleware(Authentication) {}
