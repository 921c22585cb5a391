export const TEST_ADMIN_KEY = 'admin-key-for-tests-0123456789abcdef'

export type AdminJson = Record<string, unknown> & { error?: { code: string; message: string } }

/** Calls the admin REST API of the backend at `baseUrl`; `key: null` sends no Authorization. */
export function adminClient(baseUrl: string, defaultKey: string | null = TEST_ADMIN_KEY) {
  return async <T = AdminJson>(method: string, path: string, body?: unknown, key = defaultKey) => {
    const res = await fetch(`${baseUrl}/v1/admin${path}`, {
      method,
      headers: {
        ...(key !== null && { Authorization: `Bearer ${key}` }),
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, body: (res.status === 204 ? {} : await res.json()) as T & AdminJson }
  }
}
