import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { ErrorCode } from '@roomful/sdk/protocol'

/** What one node's sockets add up to; counted when scraped, never on the hot path. */
export interface SocketCensus {
  connections: number
  /** Distinct signed-in users (per app) with at least one socket here; guests are not counted. */
  authenticatedUsers: number
  /** Rooms with at least one member socket on this node. */
  roomsWithMembers: number
}

/** A job queue whose depth is reported: its name and its job counts by state. */
export interface WatchedQueue {
  name: string
  counts(): Promise<Partial<Record<JobState, number>>>
}

/** Where job queues report themselves, whichever driver made them (BullMQ today). */
export interface JobQueueRegistry {
  /** Starts reporting `queue`; the returned function stops. */
  watchQueue(queue: WatchedQueue): () => void
}

export const JOB_STATES = ['waiting', 'delayed', 'active', 'failed'] as const
export type JobState = (typeof JOB_STATES)[number]

/** A scrape does not wait longer than this for a queue's counts (Redis may be away). */
const QUEUE_COUNT_TIMEOUT_MS = 1_000

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

/**
 * The node's Prometheus metrics: one registry per node, built by the composition root and
 * handed to whatever records into it. Names follow Prometheus conventions: the `roomful_`
 * prefix, base units (seconds), `_total` on counters, and labels with a small fixed set of
 * values (an error code, a store, a queue), never a room or user id. Hot-path hooks are a
 * counter increment or one histogram observation; gauges are computed when scraped.
 */
export class Metrics implements JobQueueRegistry {
  readonly registry = new Registry()
  readonly framesReceived: Counter
  /** Frames written to sockets: replies and events, plus one per subscriber of each topic publish. */
  readonly framesSent: Counter
  readonly commitBatchMessages: Histogram
  readonly commitSeconds: Histogram
  readonly busPublishSeconds: Histogram
  readonly busEchoSeconds: Histogram
  readonly storeErrors: Counter<'store'>
  /** Webhook events lost because deliveries could not be stored as fast as they came. */
  readonly webhookEventsDropped: Counter
  /** Sockets closed for falling behind: `closed` got the 4103 close frame, `cut` could not take it. */
  readonly laggingSockets: Counter<'outcome'>
  private readonly sendsAcked: Counter
  private readonly sendsRefused: Counter<'code'>
  private readonly ackSeconds: Histogram
  private readonly webhookDeliveries: Counter<'outcome'>
  private readonly webhookAttemptSeconds: Histogram
  private census: () => SocketCensus = () => ({ connections: 0, authenticatedUsers: 0, roomsWithMembers: 0 })
  private readonly queues = new Set<WatchedQueue>()

  constructor(options: { mode?: 'embedded' | 'production'; processMetrics?: boolean } = {}) {
    const registers = [this.registry]
    // Gauge collect() callbacks get the gauge as `this`; these reach the node's state.
    const census = () => this.census()
    const queues = this.queues
    const censusGauge = (name: string, help: string, pick: (census: SocketCensus) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(pick(census()))
        },
      })
    censusGauge('roomful_connections', 'Open WebSocket connections on this node.', (c) => c.connections)
    censusGauge(
      'roomful_authenticated_users',
      'Distinct signed-in users with a socket on this node (guests excluded).',
      (c) => c.authenticatedUsers,
    )
    censusGauge(
      'roomful_rooms_with_members',
      'Rooms with at least one member socket on this node.',
      (c) => c.roomsWithMembers,
    )
    this.framesReceived = new Counter({
      name: 'roomful_ws_frames_received_total',
      help: 'WebSocket frames received from clients.',
      registers,
    })
    this.framesSent = new Counter({
      name: 'roomful_ws_frames_sent_total',
      help: 'WebSocket frames written to clients (a topic publish counts once per subscribed socket).',
      registers,
    })
    this.sendsAcked = new Counter({
      name: 'roomful_sends_acked_total',
      help: 'send requests acknowledged with the stored message (retries of a stored one included).',
      registers,
    })
    this.sendsRefused = new Counter({
      name: 'roomful_sends_refused_total',
      help: 'send requests answered with an error, by error code.',
      labelNames: ['code'],
      registers,
    })
    this.ackSeconds = new Histogram({
      name: 'roomful_send_ack_seconds',
      help: 'Time from a send request reaching its handler to its ack (the commit included).',
      buckets: LATENCY_BUCKETS,
      registers,
    })
    this.commitBatchMessages = new Histogram({
      name: 'roomful_commit_batch_messages',
      help: 'Messages (and notices) per message-store commit: the group-commit batch size.',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers,
    })
    this.commitSeconds = new Histogram({
      name: 'roomful_commit_seconds',
      help: 'Duration of one message-store commit.',
      buckets: LATENCY_BUCKETS,
      registers,
    })
    this.busPublishSeconds = new Histogram({
      name: 'roomful_bus_publish_seconds',
      help: 'Duration of one publish on the fan-out bus, until the bus accepted it.',
      buckets: LATENCY_BUCKETS,
      registers,
    })
    this.busEchoSeconds = new Histogram({
      name: 'roomful_bus_echo_seconds',
      help: "Time for this node's periodic probe to come back to it through the bus (fan-out lag).",
      buckets: LATENCY_BUCKETS,
      registers,
    })
    this.storeErrors = new Counter({
      name: 'roomful_store_errors_total',
      help: 'Failed calls to a backing store (MySQL, Redis or the bus), by store.',
      labelNames: ['store'],
      registers,
    })
    this.webhookDeliveries = new Counter({
      name: 'roomful_webhook_deliveries_total',
      help: 'Webhook delivery attempts by what they led to: delivered, retrying (another attempt is scheduled) or dead (none is left, or the endpoint is gone or disabled).',
      labelNames: ['outcome'],
      registers,
    })
    this.webhookAttemptSeconds = new Histogram({
      name: 'roomful_webhook_attempt_seconds',
      help: "Duration of one webhook POST, until the receiver's answer (or the failure).",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    })
    this.webhookEventsDropped = new Counter({
      name: 'roomful_webhook_events_dropped_total',
      help: 'Webhook events lost because their deliveries could not be stored as fast as they came.',
      registers,
    })
    this.laggingSockets = new Counter({
      name: 'roomful_ws_lagging_closes_total',
      help: 'Sockets closed for falling behind (4103 sent: closed; no room even for that: cut).',
      labelNames: ['outcome'],
      registers,
    })
    const storeErrors = this.storeErrors
    new Gauge({
      name: 'roomful_job_queue_depth',
      help: 'Jobs in each background queue, by state.',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset()
        await Promise.all(
          [...queues].map(async (queue) => {
            const counts = await withTimeout(queue.counts(), QUEUE_COUNT_TIMEOUT_MS).catch(() => null)
            if (counts === null) return storeErrors.inc({ store: 'jobs' })
            for (const state of JOB_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0)
          }),
        )
      },
    })
    new Gauge({
      name: 'roomful_info',
      help: 'Always 1; the label says which drivers this node runs.',
      labelNames: ['mode'],
      registers,
    }).set({ mode: options.mode ?? 'embedded' }, 1)
    // The client's standard process and runtime families (event-loop lag, heap, GC, CPU) keep
    // their usual unprefixed names, so stock Node.js dashboards read them as they are.
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry })
  }

  /** Where the socket gauges are read from at scrape time. */
  countSockets(census: () => SocketCensus): void {
    this.census = census
  }

  watchQueue(queue: WatchedQueue): () => void {
    this.queues.add(queue)
    return () => void this.queues.delete(queue)
  }

  /** A send was acked after `seconds`. */
  ackedSend(seconds: number): void {
    this.sendsAcked.inc()
    this.ackSeconds.observe(seconds)
  }

  refusedSend(code: ErrorCode): void {
    this.sendsRefused.inc({ code })
  }

  /** A webhook attempt ended with `outcome`; `seconds` is its POST's duration (null: none was made). */
  webhookAttempt(outcome: 'delivered' | 'retrying' | 'dead', seconds: number | null): void {
    this.webhookDeliveries.inc({ outcome })
    if (seconds !== null) this.webhookAttemptSeconds.observe(seconds)
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
