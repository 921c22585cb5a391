/**
 * Keys every JavaScript object answers to through `Object.prototype`: an unknown-field check
 * that asks `key in shape` takes them for known fields. Each must be refused like any other
 * unknown key. `__proto__` only becomes an own key through `JSON.parse`, so frames and bodies
 * are built as text (see `withKey`).
 */
export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'toLocaleString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
] as const

/** `fields` as JSON text with `key` added first (as an own key, even `__proto__`). */
export function withKey(fields: Record<string, unknown>, key: string, value: unknown = 1): string {
  const rest = JSON.stringify(fields).slice(1)
  return `{${JSON.stringify(key)}:${JSON.stringify(value)}${rest === '}' ? '' : ','}${rest}`
}
