// A chat UI on the SDK alone: the IIFE build puts `createClient` on `window.Roomful`. Text is
// only ever written with textContent, so nothing a user sends is parsed as HTML, and every name
// goes in its own <bdi>, so bidi controls in it (U+202E…) cannot reorder the words around it.
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

const el = (tag, text, props = {}) =>
  Object.assign(document.createElement(tag), { textContent: text, ...props })

// A PDI that closes nothing would end the <bdi>'s isolation early in Chromium: drop it.
function strayPdi(text) {
  let open = 0
  let out = ''
  for (const c of text) {
    if (c >= '\u2066' && c <= '\u2068') open++
    else if (c === '\u2069') {
      if (open === 0) continue
      open--
    }
    out += c
  }
  return out
}
/** A user-supplied string (a name, a room) isolated from the sentence it sits in. */
const bdi = (text) => el('bdi', strayPdi(text))
/** `node` filled with a sentence of plain strings and isolated user strings. */
const sentence = (node, ...pieces) => {
  node.replaceChildren(...pieces)
  return node
}

client.on('state', ({ current }) => {
  if (current === 'connected') sentence($('status'), 'Connected as ', bdi(client.user?.name ?? ''))
  else $('status').textContent = `${current}…`
})

// Ranking board: pushed live by the server.
client.ranking.subscribe((board) => {
  $('ranking').replaceChildren(
    ...board.entries.map((e) => sentence(el('li', ''), bdi(e.name), ` — ${e.occupancy} here`)),
  )
})

// Room list, kept live by the lobby feed.
let rooms = []
function renderRooms() {
  $('rooms').replaceChildren(
    ...rooms.map((r) => {
      const li = el('li', '')
      const button = el('button', '', { type: 'button', onclick: () => open(r.id) })
      li.append(sentence(button, bdi(r.name), ` (${r.occupancy})`))
      return li
    }),
  )
}
const without = (id) => rooms.filter((r) => r.id !== id)
client.rooms.watch(
  (event) => {
    if (event.type === 'occupancy')
      rooms = rooms.map((r) => (r.id === event.room ? { ...r, occupancy: event.occupancy } : r))
    else if (event.type === 'room.created') rooms = [event.room, ...without(event.room.id)]
    else if (event.type === 'room.deleted' || event.room.archived) rooms = without(event.room.id)
    else rooms = rooms.map((r) => (r.id === event.room.id ? event.room : r))
    renderRooms()
  },
  {
    // List once the feed is live (and again after a reconnect): nothing created meanwhile is missed.
    onLive: async () => {
      const { items } = await client.rooms.list({ limit: 20 })
      // Rooms that arrived live while the page was on its way are newer than all of it.
      const newest = items[0]?.createdAt ?? ''
      rooms = [...rooms.filter((r) => r.createdAt > newest && !items.some((i) => i.id === r.id)), ...items]
      renderRooms()
    },
  },
)

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
    current.on('presence', ({ total, members }) => showPresence(total, members)),
    current.on('typing', ({ user }) => {
      sentence($('typing'), bdi(user.name), ' is typing…')
      clearTimeout(open.typingTimer)
      open.typingTimer = setTimeout(() => ($('typing').textContent = ''), 3000)
    }),
  ]
  const { room, messages, presence } = await current.join()
  $('room').hidden = false
  $('room-title').textContent = room.name
  showPresence(presence.total, presence.users)
  messages.forEach(append)
  $('text').focus()
}

function showPresence(total, people) {
  const names = people.flatMap((p, i) => (i ? [', ', bdi(p.name)] : [bdi(p.name)]))
  sentence($('presence'), `${total} here: `, ...names)
}

function append(m) {
  const line =
    m.kind === 'notice'
      ? sentence(
          el('p', '', { className: 'notice' }),
          bdi(m.user.name),
          m.notice === 'leave' ? ' left' : ' joined',
        )
      : el('p', '')
  // dir=auto: the text takes the direction of its first strong letter, in its own isolate.
  if (m.kind !== 'notice')
    line.append(sentence(el('strong', ''), bdi(m.user.name), ': '), el('span', m.text, { dir: 'auto' }))
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
