import { LitElement, type PropertyValues, type TemplateResult } from 'lit'
import { property } from 'lit/decorators.js'
import { acquireClient, clientKey, releaseClient, type ChatClient } from './client.js'
import type { RoomfulEventMap, RoomfulEventName } from './events.js'
import { translateIsolated } from './sentence.js'
import { LocaleController, resolveLocale, translate, type Locale, type MessageKey } from './i18n.js'

/** Light, dark, or follow the visitor's system setting. */
export type Theme = 'light' | 'dark' | 'auto'

/**
 * Base of every Roomful element: the connection attributes, language, theme, and a typed,
 * composed `emit()`.
 *
 * An element either gets a ready `client` (so several elements share one socket), or builds
 * one from `url` + `app-id` (+ `token` / `getToken`); elements given the same settings share
 * a client anyway.
 */
export class RoomfulElement extends LitElement {
  /** Base URL of the Roomful backend, e.g. `https://chat.example.com`. */
  @property() url?: string
  /** The app (tenant) id issued to your site. */
  @property({ attribute: 'app-id' }) appId?: string
  /** A user token minted by your server (bring-your-own identity). */
  @property() token?: string
  /** Called whenever a fresh user token is needed; for host sites with their own login. */
  @property({ attribute: false }) getToken?: () => Promise<string> | string
  /** An SDK client to use instead of creating one from `url` / `app-id`. */
  @property({ attribute: false }) client?: ChatClient
  /** `en`, `ko` or a registered language; defaults to the browser's language, then English. */
  @property() locale?: string
  /** `light`, `dark` or `auto` (follows `prefers-color-scheme`, the default). */
  @property({ reflect: true }) theme: Theme = 'auto'

  private owned?: { key: string; client: ChatClient }
  // Strings registered after the first render (`registerLocale`) show at once.
  private readonly locales = new LocaleController(this)

  /** The client in use: the one given, or the one this element created. */
  get activeClient(): ChatClient | undefined {
    return this.client ?? this.owned?.client
  }

  get lang_(): Locale {
    return resolveLocale(this.locale)
  }

  /** Translates a dictionary key in the element's language. */
  t(key: MessageKey, params?: Record<string, string | number>): string {
    return translate(this.lang_, key, params)
  }

  /**
   * Translates a sentence that names someone or something users typed: each string parameter
   * is rendered in its own `<bdi>`, so it cannot reorder the widget's words around it.
   */
  tIsolated(key: MessageKey, params: Record<string, string | number>): TemplateResult | string {
    return translateIsolated(this.lang_, key, params)
  }

  /** Dispatches a typed `roomful-…` event that bubbles out of shadow roots. */
  emit<K extends RoomfulEventName>(name: K, detail: RoomfulEventMap[K]): boolean {
    return this.dispatchEvent(
      new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: true }),
    )
  }

  override connectedCallback(): void {
    super.connectedCallback()
    // Re-acquire a client released on disconnect (the element may have been moved).
    this.requestUpdate()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.dropOwned()
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed)
    this.syncClient()
  }

  private syncClient(): void {
    if (this.client || !this.url || !this.appId || !this.isConnected) {
      if (this.client || !this.isConnected) this.dropOwned()
      return
    }
    const next = { url: this.url, appId: this.appId, token: this.token, getToken: this.getToken }
    if (this.owned?.key === clientKey(next)) return
    const acquired = acquireClient(next)
    if (this.owned) releaseClient(this.owned.key)
    this.owned = acquired
  }

  private dropOwned(): void {
    if (!this.owned) return
    releaseClient(this.owned.key)
    this.owned = undefined
  }
}
