import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import type { Membership } from '../../src/presence/presence-store.js'
import { dropRedisPrefix } from '../support/services.js'
import { contract, sleep } from './harness.js'

const hex = (n: number) => randomBytes(n).toString('hex')

const member = (appId: string, roomId: string, userId: string, nodeId = 'node-a'): Membership => ({
  appId,
  roomId,
  connectionId: `c${hex(6)}`,
  nodeId,
  user: {
    id: userId,
    name: `Name ${userId}`,
    avatar: userId === 'ann' ? 'https://cdn.example/ann.png' : null,
  },
})

const leaving = (m: Membership) => ({
  appId: m.appId,
  roomId: m.roomId,
  connectionId: m.connectionId,
  nodeId: m.nodeId,
  userId: m.user.id,
})

contract('PresenceStore', (h, kind) => {
  it('counts a user with two connections once; they leave with the last one', async () => {
    const p = h().node.presence
    const app = `a${hex(4)}`
    const tab1 = member(app, 'r1', 'ann')
    const tab2 = member(app, 'r1', 'ann')
    expect(await p.join(tab1)).toEqual({
      appId: app,
      roomId: 'r1',
      user: tab1.user,
      changed: true,
      total: 1,
      version: expect.any(Number),
    })
    expect(await p.join(tab2)).toMatchObject({ changed: false, total: 1 })
    expect(await p.join(tab2)).toMatchObject({ changed: false, total: 1 }) // a repeated join is a no-op
    expect(await p.join(member(app, 'r1', 'bob'))).toMatchObject({ changed: true, total: 2 })
    expect(await p.leave(leaving(tab1))).toMatchObject({ changed: false, total: 2, user: tab1.user })
    expect(await p.occupancy(app, ['r1'])).toEqual([2])
    expect(await p.leave(leaving(tab2))).toEqual({
      appId: app,
      roomId: 'r1',
      user: tab1.user,
      changed: true,
      total: 1,
      version: expect.any(Number),
    })
    expect(await p.leave(leaving(tab2))).toBeNull() // already gone
    expect(await p.occupancy(app, ['r1'])).toEqual([1])
  })

  it('snapshots distinct users, capped, with the full total', async () => {
    const p = h().node.presence
    const app = `a${hex(4)}`
    for (const user of ['ann', 'bob', 'cid', 'dee', 'ann']) await p.join(member(app, 'r1', user))
    const full = await p.snapshot(app, 'r1', 10)
    expect(full.total).toBe(4)
    expect(full.users.map((u) => u.id).sort()).toEqual(['ann', 'bob', 'cid', 'dee'])
    expect(full.users.find((u) => u.id === 'ann')).toEqual({
      id: 'ann',
      name: 'Name ann',
      avatar: 'https://cdn.example/ann.png',
    })
    const capped = await p.snapshot(app, 'r1', 2)
    expect(capped.total).toBe(4)
    expect(capped.users).toHaveLength(2)
    expect(await p.snapshot(app, 'empty', 10)).toMatchObject({ users: [], total: 0 })
  })

  it('orders changes and snapshots by a version that only grows, whichever node made them', async () => {
    const p = h().node.presence
    const other = (await h().secondNode()).presence
    const app = `a${hex(4)}`
    const ann = member(app, 'r1', 'ann')
    const steps = [
      (await p.join(ann)).version,
      (await other.join(member(app, 'r1', 'bob', 'node-b'))).version,
      (await p.snapshot(app, 'r1', 10)).version,
      (await other.leave(leaving(ann)))!.version,
      await p.nextVersion(),
    ]
    for (const [i, v] of steps.entries()) {
      expect(Number.isSafeInteger(v)).toBe(true)
      if (i > 0) expect(v).toBeGreaterThan(steps[i - 1]!)
    }
    // Microseconds of the store's clock: a store that starts over empty keeps counting up.
    expect(Math.abs(steps[0]! / 1000 - Date.now())).toBeLessThan(60_000)
  })

  it('reports occupancy aligned with the ids asked, and never across apps', async () => {
    const p = h().node.presence
    const app = `a${hex(4)}`
    const other = `b${hex(4)}`
    await p.join(member(app, 'r1', 'ann'))
    await p.join(member(app, 'r2', 'ann'))
    await p.join(member(app, 'r2', 'bob'))
    expect(await p.occupancy(app, ['r2', 'nope', 'r1'])).toEqual([2, 0, 1])
    expect(await p.occupancy(other, ['r1', 'r2'])).toEqual([0, 0])
    expect(await p.occupancy(app, [])).toEqual([])
    expect(await p.top(other, 10)).toEqual([])
    expect(await p.snapshot(other, 'r2', 10)).toMatchObject({ users: [], total: 0 })
  })

  // Embedded mode makes no round trips to count.
  if (kind === 'production')
    it('reads occupancy of a whole room list page in one round trip', async () => {
      const node = h().node
      if (!node.redisCommandCount) throw new Error('production drivers count their round trips')
      const app = `a${hex(4)}`
      const ids = Array.from({ length: 50 }, (_, i) => `r${i}`)
      await node.presence.join(member(app, 'r7', 'ann'))
      const before = node.redisCommandCount()
      const one = await node.presence.occupancy(app, ['r7'])
      const afterOne = node.redisCommandCount()
      const fifty = await node.presence.occupancy(app, ids)
      expect([afterOne - before, node.redisCommandCount() - afterOne]).toEqual([1, 1])
      expect(one).toEqual([1])
      expect(fifty.reduce((a, b) => a + b)).toBe(1)
    })

  it('ranks rooms by distinct users, ties by most recent activity', async () => {
    const p = h().node.presence
    const app = `a${hex(4)}`
    const occupy = async (room: string, users: number) => {
      for (let i = 0; i < users; i++) await p.join(member(app, room, `u${i}`))
    }
    // Five rooms tie at one user; the one with the newest activity must make the top 3,
    // whatever their ids say.
    await occupy('big', 3)
    for (const room of ['t-a', 't-b', 't-c', 't-d', 't-e']) await occupy(room, 1)
    const base = Date.now() + 60_000
    // Newest activity on the rooms whose ids sort last, so a tie broken by id would fail.
    await p.touch(
      app,
      new Map([
        ['t-a', base + 5],
        ['t-d', base + 1],
        ['t-c', base + 3],
      ]),
    )
    await p.touch(app, new Map([['t-b', base + 4]]))
    await p.touch(
      app,
      new Map([
        ['t-e', base + 2],
        ['big', base - 50_000],
      ]),
    )
    const top = await p.top(app, 3)
    expect(top).toEqual([
      { roomId: 'big', occupancy: 3, lastActivityMs: base - 50_000 },
      { roomId: 't-a', occupancy: 1, lastActivityMs: base + 5 },
      { roomId: 't-b', occupancy: 1, lastActivityMs: base + 4 },
    ])
    expect((await p.top(app, 10)).map((r) => r.roomId)).toEqual(['big', 't-a', 't-b', 't-c', 't-e', 't-d'])
    expect(await p.top(app, 0)).toEqual([])
  })

  it('leaves empty rooms out of the ranking', async () => {
    const p = h().node.presence
    const app = `a${hex(4)}`
    const m = member(app, 'r1', 'ann')
    await p.join(m)
    await p.join(member(app, 'r2', 'bob'))
    await p.leave(leaving(m))
    expect((await p.top(app, 10)).map((r) => r.roomId)).toEqual(['r2'])
  })

  it('caps connections per user across nodes', async () => {
    const other = await h().secondNode()
    const app = `a${hex(4)}`
    const p = h().node.presence
    expect(await p.openConnection(app, 'ann', 'c1', 'node-a', 2)).toBe('only-this-node')
    expect(await other.presence.openConnection(app, 'ann', 'c2', 'node-b', 2)).toBe('other-nodes-too')
    expect(await p.openConnection(app, 'ann', 'c1', 'node-a', 2)).toBe('other-nodes-too') // already counted
    expect(await p.openConnection(app, 'ann', 'c3', 'node-a', 2)).toBe('refused')
    expect(await p.openConnection(app, 'bob', 'c4', 'node-a', 2)).toBe('only-this-node')
    expect(await p.openConnection(`b${hex(4)}`, 'ann', 'c5', 'node-a', 2)).toBe('only-this-node')
    await other.presence.closeConnection(app, 'ann', 'c2')
    expect(await p.openConnection(app, 'ann', 'c3', 'node-a', 2)).toBe('only-this-node')
    expect(await p.openConnection(app, 'ann', 'c6', 'node-a', 2)).toBe('refused')
  })

  it('says whether another node holds one of the user’s connections too', async () => {
    const other = await h().secondNode()
    const app = `a${hex(4)}`
    const p = h().node.presence
    expect(await p.openConnection(app, 'ann', 'c1', 'node-a', 5)).toBe('only-this-node')
    expect(await p.openConnection(app, 'ann', 'c2', 'node-a', 5)).toBe('only-this-node') // two tabs, one node
    expect(await other.presence.openConnection(app, 'ann', 'c3', 'node-b', 5)).toBe('other-nodes-too')
    await p.closeConnection(app, 'ann', 'c1')
    await p.closeConnection(app, 'ann', 'c2')
    expect(await other.presence.openConnection(app, 'ann', 'c4', 'node-b', 5)).toBe('only-this-node')
  })

  it('reaps a lapsed node’s users and connections, but never a live node’s', async () => {
    const p = h().node.presence
    const app = `a${hex(4)}`
    const dead = `dead-${hex(3)}`
    const live = `live-${hex(3)}`
    await p.heartbeat(dead, 1)
    await p.heartbeat(live, 60_000)
    await p.join(member(app, 'r1', 'ann', dead))
    await p.join(member(app, 'r1', 'ann', dead)) // two tabs on the dead node
    await p.join(member(app, 'r1', 'bob', dead))
    await p.join(member(app, 'r1', 'bob', live)) // bob also has a tab on a live node
    await p.join(member(app, 'r1', 'cid', live))
    await p.join(member(app, 'r2', 'ann', dead))
    expect(await p.openConnection(app, 'ann', 'dead-conn', dead, 1)).toBe('only-this-node')
    await sleep(20)

    const changes = await p.reapDeadNodes(live)
    const left = changes.map((c) => [c.roomId, c.user.id, c.changed]).sort()
    expect(left).toEqual([
      ['r1', 'ann', true],
      ['r2', 'ann', true],
    ])
    expect(changes.find((c) => c.roomId === 'r1')).toMatchObject({
      appId: app,
      user: { id: 'ann', name: 'Name ann', avatar: 'https://cdn.example/ann.png' },
      total: 2,
    })
    expect(await p.occupancy(app, ['r1', 'r2'])).toEqual([2, 0])
    expect((await p.snapshot(app, 'r1', 10)).users.map((u) => u.id).sort()).toEqual(['bob', 'cid'])
    // The dead node's connection no longer counts against the cap, nor as one elsewhere.
    expect(await p.openConnection(app, 'ann', 'new-conn', live, 1)).toBe('only-this-node')
    // Reaping again, from any node, finds nothing more.
    expect(await p.reapDeadNodes(live)).toEqual([])
    expect(await (await h().secondNode()).presence.reapDeadNodes('someone-else')).toEqual([])
  })

  it('never reaps the calling node, even when its own heartbeat lapsed', async () => {
    const p = h().node.presence
    const app = `a${hex(4)}`
    const self = `self-${hex(3)}`
    await p.heartbeat(self, 1)
    await p.join(member(app, 'r1', 'ann', self))
    await sleep(20)
    const changes = await p.reapDeadNodes(self)
    expect(changes.filter((c) => c.appId === app)).toEqual([])
    expect(await p.occupancy(app, ['r1'])).toEqual([1])
  })

  it('reports each departure once when every node reaps at the same time', async () => {
    const nodes = [h().node, await h().secondNode()]
    const app = `a${hex(4)}`
    const dead = `dead-${hex(3)}`
    await nodes[0]!.presence.heartbeat(dead, 1)
    for (const user of ['ann', 'bob', 'cid']) await nodes[0]!.presence.join(member(app, 'r1', user, dead))
    await sleep(20)
    const all = (await Promise.all(nodes.map((n, i) => n.presence.reapDeadNodes(`live-${i}`)))).flat()
    expect(
      all
        .filter((c) => c.appId === app)
        .map((c) => c.user.id)
        .sort(),
    ).toEqual(['ann', 'bob', 'cid'])
    expect(await nodes[0]!.presence.occupancy(app, ['r1'])).toEqual([0])
  })

  it('removeNode takes a node’s users out at once on graceful shutdown', async () => {
    const p = h().node.presence
    const app = `a${hex(4)}`
    const leavingNode = `bye-${hex(3)}`
    await p.heartbeat(leavingNode, 60_000)
    await p.join(member(app, 'r1', 'ann', leavingNode))
    await p.join(member(app, 'r1', 'bob', 'node-stays'))
    const changes = await p.removeNode(leavingNode)
    expect(changes.map((c) => [c.roomId, c.user.id, c.total])).toEqual([['r1', 'ann', 1]])
    expect(await p.occupancy(app, ['r1'])).toEqual([1])
  })

  it('defers a leave under a hold: the user stays present, and a rejoin on any node cancels it', async () => {
    const p = h().node.presence
    const other = (await h().secondNode()).presence
    const app = `a${hex(4)}`
    const tab = member(app, 'r1', 'ann', 'node-a')
    await p.join(tab)
    await p.join(member(app, 'r1', 'bob', 'node-a'))
    const held = await p.leave(leaving(tab), { holdMs: 60_000 })
    expect(held).toMatchObject({ changed: false, total: 2, user: tab.user, heldForMs: 60_000 })
    expect(await p.occupancy(app, ['r1'])).toEqual([2])
    expect((await p.snapshot(app, 'r1', 10)).users.map((u) => u.id).sort()).toEqual(['ann', 'bob'])
    expect((await p.top(app, 10))[0]).toMatchObject({ roomId: 'r1', occupancy: 2 })
    // Back on another node: no change, and nothing is left to finalize.
    const back = member(app, 'r1', 'ann', 'node-b')
    expect(await other.join(back)).toMatchObject({ changed: false, total: 2 })
    expect(await p.finalizeLeaves()).toEqual([])
    // Her new connection leaving for good is a normal leave, not a held one.
    expect(await other.leave(leaving(back))).toMatchObject({ changed: true, total: 1 })
  })

  it('holds a user once whatever the number of closed tabs, and ends a due hold once across nodes', async () => {
    const nodes = [h().node.presence, (await h().secondNode()).presence]
    const app = `a${hex(4)}`
    const tabs = [member(app, 'r1', 'ann'), member(app, 'r1', 'ann')]
    for (const tab of tabs) await nodes[0]!.join(tab)
    await nodes[0]!.join(member(app, 'r1', 'bob'))
    // Closing one of two tabs is no leave, held or not.
    expect(await nodes[0]!.leave(leaving(tabs[0]!), { holdMs: 50 })).toMatchObject({
      changed: false,
      total: 2,
    })
    const last = await nodes[0]!.leave(leaving(tabs[1]!), { holdMs: 50 })
    expect(last).toMatchObject({ changed: false, total: 2, heldForMs: 50 })
    expect(await nodes[0]!.finalizeLeaves()).toEqual([]) // not due yet
    await sleep(80)
    const finalized = (await Promise.all(nodes.map((n) => n.finalizeLeaves()))).flat()
    expect(finalized).toEqual([
      { appId: app, roomId: 'r1', user: tabs[0]!.user, changed: true, total: 1, version: expect.any(Number) },
    ])
    expect(await nodes[1]!.occupancy(app, ['r1'])).toEqual([1])
    expect((await nodes[1]!.snapshot(app, 'r1', 10)).users.map((u) => u.id)).toEqual(['bob'])
  })

  it('holds a user the store had lost, then lets them leave like any deferred leave', async () => {
    const p = h().node.presence
    const app = `a${hex(4)}`
    const ann = member(app, 'r1', 'ann').user
    await p.hold(app, 'r1', ann, 40)
    await p.hold(app, 'r1', ann, 40) // once, however often asked
    expect(await p.occupancy(app, ['r1'])).toEqual([1])
    await sleep(70)
    expect(await p.finalizeLeaves()).toMatchObject([{ roomId: 'r1', user: ann, changed: true, total: 0 }])
    expect(await p.occupancy(app, ['r1'])).toEqual([0])
    expect(await p.top(app, 10)).toEqual([])
  })

  it('says whether a node was still registered, with an epoch that stays while the store keeps its data', async () => {
    const p = h().node.presence
    const self = `self-${hex(3)}`
    const first = await p.heartbeat(self, 60_000)
    expect(first.registered).toBe(false)
    expect(await p.heartbeat(self, 1)).toEqual({ registered: true, epoch: first.epoch })
    await sleep(20)
    await (await h().secondNode()).presence.reapDeadNodes('someone-else')
    // Taken for dead: no longer registered, but the store did not start over.
    expect(await p.heartbeat(self, 60_000)).toEqual({ registered: false, epoch: first.epoch })
  })

  it('re-asserts a node’s connections, memberships and holds in one go, idempotently', async () => {
    const p = h().node.presence
    const app = `a${hex(4)}`
    const self = `self-${hex(3)}`
    const ann = member(app, 'r1', 'ann', self)
    const bob = member(app, 'r1', 'bob', self)
    const cid = member(app, 'r2', 'cid', self)
    await p.join(member(app, 'r1', 'bob', 'node-other')) // bob is also here through another node
    const state = {
      connections: [ann, bob, cid].map((m) => ({
        appId: app,
        userId: m.user.id,
        connectionId: m.connectionId,
      })),
      memberships: [ann, bob, cid].map(({ nodeId: _, ...m }) => m),
      holds: [{ appId: app, roomId: 'r2', user: member(app, 'r2', 'dee').user, forMs: 60_000 }],
    }
    const first = await p.reassert(self, 60_000, state)
    expect(first.returned.map((c) => [c.roomId, c.user.id, c.changed]).sort()).toEqual([
      ['r1', 'ann', true],
      ['r2', 'cid', true],
    ])
    const totals = (r: typeof first) => r.totals.map((t) => [t.roomId, t.total]).sort()
    expect(totals(first)).toEqual([
      ['r1', 2],
      ['r2', 2],
    ])
    const again = await p.reassert(self, 60_000, state)
    expect(again.returned).toEqual([])
    expect(totals(again)).toEqual(totals(first))
    expect(await p.occupancy(app, ['r1', 'r2'])).toEqual([2, 2])
    expect(await p.heartbeat(self, 60_000)).toMatchObject({ registered: true })
    // The connections count against the per-user cap, and a leave undoes a membership.
    expect(await p.openConnection(app, 'ann', 'c-new', self, 1)).toBe('refused')
    expect(await p.leave(leaving(ann))).toMatchObject({ changed: true, total: 1 })
    // Removing the node takes what was re-asserted; dee's hold is nobody's node.
    const removed = await p.removeNode(self)
    expect(removed.map((c) => c.user.id)).toEqual(['cid'])
    expect(await p.occupancy(app, ['r1', 'r2'])).toEqual([1, 1])
  })

  // Embedded mode keeps its data for the life of the process; only Redis can start over.
  if (kind === 'production')
    it('shows every node a new epoch once the store started over empty', async () => {
      const p = h().node.presence
      const self = `self-${hex(3)}`
      const before = await p.heartbeat(self, 60_000)
      await dropRedisPrefix(h().prefix!)
      const after = await p.heartbeat(self, 60_000)
      expect(after.registered).toBe(false)
      expect(after.epoch).not.toBe(before.epoch)
      expect(await (await h().secondNode()).presence.heartbeat(`other-${hex(3)}`, 1_000)).toMatchObject({
        epoch: after.epoch,
      })
    })
})
