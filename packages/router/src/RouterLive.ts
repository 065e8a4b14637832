/**
 * `RouterLive(options)`: the engine over core's services (Users, Procurements, Ledger, Chat, Notifications,
 * Categories), a `SessionStore`, a `PaymentGateway`, a `Deliver` port and `BroadcastChannels`.
 */
export { makeRouter, RouterLive } from "./internal/Engine.js"
