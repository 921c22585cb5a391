import { RoomfulError, fromWire, isRoomfulError } from './errors.js'
import type { ErrorCode } from './protocol/errors.js'

/** Where REST calls get their bearer token, and how they report it expired. */
export interface TokenSource {
  /** The token to use now (refreshed first if it is known to be stale); undefined for guests. */
  get(): Promise<string | undefined>
  /** Mark the current token as expired so the next `get()` fetches a fresh one. */
  expire(): void
  /** Whether a fresh token can be obtained (a session, or a `getToken` callback). */
  canRefresh(): boolean
}

/** Upload progress: bytes sent so far and in all. */
export type ProgressHandler = (progress: { loaded: number; total: number }) => void

/** A binary body, sent as-is (image uploads); anything else is sent as JSON. */
export type BinaryBody = Blob | ArrayBuffer | Uint8Array

export type Rest = <T>(
  method: string,
  path: string,
  body?: unknown,
  tokens?: TokenSource,
  onProgress?: ProgressHandler,
) => Promise<T>

const isBinary = (body: unknown): body is BinaryBody =>
  body instanceof ArrayBuffer ||
  body instanceof Uint8Array ||
  (typeof Blob !== 'undefined' && body instanceof Blob)

/** `fetch` cannot report upload progress; XMLHttpRequest can (browsers only). */
const xhrFetch = (url: string, init: RequestInit, onProgress: ProgressHandler) =>
  new Promise<Response>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open(init.method!, url)
    for (const [k, v] of Object.entries(init.headers as Record<string, string>)) xhr.setRequestHeader(k, v)
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.total })
    xhr.onload = () =>
      resolve(new Response(xhr.status === 204 ? null : xhr.responseText, { status: xhr.status }))
    xhr.onerror = () => reject(new Error('network error'))
    xhr.send(init.body as XMLHttpRequestBodyInit)
  })

const statusCodes: Record<number, ErrorCode> = {
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'bad_request',
  413: 'payload_too_large',
  429: 'rate_limited',
  503: 'store_unavailable',
  504: 'timeout',
}

/**
 * JSON over `fetch` against `${base}`, errors as RoomfulError. With a token source, a 401
 * `token_expired` refreshes the token and retries the call once.
 */
export function createRest(base: string, fetchFn: typeof fetch): Rest {
  return async function rest<T>(
    method: string,
    path: string,
    body?: unknown,
    tokens?: TokenSource,
    onProgress?: ProgressHandler,
  ): Promise<T> {
    const binary = isBinary(body)
    for (let retried = false; ; retried = true) {
      const token = await tokens?.get().catch((err: Error) => {
        throw isRoomfulError(err)
          ? err
          : new RoomfulError('unauthenticated', `unable to get a token; ${err.message}`)
      })
      const headers: Record<string, string> = {}
      if (token) headers.authorization = `Bearer ${token}`
      if (body !== undefined)
        headers['content-type'] = binary ? 'application/octet-stream' : 'application/json'
      let res: Response
      try {
        const init = {
          method,
          headers,
          body: binary ? (body as BodyInit) : body === undefined ? undefined : JSON.stringify(body),
        }
        res =
          onProgress && typeof XMLHttpRequest !== 'undefined'
            ? await xhrFetch(base + path, init, onProgress)
            : await fetchFn(base + path, init)
      } catch (err) {
        throw new RoomfulError('disconnected', `unable to reach the server; ${(err as Error).message}`)
      }
      const data = res.status === 204 ? undefined : await res.json().catch(() => undefined)
      if (res.ok) return data as T
      const error = data?.error
        ? fromWire(data.error, res.status)
        : new RoomfulError(
            statusCodes[res.status] ?? (res.status >= 500 ? 'internal' : 'bad_request'),
            undefined,
            res.status,
          )
      if (error.code !== 'token_expired' || retried || !tokens?.canRefresh()) throw error
      tokens.expire()
    }
  }
}
