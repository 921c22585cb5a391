// Custom elements manifest for @roomful/widget, written by `npm run build -w widget` from the
// elements' JSDoc (@slot, @event, @csspart, @cssproperty).
import { existsSync } from 'node:fs'
import { posix } from 'node:path'

const SOURCE_ROOT = 'widget/src/'
const PACKAGE_ROOT = new URL('widget/', import.meta.url)

/**
 * `widget/src/chat/chat.ts` → `dist/chat/chat.js`: the manifest ships inside the package, so its
 * module paths name the package's own (built) files, as editors and docs tools resolve them. A
 * module with types only (no JavaScript emitted) is named by its declaration file. The build
 * runs the analyzer after rollup and tsc, so the files are there to check.
 */
function packagePath(path, fromModule) {
  const repoPath = path.startsWith('.')
    ? posix.join(posix.dirname(fromModule), path)
    : path.replace(/^\//, '')
  if (!repoPath.startsWith(SOURCE_ROOT)) return path
  const inPackage = repoPath.slice(SOURCE_ROOT.length).replace(/\.(ts|js)$/, '')
  const js = `dist/${inPackage}.js`
  return existsSync(new URL(js, PACKAGE_ROOT)) ? js : `dist/types/${inPackage}.d.ts`
}

/** Rewrites every `module` reference below `node` (declarations, exports, superclasses, mixins). */
function rewriteReferences(node, fromModule) {
  if (Array.isArray(node)) return node.forEach((child) => rewriteReferences(child, fromModule))
  if (!node || typeof node !== 'object') return
  for (const [key, value] of Object.entries(node)) {
    if (key === 'module' && typeof value === 'string') node.module = packagePath(value, fromModule)
    else rewriteReferences(value, fromModule)
  }
}

export default {
  globs: ['widget/src/**/*.ts'],
  // The script-tag entry and its loader are not modules of the npm package.
  exclude: ['widget/src/**/*.test.ts', 'widget/src/bundle.ts', 'widget/src/loader/**'],
  outdir: 'widget',
  litelement: true,
  plugins: [
    {
      // The base element's typed `emit(name, …)` dispatches every event; the analyzer reads that
      // one call as an event literally called "name". The real events come from @event JSDoc.
      name: 'roomful-drop-emit-placeholder',
      packageLinkPhase({ customElementsManifest }) {
        for (const mod of customElementsManifest.modules)
          for (const declaration of mod.declarations ?? [])
            if (declaration.events)
              declaration.events = declaration.events.filter((e) => e.name?.startsWith('roomful-'))
      },
    },
    {
      name: 'roomful-package-relative-paths',
      packageLinkPhase({ customElementsManifest }) {
        for (const mod of customElementsManifest.modules) {
          rewriteReferences(mod, mod.path)
          mod.path = packagePath(mod.path, mod.path)
        }
      },
    },
  ],
}
