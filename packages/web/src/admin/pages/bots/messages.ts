/** The bots section's words: WhatsApp accounts, their login (QR, pairing code) and logout. */
import { defineMessages } from "../../../app/I18n.js"

export const messages = defineMessages({
  ru: {
    title: "Боты",
    whatsapp: "Аккаунты WhatsApp",
    whatsappNone: "На этом сервере нет аккаунтов WhatsApp (они работают там, где запущены боты).",
    account: "Аккаунт {account}",
    state: "Состояние",
    connecting: "подключается",
    awaiting_qr: "ждёт сканирования QR-кода",
    awaiting_pairing_code: "ждёт ввода кода",
    open: "подключён",
    reconnecting: "переподключается",
    logged_out: "вышел из аккаунта",
    stopped: "остановлен",
    reconnect: "Попытка {attempt} через {seconds} с: {reason}",
    outbound: "Отправлено: {sent}, не доставлено: {failed}, в очереди: {pending}",
    qrAlt: "QR-код для входа в аккаунт {account}",
    qrHint: "В WhatsApp: Настройки → Связанные устройства → Привязать устройство, и наведите камеру на код.",
    pairingCode: "Код для входа: {code} (телефон {phone})",
    pairingHint: "В WhatsApp: Связанные устройства → Привязать по номеру телефона, и введите код.",
    phone: "Номер телефона с кодом страны",
    phoneInvalid: "Номер с кодом страны, 10–15 цифр, например +7 912 345-67-89.",
    requestCode: "Получить код по номеру",
    login: "Войти заново",
    logout: "Выйти из аккаунта",
    logoutQuestion:
      "Выйти из аккаунта WhatsApp {account}? Бот перестанет отвечать в WhatsApp, пока аккаунт не привяжут снова по QR-коду или коду.",
    loggedOut: "Аккаунт {account}: выход выполнен."
  },
  en: {
    title: "Bots",
    whatsapp: "WhatsApp accounts",
    whatsappNone: "This server runs no WhatsApp accounts (they run where the bots run).",
    account: "Account {account}",
    state: "State",
    connecting: "connecting",
    awaiting_qr: "waiting for the QR code to be scanned",
    awaiting_pairing_code: "waiting for the code to be typed",
    open: "connected",
    reconnecting: "reconnecting",
    logged_out: "logged out",
    stopped: "stopped",
    reconnect: "Attempt {attempt} in {seconds} s: {reason}",
    outbound: "Sent: {sent}, failed: {failed}, queued: {pending}",
    qrAlt: "The QR code to log in to the account {account}",
    qrHint: "In WhatsApp: Settings → Linked devices → Link a device, and point the camera at the code.",
    pairingCode: "Login code: {code} (phone {phone})",
    pairingHint: "In WhatsApp: Linked devices → Link with phone number, and type the code.",
    phone: "Phone number with country code",
    phoneInvalid: "A number with its country code, 10–15 digits, e.g. +7 912 345-67-89.",
    requestCode: "Get a code for the number",
    login: "Log in again",
    logout: "Log out of the account",
    logoutQuestion:
      "Log out of the WhatsApp account {account}? The bot stops answering on WhatsApp until the account is linked again by QR code or code.",
    loggedOut: "Account {account}: logged out."
  }
})
