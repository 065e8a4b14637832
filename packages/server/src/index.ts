/** @groupbuy/server — the composition root; its client layer lets other processes use a remote server. */
export * from "./remote/RemoteCore.js"
export * from "./ServerServices.js"
export { main, MainLive, routesFor } from "./Server.js"
export { ServerConfig, ServerConfigLive, type ServerSettings } from "./config/ServerConfig.js"
