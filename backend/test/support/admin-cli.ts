import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const ADMIN = fileURLToPath(new URL('../../dist/cli/admin.js', import.meta.url))

/** The operator's first step: `admin create-app <id> [args]` on the database, keeping the
 * printed id and secret. */
export async function createAppWithCli(
  mysqlUrl: string,
  id: string,
  args: string[] = [],
): Promise<{ id: string; secret: string }> {
  const { stdout } = await run(process.execPath, [ADMIN, 'create-app', id, ...args], {
    env: { ...process.env, MYSQL_URL: mysqlUrl },
  })
  return JSON.parse(stdout) as { id: string; secret: string }
}
