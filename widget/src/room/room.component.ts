import { html, nothing, type PropertyValues } from 'lit'
import type { PendingSend } from '@roomful/sdk'
import type { UserProfile } from '@roomful/sdk/protocol'
import { property, query, state } from 'lit/decorators.js'
import '../composer/composer.js'
import type { RoomfulComposer } from '../composer/composer.js'
import { RoomfulElement } from '../core/base-element.js'
import { ConnectionController } from '../core/connection-controller.js'
import { errorCode, errorText } from '../core/i18n.js'
import { backIcon } from '../core/icons.js'
import { RoomController } from '../core/room-controller.js'
import { sanctionText } from '../core/sanction.js'
import { ScrollAnchor } from '../core/scroll-anchor.js'
import { connectionBanner } from '../core/templates.js'
import { logEntries, pendingEntry } from './log-entries.js'
import { MessageActions } from './message-actions.js'
import { RoomSettings } from './room-settings.js'
import { peoplePanel, typingLine } from './presence.js'
import { roomStyles } from './room.styles.js'

/**
 * One chat room: its log (history on entry, live messages, join/leave notices, older pages
 * as you scroll up), who is here, who is typing, and the composer.
 *
 * @example
 * <roomful-room url="https://chat.example.com" app-id="my-app" room="r_123" token="…"></roomful-room>
 *
 * @event roomful-join - The room's history and presence are on screen; `detail: { room }`.
 * @event roomful-message-sent - A message was stored; `detail: { message }`.
 * @event roomful-back - The back button was pressed (only with `show-back`).
 * @event roomful-login-required - A guest tried to chat; `detail: { roomId }`.
 * @event roomful-connection - The connection changed; `detail: { previous, current }`.
 * @event roomful-error - A send failed; `detail: { code, message }`.
 *
 * @csspart header - The bar with the room's name.
 * @csspart back-button - The back button.
 * @csspart log - The scrolling message log.
 * @csspart message - One message (also `own` for the user's own, `notice` for join/leave).
 * @csspart author - A message's author name.
 * @csspart text - A message's text (also `deleted` for the tombstone of a deleted message).
 * @csspart edited - The "(edited)" mark of an edited message.
 * @csspart menu-button - A message's actions button (edit, delete; ban and mute for moderators).
 * @csspart menu - The actions menu it opens; `menu-item` for each action in it.
 * @csspart menu-item - One action in that menu.
 * @csspart confirm - The step that asks before a delete (or a ban or mute).
 * @csspart editor - The inline editor of your own message (Enter saves, Escape cancels).
 * @csspart settings-button - A moderator's room settings button (in the header).
 * @csspart settings - The room settings panel it opens (slow mode, read-only, archive).
 * @csspart send-notice - Why you cannot send here (banned, muted, a read-only or archived room).
 * @csspart link - A link in a message.
 * @csspart attachment - An image attachment's link (around its thumbnail).
 * @csspart avatar - An avatar.
 * @csspart presence - The people-here panel.
 * @csspart typing - The typing indicator.
 * @csspart composer - The message form (from `roomful-composer`, like the three below).
 * @csspart input - The message field.
 * @csspart send-button - The send button.
 * @csspart attach-button - The button that picks an image to send (images can also be pasted
 *   or dropped on the composer).
 * @csspart banner - The connection banner.
 *
 * @slot header-actions - Content of your own in the header, before the people count (e.g. a
 *   button that opens your room settings).
 * @slot empty - What an empty room says, instead of "No messages yet. Say hello!".
 *
 * @cssproperty --roomful-accent - Own messages, buttons and links.
 * @cssproperty --roomful-accent-soft - Background of own messages.
 * @cssproperty --roomful-surface - Background of others' messages and panels.
 */
export class RoomfulRoom extends RoomfulElement {
  static override styles = roomStyles

  /** Id of the room to join. */
  @property({ attribute: 'room' }) roomId?: string
  /** Read-only: the composer is replaced by a login prompt. */
  @property({ type: Boolean }) readonly = false
  /** Show a back button that emits `roomful-back`. */
  @property({ type: Boolean, attribute: 'show-back' }) showBack = false
  /** Hide the built-in connection banner (when a surrounding element shows its own). */
  @property({ type: Boolean, attribute: 'no-banner' }) noBanner = false

  @state() private peopleOpen = false
  @state() private wide = false

  @query('.log') private log?: HTMLElement
  @query('h2') private heading?: HTMLElement
  @query('roomful-composer') private composer?: RoomfulComposer

  private anchor = new ScrollAnchor(
    this,
    () => this.log,
    () => void this.ctl.loadOlder(),
  )
  private ctl = new RoomController(this, (change) => this.anchor.note(change))
  private conn = new ConnectionController(this)
  private actions = new MessageActions(this)
  private settings = new RoomSettings(this)
  private resizer?: ResizeObserver

  /** The SDK room on screen, for the message menu. */
  get chatRoom() {
    return this.ctl.room
  }

  /** Who the socket is signed in as, to mark own messages. */
  private get me(): UserProfile | null {
    return this.activeClient?.user ?? null
  }

  /** Focuses the composer (or the room's name when read-only), e.g. when the room opens. */
  override focus(): void {
    void this.updateComplete.then(() => (this.readonly ? this.heading : this.composer)?.focus())
  }

  override connectedCallback(): void {
    super.connectedCallback()
    if (typeof ResizeObserver !== 'undefined') {
      this.resizer ??= new ResizeObserver(([entry]) => {
        const wide = (entry?.contentRect.width ?? 0) >= 720
        if (wide !== this.wide) this.wide = wide
      })
      this.resizer.observe(this)
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.resizer?.disconnect()
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed)
    if (changed.has('roomId')) this.ctl.roomChanged()
  }

  override render() {
    const { room, phase } = this.ctl
    const name = room?.info?.name ?? ''
    const back = () => this.emit('roomful-back', {})
    return html`<div class="room ${this.wide ? 'wide' : ''}" @keydown=${this.onRoomKeydown}>
      <header part="header">
        ${
          this.showBack
            ? html`<button
                class="icon-btn back"
                part="back-button"
                type="button"
                aria-label=${this.t('room.back')}
                title=${this.t('room.back')}
                @click=${back}
              >
                ${backIcon}
              </button>`
            : nothing
        }
        <div class="title">
          <h2 tabindex="-1" dir="auto">${name || '\u00a0'}</h2>
          ${room?.info?.topic ? html`<p class="topic" dir="auto">${room.info.topic}</p>` : nothing}
        </div>
        <slot name="header-actions"></slot>
        ${this.settings.render()}
        <button
          class="people-btn"
          type="button"
          aria-expanded=${this.peopleVisible ? 'true' : 'false'}
          aria-controls="people"
          @click=${() => (this.peopleOpen = !this.peopleOpen)}
        >
          <span class="count ${room?.total ? '' : 'zero'}"
            ><span class="dot"></span>${this.t('room.here', { n: room?.total ?? 0 })}</span
          >
        </button>
      </header>
      ${this.noBanner ? nothing : connectionBanner(this, this.conn)}
      <div class="body">
        <div class="log-wrap">
          ${
            phase === 'error'
              ? html`<div class="center" role="alert">
                  <p>
                    ${
                      errorCode(this.ctl.error) === 'banned'
                        ? sanctionText(this, 'banned', this.activeClient?.sanction ?? this.ctl.sanction)
                        : errorText(this.lang_, this.ctl.error)
                    }
                  </p>
                  ${
                    this.showBack
                      ? html`<button class="btn ghost" type="button" @click=${back}>
                          ${this.t('room.back')}
                        </button>`
                      : nothing
                  }
                </div>`
              : this.renderLog(name)
          }
        </div>
        ${peoplePanel(this, this.ctl.room, this.me, this.peopleVisible)}
      </div>
      ${typingLine(this, this.ctl.typists)}
      <roomful-composer
        exportparts="composer, input, send-button, attach-button, send-notice"
        .client=${this.activeClient}
        .locale=${this.locale}
        theme=${this.theme}
        .room=${room}
        room-name=${name}
        ?disabled=${phase !== 'joined'}
        ?readonly=${this.readonly}
        notice=${this.sendNotice}
      ></roomful-composer>
    </div>`
  }

  /** Why this user cannot send here, or ''. A sanction that has run out no longer counts. */
  private get sendNotice(): string {
    const info = this.ctl.room?.info
    const s = [this.activeClient?.sanction, this.ctl.sanction].find(
      (s) => s && (!s.expiresAt || Date.parse(s.expiresAt) > Date.now()),
    )
    return this.conn.reason === 'banned' || s?.kind === 'ban'
      ? sanctionText(this, 'banned', s)
      : s
        ? sanctionText(this, 'muted', s)
        : info?.archived
          ? errorText(this.lang_, { code: 'room_archived' })
          : info?.readOnly && !this.activeClient?.user?.moderator
            ? errorText(this.lang_, { code: 'read_only' })
            : ''
  }

  /** Escape closes the people panel that covers the log on narrow screens. */
  private onRoomKeydown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || this.wide || !this.peopleOpen) return
    this.peopleOpen = false
    this.renderRoot.querySelector<HTMLElement>('.people-btn')?.focus()
  }

  private get peopleVisible(): boolean {
    return this.wide ? !this.peopleOpen : this.peopleOpen
  }

  private renderLog(name: string) {
    const ctl = this.ctl
    return html`<div
        class="log"
        part="log"
        role="log"
        aria-live="polite"
        aria-busy=${ctl.loadingOlder || ctl.phase === 'joining' ? 'true' : 'false'}
        aria-label=${this.t('room.log', { name })}
        tabindex="0"
        @scroll=${this.anchor.onScroll}
      >
        <div class="log-top">${this.renderLogTop()}</div>
        ${logEntries(this, ctl.messages, this.me, this.actions)}
        ${ctl.pending.filter((p) => p.text).map((p) => pendingEntry(this, p, this.retry, (x) => ctl.discard(x)))}
      </div>
      ${
        this.anchor.unseen
          ? html`<button class="btn primary unseen" type="button" @click=${() => this.anchor.toBottom()}>
              ${this.t('room.newMessages')}
            </button>`
          : nothing
      }`
  }

  private renderLogTop() {
    const ctl = this.ctl
    if (ctl.phase === 'joining' || ctl.loadingOlder)
      return html`<p class="muted">
        <span class="spinner" aria-hidden="true"></span>
        ${this.t(ctl.loadingOlder ? 'room.loadingOlder' : 'room.joining')}
      </p>`
    if (ctl.room?.hasMore)
      return html`<button class="btn link" type="button" @click=${() => ctl.loadOlder()}>
        ${this.t('room.loadOlder')}
      </button>`
    return html`<p class="muted start">
      ${ctl.messages.length ? this.t('room.start') : html`<slot name="empty">${this.t('room.empty')}</slot>`}
    </p>`
  }

  /** A failed message's Retry: sent again as a new send; a new failure is said in the composer. */
  private retry = (p: PendingSend) =>
    void this.ctl.retry(p).catch((err: unknown) => this.composer?.report(err))
}
