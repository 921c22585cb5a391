import type { Response } from 'hyper-express'

/** The part of a uWS response HyperExpress ends bodiless responses with. */
interface RawResponse {
  endWithoutBody(reportedContentLength?: number, closeConnection?: boolean): unknown
}

/**
 * Ends a response that has no body (204 No Content, or any status sent without one).
 *
 * HyperExpress ends a 204 with `endWithoutBody(undefined, undefined)`. uWebSockets.js decides
 * whether a length was reported by counting arguments, not by looking at them, so it converts
 * that `undefined` to a size_t and writes `Content-Length: 9223372036854775808`, which strict
 * proxies (nginx answers 502) and HTTP clients reject; a 204 must carry no Content-Length at all
 * (RFC 9110 §8.6). Passing no argument is the only way to say "no length", so this response's
 * call drops the undefined ones before they reach uWS. Every 204 goes through here.
 */
export function sendWithoutBody(res: Response): void {
  const raw = res.raw as unknown as RawResponse
  const end = raw.endWithoutBody
  raw.endWithoutBody = (length, close) =>
    length === undefined && !close ? end.call(raw) : end.call(raw, length, close)
  res.send()
}
