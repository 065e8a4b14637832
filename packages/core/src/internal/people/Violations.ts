/** The business-rule refusals of the people side, with their messages in English and Russian. */
import { RuleViolation } from "../../Errors.js"

const rule = (code: string, en: string, ru: string) => () => new RuleViolation({ code, en, ru, params: {} })

export const Violations = {
  lastAdmin: rule(
    "role.last-admin",
    "this is the last active administrator: make someone else an administrator first",
    "это последний активный администратор: сначала назначьте администратором кого-то ещё"
  ),
  selfDemotion: rule(
    "role.self-demotion",
    "you cannot take administrator rights away from yourself: ask another administrator",
    "нельзя снять права администратора с самого себя: попросите другого администратора"
  ),
  registerAlready: rule("register.already", "you are already registered", "вы уже зарегистрированы"),
  phoneTaken: rule(
    "phone.taken",
    "this phone number already belongs to another account",
    "этот номер телефона уже привязан к другому аккаунту"
  ),
  emailTaken: rule(
    "email.taken",
    "this email address already belongs to another account",
    "этот адрес электронной почты уже привязан к другому аккаунту"
  ),
  codeInvalid: rule(
    "link.code-invalid",
    "there is no such code: check it or ask for a new one",
    "такого кода нет: проверьте его или получите новый"
  ),
  codeUsed: rule("link.code-used", "this code has already been used", "этот код уже использован"),
  codeExpired: rule(
    "link.code-expired",
    "this code has expired: ask for a new one",
    "срок действия кода истёк: получите новый"
  ),
  accountInUse: rule(
    "link.account-in-use",
    "this account already has its own balance, purchases or payments, so it cannot be joined to another one",
    "у этого аккаунта уже есть баланс, закупки или платежи, поэтому его нельзя присоединить к другому"
  ),
  sameAccount: rule("link.same-account", "this account is already linked", "этот аккаунт уже привязан"),
  categoryDuplicate: rule(
    "category.duplicate",
    "a category with this name already exists here",
    "категория с таким названием здесь уже есть"
  ),
  categoryCycle: rule(
    "category.cycle",
    "a category cannot be placed inside itself or one of its subcategories",
    "категорию нельзя поместить в неё саму или в её подкатегорию"
  ),
  categoryHasChildren: rule(
    "category.has-children",
    "this category has subcategories: move or delete them first",
    "у этой категории есть подкатегории: сначала перенесите или удалите их"
  )
} as const
