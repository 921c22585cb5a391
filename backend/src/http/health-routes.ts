import { publicRoute, Reply, type Route } from './route.js'

/** What the probes report, read from the node's state at the moment they ask. */
export interface HealthDeps {
  health: {
    mode: 'embedded' | 'production'
    nodeId: string
    /** True once SIGTERM started the drain. */
    draining(): boolean
    /** Open WebSocket connections on this node. */
    connections(): number
    /** Every store answered the health prober's last probe (cached: never waits on a store). */
    ready(): boolean
    /** Each store's last probe result. */
    stores(): Record<string, 'up' | 'down'>
  }
}

const mode = { type: 'string', enum: ['embedded', 'production'] }
const tag = 'health'

/** `/livez` and `/readyz`, for load balancers and orchestrators: no app, no token, no CORS. */
export const healthRoutes: Route<HealthDeps>[] = [
  publicRoute({
    method: 'get',
    path: '/livez',
    operationId: 'livez',
    tag,
    summary: 'Liveness: the process is up',
    status: 200,
    response: {
      description: 'Always, while the process serves HTTP.',
      schema: { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } },
    },
    handle: async () => ({ status: 'ok' }),
  }),
  publicRoute({
    method: 'get',
    path: '/readyz',
    operationId: 'readyz',
    tag,
    summary: 'Readiness: the node is not draining and its stores answered their last probe',
    status: 200,
    response: {
      description: 'Ready to take traffic.',
      schema: {
        type: 'object',
        required: ['status', 'mode', 'node', 'connections'],
        properties: {
          status: { const: 'ready' },
          mode,
          node: { type: 'string', description: 'NODE_ID of this node.' },
          connections: { type: 'integer', description: 'Open WebSocket connections on this node.' },
        },
      },
    },
    otherResponses: {
      503: {
        description: '`draining` after SIGTERM; `unavailable` when MySQL or Redis does not answer.',
        schema: {
          type: 'object',
          required: ['status'],
          properties: {
            status: { type: 'string', enum: ['draining', 'unavailable'] },
            mode,
            stores: {
              type: 'object',
              description: "Each store's last probe: `up` or `down`.",
              additionalProperties: { type: 'string', enum: ['up', 'down'] },
            },
          },
        },
      },
    },
    handle: async (_ctx, { health }) => {
      if (health.draining()) return new Reply(503, { status: 'draining' })
      // From the prober's cached state, so a partitioned store is reported at once instead of
      // after a statement timeout.
      if (!health.ready())
        return new Reply(503, { status: 'unavailable', mode: health.mode, stores: health.stores() })
      return { status: 'ready', mode: health.mode, node: health.nodeId, connections: health.connections() }
    },
  }),
]
