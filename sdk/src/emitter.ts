/** Removes the handler it was returned for. Calling it twice is harmless. */
export type Unsubscribe = () => void

/** A typed event emitter: `M` maps event names to payloads. */
export interface Emitter<M> {
  on<K extends keyof M>(type: K, handler: (payload: M[K]) => void): Unsubscribe
  emit<K extends keyof M>(type: K, payload: M[K]): void
}

export function createEmitter<M>(): Emitter<M> {
  const handlers = new Map<keyof M, Set<(payload: never) => void>>()
  return {
    on(type, handler) {
      let set = handlers.get(type)
      if (!set) handlers.set(type, (set = new Set()))
      set.add(handler)
      return () => void set.delete(handler)
    },
    emit(type, payload) {
      for (const handler of [...(handlers.get(type) ?? [])]) {
        // A throwing handler must not break the SDK's bookkeeping or the other handlers: report
        // it the way an unhandled error in an event listener would be reported.
        try {
          ;(handler as (p: M[typeof type]) => void)(payload)
        } catch (err) {
          queueMicrotask(() => {
            throw err
          })
        }
      }
    },
  }
}
