/**
 * @groupbuy/router/testing — the conversation tester, capability profiles and the scripted scenarios any driver
 * (this in-memory adapter, a fake Telegram or VK server, a WebSocket client) can replay.
 */
export * from "./Conversation.js"
export * from "./profiles.js"
export * from "./RouterTest.js"
export * from "./ScenarioRunner.js"
export * from "./ScenarioSteps.js"
export * from "./scenarios.js"
export * from "./TestOutbox.js"
