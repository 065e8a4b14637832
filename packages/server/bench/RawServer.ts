/**
 * The baseline of the hub benchmarks: a bare `ws` server (no authentication, no rooms, no database). A socket is
 * ready after its first frame (answered with `{"type":"ready"}`); `POST /broadcast` sends the request body, as it is,
 * to every ready socket with one `ws.send` each, which is what a hand-written broadcast does.
 */
import { createServer } from "node:http"
import { WebSocket, WebSocketServer } from "ws"

const sockets = new Set<WebSocket>()
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false })
const server = createServer((request, response) => {
  if (request.url === "/health") return void response.end("ok")
  if (request.method === "POST" && request.url === "/broadcast") {
    const chunks: Array<Buffer> = []
    request.on("data", (c: Buffer) => chunks.push(c))
    request.on("end", () => {
      const payload = Buffer.concat(chunks).toString("utf8")
      for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.send(payload)
      response.statusCode = 201
      response.end()
    })
    return
  }
  response.statusCode = 404
  response.end()
})
server.on("upgrade", (request, socket, head) =>
  wss.handleUpgrade(request, socket, head, (ws) => {
    ws.once("message", () => {
      sockets.add(ws)
      ws.send('{"type":"ready"}')
    })
    ws.on("close", () => sockets.delete(ws))
  })
)
server.listen(Number(process.env["PORT"]), "127.0.0.1")
process.on("SIGTERM", () => process.exit(0))
