// Trailhead's own page script. The only Roomful-specific part is `getToken`: the widget calls
// it whenever it needs a (fresh) user token, and Trailhead's server mints one for the visitor.
const params = new URLSearchParams(location.search)
const NAMES = ['Mina', 'Joon', 'Alex', 'Sora', 'Theo', 'Hana', 'Priya', 'Leo', 'Yuna', 'Sam']

// The demo's "site session" is just a name per tab, so two windows are two different people.
let name = params.get('name') || sessionStorage.getItem('trailhead-name')
if (!name) name = `${NAMES[Math.floor(Math.random() * NAMES.length)]} ${Math.floor(Math.random() * 90 + 10)}`
sessionStorage.setItem('trailhead-name', name)

const nameInput = document.getElementById('visitor-name')
nameInput.value = name
document.getElementById('visitor-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const next = nameInput.value.trim()
  if (!next) return
  sessionStorage.setItem('trailhead-name', next)
  const url = new URL(location.href)
  url.searchParams.delete('name')
  location.href = url.href
})

const siteChat = document.getElementById('site-chat')
const hostedChat = document.getElementById('hosted-chat')

siteChat.getToken = async () => {
  const res = await fetch('/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  })
  if (!res.ok) throw new Error(`Trailhead could not vouch for you (${res.status})`)
  return (await res.json()).token
}

// Demo knobs: ?theme=dark|light|auto, ?locale=ko|en, ?room=<id>, ?tab=hosted.
for (const chat of [siteChat, hostedChat]) {
  for (const attr of ['theme', 'locale', 'room'])
    if (params.get(attr)) chat.setAttribute(attr, params.get(attr))
}
if (params.get('theme')) document.documentElement.dataset.theme = params.get('theme')

// An accessible tab switcher (arrow keys move between tabs).
const tabs = [...document.querySelectorAll('[role="tab"]')]
function select(tab) {
  for (const t of tabs) {
    const selected = t === tab
    t.setAttribute('aria-selected', String(selected))
    t.tabIndex = selected ? 0 : -1
    document.getElementById(t.getAttribute('aria-controls')).hidden = !selected
  }
}
for (const tab of tabs) {
  tab.addEventListener('click', () => select(tab))
  tab.addEventListener('keydown', (event) => {
    const i = tabs.indexOf(tab)
    const next =
      event.key === 'ArrowRight'
        ? tabs[(i + 1) % tabs.length]
        : event.key === 'ArrowLeft'
          ? tabs.at(i - 1)
          : null
    if (!next) return
    event.preventDefault()
    select(next)
    next.focus()
  })
}
if (params.get('tab') === 'hosted') select(tabs[1])

// Widget events bubble out of the shadow root: a host page can react to them.
document.addEventListener('roomful-join', (event) => {
  document.title = `${event.detail.room.name} · Trailhead chat`
})
document.addEventListener('roomful-back', () => {
  document.title = 'Trailhead · Community chat'
})
