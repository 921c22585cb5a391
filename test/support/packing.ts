import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const exec = promisify(execFile)

/** Runs a command; a failure carries everything it printed. */
export async function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await exec(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      maxBuffer: 64 * 1024 * 1024,
    })
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string }
    throw new Error(`\`${command} ${args.join(' ')}\` failed in ${options.cwd}:\n${stdout}\n${stderr}`)
  }
}

/** What a fresh clone holds of the two packages and their build: sources and configs, no output. */
const COPIED = [
  'LICENSE',
  'rollup.config.mjs',
  'custom-elements-manifest.config.mjs',
  'tsconfig.base.json',
  'scripts',
]
const LEFT_OUT = new Set(['dist', 'node_modules', 'test', 'custom-elements.json'])

/**
 * Copies the packages' sources to `dir/repo`, as a clean clone has them (no build output), with
 * the workspace's installed tools linked in and `@roomful/*` pointing at the copy. Packing there
 * builds from scratch without touching the workspace's own `dist/`, which tests running at the
 * same time serve.
 */
export function cleanCopy(dir: string): string {
  const repo = join(dir, 'repo')
  for (const name of COPIED) cpSync(join(ROOT, name), join(repo, name), { recursive: true })
  for (const pkg of ['sdk', 'widget'])
    cpSync(join(ROOT, pkg), join(repo, pkg), {
      recursive: true,
      filter: (src) =>
        !relative(ROOT, src)
          .split(sep)
          .some((part) => LEFT_OUT.has(part)),
    })
  writeFileSync(
    join(repo, 'package.json'),
    JSON.stringify({
      name: 'roomful-clean-copy',
      private: true,
      type: 'module',
      workspaces: ['sdk', 'widget'],
    }),
  )
  const modules = join(repo, 'node_modules')
  mkdirSync(join(modules, '@roomful'), { recursive: true })
  for (const entry of readdirSync(join(ROOT, 'node_modules')))
    if (entry !== '@roomful') symlinkSync(join(ROOT, 'node_modules', entry), join(modules, entry))
  for (const pkg of ['sdk', 'widget']) symlinkSync(join('..', '..', pkg), join(modules, '@roomful', pkg))
  return repo
}

export interface PackedFile {
  path: string
}
export interface Packed {
  name: string
  filename: string
  files: PackedFile[]
}

/** `npm pack` of both packages (their `prepack` builds them); returns npm's report. */
export async function packBoth(repo: string, destination: string): Promise<Packed[]> {
  const { stdout } = await run(
    'npm',
    ['pack', '-w', 'sdk', '-w', 'widget', '--json', '--pack-destination', destination],
    {
      cwd: repo,
    },
  )
  // Build scripts may print before npm's JSON report: it starts on its own line.
  return JSON.parse(stdout.slice(stdout.search(/^\[/m))) as Packed[]
}
