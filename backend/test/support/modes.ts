import { servicesAvailable } from './services.js'
import type { Mode } from './test-server.js'

/**
 * The modes a suite runs in: always embedded; production when MariaDB and Redis answer. In CI
 * their absence fails the run (see servicesAvailable); locally it is reported loudly.
 */
export async function modesToTest(): Promise<Mode[]> {
  return (await servicesAvailable()) ? ['embedded', 'production'] : ['embedded']
}
