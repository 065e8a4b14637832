import type { Locale } from "./Types.js"

/** Form limits (code points after trimming) shared by the kernels and the messages below. */
export const FORM_LIMITS = {
  titleMin: 3,
  titleMax: 120,
  descriptionMax: 5000,
  cityMax: 100,
  categoryMax: 60,
  deadlineMaxDays: 365
} as const

/** Messages of validateProcurementForm by locale and `field.code`. */
export const VALIDATION_MESSAGES: Readonly<Record<Locale, Readonly<Record<string, string>>>> = {
  ru: {
    "title.required": "Название обязательно",
    "title.tooShort": "Название должно быть не короче 3 символов",
    "title.tooLong": "Название должно быть не длиннее 120 символов",
    "description.tooLong": "Описание должно быть не длиннее 5000 символов",
    "city.required": "Город обязателен",
    "city.tooLong": "Название города должно быть не длиннее 100 символов",
    "category.required": "Категория обязательна",
    "category.tooLong": "Категория должна быть не длиннее 60 символов",
    "targetAmount.invalid": "Сумма должна быть целым числом копеек",
    "targetAmount.notPositive": "Сумма должна быть больше нуля",
    "targetAmount.tooLarge": "Сумма слишком велика",
    "deadline.invalid": "Укажите корректную дату дедлайна",
    "deadline.notFuture": "Дедлайн должен быть в будущем",
    "deadline.tooFar": "Дедлайн должен быть не позже чем через 365 дней",
    "contactPhone.invalid": "Телефон должен быть в формате +7 999 123-45-67",
    "contactEmail.invalid": "Некорректный адрес электронной почты"
  },
  en: {
    "title.required": "Title is required",
    "title.tooShort": "Title must be at least 3 characters",
    "title.tooLong": "Title must be at most 120 characters",
    "description.tooLong": "Description must be at most 5000 characters",
    "city.required": "City is required",
    "city.tooLong": "City must be at most 100 characters",
    "category.required": "Category is required",
    "category.tooLong": "Category must be at most 60 characters",
    "targetAmount.invalid": "The amount must be a whole number of kopecks",
    "targetAmount.notPositive": "The amount must be greater than zero",
    "targetAmount.tooLarge": "The amount is too large",
    "deadline.invalid": "Enter a valid deadline date",
    "deadline.notFuture": "The deadline must be in the future",
    "deadline.tooFar": "The deadline must be within 365 days",
    "contactPhone.invalid": "Phone must look like +7 999 123-45-67",
    "contactEmail.invalid": "Invalid email address"
  }
}
