/**
 * `@groupbuy/adapters/testing`: fake platform servers on loopback (Telegram Bot API, VK API + Bots Long Poll) and a
 * fake baileys socket, for tests of programs that run the adapters (the server's start-up and admin tests).
 */
export * from "./telegram/FakeTelegram.js"
export { FakeVk, type FakeVkOptions, type VkCall, vkLimits } from "./vk/FakeVk.js"
export * from "./whatsapp/FakeWhatsApp.js"
