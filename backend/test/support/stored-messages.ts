import type { Message } from '@roomful/sdk/protocol'

/** A stored text message of room `r1` with seq `seq`, the same every time it is asked for. */
export const storedMessage = (seq: number): Message => ({
  id: `m${seq}`,
  roomId: 'r1',
  seq,
  kind: 'text',
  user: { id: 'u', name: 'U', avatar: null },
  text: `text ${seq}`,
  clientId: `c${seq}`,
  createdAt: new Date(0).toISOString(),
})
