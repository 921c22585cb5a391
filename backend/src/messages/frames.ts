import type { Message } from '@roomful/sdk/protocol'

/** The one place a stored message becomes a wire frame; every node forwards the string as is. */
export const messageFrame = (message: Message): string =>
  JSON.stringify({ type: 'message', room: message.roomId, message })

/**
 * Envelopes on the room channel between nodes. `M<seq>\n<frame>` carries a stored message,
 * which nodes deliver in seq order; `E\n<frame>` carries an ephemeral event (presence,
 * typing), delivered as it comes.
 */
export const envelope = {
  message: (message: Message, frame = messageFrame(message)) => `M${message.seq}\n${frame}`,
  ephemeral: (frame: object) => `E\n${JSON.stringify(frame)}`,
}
