import { MysqlAppStore } from '../apps/app-store.mysql.js'
import { RoomfulError } from '../errors.js'
import type { Mysql } from '../storage/mysql.js'

/** The app id a command names first, refused unless the app exists. */
export async function appArg(db: Mysql, arg: (index: number, what: string) => string): Promise<string> {
  const appId = arg(0, 'an app id')
  if (!(await new MysqlAppStore(db).get(appId))) throw new RoomfulError('app_not_found', `no app "${appId}"`)
  return appId
}
