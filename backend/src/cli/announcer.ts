import { Redis } from 'ioredis'
import type { Bus } from '../bus/bus.js'

/**
 * The admin CLI's side of the bus: it only speaks, on the channels the nodes listen to (bans
 * and mutes, moderator grants), so a running node applies a change the CLI made at once.
 * Without REDIS_URL nothing is said and the nodes' periodic re-read finds the change.
 * `close` waits for what was said (a service may publish without waiting), then hangs up.
 */
export function announcer(env: NodeJS.ProcessEnv): Bus {
  const redis = env.REDIS_URL ? new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 }) : null
  const prefix = env.REDIS_PREFIX || 'rf:'
  const pending: Promise<unknown>[] = []
  return {
    publish: async (channel, payload) => {
      if (!redis) return 0
      const sent = redis.publish(`${prefix}${channel}`, payload)
      pending.push(sent.catch(() => undefined))
      return sent
    },
    subscribe: () => Promise.reject(new Error('the admin CLI does not listen to the bus')),
    onReconnect: () => undefined,
    close: async () => {
      await Promise.all(pending)
      await redis?.quit()
    },
  }
}
