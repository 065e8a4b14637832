/**
 * The baseline of the hub benchmarks: a bare `ws` server (no authentication, no rooms, no database). A socket is
 * ready after its first frame (answered with `{"type":"ready"}`); every later frame of any socket is sent, as it is,
 * to every ready socket with one `ws.send` each, which is what a hand-written broadcast does.
 */
import { createServer } from "node:http"
import { WebSocket, WebSocketServer } from "ws"

const sockets = new Set<WebSocket>()
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false })
const server = createServer((request, response) => {
  if (request.url === "/health") return void response.end("ok")
  response.statusCode = 404
  response.end()
})
server.on("upgrade", (request, socket, head) =>
  wss.handleUpgrade(request, socket, head, (ws) => {
    ws.on("message", (data) => {
      if (!sockets.has(ws)) {
        sockets.add(ws)
        ws.send('{"type":"ready"}')
        return
      }
      const payload = data.toString()
      for (const peer of sockets) if (peer.readyState === WebSocket.OPEN) peer.send(payload)
    })
    ws.on("close", () => sockets.delete(ws))
  })
)
server.listen(Number(process.env["PORT"]), "127.0.0.1")
process.on("SIGTERM", () => process.exit(0))
