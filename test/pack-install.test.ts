import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mintUserToken } from '../backend/test/support/tokens.js'
import { startBackend, type BackendProcess } from '../backend/test/support/start-backend.js'
import { hasBrowser, launchBrowser } from '../widget/test/support/browser.js'
import { createRoomViaApi, DEMO_APP, DEMO_SECRET, seedMessages } from '../widget/test/support/demo.js'
import { cleanCopy, packBoth, ROOT, run, type Packed } from './support/packing.js'

// What a developer gets from `npm i @roomful/sdk @roomful/widget`: both packages packed from a
// clean build (their `prepack`), installed from the tarballs into an app outside the workspace,
// then used the way the READMEs say.
describe('the packed @roomful/sdk and @roomful/widget, installed into an app', () => {
  const work = mkdtempSync(join(tmpdir(), 'roomful-pack-'))
  const app = join(work, 'app')
  const installed = (pkg: string, path = '') => join(app, 'node_modules', '@roomful', pkg, path)
  let packed: Packed[]
  let backend: BackendProcess
  let room: { id: string; name: string }

  beforeAll(async () => {
    const packing = (async () => {
      packed = await packBoth(cleanCopy(work), work)
      mkdirSync(app)
      writeFileSync(
        join(app, 'package.json'),
        JSON.stringify({ name: 'pack-check-app', private: true, type: 'module' }),
      )
      // Only the packages' own dependencies (lit) and `ws` come from the registry.
      const tarballs = packed.map((p) => join(work, p.filename))
      await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs, 'ws'], {
        cwd: app,
      })
    })()
    const serving = (async () => {
      backend = await startBackend()
      room = await createRoomViaApi(backend.url, `Packed room ${Math.random().toString(36).slice(2, 7)}`)
      await seedMessages(backend.url, room.id, 2, 'from the workspace')
    })()
    await Promise.all([packing, serving])
  }, 300_000)

  afterAll(async () => {
    await backend?.stop()
    rmSync(work, { recursive: true, force: true })
  })

  it('ships built JavaScript, declarations, LICENSE and README, and no sources', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(['@roomful/sdk', '@roomful/widget'])
    for (const { name, files } of packed) {
      const paths = files.map((f) => f.path)
      expect(paths, name).toEqual(
        expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js']),
      )
      expect(
        paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts')),
        name,
      ).toEqual([])
      expect(
        paths.filter((p) => p.startsWith('src/') || p.includes('node_modules/')),
        name,
      ).toEqual([])
      const manifest = JSON.parse(readFileSync(installed(name.split('/')[1]!, 'package.json'), 'utf8'))
      expect(JSON.stringify(manifest.exports), `${name}: no "source" export condition`).not.toContain(
        '"source"',
      )
      for (const key of ['repository', 'homepage', 'bugs', 'publishConfig', 'license'])
        expect(manifest[key], `${name} ${key}`).toBeTruthy()
      expect(readFileSync(installed(name.split('/')[1]!, 'LICENSE'), 'utf8')).toMatch(/^MIT License/)
    }
  })

  it('ships the React and Vue typings behind the `./react` and `./vue` exports', () => {
    const widget = packed.find((p) => p.name === '@roomful/widget')!.files.map((f) => f.path)
    expect(widget).toEqual(
      expect.arrayContaining([
        'dist/react.js',
        'dist/types/react.d.ts',
        'dist/vue.js',
        'dist/types/vue.d.ts',
      ]),
    )
    const react = readFileSync(installed('widget', 'dist/types/react.d.ts'), 'utf8')
    for (const tag of [
      'roomful-chat',
      'roomful-room',
      'roomful-ranking',
      'roomful-room-list',
      'roomful-login',
    ])
      expect(react, tag).toContain(`'${tag}': `)
  })

  it('names package files in custom-elements.json, each of which is in the package', () => {
    const manifest = JSON.parse(readFileSync(installed('widget', 'custom-elements.json'), 'utf8'))
    const paths = new Set<string>()
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(collect)
      if (!node || typeof node !== 'object') return
      for (const [key, value] of Object.entries(node))
        if ((key === 'path' || key === 'module') && typeof value === 'string') paths.add(value)
        else collect(value)
    }
    collect(manifest.modules)
    expect(paths).toContain('dist/chat/chat.js')
    for (const path of paths) expect(existsSync(installed('widget', path)), path).toBe(true)
  })

  it('ships the CDN bundle named with its version, with the integrity hash the build printed', () => {
    const { version } = JSON.parse(readFileSync(installed('widget', 'package.json'), 'utf8'))
    const file = `roomful-widget-${version}.min.js`
    const bundle = readFileSync(installed('widget', `dist/${file}`))
    const integrity = JSON.parse(readFileSync(installed('widget', 'dist/integrity.json'), 'utf8'))
    expect(integrity[file]).toBe(`sha384-${createHash('sha384').update(bundle).digest('base64')}`)
    expect(readFileSync(installed('widget', 'dist/roomful-widget.min.js')).equals(bundle)).toBe(true)
  })

  it('runs the SDK README’s ten lines in Node, as an ES module importing the package', async () => {
    // The README as shipped in the tarball, with the backend this test started.
    const readme = readFileSync(installed('sdk', 'README.md'), 'utf8')
    const code = /<!-- ten-lines:start -->\s*```js\n([\s\S]*?)```/.exec(readme)?.[1]
    expect(code, 'the ten-line example in the SDK README').toBeTruthy()
    writeFileSync(join(app, 'ten-lines.mjs'), code!.replace('http://localhost:8080', backend.url))
    const token = await mintUserToken(DEMO_APP, DEMO_SECRET, { sub: 'pack-reader', name: 'Packed Reader' })
    const { stdout } = await run(process.execPath, ['ten-lines.mjs'], {
      cwd: app,
      env: { ROOMFUL_TOKEN: token },
    })
    expect(stdout).toContain('from the workspace 000')
    expect(stdout).toMatch(/here now: .*Packed Reader/)
    expect(stdout).toMatch(/^busiest: /m)
    const res = await fetch(`${backend.url}/v1/apps/${DEMO_APP}/rooms/${room.id}/messages?limit=10`, {
      headers: { authorization: `Bearer ${token}` },
    })
    const page = (await res.json()) as { messages: { text: string; user: { name: string } }[] }
    expect(page.messages.map((m) => `${m.user.name}: ${m.text}`)).toContain('Packed Reader: hello from Node')
  })

  it('type-checks a strict TypeScript app against the declarations, even with the "source" condition on', async () => {
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'ES2022',
          lib: ['ES2022', 'DOM', 'DOM.Iterable'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          customConditions: ['source'],
          skipLibCheck: false,
          noEmit: true,
          types: [],
        },
        files: ['check.ts'],
      }),
    )
    writeFileSync(
      join(app, 'check.ts'),
      [
        `import { createClient, isRoomfulError, type Message } from '@roomful/sdk'`,
        `import { ERROR_CODES, type ErrorCode } from '@roomful/sdk/protocol'`,
        `import { RoomfulChat, RoomfulRoom, type RoomfulEventMap } from '@roomful/widget'`,
        `const client = createClient({ url: 'https://chat.example.com', appId: 'demo' })`,
        `const chat: RoomfulChat = document.createElement('roomful-chat')`,
        `chat.client = client`,
        `const room = new RoomfulRoom()`,
        `room.roomId = 'lobby'`,
        `const sent = (detail: RoomfulEventMap['roomful-message-sent']): Message => detail.message`,
        `const code: ErrorCode = 'rate_limited'`,
        `export const used = [sent, code, isRoomfulError, ERROR_CODES.rate_limited.status]`,
      ].join('\n'),
    )
    await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
      cwd: app,
    })
  })

  describe.runIf(hasBrowser)('the widget bundled by esbuild', () => {
    let browser: Browser
    let site: Server

    beforeAll(async () => {
      writeFileSync(
        join(app, 'main.js'),
        `import '@roomful/widget'\nimport { createClient } from '@roomful/sdk'\nwindow.packedCreateClient = createClient\n`,
      )
      // A consumer that enables the "source" condition used to get raw TypeScript with
      // decorators; now there is nothing but built files to pick.
      const result = await build({
        absWorkingDir: app,
        entryPoints: ['main.js'],
        bundle: true,
        format: 'esm',
        minify: true,
        conditions: ['source'],
        outfile: 'out/main.js',
        logLevel: 'silent',
      })
      expect(result.errors).toEqual([])
      const token = await mintUserToken(DEMO_APP, DEMO_SECRET, {
        sub: 'pack-browser',
        name: 'Bundled Visitor',
      })
      const page = `<!doctype html><meta charset="utf-8"><title>Packed app</title>
        <roomful-chat url="${backend.url}" app-id="${DEMO_APP}" token="${token}"></roomful-chat>
        <script type="module" src="/main.js"></script>`
      const script = readFileSync(join(app, 'out/main.js'))
      // On the demo app's allowed origin (the backend was started without its demo page).
      site = createServer((req, res) => {
        if (req.url === '/main.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
        else res.writeHead(200, { 'content-type': 'text/html' }).end(page)
      })
      await new Promise<void>((resolve) => site.listen(backend.demoPort, '127.0.0.1', resolve))
      browser = await launchBrowser()
    }, 120_000)

    afterAll(async () => {
      await browser?.close()
      await new Promise((resolve) => site?.close(resolve))
    })

    it('registers the elements, and the lobby lists the rooms through the bundled SDK', async () => {
      const page = await browser.newPage()
      const errors: string[] = []
      page.on('pageerror', (err) => errors.push(err.message))
      await page.goto(`http://localhost:${backend.demoPort}/`)
      await page.locator('roomful-chat roomful-room-list button.room', { hasText: room.name }).waitFor()
      expect(
        await page.evaluate(() => typeof (window as { packedCreateClient?: unknown }).packedCreateClient),
      ).toBe('function')
      expect(errors).toEqual([])
    })
  })
})
