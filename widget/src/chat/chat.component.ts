import { html, nothing, type PropertyValues } from 'lit'
import type { UserProfile } from '@roomful/sdk/protocol'
import { property, query, state } from 'lit/decorators.js'
import { RoomfulElement } from '../core/base-element.js'
import { isolate } from '../core/bidi.js'
import { ConnectionController } from '../core/connection-controller.js'
import type { RoomfulEvent } from '../core/events.js'
import { avatar, connectionBanner } from '../core/templates.js'
import '../login/login.js'
import '../ranking/ranking.js'
import type { RoomfulRoomList } from '../room-list/room-list.js'
import '../room-list/room-list.js'
import '../room/room.js'
import { chatStyles } from './chat.styles.js'

type Screen = 'lobby' | 'login' | 'room'

const ROOM_PARTS =
  'header, back-button, log, message, own, notice, pending, author, text, link, attachment, avatar, presence, typing, composer, input, send-button, attach-button, edited, deleted, menu-button, menu, menu-item, confirm, editor, send-notice, settings-button, settings'
const LOBBY_PARTS = 'board, entry, count, list, create-form, room, button'
const LOGIN_PARTS = 'card, form, input:login-input, submit'

/**
 * The whole Roomful experience in one element: the lobby (live ranking board and room list),
 * hosted login and signup, and the chat room.
 *
 * @example
 * <script src="https://cdn.example.com/roomful-widget.min.js"></script>
 * <roomful-chat url="https://chat.example.com" app-id="my-app"></roomful-chat>
 *
 * @event roomful-room-select - A room was picked in the lobby; `detail: { roomId, name }`.
 * @event roomful-room-create - The user created a room; `detail: { room }`.
 * @event roomful-login - The user logged in or signed up; `detail: { session }`.
 * @event roomful-join - A room was opened; `detail: { room }`.
 * @event roomful-message-sent - A message was stored; `detail: { message }`.
 * @event roomful-connection - The connection changed; `detail: { previous, current }`.
 * @event roomful-error - Something failed; `detail: { code, message }`.
 *
 * @slot room-header-actions - Content of your own in a room's header (`roomful-room`'s
 *   `header-actions`).
 * @slot room-empty - What an empty room says (`roomful-room`'s `empty`).
 * @slot rooms-empty - What the room list says while there are no rooms.
 * @slot ranking-empty - What the ranking board says while no room has anyone in it.
 *
 * @csspart chat - The outer frame.
 * @csspart lobby-header - The lobby's title bar.
 * @csspart banner - The connection banner.
 * @csspart header - Room header (from `roomful-room`); every part of the inner elements is
 *   exported too: log, message, author, text, link, avatar, presence, typing, composer, input,
 *   send-button, back-button, edited, deleted, menu-button, menu, menu-item, confirm, editor,
 *   send-notice, settings-button, settings, board, entry, count, list, create-form, room, button, card, form, login-input,
 *   submit.
 *
 * @cssproperty --roomful-height - Height of the widget (default 640px).
 * @cssproperty --roomful-font - Font family.
 * @cssproperty --roomful-font-size - Base font size (default 15px).
 * @cssproperty --roomful-radius - Corner radius of the frame and cards (default 12px).
 * @cssproperty --roomful-bg - Background.
 * @cssproperty --roomful-surface - Background of others' messages and hovered rows.
 * @cssproperty --roomful-raised - Background of cards and bars.
 * @cssproperty --roomful-border - Border colour.
 * @cssproperty --roomful-text - Text colour.
 * @cssproperty --roomful-muted - Secondary text colour.
 * @cssproperty --roomful-accent - Accent: buttons, links.
 * @cssproperty --roomful-accent-contrast - Text on the accent colour.
 * @cssproperty --roomful-accent-soft - Own messages, highlights.
 * @cssproperty --roomful-danger - Errors.
 * @cssproperty --roomful-success - Presence dots.
 * @cssproperty --roomful-focus - Focus ring.
 */
export class RoomfulChat extends RoomfulElement {
  static override styles = chatStyles

  /** A room to open directly instead of the lobby. */
  @property({ attribute: 'room' }) roomId?: string

  @state() private screen: Screen = 'lobby'
  private afterLogin?: string
  private focusNext = false

  @query('roomful-login') private loginEl?: HTMLElement
  @query('roomful-room') private roomEl?: HTMLElement
  @query('.top h2') private lobbyHeading?: HTMLElement
  @query('roomful-room-list') private listEl?: RoomfulRoomList
  private lastRoom?: string

  private conn = new ConnectionController(this)

  /** Who the visitor is signed in as (null for guests and before the first connection). */
  get me(): UserProfile | null {
    const client = this.activeClient
    const user = client?.user
    if (!client || !user || user.guest) return null
    // `client.user` keeps the last identity after a logout until another one authenticates:
    // trust it only while some credential is still there (or the socket is live with it).
    const credential =
      !!client.auth.session || !!this.token || !!this.getToken || client.state === 'connected'
    return credential ? user : null
  }

  /** Whether the visitor can chat: a token, a token callback or a hosted login. */
  get authenticated(): boolean {
    return !!this.me || !!this.token || !!this.getToken || !!this.activeClient?.auth.session
  }

  /** Opens a room (as if picked in the lobby). */
  openRoom(roomId: string): void {
    this.roomId = roomId
    this.show('room')
  }

  /** Back to the lobby. */
  showLobby(): void {
    this.show('lobby')
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed)
    if (changed.has('roomId') && this.roomId && this.screen !== 'room') this.screen = 'room'
  }

  protected override updated(): void {
    if (!this.focusNext) return
    this.focusNext = false
    if (this.screen === 'login') this.loginEl?.focus()
    else if (this.screen === 'room') this.roomEl?.focus()
    else void this.focusLobby()
  }

  /** Back in the lobby, focus returns to the room the user just left, else to the heading. */
  private async focusLobby(): Promise<void> {
    const list = this.listEl
    const from = this.lastRoom
    if (list && from) {
      await list.updateComplete
      if (list.focusRoom(from)) return
    }
    this.lobbyHeading?.focus()
  }

  private show(screen: Screen): void {
    if (this.screen === 'room' && screen !== 'room') this.lastRoom = this.roomId
    this.screen = screen
    this.focusNext = true
  }

  override render() {
    return html`<div class="chat" part="chat">
      ${connectionBanner(this, this.conn)}
      <div class="screen">
        ${this.renderLobby(this.screen === 'lobby' || (this.screen === 'room' && !this.roomId))}
        ${this.screen === 'room' && this.roomId ? this.renderRoom(this.roomId) : nothing}
        ${this.screen === 'login' ? this.renderLogin() : nothing}
      </div>
    </div>`
  }

  // The inner elements' slots are forwarded: a forwarded slot hides the inner one's default
  // content even when nothing fills it, so each forwarding slot repeats that default.

  /** The lobby stays mounted while a room is open, so its list, scroll and live feeds survive. */
  private renderLobby(visible: boolean) {
    const client = this.activeClient
    return html`<div class="scroll" ?hidden=${!visible}>
      <div class="top" part="lobby-header">
        <div>
          <h2 tabindex="-1">${this.t('lobby.title')}</h2>
          <p class="subtitle">${this.t('lobby.subtitle')}</p>
        </div>
        ${this.renderMe()}
      </div>
      <div class="lobby" @roomful-room-select=${this.onSelect}>
        <roomful-ranking
          .client=${client}
          .locale=${this.locale}
          theme=${this.theme}
          exportparts=${LOBBY_PARTS}
        >
          <slot name="ranking-empty" slot="empty">${this.t('ranking.empty')}</slot>
        </roomful-ranking>
        <roomful-room-list
          .client=${client}
          .locale=${this.locale}
          theme=${this.theme}
          exportparts=${LOBBY_PARTS}
          ?can-create=${this.authenticated}
          @roomful-room-create=${this.onCreate}
          @roomful-login-required=${() => this.requireLogin()}
        >
          <slot name="rooms-empty" slot="empty">${this.t('rooms.empty')}</slot>
        </roomful-room-list>
      </div>
    </div>`
  }

  private renderMe() {
    const me = this.me
    const hosted = !!this.activeClient?.auth.session
    if (!me && this.authenticated) return nothing
    if (!me)
      return html`<button class="btn primary" type="button" @click=${() => this.requireLogin()}>
        ${this.t('auth.login')}
      </button>`
    return html`<div class="me">
      ${avatar(me, 'sm')}<span title=${this.t('auth.signedInAs', { name: isolate(me.name) })} dir="auto"
        >${me.name}</span
      >
      ${hosted ? html`<button class="btn link" type="button" @click=${this.logout}>${this.t('auth.logout')}</button>` : nothing}
    </div>`
  }

  private logout = async () => {
    await this.activeClient?.auth.logout().catch(() => {})
    this.requestUpdate()
  }

  private renderLogin() {
    return html`<div class="scroll login-screen">
      <button
        class="btn ghost back"
        type="button"
        @click=${() => this.show(this.afterLogin ? 'room' : 'lobby')}
      >
        ← ${this.t('room.back')}
      </button>
      <roomful-login
        .client=${this.activeClient}
        .locale=${this.locale}
        theme=${this.theme}
        exportparts=${LOGIN_PARTS}
        @roomful-login=${this.onLogin}
      ></roomful-login>
    </div>`
  }

  private renderRoom(roomId: string) {
    return html`<roomful-room
      .client=${this.activeClient}
      .locale=${this.locale}
      theme=${this.theme}
      room=${roomId}
      show-back
      no-banner
      ?readonly=${!this.authenticated}
      exportparts=${ROOM_PARTS}
      @roomful-back=${() => this.show('lobby')}
      @roomful-login-required=${() => this.requireLogin(roomId)}
    >
      <slot name="room-header-actions" slot="header-actions"></slot>
      <slot name="room-empty" slot="empty">${this.t('room.empty')}</slot>
    </roomful-room>`
  }

  private onSelect = (event: RoomfulEvent<'roomful-room-select'>) => {
    this.openRoom(event.detail.roomId)
  }

  private onCreate = (event: RoomfulEvent<'roomful-room-create'>) => {
    this.openRoom(event.detail.room.id)
  }

  private onLogin = () => {
    const next = this.afterLogin
    this.afterLogin = undefined
    if (next) this.openRoom(next)
    else this.show('lobby')
  }

  private requireLogin(roomId?: string): void {
    this.afterLogin = roomId
    this.show('login')
  }
}
