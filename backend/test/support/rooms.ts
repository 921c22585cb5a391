import type { Room } from '@roomful/sdk/protocol'

/** Creates a room over REST as the token's user, failing loudly if the server refuses. */
export async function createRoom(baseUrl: string, appId: string, token: string, name: string): Promise<Room> {
  const res = await fetch(`${baseUrl}/v1/apps/${appId}/rooms`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  })
  if (res.status !== 201)
    throw new Error(`unable to create room "${name}": ${res.status} ${await res.text()}`)
  return (await res.json()) as Room
}
