// The one-script-tag build: Lit, the SDK and every element in one file that registers the
// elements on load. `window.RoomfulWidget` also exposes the SDK's `createClient`, so a page can
// build one client and hand it to several elements.
export * from './index.js'
export { createClient } from '@roomful/sdk'
