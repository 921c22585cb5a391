// The widget's parts on their own. Every element gets the same `getToken` function, so they
// share one SDK client (one WebSocket); the page wires them together with their events.
const params = new URLSearchParams(location.search)
let name = params.get('name') || sessionStorage.getItem('trailhead-name')
if (!name) name = `Hiker ${Math.floor(Math.random() * 90 + 10)}`
sessionStorage.setItem('trailhead-name', name)

async function getToken() {
  const res = await fetch('/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  })
  if (!res.ok) throw new Error(`Trailhead could not vouch for you (${res.status})`)
  return (await res.json()).token
}

const parts = document.querySelectorAll('roomful-ranking, roomful-room-list, roomful-room')
for (const el of parts) {
  el.getToken = getToken
  for (const attr of ['theme', 'locale']) if (params.get(attr)) el.setAttribute(attr, params.get(attr))
}
if (params.get('theme')) document.documentElement.dataset.theme = params.get('theme')

const room = document.querySelector('roomful-room')
function open(roomId) {
  room.setAttribute('room', roomId)
  room.hidden = false
  document.getElementById('pick').hidden = true
  room.focus()
}
document.addEventListener('roomful-room-select', (event) => open(event.detail.roomId))
document.addEventListener('roomful-room-create', (event) => open(event.detail.room.id))
if (params.get('room')) open(params.get('room'))
