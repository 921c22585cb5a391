// A chat UI on the SDK alone: the IIFE build puts `createClient` on `window.Roomful`. Text is
// only ever written with textContent, so nothing a user sends is parsed as HTML.
const { createClient } = window.Roomful
const meta = (name) => document.querySelector(`meta[name="${name}"]`).content
const $ = (id) => document.getElementById(id)

const name = sessionStorage.getItem('trailhead-name') || `SDK fan ${Math.floor(Math.random() * 90 + 10)}`
sessionStorage.setItem('trailhead-name', name)

const client = createClient({
  url: meta('roomful-url'),
  appId: meta('roomful-app'),
  // The same token endpoint the widget page uses: the host site vouches for the visitor.
  getToken: async () => {
    const res = await fetch('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    })
    return (await res.json()).token
  },
})

client.on('state', ({ current }) => {
  $('status').textContent = current === 'connected' ? `Connected as ${client.user?.name}` : `${current}…`
})

const el = (tag, text, props = {}) =>
  Object.assign(document.createElement(tag), { textContent: text, ...props })

// Ranking board: pushed live by the server.
client.ranking.subscribe((board) => {
  $('ranking').replaceChildren(...board.entries.map((e) => el('li', `${e.name} — ${e.occupancy} here`)))
})

// Room list, kept live by the lobby feed.
let rooms = []
function renderRooms() {
  $('rooms').replaceChildren(
    ...rooms.map((r) => {
      const li = el('li', '')
      li.append(el('button', `${r.name} (${r.occupancy})`, { type: 'button', onclick: () => open(r.id) }))
      return li
    }),
  )
}
client.rooms.list({ limit: 20 }).then((page) => {
  rooms = page.items
  renderRooms()
})
client.rooms.watch((event) => {
  if (event.type === 'room.created') rooms = [event.room, ...rooms.filter((r) => r.id !== event.room.id)]
  else rooms = rooms.map((r) => (r.id === event.room ? { ...r, occupancy: event.occupancy } : r))
  renderRooms()
})

// One room at a time.
let current = null
let offs = []
async function open(id) {
  if (current) {
    offs.forEach((off) => off())
    await current.leave()
  }
  current = client.room(id)
  $('log').replaceChildren()
  offs = [
    current.on('message', append),
    current.on('presence', ({ total, members }) => {
      $('presence').textContent = `${total} here: ${members.map((m) => m.name).join(', ')}`
    }),
    current.on('typing', ({ user }) => {
      $('typing').textContent = `${user.name} is typing…`
      clearTimeout(open.typingTimer)
      open.typingTimer = setTimeout(() => ($('typing').textContent = ''), 3000)
    }),
  ]
  const { room, messages, presence } = await current.join()
  $('room').hidden = false
  $('room-title').textContent = room.name
  $('presence').textContent = `${presence.total} here: ${presence.users.map((u) => u.name).join(', ')}`
  messages.forEach(append)
  $('text').focus()
}

function append(m) {
  const line =
    m.kind === 'notice'
      ? el('p', `${m.user.name} ${m.notice === 'leave' ? 'left' : 'joined'}`, { className: 'notice' })
      : el('p', '')
  if (m.kind !== 'notice') line.append(el('strong', `${m.user.name}: `), el('span', m.text))
  $('log').append(line)
  $('log').scrollTop = $('log').scrollHeight
}

$('text').addEventListener('input', () => current?.typing())
$('composer').addEventListener('submit', async (event) => {
  event.preventDefault()
  const text = $('text').value.trim()
  if (!text || !current) return
  $('text').value = ''
  await current.send({ text })
})
