import { html, nothing, type ReactiveController } from 'lit'
import type { RoomfulElement } from '../core/base-element.js'
import type { ChatRoom } from '../core/client.js'
import { errorText } from '../core/i18n.js'

/** The room view the settings panel lives in. */
interface SettingsHost extends RoomfulElement {
  readonly chatRoom: ChatRoom | undefined
}

/**
 * A moderator's room settings: slow mode, read-only and archive, behind a header button. Saved
 * settings reach every member live (the room's `settings` event); Escape or Cancel closes the
 * panel and gives focus back to its button.
 */
export class RoomSettings implements ReactiveController {
  private open = false
  private error = ''

  constructor(private readonly host: SettingsHost) {
    host.addController(this)
  }

  hostConnected(): void {}

  render() {
    const el = this.host
    const info = el.chatRoom?.info
    if (!info || !el.activeClient?.user?.moderator) return nothing
    return html`<button
        class="people-btn settings-btn"
        part="settings-button"
        type="button"
        aria-expanded=${String(this.open)}
        @click=${() => this.toggle(!this.open)}
      >
        ${el.t('mod.settings')}
      </button>
      ${
        this.open
          ? html`<form
              class="pop settings"
              part="settings"
              aria-label=${el.t('mod.settings')}
              @submit=${this.save}
              @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && (e.stopPropagation(), this.toggle(false))}
            >
              <label class="field"
                >${el.t('mod.slowMode')}
                <input
                  class="input"
                  name="slow"
                  type="number"
                  min="0"
                  max="21600"
                  .value=${String(info.slowModeSeconds)}
              /></label>
              <label
                ><input name="readOnly" type="checkbox" .checked=${info.readOnly} />
                ${el.t('mod.readOnly')}</label
              >
              <label
                ><input name="archived" type="checkbox" .checked=${info.archived} />
                ${el.t('mod.archived')}</label
              >
              <button class="btn primary">${el.t('mod.save')}</button>
              ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
            </form>`
          : nothing
      }`
  }

  private toggle(open: boolean): void {
    this.open = open
    this.error = ''
    this.host.requestUpdate()
    void this.host.updateComplete.then(() =>
      this.host.renderRoot.querySelector<HTMLElement>(open ? '.settings input' : '.settings-btn')?.focus(),
    )
  }

  private save = async (e: SubmitEvent) => {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const input = (name: string) => form.elements.namedItem(name) as HTMLInputElement
    const room = this.host.chatRoom
    try {
      await this.host.activeClient!.moderation.updateRoom(room!.id, {
        slowModeSeconds: Math.max(0, Math.round(Number(input('slow').value) || 0)),
        readOnly: input('readOnly').checked,
        archived: input('archived').checked,
      })
      this.toggle(false)
    } catch (err) {
      this.error = errorText(this.host.lang_, err)
      this.host.requestUpdate()
    }
  }
}
