import { describe, expect, it } from 'vitest'
import { RoomfulError } from '../src/errors.js'
import { createOutbox, type Deliver, type PendingSend } from '../src/outbox.js'
import { DEFAULT_LIMITS } from '../src/protocol/limits.js'
import type { Message } from '../src/protocol/models.js'

const stored = (clientId: string, text: string, seq = 1): Message => ({
  id: `m${seq}`,
  roomId: 'r1',
  seq,
  kind: 'text',
  user: { id: 'me', name: 'Me', avatar: null },
  text,
  clientId,
  createdAt: new Date(0).toISOString(),
})

/** An outbox whose server is scripted per call; records what went out and what `pending` showed. */
function setup() {
  const sent: { clientId: string; text: string; attachmentId?: string }[] = []
  const replies: ((send: { clientId: string; text: string }) => Promise<Message>)[] = []
  const deliver: Deliver = (send) => {
    sent.push({
      clientId: send.clientId,
      text: send.text,
      ...(send.attachmentId && { attachmentId: send.attachmentId }),
    })
    const reply = replies.shift() ?? ((s) => Promise.resolve(stored(s.clientId, s.text, sent.length)))
    return reply(send)
  }
  const shown: string[][] = []
  let joined = true
  const outbox = createOutbox(
    deliver,
    (pending) => shown.push(pending.map(show)),
    () => DEFAULT_LIMITS,
    async () => ({
      id: 'a1',
      contentType: 'image/png',
      bytes: 1,
      width: 1,
      height: 1,
      url: '',
      thumbnailUrl: null,
    }),
    () => joined,
  )
  return { outbox, sent, replies, shown, leave: () => (joined = false) }
}
const show = (p: PendingSend) => `${p.text}:${p.state}${p.error ? `:${p.error.code}` : ''}`
const tick = () => new Promise((resolve) => setTimeout(resolve, 0))
const lost = () => Promise.reject(new RoomfulError('disconnected', 'the socket closed'))

describe('the outbox', () => {
  it('holds sends until the room is joined, then sends them in order, each with its own clientId', async () => {
    const { outbox, sent, shown } = setup()
    const a = outbox.send({ text: 'one' })
    const b = outbox.send({ text: 'two' })
    expect(sent).toEqual([])
    expect(outbox.pending.map(show)).toEqual(['one:pending', 'two:pending'])
    outbox.open()
    expect((await a).text).toBe('one')
    expect((await b).text).toBe('two')
    expect(sent.map((s) => s.text)).toEqual(['one', 'two'])
    expect(new Set(sent.map((s) => s.clientId)).size).toBe(2)
    expect(outbox.pending).toEqual([])
    expect(shown.at(-1)).toEqual([])
  })

  it('sends a send whose reply was lost again with the same clientId, once the room is back', async () => {
    const { outbox, sent, replies } = setup()
    outbox.open()
    replies.push(lost)
    const done = outbox.send({ text: 'once' })
    await tick()
    outbox.close()
    outbox.open()
    expect((await done).text).toBe('once')
    expect(sent).toHaveLength(2)
    expect(sent[0]!.clientId).toBe(sent[1]!.clientId)
  })

  it('keeps a refused send listed as failed, with its error, until it is discarded', async () => {
    const { outbox, replies } = setup()
    outbox.open()
    replies.push(() => Promise.reject(new RoomfulError('rate_limited', 'slow down')))
    const err = await outbox.send({ text: 'too fast' }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'rate_limited' })
    expect(outbox.pending.map(show)).toEqual(['too fast:failed:rate_limited'])
    outbox.discard(outbox.pending[0]!.clientId)
    expect(outbox.pending).toEqual([])
  })

  it('hides a send once its message reached the log, though it still retries until its reply comes', async () => {
    const { outbox, sent, replies } = setup()
    outbox.open()
    replies.push(lost, (s) => Promise.resolve(stored(s.clientId, s.text, 7))) // the original
    const done = outbox.send({ text: 'echoed' })
    const { clientId } = outbox.pending[0]!
    outbox.settle(stored(clientId, 'echoed', 7)) // the echo came, the reply was lost
    expect(outbox.pending).toEqual([])
    await tick()
    outbox.close()
    outbox.open()
    expect(await done).toMatchObject({ seq: 7, clientId })
    expect(sent.map((s) => s.clientId)).toEqual([clientId, clientId])
  })

  it('on a stop, fails what waits but keeps it listed; on leave, forgets everything', async () => {
    const { outbox } = setup()
    const waiting = outbox.send({ text: 'offline' })
    outbox.fail(new RoomfulError('token_invalid', 'refused'))
    await expect(waiting).rejects.toMatchObject({ code: 'token_invalid' })
    expect(outbox.pending.map(show)).toEqual(['offline:failed:token_invalid'])
    const more = outbox.send({ text: 'later' })
    outbox.clear(new RoomfulError('not_joined', 'left'))
    await expect(more).rejects.toMatchObject({ code: 'not_joined' })
    expect(outbox.pending).toEqual([])
  })

  it('resolves a send whose message is stored when the room stops, instead of failing it', async () => {
    const { outbox, replies } = setup()
    outbox.open()
    replies.push(() => new Promise(() => {})) // the reply never comes
    const done = outbox.send({ text: 'made it' })
    outbox.settle(stored(outbox.pending[0]!.clientId, 'made it', 3))
    outbox.clear(new RoomfulError('not_joined', 'left'))
    expect((await done).seq).toBe(3)
  })

  it('sends again, same clientId, a send the server could not confirm, until it gets the stored original', async () => {
    const { outbox, sent, replies, shown } = setup()
    outbox.open()
    const refuse = (code: 'outcome_unknown' | 'timeout' | 'store_unavailable') => () =>
      Promise.reject(new RoomfulError(code, code))
    replies.push(refuse('outcome_unknown'), refuse('timeout'), refuse('store_unavailable'), (s) =>
      Promise.resolve(stored(s.clientId, s.text, 9)),
    )
    const started = Date.now()
    const message = await outbox.send({ text: 'maybe' })
    expect(message.seq).toBe(9)
    expect(sent).toHaveLength(4)
    expect(new Set(sent.map((s) => s.clientId))).toEqual(new Set([message.clientId]))
    // It waited between tries (0.5 s, 1 s, 2 s), and was never shown as failed meanwhile.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_400)
    expect(shown.flat().filter((p) => p.includes('failed'))).toEqual([])
    expect(outbox.pending).toEqual([])
  })

  it('stops trying again at a definite refusal, and while the room is away', async () => {
    const { outbox, sent, replies } = setup()
    outbox.open()
    replies.push(() => Promise.reject(new RoomfulError('outcome_unknown', 'maybe')))
    replies.push(() => Promise.reject(new RoomfulError('forbidden', 'no')))
    await expect(outbox.send({ text: 'refused' })).rejects.toMatchObject({ code: 'forbidden' })
    expect(sent).toHaveLength(2)
    expect(outbox.pending.map(show)).toEqual(['refused:failed:forbidden'])

    replies.push(() => Promise.reject(new RoomfulError('outcome_unknown', 'maybe')))
    const later = outbox.send({ text: 'after the room is back' })
    await tick()
    outbox.close()
    await new Promise((resolve) => setTimeout(resolve, 700))
    expect(sent).toHaveLength(3) // the retry waited for the room
    outbox.open()
    expect((await later).text).toBe('after the room is back')
    expect(sent).toHaveLength(4)
  })

  it('refuses blank, overlong and unjoined sends without sending anything', async () => {
    const { outbox, sent, leave } = setup()
    outbox.open()
    await expect(outbox.send({ text: ' \n ' })).rejects.toMatchObject({ code: 'bad_request' })
    const max = DEFAULT_LIMITS.maxMessageLength
    await expect(outbox.send({ text: 'x'.repeat(max + 1) })).rejects.toMatchObject({
      code: 'message_too_long',
    })
    await expect(
      outbox.sendImage(new Uint8Array(DEFAULT_LIMITS.maxAttachmentBytes + 1)),
    ).rejects.toMatchObject({
      code: 'payload_too_large',
    })
    leave()
    await expect(outbox.send({ text: 'hi' })).rejects.toMatchObject({ code: 'not_joined' })
    expect(sent).toEqual([])
    expect(outbox.pending).toEqual([])
  })

  it('sends an uploaded image with its attachment id', async () => {
    const { outbox, sent } = setup()
    outbox.open()
    await outbox.sendImage(new Uint8Array(10))
    expect(sent).toEqual([{ clientId: expect.any(String), text: '', attachmentId: 'a1' }])
  })
})
