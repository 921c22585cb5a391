// What the host site gives a framework example, as the demo host page serves it: the backend's
// URL and the app id (filled into <meta> tags by the page's server), and a token callback that
// asks the site's own server to vouch for its signed-in visitor (`POST /token`, minted with jose
// in examples/host-page/server.js). Shared by examples/react and examples/vue.

const meta = (name: string, fallback: string): string => {
  const value = document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content
  return value && !value.startsWith('{{') ? value : fallback
}

export const backendUrl = meta('roomful-url', 'http://localhost:8080')
export const appId = meta('roomful-app', 'demo')

const params = new URLSearchParams(location.search)
/** The demo site's "session" is a name per tab (`?name=`), so two windows are two people. */
export const visitorName = params.get('name') ?? `Visitor ${Math.floor(Math.random() * 90 + 10)}`
/** `?room=<id>` opens that room instead of the lobby. */
export const initialRoom = params.get('room') ?? undefined

/** For the widget's `getToken`: called whenever it needs a (fresh) user token. */
export async function getToken(): Promise<string> {
  const res = await fetch('/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: visitorName }),
  })
  if (!res.ok) throw new Error(`unable to sign in to the chat; the site answered ${res.status}`)
  return ((await res.json()) as { token: string }).token
}
