import type { Bus } from '../bus/bus.js'

/** How often a node measures its own fan-out lag. */
export const ECHO_INTERVAL_MS = 5_000

/**
 * Measures the bus's fan-out lag without touching real traffic: every few seconds the node
 * publishes the current time on a channel only it subscribes to, and records how long the
 * payload takes to come back (publish, the bus's delivery, and this node's event loop).
 * Returns a function that stops the probe.
 */
export async function startBusEcho(
  bus: Bus,
  nodeId: string,
  observe: (seconds: number) => void,
  intervalMs = ECHO_INTERVAL_MS,
): Promise<() => Promise<void>> {
  const channel = `echo:${nodeId}`
  const unsubscribe = await bus.subscribe(channel, (payload) => {
    const sentAt = Number(payload)
    if (Number.isFinite(sentAt)) observe((performance.now() - sentAt) / 1000)
  })
  // A failed publish is already counted as a bus error by the instrumented bus.
  const probe = () => void bus.publish(channel, String(performance.now())).catch(() => undefined)
  probe()
  const timer = setInterval(probe, intervalMs)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await unsubscribe()
  }
}
