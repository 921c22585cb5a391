import { stripBidiControls } from './bidi.js'
import type { Locale } from './i18n.js'

const timeFormats = new Map<string, Intl.DateTimeFormat>()

function formatter(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = locale + JSON.stringify(options)
  let f = timeFormats.get(key)
  if (!f) timeFormats.set(key, (f = new Intl.DateTimeFormat(locale, options)))
  return f
}

/** "14:05": the day is shown by the divider above a day's first message. */
export function formatTime(locale: Locale, iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime())
    ? ''
    : formatter(locale, { hour: 'numeric', minute: '2-digit' }).format(date)
}

/** Full date and time, for `title` and `datetime` tooltips. */
export function formatFull(locale: Locale, iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime())
    ? ''
    : formatter(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date)
}

/** One or two letters for an avatar placeholder; an invisible bidi control is never one. */
export function initials(name: string): string {
  const words = stripBidiControls(name).trim().split(/\s+/).filter(Boolean)
  if (words.length === 0) return '?'
  const first = [...(words[0] ?? '')][0] ?? ''
  const second = words.length > 1 ? ([...(words[words.length - 1] ?? '')][0] ?? '') : ''
  return (first + second).toUpperCase()
}

/** A stable colour slot (0–7) for a user id, so the same person keeps the same avatar colour. */
export function colorSlot(id: string): number {
  let h = 0
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0
  return Math.abs(h) % 8
}

/** The local calendar day of a timestamp, for grouping. */
export function dayKey(iso: string): string {
  return new Date(iso).toDateString()
}

/** "Today", "Yesterday" or the date, for the divider above a day's first message. */
export function formatDay(locale: Locale, iso: string, now = new Date()): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  const start = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime()
  const days = Math.round((start(date) - start(now)) / 86_400_000)
  if (days === 0 || days === -1) {
    const text = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(days, 'day')
    return text.charAt(0).toUpperCase() + text.slice(1)
  }
  const sameYear = date.getFullYear() === now.getFullYear()
  return formatter(locale, {
    weekday: 'short',
    month: 'long',
    day: 'numeric',
    ...(!sameYear && { year: 'numeric' }),
  }).format(date)
}
