export * from "./TestDatabase.js"
export * from "./Fixtures.js"
export * from "./CoreTest.js"
export * from "./ScriptedProvider.js"
