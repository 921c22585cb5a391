// A Roomful bot in Node: joins a room, prints its history, and answers `!echo <text>`.
// Run `npm start` in another terminal first, then: node examples/node-bot/bot.mjs
import { createClient, isRoomfulError } from '@roomful/sdk'
import { SignJWT } from 'jose'
import WebSocket from 'ws'

const url = process.env.ROOMFUL_URL ?? 'http://localhost:8080'
const appId = process.env.ROOMFUL_APP ?? 'demo'
const roomName = process.env.ROOMFUL_ROOM ?? 'Lobby bot room'
// The demo app's secret: a real bot gets its token from the host site's server instead.
const secret = new TextEncoder().encode(process.env.DEMO_APP_SECRET ?? 'roomful-demo-secret-change-me')

// A host-minted user token (HS256 with the app secret): the SDK calls this again when it expires.
const mintToken = () =>
  new SignJWT({ name: 'Echo bot' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('echo-bot')
    .setIssuer(appId)
    .setAudience('roomful')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(secret)

// Node 20 has fetch but no global WebSocket: hand the SDK the `ws` one.
const client = createClient({ url, appId, getToken: mintToken, WebSocket })
client.on('state', ({ current, reason }) => console.log(`[${current}] ${reason.message}`))

async function findOrCreateRoom() {
  for (let cursor = null; ;) {
    const page = await client.rooms.list({ limit: 100, cursor })
    const found = page.items.find((r) => r.name === roomName)
    if (found) return found
    if (!page.nextCursor) return client.rooms.create({ name: roomName, topic: 'Say !echo something' })
    cursor = page.nextCursor
  }
}

try {
  const { id } = await findOrCreateRoom()
  const room = client.room(id)
  const { messages, presence } = await room.join()
  console.log(`joined "${roomName}" (${id}); ${presence.total} here`)
  for (const m of messages)
    console.log(`  #${m.seq} ${m.user.name}: ${m.kind === 'notice' ? `(${m.notice})` : m.text}`)

  room.on('message', async (m) => {
    if (m.kind === 'notice') return console.log(`  ${m.user.name} ${m.notice === 'join' ? 'joined' : 'left'}`)
    console.log(`  #${m.seq} ${m.user.name}: ${m.text}`)
    if (m.user.id === client.user?.id || !m.text.startsWith('!echo')) return
    const text = m.text.slice('!echo'.length).trim() || '(nothing to echo)'
    await room.send({ text }).catch((err) => console.error(`unable to answer: ${err.code ?? err.message}`))
  })
  console.log('listening; say "!echo hello" in the room (Ctrl+C to stop)')
} catch (err) {
  console.error(isRoomfulError(err) ? `roomful error ${err.code}: ${err.message}` : err)
  console.error(`is the backend running at ${url}? (npm start)`)
  client.close()
  process.exitCode = 1
}

process.on('SIGINT', () => {
  client.close()
  process.exit(0)
})
