import pino from 'pino'

export type Logger = pino.Logger

/** JSON lines to stdout. Tokens never reach a log line: headers and frames are not logged,
 * and the redaction below is a second guard for fields that might carry one. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base,
    redact: {
      paths: ['token', '*.token', 'authorization', '*.authorization', 'refreshToken', '*.refreshToken'],
      censor: '[redacted]',
    },
  })
}
