// A bystander for latency tests, on its own thread: it measures the server, not the event loop
// of a test process that also parses a flood for other clients. It joins `roomId`, sends one
// message every `everyMs` and times each send until its stored reply, until told to stop.
// Runs the built SDK (`npm run build`), as a worker cannot load TypeScript sources.
import { parentPort, workerData } from 'node:worker_threads'
import { createClient } from '@roomful/sdk'
import WebSocket from 'ws'

const { url, appId, token, roomId, everyMs } = workerData
const client = createClient({ url, appId, token, WebSocket, pingInterval: 0 })
const room = client.room(roomId)
await room.join()
let running = true
parentPort.on('message', () => (running = false))
parentPort.postMessage({ ready: true })
const latencies = []
for (let i = 0; running; i++) {
  const started = performance.now()
  await room.send({ text: `calm ${i}` })
  const took = performance.now() - started
  latencies.push(took)
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, everyMs - took)))
}
client.close()
parentPort.postMessage({ latencies })
