/**
 * Decoding of service inputs at the edge. The service Tags take Schema class instances, but a caller (HTTP, a bot)
 * may hand over anything: a class instance, a plain object with decoded values, or its JSON encoding. Every refusal
 * becomes one `InvalidInput` whose issues people can read in Russian and English.
 */
import { DateTime, Effect, ParseResult, Schema } from "effect"
import { Entity, InvalidInput, Issue, NotFound } from "../../Errors.js"

/** Human labels of the input fields of the money services. */
const labels: Record<string, { readonly en: string; readonly ru: string }> = {
  userId: { en: "user", ru: "пользователь" },
  organizerId: { en: "organizer", ru: "организатор" },
  supplierId: { en: "supplier", ru: "поставщик" },
  categoryId: { en: "category", ru: "категория" },
  paymentId: { en: "payment", ru: "платёж" },
  amount: { en: "amount", ru: "сумма" },
  idempotencyKey: { en: "idempotency key", ru: "ключ идемпотентности" },
  description: { en: "description", ru: "описание" },
  reason: { en: "reason", ru: "причина" },
  type: { en: "type", ru: "тип" },
  createdBy: { en: "author", ru: "автор" },
  provider: { en: "payment provider", ru: "платёжный провайдер" },
  providerPaymentId: { en: "provider payment id", ru: "идентификатор платежа у провайдера" },
  title: { en: "title", ru: "название" },
  targetAmount: { en: "target amount", ru: "целевая сумма" },
  pricePerUnit: { en: "price per unit", ru: "цена за единицу" },
  unit: { en: "unit", ru: "единица измерения" },
  minQuantity: { en: "minimum quantity", ru: "минимальное количество" },
  quantity: { en: "quantity", ru: "количество" },
  deadline: { en: "deadline", ru: "дедлайн" },
  paymentDeadline: { en: "payment deadline", ru: "срок оплаты" },
  city: { en: "city", ru: "город" },
  deliveryAddress: { en: "delivery address", ru: "адрес доставки" },
  stopAtAmount: { en: "stop amount", ru: "сумма остановки" },
  imageUrl: { en: "image link", ru: "ссылка на изображение" },
  organizerFeePercent: { en: "organizer fee", ru: "комиссия организатора" },
  publish: { en: "publish flag", ru: "признак публикации" },
  offset: { en: "page offset", ru: "смещение страницы" },
  limit: { en: "page size", ru: "размер страницы" },
  status: { en: "status", ru: "статус" },
  featured: { en: "featured flag", ru: "признак «избранное»" },
  query: { en: "search query", ru: "поисковый запрос" },
  sort: { en: "sort order", ru: "сортировка" }
}

/** The readable name of an input field (its English and Russian label), from the last known key of its path. */
export const labelOf = (path: ReadonlyArray<PropertyKey>) => {
  const key = path.find((p): p is string => typeof p === "string" && p in labels)
  const label = key === undefined ? undefined : labels[key]
  const name = path.map(String).join(".")
  return label ?? { en: name === "" ? "input" : name, ru: name === "" ? "данные" : name }
}

/** One issue, for validations beyond the schema. */
export const issue = (path: string, code: string, en: string, ru: string) => new Issue({ path, code, en, ru })

/** One `InvalidInput` of issues (a generic one if, wrongly, there are none). */
export const invalid = (issues: ReadonlyArray<Issue>) =>
  new InvalidInput({
    issues:
      issues.length > 0
        ? [issues[0]!, ...issues.slice(1)]
        : [issue("", "invalid", "The input is not valid", "Некорректные данные")]
  })

/** Fails with one `InvalidInput` when there is any issue. */
export const refuseIfAny = (issues: ReadonlyArray<Issue>): Effect.Effect<void, InvalidInput> =>
  issues.length === 0 ? Effect.void : Effect.fail(new InvalidInput({ issues: [issues[0]!, ...issues.slice(1)] }))

/** Readable issues of a schema failure. */
export const issuesOf = (error: ParseResult.ParseError): ReadonlyArray<Issue> =>
  ParseResult.ArrayFormatter.formatErrorSync(error).map((i) => {
    const label = labelOf(i.path)
    const path = i.path.map(String).join(".")
    return i._tag === "Missing"
      ? issue(path, "required", `The ${label.en} is required`, `Не указано поле «${label.ru}»`)
      : issue(
          path,
          "invalid",
          `The ${label.en} is not valid (${i.message})`,
          `Некорректное значение поля «${label.ru}»`
        )
  })

const fromParseError = (error: ParseResult.ParseError) => invalid(issuesOf(error))

const looksDecoded = (input: unknown): boolean =>
  typeof input === "object" &&
  input !== null &&
  Object.values(input).some((v) => typeof v === "bigint" || DateTime.isDateTime(v) || v instanceof Date)

/**
 * Decodes a service input given as a class instance, a plain object of decoded values, or its encoded (JSON) form.
 */
export const decodeInput = <Fields extends Schema.Struct.Fields>(schema: {
  readonly fields: Fields
}): ((input: unknown) => Effect.Effect<Schema.Struct.Type<Fields>, InvalidInput>) => {
  const struct = Schema.Struct(schema.fields)
  const validate = Schema.decodeUnknown(Schema.typeSchema(struct), { errors: "all" })
  const decode = Schema.decodeUnknown(struct, { errors: "all" })
  return (input) =>
    validate(input).pipe(
      Effect.catchAll((typeError) =>
        looksDecoded(input)
          ? Effect.fail(fromParseError(typeError))
          : decode(input).pipe(Effect.mapError(fromParseError))
      )
    ) as Effect.Effect<Schema.Struct.Type<Fields>, InvalidInput>
}

/** Decodes one value with a schema (type side first, then its encoding). */
export const decodeValue = <A, I>(
  schema: Schema.Schema<A, I>,
  path: string
): ((input: unknown) => Effect.Effect<A, InvalidInput>) => {
  const wrapped = decodeInput({ fields: { [path]: schema } })
  return (input) => Effect.map(wrapped({ [path]: input }), (r) => (r as Record<string, A>)[path]!)
}

/** An id that is not even well-formed cannot exist: `NotFound`. */
export const decodeId =
  <A>(schema: Schema.Schema<A, string>, entity: Entity) =>
  (input: unknown): Effect.Effect<A, NotFound> =>
    Schema.decodeUnknown(schema)(input).pipe(
      Effect.mapError(() => new NotFound({ entity, id: typeof input === "string" ? input : String(input) }))
    )

/** Like `decodeId`, for lookups that answer "nothing" instead of failing. */
export const validId =
  <A>(schema: Schema.Schema<A, string>) =>
  (input: unknown): input is A =>
    Schema.is(schema)(input)
