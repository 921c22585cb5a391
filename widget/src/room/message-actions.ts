import { html, nothing, type ReactiveController } from 'lit'
import type { Message } from '@roomful/sdk/protocol'
import type { RoomfulElement } from '../core/base-element.js'
import type { ChatRoom } from '../core/client.js'
import { errorText, type MessageKey } from '../core/i18n.js'

/** What a message's menu offers; ban and mute act on its sender, app-wide. */
export type MessageAction = 'edit' | 'delete' | 'ban' | 'mute'

/** The room view a message menu lives in. */
export interface ActionsHost extends RoomfulElement {
  readonly chatRoom: ChatRoom | undefined
}

const ITEM_KEYS: Record<MessageAction, MessageKey> = {
  edit: 'mod.edit',
  delete: 'mod.delete',
  ban: 'mod.ban',
  mute: 'mod.mute',
}

const ASK_KEYS: Record<MessageAction, MessageKey> = {
  edit: 'mod.editLabel',
  delete: 'mod.deleteAsk',
  ban: 'mod.banAsk',
  mute: 'mod.muteAsk',
}

/**
 * The per-message menu (the one menu of the log: every message's actions go through it), the
 * inline editor and the confirm step. It follows the WAI-ARIA menu button pattern: Enter,
 * Space or ArrowDown opens it on its first item, arrows and Home/End move, Escape closes it, and
 * focus goes back to the message's button whenever the menu, editor or confirm step goes away.
 */
export class MessageActions implements ReactiveController {
  /** Message whose menu is open. */
  private open: string | null = null
  /** Message being edited. */
  private editing: string | null = null
  /** Message whose action waits for a confirm (delete, or a ban or mute with its reason). */
  private confirming: { id: string; action: MessageAction } | null = null
  private error = ''
  private busy = false

  constructor(private readonly host: ActionsHost) {
    host.addController(this)
  }

  hostConnected(): void {}

  /** What the signed-in user may do to `m`: nothing for notices and tombstones. */
  actions(m: Message): MessageAction[] {
    const client = this.host.activeClient
    const me = client?.user
    if (!me || m.kind === 'notice' || m.deletedAt) return []
    const own = m.user.id === me.id
    const list: MessageAction[] = []
    if (own && m.kind === 'text') list.push('edit')
    if (own || me.moderator) list.push('delete')
    return list
  }

  isEditing(m: Message): boolean {
    return this.editing === m.id
  }

  /** The menu button, and below it whichever of menu or confirm step is open for `m`. */
  render(m: Message) {
    const actions = this.actions(m)
    if (!actions.length) return nothing
    const el = this.host
    const open = this.open === m.id
    return html`<div class="actions" @focusout=${this.onFocusOut}>
      <button
        class="menu-btn"
        part="menu-button"
        type="button"
        data-menu=${m.id}
        aria-haspopup="menu"
        aria-expanded=${open ? 'true' : 'false'}
        aria-label=${el.t('mod.menu', { name: m.user.name })}
        @click=${() => this.toggle(m.id)}
        @keydown=${(e: KeyboardEvent) => e.key === 'ArrowDown' && (e.preventDefault(), this.toggle(m.id, true))}
      >
        ⋯
      </button>
      ${
        open
          ? html`<div class="menu" part="menu" role="menu" @keydown=${this.onMenuKey}>
              ${actions.map(
                (a) =>
                  html`<button
                    class=${a === 'edit' ? '' : 'danger'}
                    part="menu-item"
                    role="menuitem"
                    tabindex="-1"
                    type="button"
                    @click=${() => this.choose(m, a)}
                  >
                    ${el.t(ITEM_KEYS[a])}
                  </button>`,
              )}
            </div>`
          : nothing
      }
      ${this.confirming?.id === m.id ? this.confirmStep(m, this.confirming.action) : nothing}
    </div>`
  }

  /** The inline editor that replaces `m`'s text: Enter saves, Escape cancels. */
  editor(m: Message) {
    return html`<form class="edit" part="editor" @submit=${(e: Event) => (e.preventDefault(), this.save(m))}>
      <textarea
        class="input"
        aria-label=${this.host.t('mod.editLabel')}
        .value=${m.text}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'Escape') return (e.stopPropagation(), this.done(m.id))
          if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return
          e.preventDefault()
          this.save(m)
        }}
      ></textarea>
      ${this.errorLine()}
    </form>`
  }

  private confirmStep(m: Message, action: MessageAction) {
    const el = this.host
    const sanction = action !== 'delete'
    return html`<form
      class="confirm"
      part="confirm"
      aria-label=${el.t(ITEM_KEYS[action])}
      @submit=${(e: SubmitEvent) => {
        e.preventDefault()
        const reason = new FormData(e.target as HTMLFormElement).get('reason')
        this.run(m, action, typeof reason === 'string' ? reason.trim() : '')
      }}
      @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && (e.stopPropagation(), this.done(m.id))}
    >
      <p>${el.tIsolated(ASK_KEYS[action], { name: m.user.name })}</p>
      ${
        sanction
          ? html`<input
              class="input"
              name="reason"
              maxlength="500"
              aria-label=${el.t('mod.reason')}
              placeholder=${el.t('mod.reason')}
            />`
          : nothing
      }
      <button class="btn primary" type="submit" ?disabled=${this.busy}>${el.t(ITEM_KEYS[action])}</button>
      <button class="btn ghost" type="button" @click=${() => this.done(m.id)}>${el.t('mod.cancel')}</button>
      ${this.errorLine()}
    </form>`
  }

  private errorLine() {
    return this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing
  }

  private toggle(id: string, opening = this.open !== id): void {
    this.open = opening ? id : null
    this.confirming = null
    this.error = ''
    this.host.requestUpdate()
    if (opening) this.focusWhenRendered('[role=menuitem]')
  }

  private choose(m: Message, action: MessageAction): void {
    this.open = null
    this.error = ''
    if (action === 'edit') {
      this.editing = m.id
      this.host.requestUpdate()
      this.focusWhenRendered('.edit textarea')
      return
    }
    this.confirming = { id: m.id, action }
    this.host.requestUpdate()
    this.focusWhenRendered(action === 'delete' ? '.confirm .btn.primary' : '.confirm input')
  }

  private onMenuKey = (e: KeyboardEvent) => {
    const items = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('[role=menuitem]')]
    const at = items.indexOf(e.target as HTMLElement)
    const to =
      e.key === 'ArrowDown'
        ? (at + 1) % items.length
        : e.key === 'ArrowUp'
          ? (at - 1 + items.length) % items.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? items.length - 1
              : -1
    if (to >= 0) {
      e.preventDefault()
      items[to]?.focus()
    } else if (e.key === 'Escape') {
      e.stopPropagation()
      if (this.open) this.done(this.open)
    } else if (e.key === 'Tab') {
      this.open = null
      this.host.requestUpdate()
    }
  }

  /** A menu left by focus (a click elsewhere, Tab) closes; a pending confirm stays. */
  private onFocusOut = (e: FocusEvent) => {
    const wrap = e.currentTarget as HTMLElement
    if (this.open && !wrap.contains(e.relatedTarget as Node | null)) {
      this.open = null
      this.host.requestUpdate()
    }
  }

  private async save(m: Message): Promise<void> {
    const area = this.host.renderRoot.querySelector<HTMLTextAreaElement>('.edit textarea')
    const text = area?.value.trim() ?? ''
    if (!text || text === m.text) return this.done(m.id)
    await this.attempt(m.id, (room) => room.edit(m.id, text))
  }

  private async run(m: Message, action: MessageAction, reason: string): Promise<void> {
    void reason
    await this.attempt(m.id, (room) => (action === 'delete' ? room.delete(m.id) : Promise.resolve()))
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
      this.done(id)
    } catch (err) {
      this.error = errorText(this.host.lang_, err)
    } finally {
      this.busy = false
      this.host.requestUpdate()
    }
  }

  /** Closes whatever was open for message `id` and gives focus back to its button (or the log). */
  private done(id: string): void {
    this.open = this.editing = this.confirming = null
    this.error = ''
    this.host.requestUpdate()
    void this.host.updateComplete.then(() => {
      const root = this.host.renderRoot
      ;(
        root.querySelector<HTMLElement>(`[data-menu="${id}"]`) ?? root.querySelector<HTMLElement>('.log')
      )?.focus()
    })
  }

  private focusWhenRendered(selector: string): void {
    void this.host.updateComplete.then(() =>
      this.host.renderRoot.querySelector<HTMLElement>(selector)?.focus(),
    )
  }
}
