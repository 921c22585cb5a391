/**
 * Suites create many accounts from 127.0.0.1, often in parallel: they start nodes with room for
 * that. The product defaults are far stricter; suites about limits set their own.
 */
export const TEST_AUTH_ENV = {
  AUTH_RATE_PER_ADDRESS: '100000',
  AUTH_RATE_PER_ACCOUNT: '100000',
  HASH_QUEUE_DEPTH: '10000',
  HASH_PER_ADDRESS: '10000',
}
