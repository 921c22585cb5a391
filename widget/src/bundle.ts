// The one-script-tag build: Lit, the SDK and every element in one file that registers the
// elements on load. `window.RoomfulWidget` also exposes the SDK's `createClient`, so a page can
// build one client and hand it to several elements. Loaded with `<script async>`, it also runs
// the calls the page queued on `roomful(…)` and announces `roomful:ready` (see loader/).
import './loader/style-nonce.js' // first: elements read the nonce when they connect
import { createClient } from '@roomful/sdk'
import * as elements from './index.js'
import { startLoader } from './loader/loader.js'

export * from './index.js'
export { createClient }
export type { MountOptions, RoomfulApi, RoomfulCommand, RoomfulCommands } from './loader/loader.js'

startLoader({ ...elements, createClient })
