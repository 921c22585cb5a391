// One build definition for the browser-facing packages. `--environment TARGET:sdk|widget` picks
// the package (each package's `npm run build` passes it); with no TARGET, both are built.
import nodeResolve from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import typescript from '@rollup/plugin-typescript'
import { fileURLToPath } from 'node:url'

const target = process.env.TARGET

// Sources of workspace packages are compiled in place, so the widget bundle inlines the SDK
// from source rather than depending on its build having run first.
const resolve = () => nodeResolve({ exportConditions: ['source'], extensions: ['.ts', '.js'] })

// The shared tsconfig says NodeNext and declarations only; rollup needs JS from the plugin.
const sdkTs = () =>
  typescript({
    tsconfig: 'sdk/tsconfig.build.json',
    // Paths in the tsconfig resolve from sdk/: anchor the filter at the repo root instead.
    filterRoot: fileURLToPath(new URL('.', import.meta.url)),
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
    plugins: [resolve(), sdkTs()],
  },
  {
    input: 'sdk/src/index.ts',
    output: { file: 'sdk/dist/roomful.iife.min.js', format: 'iife', name: 'Roomful', sourcemap: true },
    // Not `module: true`: in module scope terser drops the unused top-level `var Roomful`, the
    // very global a script tag is loaded for.
    plugins: [resolve(), sdkTs(), terser({ ecma: 2020, compress: { passes: 2 } })],
  },
]

// Like the SDK's: the build tsconfig emits declarations only under NodeNext, and the widget
// bundle compiles the SDK's sources too (it is inlined from source).
const widgetTs = () =>
  typescript({
    tsconfig: fileURLToPath(new URL('widget/tsconfig.build.json', import.meta.url)),
    filterRoot: fileURLToPath(new URL('.', import.meta.url)),
    include: ['sdk/src/**/*.ts', 'widget/src/**/*.ts'],
    exclude: ['**/*.test.ts'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    customConditions: ['source'],
    declaration: false,
    declarationMap: false,
    emitDeclarationOnly: false,
    outDir: fileURLToPath(new URL('widget/dist', import.meta.url)),
    rootDir: fileURLToPath(new URL('.', import.meta.url)),
    noEmitOnError: true,
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
    },
    plugins: [nodeResolve({ extensions: ['.ts', '.js'] }), widgetTs()],
  },
  {
    // The one-script-tag bundle: Lit + SDK + every element, registering itself on load.
    input: 'widget/src/bundle.ts',
    output: {
      file: 'widget/dist/roomful-widget.min.js',
      format: 'iife',
      name: 'RoomfulWidget',
      sourcemap: true,
    },
    // Not `module: true` either: it would drop the `var RoomfulWidget` global (see the SDK's).
    plugins: [resolve(), widgetTs(), terser({ ecma: 2020, compress: { passes: 2 } })],
  },
]

export default target === 'sdk' ? sdk : target === 'widget' ? widget : [...sdk, ...widget]
