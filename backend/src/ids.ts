import { randomFillSync } from 'node:crypto'

const TIME_WIDTH = 9 // base-36 epoch ms fits 9 digits until the year 5188
const COUNTER_WIDTH = 3
const RANDOM_BYTES = 6

let lastMs = 0
let counter = 0
// Random bytes drawn a thousand ids at a time: one call into the CSPRNG per id showed up on
// the message write path.
const pool = Buffer.alloc(RANDOM_BYTES * 1024)
let poolAt = pool.length

function randomTail(): string {
  if (poolAt + RANDOM_BYTES > pool.length) {
    randomFillSync(pool)
    poolAt = 0
  }
  const value = pool.readUIntBE(poolAt, RANDOM_BYTES)
  poolAt += RANDOM_BYTES
  return value.toString(36).padStart(10, '0')
}

/**
 * An id that sorts (as plain ASCII, like MySQL's `ascii_bin`) by creation time, so a keyset
 * cursor on the id is a cursor on creation time. Within one millisecond of one process a
 * counter keeps ids increasing; across processes the random tail only breaks the tie.
 *
 * @example newSortableId('r') // 'r_mhx3k2p1a000k3j9x0q7mzt'
 */
export function newSortableId(prefix: string): string {
  let now = Date.now()
  if (now <= lastMs) {
    // Same millisecond (or the clock stepped back): stay monotonic instead of going backwards.
    now = lastMs
    counter += 1
    if (counter >= 36 ** COUNTER_WIDTH) {
      now = lastMs + 1
      counter = 0
    }
  } else {
    counter = 0
  }
  lastMs = now
  const time = now.toString(36).padStart(TIME_WIDTH, '0')
  const seq = counter.toString(36).padStart(COUNTER_WIDTH, '0')
  return `${prefix}_${time}${seq}${randomTail()}`
}
