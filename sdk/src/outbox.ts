import { RoomfulError } from './errors.js'
import { uuid } from './ids.js'
import type { Limits } from './protocol/limits.js'
import type { Attachment, Message } from './protocol/models.js'
import type { BinaryBody, ProgressHandler } from './rest.js'

/** A send that is not stored yet, as a UI shows it: by its `clientId`, never by its text. */
export interface PendingSend {
  /** The idempotency key it goes out with, on every retry: the stored message carries it too. */
  readonly clientId: string
  /** Empty for an image. */
  readonly text: string
  /** The uploaded image it sends, if any. */
  readonly attachmentId?: string
  /** `pending`: waiting for the room or on its way; `failed`: refused or stopped (`discard()` it). */
  readonly state: 'pending' | 'failed'
  /** Why it failed. */
  readonly error?: RoomfulError
}

interface Entry extends PendingSend {
  state: PendingSend['state']
  error?: RoomfulError
  // The stored message, once it reached the log before the reply (the echo of a lost reply).
  stored?: Message
  // Sends the server could not confirm, tried again with the same clientId (see RETRIED).
  attempts: number
  retry?: ReturnType<typeof setTimeout>
  resolve(message: Message): void
  reject(err: RoomfulError): void
}

/** Hands one send to the server; resolves with the stored message. */
export type Deliver = (send: { clientId: string; text: string; attachmentId?: string }) => Promise<Message>
/** Uploads an image to the room; resolves with the stored attachment. */
export type Upload = (file: BinaryBody, onProgress?: ProgressHandler) => Promise<Attachment>

/** Sending to a room: the part of `Room` the outbox implements. */
export interface Sends {
  /** Sends not stored yet, oldest first, with their `clientId` and state; see `on('pending')`. */
  readonly pending: readonly PendingSend[]
  /**
   * Send a text message; resolves with the stored message. Sends made while offline wait and go
   * out in order after the room is rejoined; a send interrupted by a disconnect is retried with
   * the same idempotency key, so it is stored and emitted once. So is one the server could not
   * confirm (`outcome_unknown`, `store_unavailable`, `timeout`): after 0.5 s, then 1 s, 2 s …
   * up to every 8 s, until the server answers with the stored message or refuses it. Until it
   * is stored it is listed in `pending`; a refused one stays there as `failed` until you
   * `discard()` it.
   *
   * @example
   * const message = await room.send({ text: 'hello' })
   */
  send(body: { text: string }): Promise<Message>
  /**
   * Upload an image (png, jpeg, gif or webp; the server checks the bytes and strips metadata)
   * and send it as an image message; resolves with the stored message. `onProgress` reports
   * upload progress in browsers (XMLHttpRequest); elsewhere it is not called. Refused files
   * reject with `payload_too_large`, `unsupported_media` or `bad_request`.
   *
   * @example
   * const message = await room.sendImage(input.files[0], { onProgress: ({ loaded, total }) => {} })
   */
  sendImage(file: BinaryBody, options?: { onProgress?: ProgressHandler }): Promise<Message>
  /**
   * Forget a send: a failed one (say, before sending its text again), or a waiting one (one
   * already on its way may still be stored).
   *
   * @example
   * room.discard(failed.clientId)
   * await room.send({ text: failed.text })
   */
  discard(clientId: string): void
}

/**
 * The room's queue of idempotent sends. Each send gets a fresh `clientId` once and keeps it:
 * sends wait while the room is not joined and go out in order when it is; one whose reply was
 * lost with the socket goes out again with the same `clientId`, so the server stores it once.
 */
export interface Outbox extends Sends {
  /** The room is joined: send what waits. */
  open(): void
  /** The room is not joined: hold new sends. */
  close(): void
  /** The stored message reached the log (reply or echo, whichever came first): its send is done. */
  settle(message: Message): void
  /** Reject every send and keep it as failed, to retry later (e.g. the client stopped). */
  fail(err: RoomfulError): void
  /** Reject every send and forget it (the room was left). */
  clear(err: RoomfulError): void
}

/**
 * Failures after which a send may or may not be stored, or was surely not but may be soon: the
 * store stopped answering at or after its COMMIT, was unavailable, or no reply came in time.
 * The send goes out again with its clientId, so the server answers with the stored original if
 * there is one, and stores it once otherwise.
 */
const RETRIED = new Set(['outcome_unknown', 'store_unavailable', 'timeout'])
const RETRY_FIRST_MS = 500
const RETRY_MAX_MS = 8_000

export function createOutbox(
  deliver: Deliver,
  changed: (pending: readonly PendingSend[]) => void,
  limits: () => Limits,
  upload: Upload,
  joined: () => boolean,
): Outbox {
  let entries: Entry[] = []
  // What `pending` shows: a send whose message is already in the log is not pending to a user,
  // although it is still retried until its reply comes (the server answers with the original).
  let shown: readonly PendingSend[] = []
  let open = false

  const update = () => changed((shown = entries.filter((e) => !e.stored)))

  /** End sends: a stored one resolves, a waiting one fails with `err` and stays listed if `keep`. */
  const end = (ended: Entry[], err: RoomfulError, keep: boolean) => {
    for (const e of ended) clearTimeout(e.retry)
    for (const e of ended)
      if (e.stored) e.resolve(e.stored)
      else if (e.state === 'pending') {
        e.state = 'failed'
        e.error = err
        e.reject(err)
      }
    entries = entries.filter((e) => !ended.includes(e) || (keep && !e.stored))
    if (ended.length) update()
  }

  const dispatch = (e: Entry) =>
    deliver(e).then(
      (message) => {
        e.resolve(message)
        entries = entries.filter((x) => x !== e)
        if (!e.stored) update()
      },
      (err: RoomfulError) => {
        if (!entries.includes(e)) return
        // The reply was lost with the socket, or the node is draining: the send goes out again,
        // with the same clientId, when the room is rejoined.
        if (err.code === 'disconnected' || err.code === 'shutting_down') return
        if (!RETRIED.has(err.code)) return end([e], err, true)
        const wait = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** e.attempts++)
        e.retry = setTimeout(() => {
          e.retry = undefined
          if (open && entries.includes(e)) dispatch(e)
        }, wait)
      },
    )

  const add = (text: string, attachmentId?: string) =>
    joined()
      ? new Promise<Message>((resolve, reject) => {
          const e: Entry = {
            clientId: uuid(),
            text,
            attachmentId,
            state: 'pending',
            attempts: 0,
            resolve,
            reject,
          }
          entries.push(e)
          update()
          if (open) dispatch(e)
        })
      : Promise.reject(new RoomfulError('not_joined', 'unable to send; join the room first'))

  return {
    get pending() {
      return shown
    },
    send({ text }) {
      if (!text.trim())
        return Promise.reject(new RoomfulError('bad_request', 'unable to send; the text is blank'))
      const max = limits().maxMessageLength
      if (text.length > max)
        return Promise.reject(
          new RoomfulError('message_too_long', `unable to send; the limit is ${max} characters`),
        )
      return add(text)
    },
    async sendImage(file, options) {
      if (!joined()) return add('')
      const size = file instanceof Uint8Array || file instanceof ArrayBuffer ? file.byteLength : file.size
      const max = limits().maxAttachmentBytes
      if (size > max)
        throw new RoomfulError('payload_too_large', `unable to send the image; the limit is ${max} bytes`)
      return add('', (await upload(file, options?.onProgress)).id)
    },
    open() {
      open = true
      for (const e of entries)
        if (e.state === 'pending') {
          clearTimeout(e.retry)
          e.retry = undefined
          dispatch(e)
        }
    },
    close() {
      open = false
    },
    settle(message) {
      const e = entries.find((x) => x.clientId === message.clientId)
      if (!e || e.stored) return
      e.stored = message
      // A send that timed out may still have been stored: then it is over.
      if (e.state === 'failed') entries = entries.filter((x) => x !== e)
      update()
    },
    fail: (err) => end(entries, err, true),
    clear: (err) => end(entries, err, false),
    discard(clientId) {
      const e = entries.find((x) => x.clientId === clientId)
      if (!e) return
      clearTimeout(e.retry)
      entries = entries.filter((x) => x !== e)
      if (!e.stored) update()
    },
  }
}
