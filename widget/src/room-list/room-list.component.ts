import { html, nothing } from 'lit'
import type { Room } from '@roomful/sdk/protocol'
import { property, state } from 'lit/decorators.js'
import { RoomfulElement } from '../core/base-element.js'
import { stripBidiControls } from '../core/bidi.js'
import { errorCode, errorText } from '../core/i18n.js'
import { RoomListController } from '../core/room-list-controller.js'
import { roomListStyles } from './room-list.styles.js'

/**
 * The list of rooms, newest first, with live occupancy, a "show more" pager and a box to
 * create a room. Rooms created by anyone appear at the top without a reload.
 *
 * @example
 * <roomful-room-list url="https://chat.example.com" app-id="my-app" token="…"></roomful-room-list>
 *
 * @event roomful-room-select - A room was picked; `detail: { roomId, name }`.
 * @event roomful-room-create - The user created a room; `detail: { room }`.
 * @event roomful-login-required - A guest tried to create a room; `detail: {}`.
 * @event roomful-error - Creating a room failed; `detail: { code, message }`.
 *
 * @slot empty - What the list says while the app has no rooms.
 *
 * @csspart list - The card around the list.
 * @csspart create-form - The create-a-room form.
 * @csspart room - One room's button.
 * @csspart count - A room's occupancy.
 * @csspart button - The form's and the pager's buttons.
 *
 * @cssproperty --roomful-raised - Background of cards.
 * @cssproperty --roomful-accent-soft - Background of room icons and new-room highlight.
 */
export class RoomfulRoomList extends RoomfulElement {
  static override styles = roomListStyles

  /** Show the create box; when false, a login prompt takes its place. */
  @property({ type: Boolean, attribute: 'can-create' }) canCreate = true
  /** Hide the create box entirely. */
  @property({ type: Boolean, attribute: 'no-create' }) noCreate = false

  @state() private creating = false
  @state() private createError = ''

  private list = new RoomListController(this)

  /** Focuses a room's button (e.g. the one the user came back from); false if it is not listed. */
  focusRoom(roomId: string): boolean {
    const button = [...this.renderRoot.querySelectorAll<HTMLElement>('button.room')].find(
      (b) => b.dataset.roomId === roomId,
    )
    button?.focus()
    return !!button
  }

  override render() {
    const { rooms, loaded, loading, error, nextCursor } = this.list
    return html`<div class="wrap">
      <section class="card" part="list" aria-labelledby="title">
        <header><h2 id="title">${this.t('rooms.title')}</h2></header>
        ${this.renderCreate()}
        ${
          !loaded && loading
            ? html`<p class="state muted" role="status">${this.t('rooms.loading')}</p>`
            : !loaded && error
              ? this.renderError(error)
              : rooms.length === 0
                ? html`<p class="state muted"><slot name="empty">${this.t('rooms.empty')}</slot></p>`
                : html`<ul aria-labelledby="title">
                    ${rooms.map((room) => this.renderRoom(room))}
                  </ul>`
        }
        ${
          nextCursor
            ? html`<div class="more">
                <button
                  class="btn ghost"
                  part="button"
                  type="button"
                  ?disabled=${loading}
                  @click=${() => this.list.loadMore()}
                >
                  ${this.t('rooms.more')}
                </button>
              </div>`
            : nothing
        }
      </section>
    </div>`
  }

  private renderError(error: unknown) {
    const code = errorCode(error)
    if (code === 'unauthenticated' || code === 'guest_read_only')
      return html`<div class="state">
        <p class="muted">${this.t('rooms.loginToSee')}</p>
        <button class="btn primary" type="button" @click=${() => this.emit('roomful-login-required', {})}>
          ${this.t('auth.login')}
        </button>
      </div>`
    return html`<div class="state" role="alert">
      <p class="error">${errorText(this.lang_, error)}</p>
      <button class="btn ghost" type="button" @click=${() => this.list.refresh()}>
        ${this.t('room.retry')}
      </button>
    </div>`
  }

  private renderRoom(room: Room) {
    const fresh = this.list.fresh.has(room.id)
    const here = this.t('rooms.here', { n: room.occupancy })
    return html`<li class=${fresh ? 'fresh' : ''}>
      <button
        class="room"
        part="room"
        type="button"
        data-room-id=${room.id}
        aria-label=${`${room.name}${room.topic ? `: ${room.topic}` : ''}, ${here}`}
        @click=${() => this.emit('roomful-room-select', { roomId: room.id, name: room.name })}
      >
        <span class="icon" aria-hidden="true"
          >${[...stripBidiControls(room.name).trim()][0]?.toUpperCase() ?? '#'}</span
        >
        <span class="text">
          <span class="name"
            ><span dir="auto">${room.name}</span
            >${fresh ? html`<span class="badge">${this.t('rooms.new')}</span>` : nothing}</span
          >
          ${room.topic ? html`<span class="topic-line" dir="auto">${room.topic}</span>` : nothing}
        </span>
        <span class="count ${room.occupancy === 0 ? 'zero' : ''}" part="count"
          ><span class="dot"></span>${here}</span
        >
      </button>
    </li>`
  }

  private renderCreate() {
    if (this.noCreate) return nothing
    if (!this.canCreate)
      return html`<div class="create-hint">
        <span class="muted">${this.t('rooms.loginToCreate')}</span>
        <button class="btn link" type="button" @click=${() => this.emit('roomful-login-required', {})}>
          ${this.t('auth.login')}
        </button>
      </div>`
    return html`<form
        class="create"
        part="create-form"
        @submit=${this.onCreate}
        aria-label=${this.t('rooms.createTitle')}
      >
        <input
          class="input name-input"
          name="name"
          required
          maxlength="80"
          autocomplete="off"
          aria-label=${this.t('rooms.name')}
          placeholder=${this.t('rooms.name')}
        />
        <input
          class="input topic"
          name="topic"
          maxlength="200"
          autocomplete="off"
          aria-label=${this.t('rooms.topic')}
          placeholder=${this.t('rooms.topic')}
        />
        <button class="btn primary" part="button" type="submit" ?disabled=${this.creating}>
          ${this.t('rooms.create')}
        </button>
      </form>
      ${this.createError ? html`<p class="form-error error" role="alert">${this.createError}</p>` : nothing}`
  }

  private async onCreate(event: SubmitEvent) {
    event.preventDefault()
    const form = event.currentTarget as HTMLFormElement
    const client = this.activeClient
    const data = new FormData(form)
    const name = String(data.get('name') ?? '').trim()
    const topic = String(data.get('topic') ?? '').trim()
    if (!client || !name || this.creating) return
    this.creating = true
    this.createError = ''
    try {
      const room = await client.rooms.create({ name, ...(topic && { topic }) })
      form.reset()
      this.list.add(room)
      this.emit('roomful-room-create', { room })
    } catch (err) {
      const code = errorCode(err) ?? 'internal'
      if (code === 'unauthenticated' || code === 'guest_read_only') this.emit('roomful-login-required', {})
      this.createError = errorText(this.lang_, err)
      this.emit('roomful-error', { code, message: this.createError })
    } finally {
      this.creating = false
    }
  }
}
