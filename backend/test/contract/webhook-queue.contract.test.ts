import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import type { AttemptOutcome, DeliveryJob } from '../../src/webhooks/delivery-jobs.js'
import { contract, sleep, waitFor } from './harness.js'

/** Attempts seen by one test: its own app id keeps other tests' leftover jobs out. */
function recorder(decide: (attempt: number, job: DeliveryJob) => AttemptOutcome | Promise<AttemptOutcome>) {
  const app = `a${randomBytes(4).toString('hex')}`
  const seen: Array<{ deliveryId: string; attempt: number; at: number }> = []
  const processor = async (job: DeliveryJob, attempt: number) => {
    if (job.appId !== app) return null
    seen.push({ deliveryId: job.deliveryId, attempt, at: Date.now() })
    return decide(attempt, job)
  }
  return { app, seen, processor }
}

contract('DeliveryQueue', (h) => {
  it('runs each job, and again after the delay its attempt asked for, counting attempts per job', async () => {
    const { app, seen, processor } = recorder((attempt) => (attempt < 3 ? { retryInMs: 150 } : null))
    const queue = h().node.webhookQueue(processor, { timeoutMs: 1_000 })
    try {
      await queue.enqueue([
        { appId: app, deliveryId: 'msg_a' },
        { appId: app, deliveryId: 'msg_b' },
      ])
      await waitFor(() => seen.length === 6)
      await sleep(400)
      expect(seen).toHaveLength(6)
      for (const id of ['msg_a', 'msg_b']) {
        const runs = seen.filter((s) => s.deliveryId === id)
        expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3])
        // BullMQ's delayed jobs fire on their own clock; a little early is its precision.
        expect(runs[1]!.at - runs[0]!.at).toBeGreaterThanOrEqual(140)
        expect(runs[2]!.at - runs[1]!.at).toBeGreaterThanOrEqual(140)
      }
    } finally {
      await queue.close()
    }
  })

  it("hands the first attempt the job's body, and its retries none (they read the record)", async () => {
    const { app, processor } = recorder((attempt) => (attempt < 3 ? { retryInMs: 50 } : null))
    const bodies: Array<DeliveryJob['body']> = []
    const queue = h().node.webhookQueue(
      async (job, attempt) => {
        if (job.appId === app) bodies.push(job.body)
        return processor(job, attempt)
      },
      { timeoutMs: 1_000 },
    )
    try {
      const body = { endpointId: 'ep_1', payload: '{"type":"message.created"}' }
      await queue.enqueue([{ appId: app, deliveryId: 'msg_body', body }])
      await waitFor(() => bodies.length === 3)
      expect(bodies).toEqual([body, undefined, undefined])
    } finally {
      await queue.close()
    }
  })

  it('forgets the body of a job still waiting its turn', async () => {
    let release = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    const { app, seen, processor } = recorder(async (_attempt, job) => {
      if (job.deliveryId === 'msg_busy') await held
      return null
    })
    const bodies = new Map<string, DeliveryJob['body']>()
    const queue = h().node.webhookQueue(
      async (job, attempt) => {
        if (job.appId === app) bodies.set(job.deliveryId, job.body)
        return processor(job, attempt)
      },
      { timeoutMs: 1_000, concurrency: 1 },
    )
    try {
      const body = (text: string) => ({ endpointId: 'ep_1', payload: JSON.stringify({ text }) })
      await queue.enqueue([{ appId: app, deliveryId: 'msg_busy', body: body('first') }])
      await waitFor(() => seen.length === 1)
      await queue.enqueue([
        { appId: app, deliveryId: 'msg_forgotten', body: body('deleted') },
        { appId: app, deliveryId: 'msg_kept', body: body('kept') },
      ])
      await queue.forget(['msg_forgotten', 'msg_never_queued'])
      release()
      await waitFor(() => seen.length === 3)
      expect(bodies.get('msg_forgotten')).toBeUndefined()
      expect(bodies.get('msg_kept')).toEqual(body('kept'))
    } finally {
      release()
      await queue.close()
    }
  })

  it('retries a job whose processor threw', async () => {
    const { app, seen, processor } = recorder((attempt) => {
      if (attempt === 1) throw new Error('the store is unreachable')
      return null
    })
    const queue = h().node.webhookQueue(processor, { timeoutMs: 1_000 })
    try {
      await queue.enqueue([{ appId: app, deliveryId: 'msg_c' }])
      await waitFor(() => seen.length === 2)
      expect(seen.map((s) => s.attempt)).toEqual([1, 2])
    } finally {
      await queue.close()
    }
  })

  it('runs at most `concurrency` attempts at once, and close() waits for those in flight', async () => {
    let running = 0
    let most = 0
    let finished = 0
    const { app, seen, processor } = recorder(async () => {
      running += 1
      most = Math.max(most, running)
      await sleep(200)
      running -= 1
      finished += 1
      return null
    })
    const queue = h().node.webhookQueue(processor, { timeoutMs: 1_000, concurrency: 2 })
    let closed = false
    try {
      await queue.enqueue(Array.from({ length: 6 }, (_, i) => ({ appId: app, deliveryId: `msg_${i}` })))
      await waitFor(() => finished === 6)
      expect(most).toBe(2)
      await queue.enqueue([{ appId: app, deliveryId: 'msg_last' }])
      await waitFor(() => seen.length === 7)
      await queue.close()
      closed = true
      expect(finished).toBe(7)
    } finally {
      if (!closed) await queue.close()
    }
  })
})
