import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import { ClientAddress } from './limits/client-address.js'
import { LOG_LEVELS, type LogLevel } from './logger.js'

export interface Config {
  port: number
  host: string
  /** When set, `npm start` also serves the demo host page on this port. */
  demoPort: number
  mysqlUrl: string | null
  redisUrl: string | null
  redisPrefix: string
  /** Where attachment bytes are stored; null: a temporary directory (embedded) or
   * `.data/attachments` (production). Must be shared by every node in production. */
  attachmentsDir: string | null
  /** The backend's public base URL, used in attachment URLs; null: the upload request's Host. */
  publicUrl: string | null
  /** Without `publicUrl`, the Host values (host[:port], lower case) an upload may name in the
   * attachment URLs it stores; null: any (embedded mode only). */
  trustedHosts: string[] | null
  nodeId: string
  /** Secret of the seeded `demo` app; null means the well-known one in embedded mode and a
   * random one in production, so a production database never holds a published secret. */
  demoAppSecret: string | null
  logLevel: LogLevel
  /** Port of the separate Prometheus listener (`/metrics`); null: no metrics listener at all. */
  metricsPort: number | null
  /** Interface of the metrics listener; default `HOST`. */
  metricsHost: string
  /** How long SIGTERM waits for in-flight writes before exiting. */
  shutdownGraceMs: number
  /** A node that misses heartbeats this long is dead: its users leave presence. */
  nodeTtlMs: number
  /** How often each node heartbeats (and checks that the store still knows it). */
  heartbeatIntervalMs: number
  /** How often each node looks for dead nodes and for deferred leaves that are due. */
  reapIntervalMs: number
  /** How often each store (MySQL, Redis) is probed for /readyz, and how long a probe may take
   * before the store counts as down. */
  healthProbeIntervalMs: number
  healthProbeTimeoutMs: number
  /** Bearer key of the admin REST API (`/v1/admin`); null disables it. */
  adminKey: string | null
  /** How long a socket whose token expired stays open for a re-auth before closing with 4100. */
  tokenRefreshWindowMs: number
  /** How long a fetched JWKS is used before refetching, and the least time between fetches. */
  jwksCacheMs: number
  jwksCooldownMs: number
  /** Deadline of one webhook attempt, connection to last byte of the response. */
  webhookTimeoutMs: number
  /** Attempts per webhook delivery, the first included; after the last failure it is dead. */
  webhookAttempts: number
  /** Delay before a webhook's second attempt; it doubles after each further failure. */
  webhookBackoffMs: number
  /** Lets webhook URLs reach loopback addresses, over http too (tests, local development).
   * Default: on in embedded mode, off in production. Private addresses are always refused. */
  webhookAllowLoopback: boolean
  /** Proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client; empty: none. */
  trustedProxies: string[]
  /** Signup, login and refresh attempts per client address (each action apart) per window. */
  authRatePerAddress: number
  /** Signup and login attempts per (app, email) per window. */
  authRatePerAccount: number
  authRateWindowMs: number
  /** Password hashes computed at once, waiting at most, and held by one address at once. */
  hashConcurrency: number
  hashQueueDepth: number
  hashPerAddress: number
  /** Bytes a socket may have waiting unsent (uWS backpressure), and not shrinking, before it is
   * closed with 4103. */
  wsLagLimitBytes: number
  /** How long a lagging socket gets to drain under half that limit before it is cut without a
   * close frame. */
  wsLagCutMs: number
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`unable to start; the configuration has ${problems.length} problem(s): ${problems.join('; ')}`)
  }
}

/** Node ids go into connection ids, presence keys and logs: keep them short and plain. */
const NODE_ID = /^[A-Za-z0-9._-]{1,64}$/
/** An IPv4/IPv6 address or a host name; uWS would otherwise fail late with a bare "listen failed". */
const HOST = /^[A-Za-z0-9.:_-]{1,253}$/
/** A Host header value: a name or IPv4 address, or a bracketed IPv6 one, and maybe a port. */
const TRUSTED_HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/

/**
 * Reads and validates the environment once, reporting every problem together. Nothing below
 * the composition root reads `process.env`.
 */
export function readConfig(env: NodeJS.ProcessEnv): Config {
  const problems: string[] = []
  const int = (name: string, fallback: number, min = 0, max = 2 ** 31): number => {
    const raw = env[name]
    if (raw === undefined || raw === '') return fallback
    const value = Number(raw)
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer in ${min}..${max}, got "${raw}"`)
      return fallback
    }
    return value
  }
  const url = (name: string, protocols: string[]): string | null => {
    const raw = env[name]
    if (!raw) return null
    try {
      const parsed = new URL(raw)
      if (!protocols.includes(parsed.protocol)) problems.push(`${name} must use ${protocols.join(' or ')}`)
    } catch {
      problems.push(`${name} is not a URL`)
    }
    return raw
  }
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = env[name]
    if (raw === undefined || raw === '') return fallback
    if ((allowed as readonly string[]).includes(raw)) return raw as T
    problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`)
    return fallback
  }
  const matching = (name: string, pattern: RegExp, fallback: string, what: string): string => {
    const raw = env[name]
    if (raw === undefined || raw === '') return fallback
    if (!pattern.test(raw)) problems.push(`${name} must be ${what}, got "${raw}"`)
    return raw
  }

  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name]
    if (raw === undefined || raw === '') return fallback
    if (raw === 'true' || raw === '1') return true
    if (raw === 'false' || raw === '0') return false
    problems.push(`${name} must be true or false, got "${raw}"`)
    return fallback
  }

  const addresses = (name: string): string[] => {
    const entries = (env[name] ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '')
    const bad = entries.filter((entry) => !ClientAddress.valid(entry))
    if (bad.length > 0)
      problems.push(
        `${name} must list IP addresses or CIDR ranges, separated by commas; got "${bad.join('", "')}"`,
      )
    return entries.filter((entry) => ClientAddress.valid(entry))
  }

  const hostList = (name: string): string[] | null => {
    const raw = env[name]
    if (raw === undefined || raw.trim() === '') return null
    const hosts = raw.split(',').map((h) => h.trim().toLowerCase())
    const bad = hosts.filter((h) => !TRUSTED_HOST.test(h))
    if (bad.length > 0)
      problems.push(`${name} must list host[:port] values separated by commas, got "${bad.join('", "')}"`)
    return hosts
  }

  const mysqlUrl = url('MYSQL_URL', ['mysql:', 'mariadb:'])
  const redisUrl = url('REDIS_URL', ['redis:', 'rediss:'])
  if ((mysqlUrl === null) !== (redisUrl === null))
    problems.push(
      'production mode needs both MYSQL_URL and REDIS_URL; set both, or neither for embedded mode',
    )

  const nodeTtlMs = int('NODE_TTL_MS', 6_000, 500)
  const host = matching('HOST', HOST, '0.0.0.0', 'an IP address or a host name')
  const config: Config = {
    port: int('PORT', 8080, 0, 65535),
    host,
    demoPort: int('DEMO_PORT', 8081, 0, 65535),
    mysqlUrl,
    redisUrl,
    redisPrefix: env.REDIS_PREFIX || 'rf:',
    attachmentsDir: env.ATTACHMENTS_DIR || null,
    publicUrl: url('PUBLIC_URL', ['http:', 'https:'])?.replace(/\/+$/, '') ?? null,
    trustedHosts: hostList('TRUSTED_HOSTS'),
    nodeId: matching(
      'NODE_ID',
      NODE_ID,
      `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`.replace(/[^A-Za-z0-9._-]/g, '-'),
      '1 to 64 letters, digits, ".", "_" or "-"',
    ),
    demoAppSecret: env.DEMO_APP_SECRET || null,
    logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    metricsPort: env.METRICS_PORT ? int('METRICS_PORT', 0, 0, 65535) : null,
    metricsHost: matching('METRICS_HOST', HOST, host, 'an IP address or a host name'),
    shutdownGraceMs: int('SHUTDOWN_GRACE_MS', 10_000, 0),
    nodeTtlMs,
    heartbeatIntervalMs: int('HEARTBEAT_INTERVAL_MS', Math.max(100, Math.floor(nodeTtlMs / 4)), 50),
    reapIntervalMs: int('REAP_INTERVAL_MS', 1_000, 50),
    healthProbeIntervalMs: int('HEALTH_PROBE_INTERVAL_MS', 500, 50),
    healthProbeTimeoutMs: int('HEALTH_PROBE_TIMEOUT_MS', 1_000, 50),
    adminKey: env.ADMIN_KEY || null,
    tokenRefreshWindowMs: int('TOKEN_REFRESH_WINDOW_MS', 30_000, 0),
    jwksCacheMs: int('JWKS_CACHE_MS', 10 * 60_000, 0),
    jwksCooldownMs: int('JWKS_COOLDOWN_MS', 30_000, 0),
    webhookTimeoutMs: int('WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    webhookAttempts: int('WEBHOOK_ATTEMPTS', 10, 1, 50),
    webhookBackoffMs: int('WEBHOOK_BACKOFF_MS', 30_000, 10),
    webhookAllowLoopback: bool('WEBHOOK_ALLOW_LOOPBACK', mysqlUrl === null),
    trustedProxies: addresses('TRUSTED_PROXIES'),
    authRatePerAddress: int('AUTH_RATE_PER_ADDRESS', 20, 1),
    authRatePerAccount: int('AUTH_RATE_PER_ACCOUNT', 10, 1),
    authRateWindowMs: int('AUTH_RATE_WINDOW_MS', 60_000, 100, 24 * 3600_000),
    hashConcurrency: int('HASH_CONCURRENCY', 2, 1, 64),
    hashQueueDepth: int('HASH_QUEUE_DEPTH', 4, 0, 10_000),
    hashPerAddress: int('HASH_PER_ADDRESS', 1, 1, 10_000),
    wsLagLimitBytes: int('WS_LAG_LIMIT_BYTES', 1024 * 1024, 64 * 1024, 16 * 1024 * 1024),
    wsLagCutMs: int('WS_LAG_CUT_MS', 3_000, 100, 60_000),
  }
  if (config.metricsPort !== null && config.metricsPort !== 0 && config.metricsPort === config.port)
    problems.push('METRICS_PORT must differ from PORT: metrics are never served on the public port')
  if (config.heartbeatIntervalMs >= config.nodeTtlMs)
    problems.push(
      `HEARTBEAT_INTERVAL_MS (${config.heartbeatIntervalMs}) must be below NODE_TTL_MS (${config.nodeTtlMs}), or live nodes look dead`,
    )
  // Attachment URLs are stored and loaded by other members' browsers: in production they must
  // not name whatever host an uploader put in its Host header.
  if (mysqlUrl !== null && redisUrl !== null && config.publicUrl === null && config.trustedHosts === null)
    problems.push(
      'production mode needs PUBLIC_URL (the public base URL of attachment links), or TRUSTED_HOSTS (the Host values uploads may use)',
    )
  if (config.adminKey !== null && config.adminKey.length < 16)
    problems.push('ADMIN_KEY must be at least 16 characters (or unset to disable the admin API)')
  if (problems.length > 0) throw new ConfigError(problems)
  return config
}
