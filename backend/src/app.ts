import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import HyperExpress from 'hyper-express'
import uWS from 'uWebSockets.js'
import { CLOSE } from '@roomful/sdk/protocol'
import { AppAdmin } from './apps/app-admin.js'
import { AppService } from './apps/app-service.js'
import { mountAttachmentRoutes } from './attachments/attachment-routes.js'
import { DiskAttachmentStore } from './attachments/attachment-store.disk.js'
import { AttachmentsService } from './attachments/attachments-service.js'
import { AuthService } from './auth/auth-service.js'
import { configureKeys, keys } from './auth/keys.js'
import { TopicRelay } from './bus/topic-relay.js'
import type { Config } from './config.js'
import { mountAdminRoutes } from './http/admin-routes.js'
import { AppRoutes } from './http/app-routes.js'
import { mountRestApi } from './http/rest-api.js'
import type { Logger } from './logger.js'
import { MessagesService } from './messages/messages-service.js'
import { RoomFeeds } from './messages/room-feed.js'
import { WriteBatcher } from './messages/write-batcher.js'
import { NodeLiveness } from './presence/node-liveness.js'
import { PresenceService } from './presence/presence-service.js'
import { RankingService } from './ranking/ranking-service.js'
import { RoomsService } from './rooms/rooms-service.js'
import type { Drivers } from './storage/drivers.js'
import { Gateway } from './ws/gateway.js'
import { createHandlers } from './ws/handlers.js'

export interface RoomfulApp {
  server: HyperExpress.Server
  apps: AppService
  listen(port: number, host: string): Promise<number>
  /** Graceful drain: stop accepting, close sockets with 1001, finish writes, leave presence. */
  shutdown(graceMs: number): Promise<void>
}

/**
 * HyperExpress answers a larger body with a bare 413 before any route runs; bodies up to this
 * reach the routes, which refuse oversize JSON (64 KiB) and oversize uploads (the app's
 * `maxAttachmentBytes`) with the usual error shape and CORS headers. So this caps what an app's
 * attachment limit can usefully be raised to.
 */
const MAX_BODY_BYTES = 32 * 1024 * 1024

/** The composition root: builds every service from the drivers and wires the edges. */
export function createApp(deps: { drivers: Drivers; config: Config; log: Logger }): RoomfulApp {
  const { drivers, config, log } = deps
  const server = new HyperExpress.Server({
    auto_close: false,
    max_body_length: MAX_BODY_BYTES,
    trust_proxy: true,
  })
  const publish = (topic: string, frame: string) => void server.publish(topic, frame)

  const apps = new AppService(drivers.apps)
  configureKeys({ cacheMaxAgeMs: config.jwksCacheMs, cooldownMs: config.jwksCooldownMs })
  const auth = new AuthService(drivers.accounts)
  const batcher = new WriteBatcher(drivers.messages)
  const feeds = new RoomFeeds({ bus: drivers.bus, messages: drivers.messages, publish, log })
  const messages = new MessagesService({
    batcher,
    messages: drivers.messages,
    presence: drivers.presence,
    bus: drivers.bus,
    feeds,
    log,
  })
  const rooms = new RoomsService({ rooms: drivers.rooms, presence: drivers.presence, bus: drivers.bus })
  // Embedded mode forgets attachment records at exit, so its files go in a directory of its own
  // that shutdown removes; a configured directory is never removed.
  const temporaryDir = config.attachmentsDir === null && drivers.mode === 'embedded'
  const attachmentsDir =
    config.attachmentsDir ??
    (temporaryDir ? join(tmpdir(), `roomful-attachments-${config.nodeId}`) : resolve('.data/attachments'))
  const attachments = new AttachmentsService({
    records: drivers.attachments,
    files: new DiskAttachmentStore(attachmentsDir),
    rooms,
    log,
  })
  const thumbnails = drivers.thumbnailQueue(attachments.makeThumbnail)
  attachments.useThumbnailQueue(thumbnails)
  const ranking = new RankingService({ presence: drivers.presence, rooms: drivers.rooms, bus: drivers.bus })
  const scheduler = drivers.rankingScheduler(ranking.recomputeAndPublish)
  const presence = new PresenceService({
    presence: drivers.presence,
    bus: drivers.bus,
    messages,
    ranking: scheduler,
    nodeId: config.nodeId,
    log,
  })
  const relay = new TopicRelay(drivers.bus, publish)
  const liveness = new NodeLiveness({
    store: drivers.presence,
    presence,
    nodeId: config.nodeId,
    ttlMs: config.nodeTtlMs,
    intervalMs: config.heartbeatIntervalMs,
    log,
  })

  const handlerDeps = {
    nodeId: config.nodeId,
    bus: drivers.bus,
    rooms,
    messages,
    attachments,
    presence,
    presenceStore: drivers.presence,
    feeds,
    relay,
    ranking,
  }
  const gateway = new Gateway(
    { ...handlerDeps, apps, log, tokenRefreshWindowMs: config.tokenRefreshWindowMs },
    createHandlers(handlerDeps),
  )
  gateway.mount(server)
  const appAdmin = new AppAdmin(drivers.apps, (appId) => {
    apps.invalidate(appId)
    keys.forget(appId)
    // Sockets of a disabled or deleted app close on this node now; other nodes' on reconnect.
    void apps.find(appId).then(
      (app) => {
        if (!app) gateway.closeApp(appId, CLOSE.forbidden, 'the app was deleted')
        else if (app.disabled) gateway.closeApp(appId, CLOSE.appDisabled, 'the app was disabled')
      },
      () => undefined,
    )
  })
  mountAdminRoutes(server, appAdmin, config.adminKey, log)
  const routes = new AppRoutes(server, apps, log)
  mountRestApi(routes, { auth, rooms, messages, ranking })
  mountAttachmentRoutes(routes, { attachments, publicUrl: config.publicUrl })

  let draining = false
  server.get('/livez', (_req, res) => void res.json({ status: 'ok' }))
  server.get('/readyz', async (_req, res) => {
    if (draining) return void res.status(503).json({ status: 'draining' })
    try {
      await drivers.ping()
      res.json({ status: 'ready', mode: drivers.mode, node: config.nodeId, connections: gateway.size })
    } catch {
      res.status(503).json({ status: 'unavailable', mode: drivers.mode })
    }
  })
  server.set_not_found_handler(
    (_req, res) => void res.status(404).json({ error: { code: 'not_found', message: 'no such route' } }),
  )
  server.set_error_handler((_req, res, err) => {
    log.error({ err }, 'unhandled error in a route')
    if (!res.completed)
      res.status(500).json({ error: { code: 'internal', message: 'unexpected server error' } })
  })

  return {
    server,
    apps,
    async listen(port, host) {
      await liveness.start()
      const socket = await server.listen(port, host)
      return uWS.us_socket_local_port(socket)
    },
    async shutdown(graceMs) {
      draining = true
      server.close()
      liveness.stop()
      // New requests are refused (shutting_down) while writes already queued commit and are
      // acked; only then do the sockets close, so a client loses no ack it could have had.
      gateway.draining = true
      const timeout = new Promise((resolve) => setTimeout(resolve, graceMs).unref())
      await Promise.race([Promise.all([gateway.idle(), batcher.drain()]), timeout])
      gateway.closeAll()
      try {
        await presence.announceLeaves(await drivers.presence.removeNode(config.nodeId))
      } catch (err) {
        log.warn({ err }, 'unable to remove this node from presence; the reaper will')
      }
      await messages.flush()
      await scheduler.close()
      await thumbnails.close()
      if (temporaryDir) await rm(attachmentsDir, { recursive: true, force: true }).catch(() => {})
      await drivers.close()
    },
  }
}
