// The async embed. A page loads the bundle with `<script async>` and, until it arrives, queues
// calls on a two-line inline stub (the snippet in docs/embedding.md):
//
//   window.roomful = window.roomful || function () { (roomful.q = roomful.q || []).push(arguments) }
//   roomful('registerLocale', 'ja', strings); roomful('ready', (api) => { … })
//
// When the bundle runs, `startLoader` swaps the stub for the real command function, runs the
// queued calls in order, and dispatches `roomful:ready` on `document` (it bubbles to `window`).
// Calls made after that run at once.
import type { Translations } from '../core/i18n.js'

/** What `roomful(…)` can be asked, by name. */
export interface RoomfulCommands {
  /** Calls `callback` with the widget API (`window.RoomfulWidget`) once the bundle has loaded. */
  ready(callback: (api: RoomfulApi) => void): void
  /** Adds a language or changes strings: see `registerLocale`. */
  registerLocale(tag: string, strings: Translations): void
  /**
   * Creates an element (`<roomful-chat>` unless `element` says otherwise) inside `target` with
   * the given properties, e.g. `{ url, appId, getToken }`; returns it.
   */
  mount(target: string | Element, options?: MountOptions): HTMLElement
}

export type MountOptions = { element?: `roomful-${string}` } & Record<string, unknown>

/** The bundle's exports, as `window.RoomfulWidget` holds them. */
export type RoomfulApi = { registerLocale: RoomfulCommands['registerLocale'] } & Record<string, unknown>

export type RoomfulCommand = <K extends keyof RoomfulCommands>(
  name: K,
  ...args: Parameters<RoomfulCommands[K]>
) => ReturnType<RoomfulCommands[K]>

interface Stub {
  (...args: unknown[]): unknown
  q?: ArrayLike<unknown>[]
  loaded?: true
}

declare global {
  interface Window {
    /** The embed's command function (the inline stub until the bundle has loaded). */
    roomful?: Stub
  }
}

export function startLoader(api: RoomfulApi): void {
  if (window.roomful?.loaded) return // the bundle was included twice
  const commands: RoomfulCommands = {
    ready: (callback) => callback(api),
    registerLocale: (tag, strings) => api.registerLocale(tag, strings),
    mount(target, { element = 'roomful-chat', ...properties } = {}) {
      const parent = typeof target === 'string' ? document.querySelector(target) : target
      if (!parent) throw new TypeError(`unable to mount ${element}; nothing matches "${String(target)}"`)
      const el = Object.assign(document.createElement(element), properties)
      parent.append(el)
      return el
    },
  }
  const run = (name: unknown, ...args: unknown[]): unknown => {
    if (!Object.hasOwn(commands, String(name)))
      throw new TypeError(
        `unable to run roomful("${String(name)}"); the commands are ${Object.keys(commands).join(', ')}`,
      )
    return (commands[name as keyof RoomfulCommands] as (...a: unknown[]) => unknown)(...args)
  }
  const queued = window.roomful?.q ?? []
  window.roomful = Object.assign(run, { loaded: true as const })
  for (const call of Array.from(queued)) {
    // One bad queued call must not keep the others (or the ready event) from running.
    try {
      const [name, ...args] = Array.from(call)
      run(name, ...args)
    } catch (err) {
      console.error('Roomful:', err)
    }
  }
  document.dispatchEvent(new CustomEvent('roomful:ready', { detail: api, bubbles: true }))
}
