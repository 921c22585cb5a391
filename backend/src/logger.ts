import pino from 'pino'

export type Logger = pino.Logger

/** pino's levels, and `silent` for none. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** JSON lines to stdout. Tokens never reach a log line: headers and frames are not logged,
 * and the redaction below is a second guard for fields that might carry one. */
export function createLogger(level: LogLevel, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base,
    redact: {
      paths: ['token', '*.token', 'authorization', '*.authorization', 'refreshToken', '*.refreshToken'],
      censor: '[redacted]',
    },
  })
}

/**
 * Sends what Node itself would print (uncaught errors, unhandled rejections, runtime warnings)
 * through `log`, so the process writes nothing but JSON lines. An uncaught error still ends the
 * process, with code 1, as it would without this.
 */
export function logProcessEvents(log: Logger): void {
  const die = (what: string) => (err: unknown) => {
    log.fatal({ err }, `${what}; exiting`)
    process.exit(1)
  }
  process.on('uncaughtException', die('uncaught exception'))
  process.on('unhandledRejection', die('unhandled promise rejection'))
  // Node's default listener prints warnings as plain text; ours replaces it.
  process.removeAllListeners('warning')
  process.on('warning', (warning) => log.warn({ err: warning }, 'runtime warning'))
}

/**
 * Log fields for an error. A coded error (ECONNREFUSED, ER_ACCESS_DENIED_ERROR…) is an expected
 * condition of the network or a database, which a stack would not explain better: it becomes
 * `{ code, error: message }`. Anything else, a bug, keeps its stack under `err`.
 */
export function errorFields(err: unknown): { code: string; error: string } | { err: unknown } {
  const e = (err instanceof AggregateError && err.errors.length > 0 ? err.errors[0] : err) as {
    code?: unknown
    message?: unknown
  } | null
  return e && typeof e.code === 'string' ? { code: e.code, error: String(e.message ?? e.code) } : { err }
}

/**
 * For conditions that repeat while they last (a connection failing on every reconnect attempt):
 * `report` runs for the first occurrence of each error code or message, then at most once per
 * `windowMs`, told how many repeats it did not see.
 */
export function onceInAWhile(
  report: (err: unknown, repeats: number) => void,
  windowMs = 10_000,
): (err: unknown) => void {
  const seen = new Map<string, { at: number; repeats: number }>()
  return (err) => {
    const e = err as { code?: unknown; message?: unknown } | null
    const key = String(e?.code ?? e?.message ?? err)
    const now = Date.now()
    const last = seen.get(key)
    if (last && now - last.at < windowMs) return void last.repeats++
    seen.set(key, { at: now, repeats: 0 })
    report(err, last?.repeats ?? 0)
  }
}

/** Why start-up failed, in one line an operator can act on (see errorFields). */
export function startupFailure(err: unknown): { reason: string; detail: Record<string, unknown> } {
  const fields = errorFields(err)
  if ('code' in fields) return { reason: fields.error, detail: { code: fields.code } }
  return { reason: err instanceof Error ? err.message : String(err), detail: fields }
}
