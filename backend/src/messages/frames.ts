import type { Message } from '@roomful/sdk/protocol'
import { roomEnvelope } from '../bus/bus.js'

/** The one place a stored message becomes a wire frame; every node forwards the string as is. */
export const messageFrame = (message: Message): string =>
  JSON.stringify({ type: 'message', room: message.roomId, message })

/** A stored message (or an ephemeral event) in its room channel envelope (see `roomEnvelope`). */
export const envelope = {
  message: (message: Message, frame = messageFrame(message)) => roomEnvelope.message(message.seq, frame),
  ephemeral: roomEnvelope.ephemeral,
}
