import { html, nothing, type TemplateResult } from 'lit'
import type { UserProfile } from '@roomful/sdk/protocol'
import { colorSlot, initials } from './format.js'
import { safeHref } from './linkify.js'
import type { ConnectionController } from './connection-controller.js'
import type { RoomfulElement } from './base-element.js'
import { sanctionText } from './sanction.js'

/** A round avatar: the user's picture when it is an http(s) URL, else their initials. */
export function avatar(user: UserProfile, size: 'sm' | 'md' | 'lg' = 'md'): TemplateResult {
  const src = user.avatar ? safeHref(user.avatar) : null
  return html`<span class="avatar ${size} c${colorSlot(user.id)}" part="avatar" aria-hidden="true"
    >${src ? html`<img src=${src} alt="" loading="lazy" referrerpolicy="no-referrer" />` : initials(user.name)}</span
  >`
}

/** The reconnecting / offline banner; `role=status` so screen readers hear it without losing focus. */
export function connectionBanner(el: RoomfulElement, conn: ConnectionController): TemplateResult {
  const state = conn.banner
  // A ban closes the client for good: say that, not "disconnected".
  const text =
    conn.reason === 'banned'
      ? sanctionText(el, 'banned', el.activeClient?.sanction)
      : state === 'reconnecting'
        ? el.t('conn.reconnecting')
        : state === 'disconnected'
          ? el.t('conn.disconnected')
          : state === 'closed'
            ? el.t('conn.closed')
            : state === 'back'
              ? el.t('conn.back')
              : ''
  // `disconnected` means the client stopped (e.g. the token was refused): it will not retry by
  // itself, so offer to.
  return html`<div class="banner ${state ?? 'none'}" part="banner" role="status">
    ${state === 'reconnecting' ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}${text}
    ${
      state === 'disconnected'
        ? html`<button class="btn link" type="button" @click=${() => el.activeClient?.connect()}>
            ${el.t('room.retry')}
          </button>`
        : nothing
    }
  </div>`
}
