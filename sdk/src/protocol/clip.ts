/** The most characters of client-supplied text an error message or a log line repeats. */
export const ECHO_MAX = 100

/**
 * `text` cut to `max` characters, with `…` when something was cut: how client-supplied text
 * (a field name, a `kid`, an op, an app id) is echoed in error messages and log lines, so a
 * client cannot make the server repeat, store or log kilobytes of its choosing. Cuts at a code
 * point, never inside a surrogate pair.
 *
 * @example clip('x'.repeat(5000)).length // 101
 */
export function clip(text: string, max: number = ECHO_MAX): string {
  if (text.length <= max) return text
  let end = max
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end -= 1
  return `${text.slice(0, end)}…`
}
