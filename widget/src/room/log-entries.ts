import { html, nothing, type TemplateResult } from 'lit'
import type { PendingSend } from '@roomful/sdk'
import type { Message, UserProfile } from '@roomful/sdk/protocol'
import type { RoomfulElement } from '../core/base-element.js'
import { dayKey, formatDay, formatFull, formatTime } from '../core/format.js'
import { errorText } from '../core/i18n.js'
import { isolate } from '../core/bidi.js'
import { linkify, safeHref } from '../core/linkify.js'
import { avatar } from '../core/templates.js'
import type { MessageActions } from './message-actions.js'

// Messages by one person within this window share one header (name, time, avatar).
const GROUP_WINDOW_MS = 5 * 60 * 1000

/** The room's log as rendered: day dividers, messages grouped by author, join/leave notices. */
export function logEntries(
  el: RoomfulElement,
  messages: readonly Message[],
  me: UserProfile | null,
  actions?: MessageActions,
) {
  let previous: Message | undefined
  return messages.map((m) => {
    const day = dayKey(m.createdAt)
    const divider =
      !previous || dayKey(previous.createdAt) !== day
        ? html`<div class="day" role="separator"><span>${formatDay(el.lang_, m.createdAt)}</span></div>`
        : nothing
    const item = entry(el, m, previous, me, actions)
    previous = m
    return html`${divider}${item}`
  })
}

function entry(
  el: RoomfulElement,
  m: Message,
  previous: Message | undefined,
  me: UserProfile | null,
  actions?: MessageActions,
) {
  const time = formatTime(el.lang_, m.createdAt)
  if (m.kind === 'notice') {
    const key = m.notice === 'leave' ? 'room.left' : 'room.joined'
    return html`<div class="notice" part="message notice" data-seq=${m.seq}>
      <span>${el.tIsolated(key, { name: m.user.name })}</span>
      <time datetime=${m.createdAt} title=${formatFull(el.lang_, m.createdAt)}>${time}</time>
    </div>`
  }
  const own = !!me && m.user.id === me.id
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
              <span class="author" part="author" dir="auto">${m.user.name}</span>${
                own ? html`<span class="you">${el.t('room.you')}</span>` : nothing
              }
              <time datetime=${m.createdAt} title=${formatFull(el.lang_, m.createdAt)}>${time}</time>
            </div>`
      }
      ${
        m.deletedAt
          ? // A tombstone: the text is gone from storage; say so where it was.
            html`<div class="bubble deleted" part="text deleted">${el.t('mod.deleted')}</div>`
          : actions?.isEditing(m)
            ? actions.editor(m)
            : html`${attachment(el, m)}${
                m.text || !m.attachment
                  ? html`<div class="bubble" part="text" dir="auto">${text(m.text)}</div>`
                  : nothing
              }${m.editedAt ? html` <span class="edited" part="edited">${el.t('mod.edited')}</span>` : nothing}`
      }
    </div>
    ${actions?.render(m) ?? nothing}
  </div>`
}

/** An image attachment, linked to the full size; only http(s) URLs are ever used. */
function attachment(el: RoomfulElement, m: Message) {
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
      alt=${el.t('room.image', { name: isolate(m.user.name) })}
      width=${a.width || nothing}
      height=${a.height || nothing}
      loading="lazy"
      referrerpolicy="no-referrer"
    />
  </a>`
}

/**
 * Message text as Lit text bindings; http(s) URLs become links, everything else stays text. A
 * link is laid out left to right in its own isolate, so an override in the words before it
 * cannot reverse its label.
 */
const text = (value: string) =>
  linkify(value).map((part) =>
    part.kind === 'link'
      ? html`<a part="link" dir="ltr" href=${part.href} target="_blank" rel="noopener noreferrer nofollow"
          >${part.text}</a
        >`
      : part.text,
  )

/** A send of mine the server has not stored yet: sending, or failed with Retry and Discard. */
export function pendingEntry(
  el: RoomfulElement,
  p: PendingSend,
  retry: (p: PendingSend) => void,
  discard: (p: PendingSend) => void,
): TemplateResult {
  return html`<div
    class="msg own grouped pending ${p.state === 'failed' ? 'failed' : 'sending'}"
    part="message own pending"
  >
    <span class="gutter"></span>
    <div class="content">
      <div class="bubble" part="text" dir="auto">${text(p.text)}</div>
      <div class="status">
        ${
          p.state === 'pending'
            ? el.t('room.sending')
            : html`<span class="error">${el.t('room.failed')} ${errorText(el.lang_, p.error)}</span>
                <button class="btn link" type="button" @click=${() => retry(p)}>${el.t('room.retry')}</button>
                <button class="btn link" type="button" @click=${() => discard(p)}>
                  ${el.t('room.discard')}
                </button>`
        }
      </div>
    </div>
  </div>`
}
