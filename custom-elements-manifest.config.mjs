// Custom elements manifest for @roomful/widget, written by `npm run build -w widget` from the
// elements' JSDoc (@slot, @event, @csspart, @cssproperty).
export default {
  globs: ['widget/src/**/*.ts'],
  exclude: ['widget/src/**/*.test.ts'],
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
  ],
}
