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
  .add(
    pageEndpoint("list", "/procurements", ProcurementListParams, ProcurementViewJson)
      .annotate(OpenApi.Summary, "Procurements, filtered and searched")
      .annotate(
        OpenApi.Description,
        "Active ones by default: filter by status (comma-separated), category (with its subcategories), city, " +
          "featured, organizer or supplier; `query` searches title and description (Russian stemming). Featured " +
          "first."
      )
  )
  .add(
    HttpApiEndpoint.post("create", "/procurements")
      .annotate(OpenApi.Summary, "Create a procurement")
      .annotate(
        OpenApi.Description,
        "Organizers (and administrators) only: 403 otherwise. Money fields are kopeck strings. The supplier, when " +
          "named, must have the supplier role (400 supplier.not-supplier). `publish: false` keeps it a DRAFT. 400 " +
          "with readable issues for each invalid field; 404 for an unknown category."
      )
      .setPayload(CreateProcurementBody)
      .addSuccess(ProcurementViewJson, { status: 201 })
      .pipe(Refusals.invalid)
  )
  .add(
    HttpApiEndpoint.get("get", "/procurements/:id")
      .annotate(OpenApi.Summary, "A procurement")
      .annotate(
        OpenApi.Description,
        "The procurement with its progress (collected amount, percent, participants, days left), organizer and " +
          "supplier names; 404 when there is none."
      )
      .setPath(IdPath)
      .addSuccess(ProcurementViewJson)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.patch("update", "/procurements/:id")
      .annotate(OpenApi.Summary, "Edit a procurement")
      .annotate(
        OpenApi.Description,
        "Its organizer or an administrator, while DRAFT or ACTIVE (409 update.not-editable): title, description, " +
          "category, deadlines, city, delivery address, image. Unknown fields are refused (400)."
      )
      .setPath(IdPath)
      .setUrlParams(OnBehalfParams)
      .setPayload(UpdateProcurementBody)
      .addSuccess(ProcurementViewJson)
      .addError(RuleViolation)
      .pipe(Refusals.invalid)
  )
  .add(
    HttpApiEndpoint.post("setStatus", "/procurements/:id/status")
      .annotate(OpenApi.Summary, "Move a procurement's status")
      .annotate(
        OpenApi.Description,
        "DRAFT → ACTIVE → STOPPED → PAYMENT → COMPLETED, or CANCELLED before COMPLETED. Its organizer or an " +
          "administrator. CANCELLED refunds every paid participant once; COMPLETED pays the organizer; PAYMENT asks " +
          "confirmed participants to pay. 409 IllegalTransition names the allowed moves."
      )
      .setPath(IdPath)
      .setPayload(StatusBody)
      .addSuccess(ProcurementViewJson)
      .addError(IllegalTransition)
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.put("setFeatured", "/procurements/:id/featured")
      .annotate(OpenApi.Summary, "Feature a procurement (service)")
      .annotate(
        OpenApi.Description,
        "Featured procurements are marked and listed first. Service token; administrators use the admin API."
      )
      .setPath(IdPath)
      .setPayload(FeaturedBody)
      .addSuccess(ProcurementViewJson)
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.post("join", "/procurements/:id/join")
      .annotate(OpenApi.Summary, "Join a procurement")
      .annotate(
        OpenApi.Description,
        "Takes part with `quantity` units while ACTIVE and before the deadline. 409 join.not-active, " +
          "join.deadline-passed, join.quantity-too-small, join.exceeds-remaining, join.already-joined, " +
          "join.own-procurement, join.user-blocked."
      )
      .setPath(IdPath)
      .setPayload(JoinBody)
      .addSuccess(Participant.json, { status: 201 })
      .addError(RuleViolation)
      .pipe(Refusals.invalid)
  )
  .add(
    HttpApiEndpoint.post("leave", "/procurements/:id/leave")
      .annotate(OpenApi.Summary, "Leave a procurement")
      .annotate(
        OpenApi.Description,
        "Withdraws one's participation until the procurement is STOPPED (409 leave.too-late afterwards)."
      )
      .setPath(IdPath)
      .setPayload(OnBehalf)
      .addSuccess(Participant.json)
      .addError(RuleViolation)
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.post("pay", "/procurements/:id/pay")
      .annotate(OpenApi.Summary, "Pay one's share from the balance")
      .annotate(
        OpenApi.Description,
        "In PAYMENT, a CONFIRMED participant pays their amount (kopecks) from the balance, held for the " +
          "procurement until it completes. 409 pay.not-open, pay.not-confirmed, pay.already-paid; InsufficientFunds " +
          "when the balance does not cover it (needed and available in kopecks)."
      )
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
      .annotate(OpenApi.Summary, "A procurement's status history")
      .annotate(
        OpenApi.Description,
        "Every status change with who made it (null: the system — deadline sweep, stop amount reached) and when."
      )
      .setPath(IdPath)
      .addSuccess(Schema.Array(StatusChange))
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.get("participants", "/procurements/:id/participants")
      .annotate(OpenApi.Summary, "A procurement's participants")
      .annotate(
        OpenApi.Description,
        "Participants with their quantity, amount and status: the organizer, members of its chat, administrators " +
          "and the service only."
      )
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
  .add(
    participantMove("confirmParticipant", "confirm")
      .annotate(OpenApi.Summary, "Confirm a participant")
      .annotate(
        OpenApi.Description,
        "The organizer (or an administrator) confirms a PENDING participant; the participant is then asked to " +
          "pay. 409 IllegalTransition names the allowed moves."
      )
  )
  .add(
    participantMove("markDelivered", "deliver")
      .annotate(OpenApi.Summary, "Mark a participant delivered")
      .annotate(
        OpenApi.Description,
        "The organizer (or an administrator) marks a PAID participant's goods as received. 409 IllegalTransition " +
          "names the allowed moves."
      )
  )
  .add(
    HttpApiEndpoint.get("forUser", "/users/:userId/procurements")
      .annotate(OpenApi.Summary, "A user's procurements")
      .annotate(
        OpenApi.Description,
        "The procurements the user organizes, supplies, and takes part in (with their participation). Oneself or " +
          "the service token."
      )
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
