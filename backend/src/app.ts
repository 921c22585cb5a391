import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import HyperExpress from 'hyper-express'
import uWS from 'uWebSockets.js'
import { CLOSE, DEFAULT_LIMITS } from '@roomful/sdk/protocol'
import { AppAdmin } from './apps/app-admin.js'
import { AppService } from './apps/app-service.js'
import { DiskAttachmentStore } from './attachments/attachment-store.disk.js'
import { AttachmentsService } from './attachments/attachments-service.js'
import { AuthService } from './auth/auth-service.js'
import { HashQueue } from './auth/hash-queue.js'
import { KeyCache } from './auth/keys.js'
import { TopicRelay } from './bus/topic-relay.js'
import type { Config } from './config.js'
import { StoreHealth } from './health/store-health.js'
import { mountRoutes } from './http/router.js'
import { AuthLimits } from './limits/auth-limits.js'
import { ClientAddress } from './limits/client-address.js'
import { SendLimits } from './limits/send-limits.js'
import { onceInAWhile, type Logger } from './logger.js'
import { startBusEcho } from './metrics/bus-echo.js'
import { instrumentDrivers } from './metrics/instrument-drivers.js'
import { Metrics } from './metrics/metrics.js'
import { createAuditLog } from './moderation/audit-log.js'
import { MessagesService } from './messages/messages-service.js'
import { RoomFeeds } from './messages/room-feed.js'
import { WriteBatcher } from './messages/write-batcher.js'
import { NodeLiveness } from './presence/node-liveness.js'
import { PresenceHealer } from './presence/presence-healer.js'
import { PresenceService } from './presence/presence-service.js'
import { SoloUsers } from './presence/solo-users.js'
import { RankingService } from './ranking/ranking-service.js'
import { ReportsService } from './reports/reports-service.js'
import { RoomControl } from './rooms/room-control.js'
import { RoomModeration } from './rooms/room-moderation.js'
import { RoomSettingsCache } from './rooms/room-settings-cache.js'
import { ModerationActions } from './moderation/moderation-actions.js'
import { ModeratorGrants } from './moderation/moderator-grants.js'
import { SanctionChecks } from './moderation/sanction-checks.js'
import { SanctionsService } from './moderation/sanctions-service.js'
import { RoomsService } from './rooms/rooms-service.js'
import { SendPolicy } from './rooms/send-policy.js'
import { routes } from './routes.js'
import type { Drivers } from './drivers/drivers.js'
import { createWebhooks } from './webhooks/webhooks-module.js'
import { listenExclusively } from './http/listen-exclusively.js'
import { Gateway } from './ws/gateway.js'
import { createHandlers } from './ws/handlers.js'
import { enforceSanction } from './ws/sanction-enforcer.js'

/** How long a store must be known down before requests that need it are refused at once. */
const FAIL_FAST_AFTER_MS = 2_000

export interface RoomfulApp {
  server: HyperExpress.Server
  apps: AppService
  listen(port: number, host: string): Promise<number>
  /** Graceful drain: stop accepting, close sockets with 1001, finish writes, leave presence. */
  shutdown(graceMs: number): Promise<void>
}

/**
 * HyperExpress answers a larger declared body with a bare 413 before any route runs; bodies up
 * to this reach the routes, which refuse oversize JSON (64 KiB) and oversize uploads (the app's
 * `maxAttachmentBytes`) with the usual error shape and CORS headers, from Content-Length before
 * reading and while streaming a chunked one (http/bounded-body.ts), so a refused body is never
 * held in memory. This caps what an app's attachment limit can usefully be raised to.
 */
const MAX_BODY_BYTES = 32 * 1024 * 1024

/**
 * The composition root: builds every service from the drivers and wires the edges. `metrics`
 * is the registry main serves on METRICS_PORT; without one, hooks record into a private registry
 * nobody reads (so they stay unconditional) and no bus probe runs.
 */
export function createApp(deps: {
  drivers: Drivers
  config: Config
  log: Logger
  metrics?: Metrics
}): RoomfulApp {
  const { config, log } = deps
  const metrics = deps.metrics ?? new Metrics({ mode: deps.drivers.mode })
  const drivers = instrumentDrivers(deps.drivers, metrics)
  const server = new HyperExpress.Server({
    auto_close: false,
    max_body_length: MAX_BODY_BYTES,
    trust_proxy: true,
  })
  const publish = (topic: string, frame: string) => {
    server.publish(topic, frame)
    metrics.framesSent.inc(server.num_of_subscribers(topic))
  }

  const apps = new AppService(drivers.apps)
  const keys = new KeyCache({ cacheMaxAgeMs: config.jwksCacheMs, cooldownMs: config.jwksCooldownMs })
  const webhooks = createWebhooks({ drivers, config, metrics, log })
  const sanctions = new SanctionsService({
    store: drivers.sanctions,
    bus: drivers.bus,
    webhooks: webhooks.webhooks,
    log,
  })
  const grants = new ModeratorGrants(drivers.moderators, drivers.bus)
  const checks = new SanctionChecks(sanctions, grants)
  const auth = new AuthService(
    drivers.accounts,
    new HashQueue({
      concurrency: config.hashConcurrency,
      depth: config.hashQueueDepth,
      perAddress: config.hashPerAddress,
    }),
    (appId, userId, what) => checks.assertNotBanned(appId, userId, what),
  )
  // A failing limiter lets requests through (the stores behind them fail on their own if down).
  const limiterError = onceInAWhile((err, repeats) =>
    log.warn({ err, repeats }, 'unable to count a rate-limit hit; letting the request through'),
  )
  const authLimits = new AuthLimits(
    drivers.limiter,
    {
      perAddress: { limit: config.authRatePerAddress, windowMs: config.authRateWindowMs },
      perAccount: { limit: config.authRatePerAccount, windowMs: config.authRateWindowMs },
    },
    limiterError,
  )
  const batcher = new WriteBatcher(drivers.messages)
  const feeds = new RoomFeeds({
    bus: drivers.bus,
    messages: drivers.messages,
    publish,
    log,
    nodeId: config.nodeId,
  })
  // Messages committed while the bus was away reach nobody through it: read them from the
  // store now, and once more after the subscriptions are surely back in place. Other nodes
  // may have stopped publishing rooms they thought no node shared with them: say hello again.
  drivers.bus.onReconnect(() => {
    feeds.relisten()
    void feeds.reconcile()
    setTimeout(() => void feeds.reconcile(), 1_000).unref()
  })
  const audit = createAuditLog(drivers.audit)
  const messages = new MessagesService({
    batcher,
    messages: drivers.messages,
    presence: drivers.presence,
    feeds,
    webhooks: webhooks.webhooks,
    audit,
    log,
  })
  const storeHealth = new StoreHealth(drivers.probes, {
    intervalMs: config.healthProbeIntervalMs,
    timeoutMs: config.healthProbeTimeoutMs,
    log,
  })
  const rooms = new RoomsService({
    rooms: drivers.rooms,
    presence: drivers.presence,
    bus: drivers.bus,
    presenceReachable: () => storeHealth.isUp('redis'),
  })
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
  const soloUsers = new SoloUsers(drivers.bus, (err) =>
    log.warn({ err }, 'unable to tell the other nodes that a user is connected to several'),
  )
  const presence = new PresenceService({
    presence: drivers.presence,
    bus: drivers.bus,
    solo: soloUsers,
    messages,
    ranking: scheduler,
    nodeId: config.nodeId,
    log,
    graceMs: async (appId) =>
      (await apps.find(appId))?.effectiveLimits.presenceGraceMs ?? DEFAULT_LIMITS.presenceGraceMs,
    settleMs: config.heartbeatIntervalMs,
  })
  // Notices that waited for MySQL go in as soon as it is known to be back.
  storeHealth.onChange((store, up) => up && store === 'mysql' && presence.notices.retryNow())
  // A store down for longer than a probe hiccup is refused at once, not waited on (see
  // Mysql.refuseWhile); its first good probe lifts that.
  drivers.failFastWhile((store) => storeHealth.downForMs(store) >= FAIL_FAST_AFTER_MS)
  const relay = new TopicRelay(drivers.bus, publish)
  const healer = new PresenceHealer({
    store: drivers.presence,
    presence,
    nodeId: config.nodeId,
    ttlMs: config.nodeTtlMs,
    settleMs: config.heartbeatIntervalMs,
    log,
  })
  const liveness = new NodeLiveness({
    store: drivers.presence,
    presence,
    healer,
    nodeId: config.nodeId,
    ttlMs: config.nodeTtlMs,
    heartbeatMs: config.heartbeatIntervalMs,
    reapMs: config.reapIntervalMs,
    log,
  })
  presence.useRegistration(() => liveness.check())

  const roomSettings = new RoomSettingsCache(drivers.rooms)
  // `gateway` is built below; a delete only ever arrives once the node is listening.
  const roomControl = new RoomControl({
    nodeId: config.nodeId,
    bus: drivers.bus,
    settings: roomSettings,
    publish,
    evict: (appId, roomId, frame) => gateway.evictRoom(appId, roomId, frame),
    rerank: (appId) => scheduler.request(appId),
    liveRooms: () => feeds.live(),
    rooms: drivers.rooms,
    view: (record) => rooms.view(record),
    log,
  })
  const roomModeration = new RoomModeration({
    rooms: drivers.rooms,
    service: rooms,
    control: roomControl,
    ranking: scheduler,
    audit,
    webhooks: webhooks.webhooks,
    attachments,
    log,
  })
  const reports = new ReportsService({
    reports: drivers.reports,
    messages: drivers.messages,
    webhooks: webhooks.webhooks,
    audit,
    log,
  })

  // The actions ask the gateway (built below, before any request) whether a target is connected
  // as a moderator.
  const moderation: ModerationActions = new ModerationActions({
    sanctions,
    grants,
    requireRoom: (appId, roomId) => rooms.require(appId, roomId),
    connectedAsModerator: (appId, userId): boolean => gateway.hasModerator(appId, userId),
    audit,
    log,
  })
  const sendLimits = new SendLimits(drivers.limiter, limiterError, (appId, userId) =>
    soloUsers.isSolo(appId, userId),
  )
  const sendPolicy = new SendPolicy({
    checks,
    settings: roomSettings,
    limiter: drivers.limiter,
    onLimiterError: limiterError,
  })
  const handlerDeps = {
    nodeId: config.nodeId,
    keys,
    bus: drivers.bus,
    rooms,
    messages,
    attachments,
    presence,
    feeds,
    relay,
    ranking,
    sendLimits,
    roomSettings,
    sendPolicy,
    roomModeration,
    reports,
    checks,
    moderation,
  }
  const gateway = new Gateway(
    {
      ...handlerDeps,
      apps,
      log,
      metrics,
      tokenRefreshWindowMs: config.tokenRefreshWindowMs,
      lag: { limitBytes: config.wsLagLimitBytes, cutMs: config.wsLagCutMs },
    },
    createHandlers(handlerDeps),
  )
  gateway.mount(server)
  sanctions.onChange((change) =>
    enforceSanction(gateway.connectionsOf(change.appId, change.sanction.userId), change, {
      feeds,
      presence,
      log,
    }),
  )
  metrics.countSockets(() => gateway.census())
  let stopBusEcho: (() => Promise<void>) | null = null
  let listenSocket: uWS.us_listen_socket | null = null
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
  let draining = false
  const health = {
    mode: drivers.mode,
    nodeId: config.nodeId,
    draining: () => draining,
    connections: () => gateway.size,
    ready: () => storeHealth.ready,
    stores: () => storeHealth.status(),
  }
  mountRoutes(
    server,
    routes,
    {
      auth,
      authLimits,
      rooms,
      messages,
      sendLimits,
      sendPolicy,
      ranking,
      attachments,
      roomModeration,
      reports,
      publicUrl: config.publicUrl,
      trustedHosts: config.trustedHosts,
      admin: appAdmin,
      webhookAdmin: webhooks.admin,
      moderation,
      checks,
      audit,
      health,
    },
    {
      apps,
      keys,
      adminKey: config.adminKey,
      clientAddress: new ClientAddress(config.trustedProxies),
      log,
      admit: (appId, identity) => checks.admit(appId, identity, 'authorize'),
    },
  )

  return {
    server,
    apps,
    async listen(port, host) {
      await liveness.start()
      await roomControl.start()
      await sanctions.start()
      await soloUsers.start()
      await grants.start()
      storeHealth.start()
      if (deps.metrics)
        stopBusEcho = await startBusEcho(drivers.bus, config.nodeId, (s) => metrics.busEchoSeconds.observe(s))
      listenSocket = await listenExclusively(server, port, host)
      return uWS.us_socket_local_port(listenSocket)
    },
    async shutdown(graceMs) {
      draining = true
      if (listenSocket) server.close(listenSocket)
      liveness.stop()
      storeHealth.stop()
      // New requests are refused (shutting_down) while writes already queued commit and are
      // acked; only then do the sockets close, so a client loses no ack it could have had.
      gateway.draining = true
      const timeout = new Promise((resolve) => setTimeout(resolve, graceMs).unref())
      await Promise.race([Promise.all([gateway.idle(), batcher.drain()]), timeout])
      gateway.closeAll()
      try {
        await presence.departNode()
      } catch (err) {
        log.warn({ err }, 'unable to remove this node from presence; the reaper will')
      }
      await stopBusEcho?.().catch(() => undefined)
      presence.close()
      await sanctions.stop()
      await grants.stop()
      await soloUsers.stop()
      await sendLimits.flushTally()
      await messages.flush()
      await scheduler.close()
      await thumbnails.close()
      await webhooks.webhooks.close()
      if (temporaryDir) await rm(attachmentsDir, { recursive: true, force: true }).catch(() => {})
      await drivers.close()
    },
  }
}
