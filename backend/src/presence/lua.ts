import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * The Lua scripts live as .lua files beside this module (one file per script, named
 * `<name>-<numKeys>.lua`, as bullmq does). `tsc` copies only .ts into dist/, so from a build
 * the sources are read from `src/` next to it: the repository ships both. A line
 * `--#include name.lua` is replaced by `lua/include/name.lua`, for functions scripts share.
 */
const candidates = [new URL('./lua/', import.meta.url), new URL('../../src/presence/lua/', import.meta.url)]

export interface LuaScript {
  name: string
  numberOfKeys: number
  lua: string
}

export function loadLua(file: string): LuaScript {
  const dir = candidates.find((url) => existsSync(new URL(file, url)))
  if (!dir)
    throw new Error(`unable to load Lua script ${file}; not found in ${candidates.map(String).join(', ')}`)
  const match = /^(.+)-(\d+)\.lua$/.exec(file)
  if (!match) throw new Error(`unable to load Lua script ${file}; name must be <name>-<numKeys>.lua`)
  return {
    name: (match[1] as string).replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
    numberOfKeys: Number(match[2]),
    lua: read(dir, file).replace(/^--#include (\S+)$/gm, (_, name: string) => read(dir, `include/${name}`)),
  }
}

const read = (dir: URL, file: string) => readFileSync(fileURLToPath(new URL(file, dir)), 'utf8')
