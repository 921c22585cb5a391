// Preloaded into the second node of `npm run bench -- parts`: sends are "stored" in memory, each
// room's seqs counted here from 1 (the bench's rooms start empty), so the node pays none of the
// MySQL round trip of an append. History and everything else still use MySQL. Bench-only.
import { AppendPlan } from '../../../backend/dist/messages/append-plan.js'
import { MysqlMessageStore } from '../../../backend/dist/messages/message-store.mysql.js'

const lastSeq = new Map()

MysqlMessageStore.prototype.append = async function (batch) {
  const plan = new AppendPlan(batch, () => undefined)
  for (const room of plan.sortedRooms()) {
    const key = `${room.appId}/${room.roomId}`
    room.next = (lastSeq.get(key) ?? 0) + 1
    lastSeq.set(key, room.next + room.count - 1)
  }
  return plan.results()
}
