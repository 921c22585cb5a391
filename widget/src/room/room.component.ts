import { html, nothing, type PropertyValues } from 'lit'
import type { Message, UserProfile } from '@roomful/sdk/protocol'
import { DEFAULT_LIMITS } from '@roomful/sdk/protocol'
import { property, query, state } from 'lit/decorators.js'
import { RoomfulElement } from '../core/base-element.js'
import { ConnectionController } from '../core/connection-controller.js'
import { dayKey, formatDay, formatFull, formatTime } from '../core/format.js'
import { errorCode, errorText } from '../core/i18n.js'
import { linkify, safeHref } from '../core/linkify.js'
import { RoomController, type PendingMessage } from '../core/room-controller.js'
import { avatar, connectionBanner } from '../core/templates.js'
import { roomStyles } from './room.styles.js'

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp']

/** The first image file of a paste or drop, if any. */
const imageIn = (data: DataTransfer | null): File | undefined =>
  [...(data?.files ?? [])].find((f) => f.type.startsWith('image/'))

const GROUP_WINDOW_MS = 5 * 60 * 1000
const NEAR_EDGE_PX = 80

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
 * @csspart text - A message's text.
 * @csspart link - A link in a message.
 * @csspart attachment - An image attachment's link (around its thumbnail).
 * @csspart avatar - An avatar.
 * @csspart presence - The people-here panel.
 * @csspart typing - The typing indicator.
 * @csspart composer - The message form.
 * @csspart input - The message field.
 * @csspart send-button - The send button.
 * @csspart attach-button - The button that picks an image to send (images can also be pasted
 *   or dropped on the composer).
 * @csspart banner - The connection banner.
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

  @state() private draft = ''
  @state() private unseen = false
  @state() private peopleOpen = false
  @state() private wide = false
  @state() private sendError = ''
  /** Upload progress in percent while an image is on its way, else null. */
  @state() private uploading: number | null = null
  @state() private dragging = false

  @query('.log') private log?: HTMLElement
  @query('textarea') private input?: HTMLTextAreaElement
  @query('.picker') private picker?: HTMLInputElement
  @query('h2') private heading?: HTMLElement

  private ctl = new RoomController(this)
  /** Who the socket is signed in as, to mark own messages. */
  private get me(): UserProfile | null {
    return this.activeClient?.user ?? null
  }
  private conn = new ConnectionController(this)
  private snapshot = { top: 0, height: 0, atBottom: true }
  private resizer?: ResizeObserver

  /** Focuses the composer (or the room's name when read-only), e.g. when the room opens. */
  override focus(): void {
    void this.updateComplete.then(() => (this.input ?? this.heading)?.focus())
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
    const log = this.log
    if (log) {
      this.snapshot = {
        top: log.scrollTop,
        height: log.scrollHeight,
        atBottom: log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_EDGE_PX,
      }
    }
  }

  protected override updated(): void {
    const log = this.log
    if (!log) return
    const change = this.ctl.change
    this.ctl.change = 'none'
    if (change === 'reset' || change === 'own') this.scrollToBottom()
    else if (change === 'prepend')
      log.scrollTop = this.snapshot.top + (log.scrollHeight - this.snapshot.height)
    else if (change === 'append') {
      if (this.snapshot.atBottom) this.scrollToBottom()
      else this.unseen = true
    }
    // A short first page leaves nothing to scroll: fetch more until the log can scroll.
    if (this.ctl.phase === 'joined' && this.ctl.hasMore && log.scrollHeight <= log.clientHeight + 4)
      void this.ctl.loadOlder()
  }

  private scrollToBottom(): void {
    const log = this.log
    if (log) log.scrollTop = log.scrollHeight
    this.unseen = false
  }

  private onScroll = () => {
    const log = this.log
    if (!log) return
    if (log.scrollTop < NEAR_EDGE_PX) void this.ctl.loadOlder()
    if (this.unseen && log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_EDGE_PX) this.unseen = false
  }

  override render() {
    const ctl = this.ctl
    const name = ctl.room?.name ?? ''
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
                @click=${() => this.emit('roomful-back', {})}
              >
                <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                  <path
                    d="M15 5l-7 7 7 7"
                    fill="none"
                    stroke="currentColor"
                    stroke-width="2.2"
                    stroke-linecap="round"
                    stroke-linejoin="round"
                  />
                </svg>
              </button>`
            : nothing
        }
        <div class="title">
          <h2 tabindex="-1">${name || '\u00a0'}</h2>
          ${ctl.room?.topic ? html`<p class="topic">${ctl.room.topic}</p>` : nothing}
        </div>
        <button
          class="people-btn"
          type="button"
          aria-expanded=${this.peopleVisible ? 'true' : 'false'}
          aria-controls="people"
          @click=${() => (this.peopleOpen = !this.peopleOpen)}
        >
          <span class="count ${ctl.total === 0 ? 'zero' : ''}"
            ><span class="dot"></span>${this.t('room.here', { n: ctl.total })}</span
          >
        </button>
      </header>
      ${this.noBanner ? nothing : connectionBanner(this, this.conn)}
      <div class="body">
        <div class="log-wrap">${this.renderLog()}</div>
        ${this.renderPeople()}
      </div>
      ${this.renderTyping()} ${this.renderComposer()}
    </div>`
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

  private renderLog() {
    const ctl = this.ctl
    if (ctl.phase === 'error') {
      const notFound = errorCode(ctl.error) === 'room_not_found'
      return html`<div class="center" role="alert">
        <p>${notFound ? this.t('error.room_not_found') : errorText(this.lang_, ctl.error)}</p>
        ${
          this.showBack
            ? html`<button class="btn ghost" type="button" @click=${() => this.emit('roomful-back', {})}>
                ${this.t('room.back')}
              </button>`
            : nothing
        }
      </div>`
    }
    let previous: Message | undefined
    const items = ctl.messages.map((m) => {
      const day = dayKey(m.createdAt)
      const divider =
        !previous || dayKey(previous.createdAt) !== day
          ? html`<div class="day" role="separator"><span>${formatDay(this.lang_, m.createdAt)}</span></div>`
          : nothing
      const item = this.renderMessage(m, previous)
      previous = m
      return html`${divider}${item}`
    })
    return html`<div
        class="log"
        part="log"
        role="log"
        aria-live="polite"
        aria-busy=${ctl.loadingOlder || ctl.phase === 'joining' ? 'true' : 'false'}
        aria-label=${this.t('room.log', { name: ctl.room?.name ?? '' })}
        tabindex="0"
        @scroll=${this.onScroll}
      >
        <div class="log-top">${this.renderLogTop()}</div>
        ${items} ${ctl.pending.map((p) => this.renderPending(p))}
      </div>
      ${
        this.unseen
          ? html`<button class="btn primary unseen" type="button" @click=${() => this.scrollToBottom()}>
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
    if (ctl.hasMore)
      return html`<button class="btn link" type="button" @click=${() => this.ctl.loadOlder()}>
        ${this.t('room.loadOlder')}
      </button>`
    if (ctl.phase !== 'joined') return nothing
    return html`<p class="muted start">${this.t(ctl.messages.length ? 'room.start' : 'room.empty')}</p>`
  }

  private renderMessage(m: Message, previous: Message | undefined) {
    const time = formatTime(this.lang_, m.createdAt)
    if (m.kind === 'notice') {
      const key = m.notice === 'leave' ? 'room.left' : 'room.joined'
      return html`<div class="notice" part="message notice" data-seq=${m.seq}>
        <span>${this.t(key, { name: m.user.name })}</span>
        <time datetime=${m.createdAt} title=${formatFull(this.lang_, m.createdAt)}>${time}</time>
      </div>`
    }
    const own = !!this.me && m.user.id === this.me.id
    const grouped =
      previous !== undefined &&
      previous.kind !== 'notice' &&
      previous.user.id === m.user.id &&
      Date.parse(m.createdAt) - Date.parse(previous.createdAt) < GROUP_WINDOW_MS
    return html`<div
      class="msg ${own ? 'own' : ''} ${grouped ? 'grouped' : ''}"
      part=${own ? 'message own' : 'message'}
      data-seq=${m.seq}
    >
      ${grouped ? html`<span class="gutter"></span>` : avatar(m.user)}
      <div class="content">
        ${
          grouped
            ? nothing
            : html`<div class="meta">
                <span class="author" part="author">${m.user.name}</span>${
                  own ? html`<span class="you">${this.t('room.you')}</span>` : nothing
                }
                <time datetime=${m.createdAt} title=${formatFull(this.lang_, m.createdAt)}>${time}</time>
              </div>`
        }
        ${this.renderAttachment(m)}
        ${m.text || !m.attachment ? html`<div class="bubble" part="text">${this.renderText(m.text)}</div>` : nothing}
      </div>
    </div>`
  }

  /** An image attachment, linked to the full size; only http(s) URLs are ever used. */
  private renderAttachment(m: Message) {
    const a = m.attachment
    const full = a ? safeHref(a.url) : null
    if (!a || !full) return nothing
    const thumb = (a.thumbnailUrl && safeHref(a.thumbnailUrl)) || full
    return html`<a
      class="attachment"
      part="attachment"
      href=${full}
      target="_blank"
      rel="noopener noreferrer nofollow"
    >
      <img
        src=${thumb}
        alt=${this.t('room.image', { name: m.user.name })}
        width=${a.width || nothing}
        height=${a.height || nothing}
        loading="lazy"
        referrerpolicy="no-referrer"
      />
    </a>`
  }

  /** Message text as Lit text bindings; http(s) URLs become links, everything else stays text. */
  private renderText(text: string) {
    return linkify(text).map((part) =>
      part.kind === 'link'
        ? html`<a part="link" href=${part.href} target="_blank" rel="noopener noreferrer nofollow"
            >${part.text}</a
          >`
        : part.text,
    )
  }

  private renderPending(p: PendingMessage) {
    return html`<div class="msg own grouped pending ${p.status}" part="message own pending">
      <span class="gutter"></span>
      <div class="content">
        <div class="bubble" part="text">${this.renderText(p.text)}</div>
        <div class="status">
          ${
            p.status === 'sending'
              ? this.t('room.sending')
              : html`<span class="error">${this.t('room.failed')} ${errorText(this.lang_, p.error)}</span>
                  <button class="btn link" type="button" @click=${() => this.retry(p)}>
                    ${this.t('room.retry')}
                  </button>
                  <button class="btn link" type="button" @click=${() => this.ctl.discard(p)}>
                    ${this.t('room.discard')}
                  </button>`
          }
        </div>
      </div>
    </div>`
  }

  private renderPeople() {
    const ctl = this.ctl
    const me = this.me
    const people = [...ctl.people.values()].sort((a, b) =>
      a.id === me?.id ? -1 : b.id === me?.id ? 1 : a.name.localeCompare(b.name, this.lang_),
    )
    const hidden = Math.max(0, ctl.total - people.length)
    return html`<aside
      id="people"
      class="people"
      part="presence"
      ?hidden=${!this.peopleVisible}
      aria-labelledby="people-title"
    >
      <h3 id="people-title">${this.t('room.people')} <span class="muted">${ctl.total}</span></h3>
      <ul>
        ${people.map(
          (u) =>
            html`<li data-user-id=${u.id}>
              ${avatar(u, 'sm')}<span class="person">${u.name}</span>${
                u.id === me?.id ? html`<span class="you">${this.t('room.you')}</span>` : nothing
              }
            </li>`,
        )}
      </ul>
      ${hidden ? html`<p class="muted more">${this.t('room.others', { n: hidden })}</p>` : nothing}
    </aside>`
  }

  private renderTyping() {
    const names = this.ctl.typists.map((u) => u.name)
    const [a, b] = names
    const text =
      names.length === 0
        ? ''
        : names.length === 1
          ? this.t('room.typing1', { a: a ?? '' })
          : names.length === 2
            ? this.t('room.typing2', { a: a ?? '', b: b ?? '' })
            : this.t('room.typingMany')
    return html`<div class="typing" part="typing">
      ${text ? html`<span class="dots" aria-hidden="true"><i></i><i></i><i></i></span>${text}` : nothing}
    </div>`
  }

  private renderComposer() {
    if (this.readonly)
      return html`<div class="composer login-prompt" part="composer">
        <button
          class="btn primary"
          type="button"
          @click=${() => this.emit('roomful-login-required', { roomId: this.roomId ?? '' })}
        >
          ${this.t('room.loginToChat')}
        </button>
      </div>`
    const max = DEFAULT_LIMITS.maxMessageLength
    const over = this.draft.length - max
    const disabled = this.ctl.phase !== 'joined' || !this.draft.trim() || over > 0
    const name = this.ctl.room?.name ?? ''
    const joined = this.ctl.phase === 'joined'
    return html`<form
      class="composer ${this.dragging ? 'dragging' : ''}"
      part="composer"
      @submit=${this.onSubmit}
      @dragover=${this.onDragOver}
      @dragleave=${() => (this.dragging = false)}
      @drop=${this.onDrop}
    >
      <button
        class="attach"
        part="attach-button"
        type="button"
        ?disabled=${!joined || this.uploading !== null}
        aria-label=${this.t('room.attach')}
        title=${this.t('room.attach')}
        @click=${() => this.picker?.click()}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path
            d="M16.5 6.5l-7.8 7.8a1.8 1.8 0 002.6 2.6l7.8-7.8a3.6 3.6 0 00-5.1-5.1l-7.8 7.8a5.4 5.4 0 007.6 7.6l6.4-6.4"
            fill="none"
            stroke="currentColor"
            stroke-width="1.8"
            stroke-linecap="round"
          />
        </svg>
      </button>
      <input
        class="picker"
        type="file"
        accept=${IMAGE_TYPES.join(',')}
        tabindex="-1"
        aria-hidden="true"
        @change=${this.onPick}
      />
      <textarea
        part="input"
        rows="1"
        .value=${this.draft}
        aria-label=${this.t('room.composer', { name })}
        aria-describedby="composer-status"
        placeholder=${this.t('room.placeholder')}
        enterkeyhint="send"
        @input=${this.onInput}
        @keydown=${this.onKeydown}
        @paste=${this.onPaste}
      ></textarea>
      <button
        class="send"
        part="send-button"
        type="submit"
        ?disabled=${disabled}
        aria-label=${this.t('room.send')}
        title=${this.t('room.send')}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M4 12l16-8-6 16-2.5-6.5L4 12z" fill="currentColor" />
        </svg>
      </button>
      <p
        id="composer-status"
        class="composer-status ${over > 0 || this.sendError ? 'error' : ''}"
        role="status"
      >
        ${
          over > 0
            ? this.t('room.tooLong', { n: over })
            : this.uploading !== null
              ? html`${this.t('room.uploading', { n: this.uploading })}
                  <progress max="100" .value=${this.uploading}></progress>`
              : this.sendError
        }
      </p>
    </form>`
  }

  private onInput = (event: InputEvent) => {
    const area = event.target as HTMLTextAreaElement
    this.draft = area.value
    this.sendError = ''
    // Grow with the text up to a few lines (CSSOM, so a strict style-src CSP allows it).
    area.style.height = 'auto'
    area.style.height = `${Math.min(area.scrollHeight, 160)}px`
    if (area.value.trim()) this.ctl.typed()
  }

  private onKeydown = (event: KeyboardEvent) => {
    // Enter sends; Shift+Enter is a new line; Enter that confirms an IME composition (Korean,
    // Japanese, …) must not send the half-composed text.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return
    event.preventDefault()
    this.submit()
  }

  private onSubmit = (event: SubmitEvent) => {
    event.preventDefault()
    this.submit()
  }

  private submit(): void {
    const text = this.draft.trim()
    if (!text || this.ctl.phase !== 'joined' || text.length > DEFAULT_LIMITS.maxMessageLength) return
    this.draft = ''
    if (this.input) this.input.style.height = ''
    this.ctl.send(text).catch((err: unknown) => this.onSendError(err))
  }

  private retry(p: PendingMessage): void {
    this.ctl.send(p.text, p).catch((err: unknown) => this.onSendError(err))
  }

  private onPick = (event: Event) => {
    const input = event.target as HTMLInputElement
    const file = input.files?.[0]
    input.value = ''
    if (file) this.sendImage(file)
  }

  private onPaste = (event: ClipboardEvent) => {
    const file = imageIn(event.clipboardData)
    if (!file) return
    event.preventDefault()
    this.sendImage(file)
  }

  private onDragOver = (event: DragEvent) => {
    if (!event.dataTransfer?.types.includes('Files')) return
    event.preventDefault()
    this.dragging = true
  }

  private onDrop = (event: DragEvent) => {
    this.dragging = false
    const file = imageIn(event.dataTransfer)
    if (!event.dataTransfer?.files.length) return
    event.preventDefault()
    if (file) this.sendImage(file)
    else this.onSendError({ code: 'unsupported_media' })
  }

  private sendImage(file: File): void {
    if (this.ctl.phase !== 'joined' || this.uploading !== null) return
    this.sendError = ''
    // The server decides from the bytes; this only spares an upload that would surely fail.
    if (file.type && !IMAGE_TYPES.includes(file.type)) return this.onSendError({ code: 'unsupported_media' })
    this.uploading = 0
    this.ctl
      .sendImage(file, ({ loaded, total }) => {
        if (total > 0) this.uploading = Math.min(100, Math.round((loaded / total) * 100))
      })
      .catch((err: unknown) =>
        // A file that says it is an image but does not decode is refused as a bad request.
        this.onSendError(errorCode(err) === 'bad_request' ? { code: 'image_unreadable' } : err),
      )
      .finally(() => (this.uploading = null))
  }

  private onSendError(err: unknown): void {
    const code = errorCode(err) ?? 'internal'
    if (code === 'guest_read_only' || code === 'unauthenticated')
      this.emit('roomful-login-required', { roomId: this.roomId ?? '' })
    this.sendError = errorText(this.lang_, err)
    this.emit('roomful-error', { code, message: this.sendError })
  }
}
