import type { Message, Page, Report } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import { newSortableId } from '../ids.js'
import type { Logger } from '../logger.js'
import type { AuditLog } from '../moderation/audit-log.js'
import { recordAction } from '../moderation/record-action.js'
import type { MessageStore } from '../messages/message-store.js'
import type { Actor } from '../messages/messages-service.js'
import { requireModerator } from '../rooms/room-moderation.js'
import { webhookEvent } from '../webhooks/webhook-payloads.js'
import type { Webhooks } from '../webhooks/webhooks.js'
import type { ReportRecord, ReportStatus, ReportStore } from './report-store.js'

const toReport = (record: ReportRecord, message?: Message): Report => ({
  id: record.id,
  roomId: record.roomId,
  messageId: record.messageId,
  reportedBy: record.reportedBy,
  reason: record.reason,
  status: record.status,
  createdAt: record.createdAt.toISOString(),
  resolvedBy: record.resolvedBy,
  resolvedAt: record.resolvedAt?.toISOString() ?? null,
  ...(message && { message }),
})

/** The kinds a member can report: what people send, not notices or change entries. */
const REPORTABLE = new Set<Message['kind']>(['text', 'image'])

/** Members report messages; moderators (and the admin key) list and resolve the reports. */
export class ReportsService {
  constructor(
    private readonly deps: {
      reports: ReportStore
      messages: Pick<MessageStore, 'get'>
      webhooks?: Pick<Webhooks, 'emit'>
      audit?: Pick<AuditLog, 'record'>
      log: Logger
    },
  ) {}

  /**
   * Files `reporter`'s report of a message with a reason (already bounded by the edge schema);
   * the same user reporting the same message again gets the first report back, and no second
   * `message.reported` webhook.
   */
  async report(
    appId: string,
    roomId: string,
    reporter: { id: string; guest: boolean },
    messageId: string,
    reason: string,
  ): Promise<Report> {
    if (reporter.guest) throw new RoomfulError('guest_read_only', 'unable to report; guests cannot')
    const message = await this.deps.messages.get(appId, roomId, messageId)
    if (!message || !REPORTABLE.has(message.kind))
      throw new RoomfulError('not_found', `unable to report; no message ${messageId} in this room`)
    const { report, created } = await this.deps.reports.create({
      appId,
      id: newSortableId('rep'),
      roomId,
      messageId,
      reportedBy: reporter.id,
      reason,
      status: 'open',
      createdAt: new Date(),
      resolvedBy: null,
      resolvedAt: null,
    })
    if (created)
      this.deps.webhooks?.emit(
        webhookEvent(
          'message.reported',
          appId,
          {
            appId,
            roomId,
            report: {
              id: report.id,
              reportedBy: report.reportedBy,
              reason: report.reason,
              createdAt: report.createdAt.toISOString(),
            },
            message,
          },
          report.createdAt,
        ),
      )
    return toReport(report)
  }

  /** Newest first, the open ones unless `status` says otherwise, each with its message now. */
  async list(
    appId: string,
    actor: Actor,
    page: { status?: ReportStatus; limit: number; cursor?: string },
  ): Promise<Page<Report>> {
    requireModerator(actor, 'list reports')
    const records = await this.deps.reports.list(appId, {
      status: page.status ?? 'open',
      limit: page.limit + 1,
      before: page.cursor,
    })
    const items = records.slice(0, page.limit)
    // At most one page of lookups, each one indexed read, all at once.
    const messages = await Promise.all(items.map((r) => this.deps.messages.get(appId, r.roomId, r.messageId)))
    return {
      items: items.map((record, i) => toReport(record, messages[i] ?? undefined)),
      nextCursor: records.length > page.limit ? (items.at(-1)?.id ?? null) : null,
    }
  }

  async resolve(appId: string, actor: Actor, reportId: string): Promise<Report> {
    requireModerator(actor, 'resolve reports')
    const at = new Date()
    const record = await this.deps.reports.resolve(appId, reportId, actor.id, at)
    if (!record) throw new RoomfulError('not_found', `unable to resolve; no report ${reportId}`)
    // Resolving a resolved report changes nothing, so it is no action to record.
    if (record.resolvedBy === actor.id && record.resolvedAt?.getTime() === at.getTime())
      await recordAction(this.deps.audit, this.deps.log, {
        appId,
        actor: actor.id,
        action: 'report.resolve',
        roomId: record.roomId,
        targetUserId: record.reportedBy,
        targetMessageId: record.messageId,
        reason: record.reason,
        details: { reportId: record.id },
      })
    return toReport(record)
  }
}
