import { html, nothing, type ReactiveController } from 'lit'
import type { Message } from '@roomful/sdk/protocol'
import type { RoomfulElement } from '../core/base-element.js'
import type { ChatRoom } from '../core/client.js'
import { errorText, type MessageKey } from '../core/i18n.js'

/** What a message's menu offers; ban and mute act on its sender, app-wide. */
export type MessageAction = 'edit' | 'delete' | 'ban' | 'mute'
type Step = 'menu' | MessageAction

/** The room view a message menu lives in. */
export interface ActionsHost extends RoomfulElement {
  readonly chatRoom: ChatRoom | undefined
}

// What takes focus when a step opens: the menu's first item, the editor, the confirm button
// (a delete), the reason field (a ban or mute).
const FOCUS: Record<Step, string> = {
  menu: '[role=menuitem]',
  edit: '.edit textarea',
  delete: '.pop .primary',
  ban: '.pop input',
  mute: '.pop input',
}

const key = (k: string) => k as MessageKey

/**
 * The one menu of the log, on every message the user may act on, with the inline editor and
 * the confirm step it opens. It follows the WAI-ARIA menu button pattern: Enter, Space or
 * ArrowDown opens it on its first item, the arrows move round, Escape closes it; focus goes
 * back to the message's button whenever the menu, editor or confirm step goes away.
 */
export class MessageActions implements ReactiveController {
  /** The message with a step open, and which step. */
  private at: { id: string; step: Step } | null = null
  private error = ''
  private busy = false

  constructor(private readonly host: ActionsHost) {
    host.addController(this)
  }

  hostConnected(): void {}

  /** What the signed-in user may do to `m`: nothing to notices and tombstones. */
  actions(m: Message): MessageAction[] {
    const me = this.host.activeClient?.user
    if (!me || m.kind === 'notice' || m.deletedAt) return []
    const own = m.user.id === me.id
    const list: MessageAction[] = own && m.kind === 'text' ? ['edit'] : []
    if (own || me.moderator) list.push('delete')
    if (me.moderator && !own) list.push('ban', 'mute')
    return list
  }

  isEditing(m: Message): boolean {
    return this.at?.id === m.id && this.at.step === 'edit'
  }

  /** The menu button, and under it the menu or the confirm step when open for `m`. */
  render(m: Message) {
    const list = this.actions(m)
    if (!list.length) return nothing
    const el = this.host
    const step = this.at?.id === m.id ? this.at.step : null
    return html`<div
      class="actions"
      @focusout=${this.onFocusOut}
      @keydown=${(e: KeyboardEvent) => this.onKey(e, m)}
    >
      <button
        class="menu-btn"
        part="menu-button"
        type="button"
        data-menu=${m.id}
        aria-haspopup="menu"
        aria-expanded=${String(step === 'menu')}
        aria-label=${el.t('mod.menu', { name: m.user.name })}
        @click=${() => this.go(m.id, step === 'menu' ? null : 'menu')}
      >
        ⋯
      </button>
      ${
        step === 'menu'
          ? html`<div class="pop" part="menu" role="menu">
              ${list.map(
                (a) =>
                  html`<button
                    part="menu-item"
                    role="menuitem"
                    tabindex="-1"
                    type="button"
                    @click=${() => this.go(m.id, a)}
                  >
                    ${el.t(key(`mod.${a}`))}
                  </button>`,
              )}
            </div>`
          : step && step !== 'edit'
            ? this.confirmStep(m, step)
            : nothing
      }
    </div>`
  }

  /** The inline editor in place of `m`'s text: Enter saves, Escape cancels. */
  editor(m: Message) {
    return html`<form class="edit" part="editor">
      <textarea
        class="input"
        aria-label=${this.host.t('mod.edit')}
        .value=${m.text}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'Escape') this.go(m.id, null)
          if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return
          e.preventDefault()
          const text = (e.target as HTMLTextAreaElement).value.trim()
          if (!text || text === m.text) this.go(m.id, null)
          else this.attempt(m.id, (room) => room.edit(m.id, text))
        }}
      ></textarea>
      ${this.errorLine()}
    </form>`
  }

  /** Asks before a delete (or a ban or mute, with an optional reason). */
  private confirmStep(m: Message, a: MessageAction) {
    const el = this.host
    return html`<form
      class="pop"
      part="confirm"
      @submit=${(e: SubmitEvent) => {
        e.preventDefault()
        const reason = (e.target as HTMLFormElement).querySelector('input')?.value.trim()
        const moderation = el.activeClient?.moderation
        this.attempt(m.id, (room) =>
          a === 'delete'
            ? room.delete(m.id)
            : moderation![a === 'ban' ? 'ban' : 'mute']({ userId: m.user.id, ...(reason && { reason }) }),
        )
      }}
    >
      <p>${el.tIsolated(key(`mod.${a}Ask`), { name: m.user.name })}</p>
      ${
        a === 'delete'
          ? nothing
          : html`<input
              class="input"
              maxlength="500"
              aria-label=${el.t('mod.reason')}
              placeholder=${el.t('mod.reason')}
            />`
      }
      <button class="btn primary" ?disabled=${this.busy}>${el.t(key(`mod.${a}`))}</button>
      <button class="btn ghost" type="button" @click=${() => this.go(m.id, null)}>
        ${el.t('mod.cancel')}
      </button>
      ${this.errorLine()}
    </form>`
  }

  private errorLine() {
    return this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing
  }

  /** Escape closes any step; ArrowDown on the button opens the menu; arrows move in it. */
  private onKey(e: KeyboardEvent, m: Message): void {
    const step = this.at?.id === m.id ? this.at.step : null
    const items = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('[role=menuitem]')]
    const at = items.indexOf(e.target as HTMLElement)
    const by = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0
    if (e.key === 'Escape' && step) {
      e.stopPropagation()
      this.go(m.id, null)
    } else if (by && at >= 0) {
      e.preventDefault()
      items[(at + by + items.length) % items.length]?.focus()
    } else if (by > 0 && !step) {
      e.preventDefault()
      this.go(m.id, 'menu')
    }
  }

  /** A menu left by focus (Tab, a click elsewhere) closes; a confirm step stays. */
  private onFocusOut = (e: FocusEvent) => {
    if (
      this.at?.step === 'menu' &&
      !(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node | null)
    ) {
      this.at = null
      this.host.requestUpdate()
    }
  }

  /** Runs one change; on success the step closes, on failure it stays and says why. */
  private async attempt(id: string, change: (room: ChatRoom) => Promise<unknown>): Promise<void> {
    const room = this.host.chatRoom
    if (!room || this.busy) return
    this.busy = true
    this.error = ''
    this.host.requestUpdate()
    try {
      await change(room)
      this.go(id, null)
    } catch (err) {
      this.error = errorText(this.host.lang_, err)
    } finally {
      this.busy = false
      this.host.requestUpdate()
    }
  }

  /** Opens `step` for message `id` (null closes) and moves focus to what it shows. */
  private go(id: string, step: Step | null): void {
    this.at = step && { id, step }
    this.error = ''
    this.host.requestUpdate()
    void this.host.updateComplete.then(() => {
      const root = this.host.renderRoot
      ;(
        root.querySelector<HTMLElement>(step ? FOCUS[step] : `[data-menu="${id}"]`) ??
        root.querySelector<HTMLElement>('.log')
      )?.focus()
    })
  }
}
