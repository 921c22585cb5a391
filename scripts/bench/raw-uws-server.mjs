// The floor of the fan-out benchmark: the least a server can do to run the same load on
// uWebSockets.js alone. It speaks just enough of the roomful.v1 protocol for the bench's load
// generator (auth, join, send), stores nothing, checks nothing, and delivers each message the
// way Roomful does: serialized once, published once to the room's topic (the sender included),
// with a reply carrying the message to the sender. Whatever Roomful spends above this, per
// delivered message, is the price of its persistence, checks and scale-out.
//
//   PORT=0 node scripts/bench/raw-uws-server.mjs   (prints "listening <port>")
import uWS from 'uWebSockets.js'

const port = Number(process.env.PORT ?? 0)
const seqs = new Map()
let nextId = 0
const decoder = new TextDecoder()

const app = uWS.App().ws('/v1/ws', {
  maxPayloadLength: 1024 * 1024,
  idleTimeout: 60,
  maxBackpressure: 1024 * 1024,
  upgrade(res, req, context) {
    res.upgrade(
      { user: null },
      req.getHeader('sec-websocket-key'),
      'roomful.v1',
      req.getHeader('sec-websocket-extensions'),
      context,
    )
  },
  message(ws, data) {
    const frame = JSON.parse(decoder.decode(data))
    const state = ws.getUserData()
    if (frame.op === 'auth') {
      state.user = { id: `u${++nextId}`, name: 'bench', avatar: null }
      ws.send(JSON.stringify({ type: 'reply', id: frame.id, result: { user: state.user } }))
    } else if (frame.op === 'join') {
      ws.subscribe(`r/${frame.room}`)
      ws.send(JSON.stringify({ type: 'reply', id: frame.id, result: { messages: [] } }))
    } else if (frame.op === 'send') {
      const seq = (seqs.get(frame.room) ?? 0) + 1
      seqs.set(frame.room, seq)
      const message = {
        id: `m${seq}`,
        roomId: frame.room,
        seq,
        kind: 'text',
        user: state.user,
        text: frame.text,
        clientId: frame.clientId,
        createdAt: new Date().toISOString(),
      }
      app.publish(`r/${frame.room}`, JSON.stringify({ type: 'message', room: frame.room, message }))
      ws.send(JSON.stringify({ type: 'reply', id: frame.id, result: { message } }))
    } else ws.send(JSON.stringify({ type: 'reply', id: frame.id, result: {} }))
  },
})

app.listen('127.0.0.1', port, (socket) => {
  if (!socket) {
    console.error('unable to listen')
    process.exit(1)
  }
  console.log(`listening ${uWS.us_socket_local_port(socket)}`)
})
process.on('SIGTERM', () => process.exit(0))
