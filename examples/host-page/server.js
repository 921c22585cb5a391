// The demo "third-party site": a page on its own origin that embeds the Roomful widget with one
// script tag, plus the tiny token server such a site runs to vouch for its visitors. Plain
// node:http on purpose: this is what a site owner would copy, with nothing else to learn.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { dirname, extname, join, normalize } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { SignJWT } from 'jose'

const here = (path) => fileURLToPath(new URL(path, import.meta.url))
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
}

/**
 * Serves the demo host page.
 *
 * @param {object} options
 * @param {number} options.port Port to listen on (0 picks a free one).
 * @param {string} options.backendUrl The Roomful backend, e.g. `http://localhost:8080`.
 * @param {string} options.appId The app the page embeds, e.g. `demo`.
 * @param {string} options.appSecret The app's HS256 secret, used to mint visitor tokens.
 * @param {string} [options.widgetBundlePath] The built `roomful-widget.min.js`.
 * @param {string} [options.sdkBundlePath] The built `roomful.iife.min.js` (for `/custom-ui/`).
 * @param {string} [options.host] Interface to listen on (default: all).
 * @param {(err: unknown) => void} [options.onError] Where request failures go (default: stderr).
 * @returns {Promise<{ url: string, port: number, close(): Promise<void> }>}
 */
export async function startHostPage(options) {
  const {
    port,
    backendUrl,
    appId,
    appSecret,
    widgetBundlePath = here('../../widget/dist/roomful-widget.min.js'),
    sdkBundlePath = here('../../sdk/dist/roomful.iife.min.js'),
    host,
    onError = (err) => console.error('host page:', err),
  } = options
  const backend = new URL(backendUrl)
  const backendOrigin = backend.origin
  const socketOrigin = backendOrigin.replace(/^http/, 'ws')
  const key = new TextEncoder().encode(appSecret)

  // What a host page that embeds Roomful needs, and nothing more: the bundle from our own
  // origin (a CDN would be listed here), the backend for REST and the WebSocket, avatars.
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${backendOrigin} ${socketOrigin}`,
    `img-src 'self' data: https: ${backendOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ')

  const files = {
    '/': { path: here('public/index.html'), template: true },
    '/index.html': { path: here('public/index.html'), template: true },
    '/host.js': { path: here('public/host.js') },
    '/host.css': { path: here('public/host.css') },
    '/parts.html': { path: here('public/parts.html'), template: true },
    '/parts.js': { path: here('public/parts.js') },
    '/favicon.svg': { path: here('public/favicon.svg') },
    '/roomful-widget.min.js': { path: widgetBundlePath },
    '/custom-ui/': { path: here('../custom-ui/index.html'), template: true },
    '/custom-ui/index.html': { path: here('../custom-ui/index.html'), template: true },
    '/custom-ui/app.js': { path: here('../custom-ui/app.js') },
    '/custom-ui/style.css': { path: here('../custom-ui/style.css') },
    '/sdk/roomful.iife.min.js': { path: sdkBundlePath },
    '/sdk/roomful.iife.min.js.map': { path: `${sdkBundlePath}.map` },
  }

  // The versioned CDN file and its source map (the copy without a version points at that map).
  const bundleDir = dirname(widgetBundlePath)
  const versionedBundle = /^\/(roomful-widget-[\w.-]+\.min\.js(?:\.map)?)$/

  // The framework examples, once built (`npm run build`): `/react/` and `/vue/` are apps of
  // this same site, so they take their visitor's token from `/token` like the page does.
  const frameworkApp = (pathname) => {
    const match = /^\/(react|vue)\/(.*)$/.exec(pathname)
    if (!match) return undefined
    const root = here(`../${match[1]}/dist/`)
    const path = normalize(join(root, match[2] || 'index.html'))
    if (!path.startsWith(root)) return undefined
    return { path, template: path.endsWith('.html') }
  }

  const fill = (text) =>
    text
      .replaceAll('{{BACKEND_URL}}', escapeHtml(backend.href.replace(/\/$/, '')))
      .replaceAll('{{APP_ID}}', escapeHtml(appId))

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://host.invalid')
      if (url.pathname === '/token') return await mintToken(req, res)
      if (url.pathname === '/custom-ui') return redirect(res, '/custom-ui/')
      if (url.pathname === '/react' || url.pathname === '/vue') return redirect(res, `${url.pathname}/`)
      const versioned = versionedBundle.exec(url.pathname)
      const file =
        files[url.pathname] ??
        (versioned ? { path: join(bundleDir, versioned[1]) } : undefined) ??
        frameworkApp(url.pathname)
      if (!file || (req.method !== 'GET' && req.method !== 'HEAD'))
        return send(res, 404, 'not found', 'text/plain')
      let body
      try {
        body = await readFile(file.path)
      } catch {
        const hint = /\.(js|html)$/.test(file.path) ? ' (run `npm run build` first)' : ''
        return send(res, 404, `missing ${url.pathname}${hint}`, 'text/plain')
      }
      const type = TYPES[extname(file.path)] ?? 'application/octet-stream'
      const headers = {
        'content-type': type,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'strict-origin-when-cross-origin',
        'cache-control': 'no-cache',
      }
      if (file.template) {
        headers['content-security-policy'] = csp
        body = fill(body.toString('utf8'))
      }
      res.writeHead(200, headers)
      res.end(req.method === 'HEAD' ? undefined : body)
    } catch (err) {
      onError(err)
      if (!res.headersSent) send(res, 500, 'internal error', 'text/plain')
      else res.destroy()
    }
  })

  /**
   * `POST /token {name}`: vouches for this visitor with a short-lived Roomful user token. A
   * real site would look up its own session here; the demo's "session" is the name typed in
   * the page, so the user id is derived from it: two windows with two names are two people,
   * the same name in two tabs is one person with two tabs.
   */
  async function mintToken(req, res) {
    if (req.method !== 'POST') return send(res, 405, 'use POST', 'text/plain')
    let input
    try {
      input = JSON.parse((await readBody(req, 4096)) || '{}')
    } catch {
      return json(res, 400, { error: { code: 'bad_request', message: 'unable to read the body; send JSON' } })
    }
    const name = typeof input.name === 'string' ? input.name.trim().slice(0, 40) : ''
    if (!name)
      return json(res, 400, {
        error: { code: 'bad_request', message: 'unable to mint a token; `name` is required' },
      })
    const visitor = createHash('sha256').update(name.toLowerCase()).digest('hex').slice(0, 20)
    const token = await new SignJWT({ name })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(`trailhead:${visitor}`)
      .setIssuer(appId)
      .setAudience('roomful')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key)
    json(res, 200, { token })
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const actual = /** @type {import('node:net').AddressInfo} */ (server.address()).port
  return {
    url: `http://localhost:${actual}`,
    port: actual,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

function send(res, status, text, type) {
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'x-content-type-options': 'nosniff' })
  res.end(text)
}

function json(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  res.end(JSON.stringify(value))
}

function redirect(res, location) {
  res.writeHead(301, { location })
  res.end()
}

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    let size = 0
    const chunks = []
    req.on('data', (chunk) => {
      size += chunk.length
      if (size > limit) {
        reject(new Error('body too large'))
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

// `node examples/host-page/server.js`: run the page on its own against a running backend.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = process.env
  const page = await startHostPage({
    port: Number(env.DEMO_PORT || 8081),
    backendUrl: env.BACKEND_URL || `http://localhost:${env.PORT || 8080}`,
    appId: env.DEMO_APP_ID || 'demo',
    appSecret: env.DEMO_APP_SECRET || 'roomful-demo-secret-change-me',
  })
  console.log(`Demo host page: ${page.url}`)
  const stop = () => page.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
