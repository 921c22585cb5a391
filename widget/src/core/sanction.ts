import type { RoomfulElement } from './base-element.js'
import { formatFull } from './format.js'
import { errorText } from './i18n.js'

/** The part of a ban or mute the user is told: why, and until when (null: no end set). */
export interface SanctionInfo {
  reason: string | null
  expiresAt: string | null
}

/**
 * What a ban or mute means for this user, in their language: "You are banned from this chat.
 * Reason: spam. Until 3 Dec 2026, 14:00", each detail only when the server sent it.
 */
export function sanctionText(el: RoomfulElement, code: 'banned' | 'muted', s?: SanctionInfo | null): string {
  return [
    errorText(el.lang_, { code }),
    s?.reason && el.t('mod.why', { reason: s.reason }),
    s?.expiresAt && el.t('mod.until', { time: formatFull(el.lang_, s.expiresAt) }),
  ]
    .filter(Boolean)
    .join(' ')
}
