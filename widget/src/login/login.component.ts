import { html, nothing, type PropertyValues } from 'lit'
import { property, query, state } from 'lit/decorators.js'
import { RoomfulElement } from '../core/base-element.js'
import { errorCode, errorText } from '../core/i18n.js'
import { loginStyles } from './login.styles.js'

/**
 * Log in or sign up with a hosted Roomful account (email + password). On success the
 * client is authenticated and `roomful-login` carries the session.
 *
 * @example
 * <roomful-login url="https://chat.example.com" app-id="my-app" mode="signup"></roomful-login>
 *
 * @event roomful-login - Logged in or signed up; `detail: { session }` (user, tokens).
 * @event roomful-error - The attempt failed; `detail: { code, message }`.
 *
 * @csspart card - The form's card.
 * @csspart form - The form.
 * @csspart input - Each text field.
 * @csspart submit - The submit button.
 *
 * @cssproperty --roomful-raised - Background of the card.
 * @cssproperty --roomful-danger - Colour of error messages.
 */
export class RoomfulLogin extends RoomfulElement {
  static override styles = loginStyles

  /** Which form to show first. */
  @property({ reflect: true }) mode: 'login' | 'signup' = 'login'

  @state() private busy = false
  @state() private error = ''
  @query('h2') private heading?: HTMLElement
  @query('input') private firstInput?: HTMLInputElement

  /** Moves focus to the first field (used when a screen opens). */
  override focus(): void {
    void this.updateComplete.then(() => (this.firstInput ?? this.heading)?.focus())
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('mode') && changed.get('mode') !== undefined) this.error = ''
  }

  override render() {
    const signup = this.mode === 'signup'
    return html`<section class="card" part="card" aria-labelledby="heading">
      <h2 id="heading" tabindex="-1">${this.t(signup ? 'auth.title.signup' : 'auth.title.login')}</h2>
      <p class="hint muted">${this.t('auth.hint')}</p>
      <div class="tabs" role="tablist">
        ${(['login', 'signup'] as const).map(
          (mode) =>
            html`<button
              type="button"
              role="tab"
              id=${`tab-${mode}`}
              aria-selected=${this.mode === mode ? 'true' : 'false'}
              aria-controls="form"
              tabindex=${this.mode === mode ? 0 : -1}
              @click=${() => (this.mode = mode)}
              @keydown=${this.onTabKey}
            >
              ${this.t(mode === 'login' ? 'auth.login' : 'auth.signup')}
            </button>`,
        )}
      </div>
      <form
        id="form"
        part="form"
        role="tabpanel"
        aria-labelledby=${`tab-${this.mode}`}
        @submit=${this.onSubmit}
        aria-describedby=${this.error ? 'error' : nothing}
      >
        ${
          signup
            ? html`<div class="field">
                <label for="name">${this.t('auth.displayName')}</label>
                <input
                  class="input"
                  part="input"
                  id="name"
                  name="displayName"
                  required
                  maxlength="64"
                  autocomplete="nickname"
                />
              </div>`
            : nothing
        }
        <div class="field">
          <label for="email">${this.t('auth.email')}</label>
          <input
            class="input"
            part="input"
            id="email"
            name="email"
            type="email"
            required
            autocomplete="email"
          />
        </div>
        <div class="field">
          <label for="password">${this.t('auth.password')}</label>
          <input
            class="input"
            part="input"
            id="password"
            name="password"
            type="password"
            required
            minlength=${signup ? 8 : nothing}
            autocomplete=${signup ? 'new-password' : 'current-password'}
            aria-describedby=${signup ? 'pw-hint' : nothing}
          />
          ${signup ? html`<small id="pw-hint">${this.t('auth.passwordHint')}</small>` : nothing}
        </div>
        ${this.error ? html`<p id="error" class="error" role="alert">${this.error}</p>` : nothing}
        <button class="btn primary" part="submit" type="submit" ?disabled=${this.busy}>
          ${this.busy ? this.t('auth.busy') : this.t(signup ? 'auth.submit.signup' : 'auth.submit.login')}
        </button>
      </form>
      <p class="switch">
        <button class="btn link" type="button" @click=${() => (this.mode = signup ? 'login' : 'signup')}>
          ${this.t(signup ? 'auth.toLogin' : 'auth.toSignup')}
        </button>
      </p>
    </section>`
  }

  /** Arrow keys move between the two tabs (the WAI-ARIA tabs pattern). */
  private onTabKey = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return
    event.preventDefault()
    this.mode = this.mode === 'login' ? 'signup' : 'login'
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>(`#tab-${this.mode}`)?.focus(),
    )
  }

  private async onSubmit(event: SubmitEvent) {
    event.preventDefault()
    const client = this.activeClient
    if (!client || this.busy) return
    const data = new FormData(event.currentTarget as HTMLFormElement)
    const email = String(data.get('email') ?? '').trim()
    const password = String(data.get('password') ?? '')
    const displayName = String(data.get('displayName') ?? '').trim()
    this.busy = true
    this.error = ''
    try {
      const session =
        this.mode === 'signup'
          ? await client.auth.signup({ email, password, displayName })
          : await client.auth.login({ email, password })
      // A visitor refused as a guest left the client stopped; signing in does not restart it.
      client.connect()
      this.emit('roomful-login', { session })
    } catch (err) {
      this.error = errorText(this.lang_, err)
      this.emit('roomful-error', { code: errorCode(err) ?? 'internal', message: this.error })
    } finally {
      this.busy = false
    }
  }
}
