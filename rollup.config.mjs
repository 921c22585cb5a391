// One build definition for the browser-facing packages. `--environment TARGET:sdk|widget` picks
// the package (each package's `npm run build` passes it); with no TARGET, both are built.
import nodeResolve from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import typescript from '@rollup/plugin-typescript'
import { createHash } from 'node:crypto'
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { collapseTemplatesPlugin } from './scripts/collapse-templates.mjs'

const target = process.env.TARGET
const here = (path) => fileURLToPath(new URL(path, import.meta.url))
const widgetVersion = JSON.parse(readFileSync(here('widget/package.json'), 'utf8')).version

// The widget's script-tag bundle inlines the SDK from its sources, so it never waits for (or
// goes stale against) the SDK's build. Published packages carry no `source` export condition
// (it would hand consumers raw TypeScript with decorators): the mapping lives here instead.
const SDK_SOURCES = {
  '@roomful/sdk': here('sdk/src/index.ts'),
  '@roomful/sdk/protocol': here('sdk/src/protocol/index.ts'),
}
const sdkFromSource = () => ({
  name: 'roomful-sdk-from-source',
  resolveId: (id) => SDK_SOURCES[id] ?? null,
})
const resolve = () => [sdkFromSource(), nodeResolve({ extensions: ['.ts', '.js'] })]

// The shared tsconfig says NodeNext and declarations only; rollup needs JS from the plugin.
const sdkTs = () =>
  typescript({
    tsconfig: 'sdk/tsconfig.build.json',
    // Paths in the tsconfig resolve from sdk/: anchor the filter at the repo root instead.
    filterRoot: here('.'),
    include: ['sdk/src/**/*.ts'],
    exclude: ['**/*.test.ts'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    declaration: false,
    declarationMap: false,
    emitDeclarationOnly: false,
    outDir: 'sdk/dist',
    rootDir: '.',
    noEmitOnError: true,
  })

const sdk = [
  {
    input: { index: 'sdk/src/index.ts', protocol: 'sdk/src/protocol/index.ts' },
    output: { dir: 'sdk/dist', format: 'es', sourcemap: true, chunkFileNames: 'chunks/[name]-[hash].js' },
    plugins: [...resolve(), sdkTs()],
  },
  {
    input: 'sdk/src/index.ts',
    output: { file: 'sdk/dist/roomful.iife.min.js', format: 'iife', name: 'Roomful', sourcemap: true },
    // Not `module: true`: in module scope terser drops the unused top-level `var Roomful`, the
    // very global a script tag is loaded for.
    plugins: [...resolve(), sdkTs(), terser({ ecma: 2020, compress: { passes: 2 } })],
  },
]

// Like the SDK's: the build tsconfig emits declarations only under NodeNext, and the widget
// bundle compiles the SDK's sources too (it is inlined from source).
const widgetTs = () =>
  typescript({
    tsconfig: here('widget/tsconfig.build.json'),
    filterRoot: here('.'),
    include: ['sdk/src/**/*.ts', 'widget/src/**/*.ts'],
    exclude: ['**/*.test.ts'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    // Type-check against the SDK's sources too (the same mapping as the resolver above).
    paths: Object.fromEntries(Object.entries(SDK_SOURCES).map(([id, file]) => [id, [file]])),
    declaration: false,
    declarationMap: false,
    emitDeclarationOnly: false,
    outDir: here('widget/dist'),
    rootDir: here('.'),
    noEmitOnError: true,
  })

// The CDN bundle is named with its version (`roomful-widget-0.1.0.min.js`) so that a CDN may cache
// it forever; `roomful-widget.min.js` is a byte-identical copy for the demo and `unpkg`-style
// URLs that carry the version already. The build prints the file's Subresource Integrity hash
// and writes it to `dist/integrity.json`, for `<script integrity="…">`.
const cdnBundle = () => ({
  name: 'roomful-cdn-bundle',
  writeBundle(options) {
    const file = options.file
    const code = readFileSync(file)
    const integrity = `sha384-${createHash('sha384').update(code).digest('base64')}`
    copyFileSync(file, join(dirname(file), 'roomful-widget.min.js'))
    writeFileSync(
      join(dirname(file), 'integrity.json'),
      `${JSON.stringify({ [basename(file)]: integrity }, null, 2)}\n`,
    )
    // stderr, like rollup's own report: stdout may be machine-read (`npm pack --json`).
    process.stderr.write(`widget CDN bundle: dist/${basename(file)}  integrity="${integrity}"\n`)
  },
})

const widget = [
  {
    // npm consumers bundle Lit and the SDK themselves: keep them external.
    input: 'widget/src/index.ts',
    external: (id) =>
      id === 'lit' || id.startsWith('lit/') || id.startsWith('@lit/') || id.startsWith('@roomful/sdk'),
    output: {
      dir: 'widget/dist',
      format: 'es',
      sourcemap: true,
      preserveModules: true,
      preserveModulesRoot: 'widget/src',
      // The compiler's decorator helper (tslib) would land in `dist/node_modules/`, a folder
      // name that tools treat as someone else's dependencies: give it a plain folder instead.
      entryFileNames: ({ name }) =>
        name.includes('node_modules/') ? `vendor/${name.split('node_modules/').pop()}.js` : '[name].js',
    },
    plugins: [nodeResolve({ extensions: ['.ts', '.js'] }), widgetTs()],
  },
  {
    // The one-script-tag bundle: Lit + SDK + every element, registering itself on load.
    input: 'widget/src/bundle.ts',
    output: {
      file: `widget/dist/roomful-widget-${widgetVersion}.min.js`,
      format: 'iife',
      name: 'RoomfulWidget',
      sourcemap: true,
    },
    // Not `module: true` either: it would drop the `var RoomfulWidget` global (see the SDK's).
    // Its templates' line breaks and indentation collapse to one space (see the plugin).
    plugins: [
      ...resolve(),
      widgetTs(),
      collapseTemplatesPlugin({ include: /[\\/]widget[\\/]src[\\/].*\.ts$/ }),
      terser({ ecma: 2020, compress: { passes: 2 } }),
      cdnBundle(),
    ],
  },
]

export default target === 'sdk' ? sdk : target === 'widget' ? widget : [...sdk, ...widget]
