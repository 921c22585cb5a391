import { afterAll, beforeAll, describe } from 'vitest'
import type { Drivers } from '../../src/drivers/drivers.js'
import { createEmbeddedDrivers } from '../../src/drivers/drivers.embedded.js'
import { createProductionDrivers } from '../../src/drivers/drivers.production.js'
import {
  dropRedisPrefix,
  freshMysqlDatabase,
  servicesAvailable,
  TEST_REDIS_URL,
  uniquePrefix,
} from '../support/services.js'

export type Kind = 'embedded' | 'production'
type Suite = (h: () => Harness, kind: Kind) => void

/** A set of drivers as one backend node sees them. */
export type Node = Drivers & { statementCount?(): number; redisCommandCount?(): number }

export interface Harness {
  kind: Kind
  /** The first node, created before the suite. */
  node: Node
  /** Another node sharing the same MySQL database and Redis prefix. Embedded mode is a single
   * process by definition, so there it is the same node. */
  secondNode(): Promise<Node>
  /** Production only: the database URL and Redis prefix, for tests that build their own clients. */
  mysqlUrl?: string
  prefix?: string
}

// Short enough to keep the suite fast, long enough that a burst issued in one tick always
// lands inside it even on a loaded machine.
export const RANKING_WINDOW_MS = 300

const available = await servicesAvailable()

/**
 * Runs one contract suite, written once, against every driver kind: embedded always, and
 * production on real MariaDB + Redis when they answer (a fresh database and key prefix per
 * suite, dropped afterwards).
 */
/** `suite` gets the harness (valid inside tests and hooks) and the driver kind, so cases that
 * only mean something in production (counting statements, an unreachable database) are
 * registered there alone rather than skipped in embedded mode. `bothSqlForms`: production runs
 * once more with the statement forms MySQL gets (no compound statements), for stores whose SQL
 * takes either form. */
export function contract(
  name: string,
  ...args: [suite: Suite] | [options: { bothSqlForms?: boolean }, suite: Suite]
): void {
  const [options, suite] = args.length === 1 ? [{}, args[0]] : args
  const variants: Array<{ kind: Kind; label: string; compound?: boolean }> = [
    { kind: 'embedded', label: 'embedded' },
    { kind: 'production', label: 'production' },
  ]
  if (options.bothSqlForms)
    variants.push({ kind: 'production', label: 'production, MySQL statement forms', compound: false })
  for (const { kind, label, compound } of variants) {
    const run = kind === 'embedded' || available ? describe : describe.skip
    run(`${name} [${label}]`, () => {
      let harness: Harness | undefined
      const extra: Node[] = []
      let drop = async () => {}

      beforeAll(async () => {
        if (kind === 'embedded') {
          const node = createEmbeddedDrivers({ rankingWindowMs: RANKING_WINDOW_MS })
          harness = { kind, node, secondNode: async () => node }
          return
        }
        const database = await freshMysqlDatabase()
        const prefix = uniquePrefix('contract')
        drop = async () => {
          await Promise.all([database.drop(), dropRedisPrefix(prefix)])
        }
        const make = () =>
          createProductionDrivers({
            mysqlUrl: database.url,
            redisUrl: TEST_REDIS_URL,
            prefix,
            rankingWindowMs: RANKING_WINDOW_MS,
            mysqlCompoundStatements: compound,
          })
        const node = await make()
        harness = {
          kind,
          node,
          mysqlUrl: database.url,
          prefix,
          async secondNode() {
            const other = await make()
            extra.push(other)
            return other
          },
        }
      })

      afterAll(async () => {
        await Promise.allSettled([harness?.node.close(), ...extra.map((n) => n.close())])
        await drop()
      })

      suite(() => {
        if (!harness) throw new Error('unable to run the contract; the drivers were not created')
        return harness
      }, kind)
    })
  }
}

/** Polls until `check` holds; generous by default, since it only bounds a failing run. */
export async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await sleep(10)
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
