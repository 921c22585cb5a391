import { html, nothing } from 'lit'
import { property, query, state } from 'lit/decorators.js'
import { RoomfulElement } from '../core/base-element.js'
import type { ChatRoom } from '../core/client.js'
import { errorCode, errorText } from '../core/i18n.js'
import { attachIcon, sendIcon } from '../core/icons.js'
import { composerStyles } from './composer.styles.js'

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp']

/** The first image file of a paste or drop, if any. */
const imageIn = (data: DataTransfer | null): File | undefined =>
  [...(data?.files ?? [])].find((f) => f.type.startsWith('image/'))

/**
 * The message box of a room: text (Enter sends, Shift+Enter is a new line, an IME composition
 * is never cut short), images picked, pasted or dropped, upload progress, and the length checked
 * against the app's limit as you type. `<roomful-room>` renders one; it sends through the SDK
 * room it is given, which shows the message as pending until it is stored.
 *
 * @event roomful-message-sent - A message was stored; `detail: { message }`.
 * @event roomful-login-required - A guest tried to chat; `detail: { roomId }`.
 * @event roomful-error - A send failed; `detail: { code, message }`.
 *
 * @csspart composer - The message form (the login prompt when read-only).
 * @csspart input - The message field.
 * @csspart send-button - The send button.
 * @csspart attach-button - The button that picks an image to send.
 * @csspart send-notice - Why nothing can be sent (banned, muted, a read-only or archived room).
 *
 * @cssproperty --roomful-accent - The send button.
 * @cssproperty --roomful-raised - Background of the field and the attach button.
 */
export class RoomfulComposer extends RoomfulElement {
  static override styles = composerStyles

  /** The SDK room to send to. */
  @property({ attribute: false }) room?: ChatRoom
  /** The room's name, for the field's label. */
  @property({ attribute: 'room-name' }) roomName = ''
  /** Nothing can be sent yet (the room is not joined). */
  @property({ type: Boolean }) disabled = false
  /** A login prompt instead of the field. */
  @property({ type: Boolean }) readonly = false
  /** Why this user cannot send here (banned, muted, a read-only or archived room): said in
   * place of the field's status, with the field disabled. */
  @property() notice = ''

  @state() private draft = ''
  @state() private error = ''
  /** Upload progress in percent while an image is on its way, else null. */
  @state() private uploading: number | null = null
  @state() private dragging = false

  @query('textarea') private input?: HTMLTextAreaElement
  @query('.picker') private picker?: HTMLInputElement

  override focus(): void {
    void this.updateComplete.then(() => this.input?.focus())
  }

  /** Says why a send failed, here and as `roomful-error` (and asks for a login when that is why). */
  report(err: unknown): void {
    const code = errorCode(err) ?? 'internal'
    if (code === 'guest_read_only' || code === 'unauthenticated') this.loginRequired()
    this.error = errorText(this.lang_, err)
    this.emit('roomful-error', { code, message: this.error })
  }

  /** The app's limit (from the server once connected). */
  private get max(): number {
    return this.activeClient?.limits.maxMessageLength ?? Infinity
  }

  override render() {
    if (this.readonly)
      return html`<div class="composer login-prompt" part="composer">
        <button class="btn primary" type="button" @click=${this.loginRequired}>
          ${this.t('room.loginToChat')}
        </button>
      </div>`
    const over = this.draft.length - this.max
    const off = this.disabled || !!this.notice
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
        ?disabled=${off || this.uploading !== null}
        aria-label=${this.t('room.attach')}
        title=${this.t('room.attach')}
        @click=${() => this.picker?.click()}
      >
        ${attachIcon}
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
        aria-label=${this.t('room.composer', { name: this.roomName })}
        aria-describedby="status"
        placeholder=${this.t('room.placeholder')}
        ?disabled=${!!this.notice}
        enterkeyhint="send"
        @input=${this.onInput}
        @keydown=${this.onKeydown}
        @paste=${this.onPaste}
      ></textarea>
      <button
        class="send"
        part="send-button"
        type="submit"
        ?disabled=${off || !this.draft.trim() || over > 0}
        aria-label=${this.t('room.send')}
        title=${this.t('room.send')}
      >
        ${sendIcon}
      </button>
      <p
        id="status"
        class="composer-status ${over > 0 || this.error || this.notice ? 'error' : ''}"
        part=${this.notice ? 'send-notice' : nothing}
        role="status"
      >
        ${
          this.notice
            ? this.notice
            : over > 0
              ? this.t('room.tooLong', { n: over })
              : this.uploading !== null
                ? html`${this.t('room.uploading', { n: this.uploading })}
                    <progress max="100" .value=${this.uploading}></progress>`
                : this.error || nothing
        }
      </p>
    </form>`
  }

  private loginRequired = () => this.emit('roomful-login-required', { roomId: this.room?.id ?? '' })

  private onInput = (event: InputEvent) => {
    const area = event.target as HTMLTextAreaElement
    this.draft = area.value
    this.error = ''
    // Grow with the text up to a few lines (CSSOM, so a strict style-src CSP allows it).
    area.style.height = 'auto'
    area.style.height = `${Math.min(area.scrollHeight, 160)}px`
    // The SDK throttles this to the app's typing interval.
    if (area.value.trim()) this.room?.typing()
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
    const room = this.room
    if (!room || !text || this.disabled || this.notice || text.length > this.max) return
    this.draft = ''
    if (this.input) this.input.style.height = ''
    // The SDK lists it as pending (the room shows it) until it is stored.
    room.send({ text }).then(
      (message) => this.emit('roomful-message-sent', { message }),
      (err: unknown) => this.report(err),
    )
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
    else this.report({ code: 'unsupported_media' })
  }

  private sendImage(file: File): void {
    const room = this.room
    if (!room || this.disabled || this.notice || this.uploading !== null) return
    this.error = ''
    // The server decides from the bytes; this only spares an upload that would surely fail.
    if (file.type && !IMAGE_TYPES.includes(file.type)) return this.report({ code: 'unsupported_media' })
    this.uploading = 0
    room
      .sendImage(file, {
        onProgress: ({ loaded, total }) => {
          if (total > 0) this.uploading = Math.min(100, Math.round((loaded / total) * 100))
        },
      })
      .then(
        (message) => this.emit('roomful-message-sent', { message }),
        // A file that says it is an image but does not decode is refused as a bad request.
        (err: unknown) => this.report(errorCode(err) === 'bad_request' ? { code: 'image_unreadable' } : err),
      )
      .finally(() => (this.uploading = null))
  }
}
