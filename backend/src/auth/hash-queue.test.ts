import { expect, it } from 'vitest'
import { RoomfulError } from '../errors.js'
import { HashQueue } from './hash-queue.js'

const gate = () => {
  let open = () => {}
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { open, task: () => opened }
}
const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: unknown) => (err as RoomfulError).code,
  )

it('runs at most `concurrency` at once and refuses at once past `depth` waiting', async () => {
  const queue = new HashQueue({ concurrency: 1, depth: 2, perAddress: 100 })
  const g = gate()
  let started = 0
  const task = () => {
    started++
    return g.task()
  }
  const accepted = [queue.run('a', task), queue.run('a', task), queue.run('a', task)]
  const refused = await code(queue.run('a', task))
  expect(refused).toBe('server_busy')
  expect(started).toBe(1)
  g.open()
  expect(await Promise.all(accepted.map(code))).toEqual(['ok', 'ok', 'ok'])
  expect(started).toBe(3)
  // Freed slots are usable again.
  expect(await code(queue.run('a', async () => undefined))).toBe('ok')
})

it('lets one address hold only its share, so another address still gets a slot', async () => {
  const queue = new HashQueue({ concurrency: 1, depth: 4, perAddress: 1 })
  const g = gate()
  const flood = queue.run('flood', g.task)
  const refused = await Promise.all(Array.from({ length: 10 }, () => code(queue.run('flood', g.task))))
  expect(new Set(refused)).toEqual(new Set(['server_busy']))
  const legit = queue.run('legit', async () => 'mine')
  g.open()
  expect(await legit).toBe('mine')
  await flood
})

it('frees the slot when a task fails', async () => {
  const queue = new HashQueue({ concurrency: 1, depth: 0, perAddress: 1 })
  expect(await code(queue.run('a', () => Promise.reject(new RoomfulError('internal'))))).toBe('internal')
  expect(await code(queue.run('a', async () => undefined))).toBe('ok')
})
