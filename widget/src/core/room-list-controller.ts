import type { OccupancyEvent, Room } from '@roomful/sdk/protocol'
import type { ChatClient, Unsubscribe } from './client.js'
import { ClientController } from './client-controller.js'

/**
 * The room list, newest first, kept live by the lobby feed: created rooms arrive at the top
 * and occupancy counts change in place. After a reconnect the first page is fetched again,
 * since the feed may have missed events while the socket was down.
 */
export class RoomListController extends ClientController {
  rooms: Room[] = []
  nextCursor: string | null = null
  loading = false
  loaded = false
  error: unknown = null
  /** Rooms that arrived live, for a brief highlight. */
  fresh = new Set<string>()
  pageSize = 20
  private generation = 0
  /** The presence version of each room's last occupancy event: a late, older one is ignored. */
  private readonly occupancyVersions = new Map<string, number>()

  protected subscribe(client: ChatClient): Unsubscribe[] {
    const undo = [
      client.rooms.watch(
        (event) => {
          if (event.type === 'room.created') this.add(event.room, true)
          else if (event.type === 'occupancy') this.setOccupancy(event)
          else if (event.type === 'room.deleted' || event.room.archived) this.drop(event.room.id)
          else this.restore(event.room)
        },
        // The first page was fetched before the feed was live (and a reconnect may have missed
        // events): a room created in between would be missing for good, so fetch it again.
        { onLive: () => void this.refresh() },
      ),
      client.on('state', ({ current }) => {
        // Signed in as someone else (a guest may not list rooms over REST at all): try again.
        if (current === 'connected' && !this.loaded) void this.refresh()
      }),
    ]
    // At once, for a first paint that does not wait for the socket.
    void this.refresh()
    return undo
  }

  protected override reset(): void {
    this.generation++
    this.rooms = []
    this.nextCursor = null
    this.loaded = false
    this.loading = false
    this.error = null
  }

  /** Fetches the first page again, keeping rooms that arrived live meanwhile. */
  async refresh(): Promise<void> {
    const client = this.client
    if (!client) return
    const generation = ++this.generation
    this.loading = true
    this.host.requestUpdate()
    try {
      const page = await client.rooms.list({ limit: this.pageSize })
      if (generation !== this.generation) return
      const known = new Map(page.items.map((r) => [r.id, r]))
      // Keep live-arrived rooms newer than the page, then the page itself.
      const newer = this.rooms.filter((r) => !known.has(r.id) && this.fresh.has(r.id))
      this.rooms = [...newer, ...page.items]
      this.nextCursor = page.nextCursor
      this.error = null
      this.loaded = true
    } catch (err) {
      if (generation === this.generation) this.error = err
    } finally {
      if (generation === this.generation) this.loading = false
      this.host.requestUpdate()
    }
  }

  async loadMore(): Promise<void> {
    const client = this.client
    if (!client || !this.nextCursor || this.loading) return
    const generation = this.generation
    this.loading = true
    this.host.requestUpdate()
    try {
      const page = await client.rooms.list({ limit: this.pageSize, cursor: this.nextCursor })
      if (generation !== this.generation) return
      const seen = new Set(this.rooms.map((r) => r.id))
      this.rooms = [...this.rooms, ...page.items.filter((r) => !seen.has(r.id))]
      this.nextCursor = page.nextCursor
    } catch (err) {
      if (generation === this.generation) this.error = err
    } finally {
      if (generation === this.generation) this.loading = false
      this.host.requestUpdate()
    }
  }

  /** Puts a room at the top (a created room is the newest), or updates it if known. */
  add(room: Room, live = false): void {
    const existing = this.rooms.findIndex((r) => r.id === room.id)
    if (existing >= 0) {
      this.rooms = this.rooms.map((r) => (r.id === room.id ? { ...r, ...room } : r))
    } else {
      this.rooms = [room, ...this.rooms]
      if (live) {
        this.fresh.add(room.id)
        setTimeout(() => {
          this.fresh.delete(room.id)
          this.host.requestUpdate()
        }, 4000)
      }
    }
    this.host.requestUpdate()
  }

  private drop(roomId: string): void {
    if (!this.rooms.some((r) => r.id === roomId)) return
    this.rooms = this.rooms.filter((r) => r.id !== roomId)
    this.host.requestUpdate()
  }

  /**
   * A settings change: updated in place, or (unarchived) put back where its creation time
   * belongs, unless that is past the pages loaded so far (it will come with a later page).
   */
  private restore(room: Room): void {
    if (this.rooms.some((r) => r.id === room.id)) return this.add(room)
    const at = this.rooms.findIndex((r) => r.createdAt < room.createdAt)
    if (at < 0 && this.nextCursor) return
    const index = at < 0 ? this.rooms.length : at
    this.rooms = [...this.rooms.slice(0, index), room, ...this.rooms.slice(index)]
    this.host.requestUpdate()
  }

  private setOccupancy({ room: roomId, occupancy, version }: OccupancyEvent): void {
    if (!this.rooms.some((r) => r.id === roomId)) return
    if (version <= (this.occupancyVersions.get(roomId) ?? 0)) return
    this.occupancyVersions.set(roomId, version)
    this.rooms = this.rooms.map((r) => (r.id === roomId ? { ...r, occupancy } : r))
    this.host.requestUpdate()
  }
}
