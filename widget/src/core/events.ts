import type { AuthSession, Message, Room } from '@roomful/sdk/protocol'
import type { ConnectionState } from './client.js'

/** Every event a Roomful element dispatches. All bubble and are composed (they cross shadow roots). */
export interface RoomfulEventMap {
  /** A room was picked in the ranking board or the room list. */
  'roomful-room-select': { roomId: string; name?: string }
  /** The user created a room. */
  'roomful-room-create': { room: Room }
  /** The user logged in or signed up with a hosted account. */
  'roomful-login': { session: AuthSession }
  /** The user asked to leave the room view (back button). */
  'roomful-back': Record<string, never>
  /** The room was joined: history and presence are on screen. */
  'roomful-join': { room: Room }
  /** A message the user wrote was stored by the server. */
  'roomful-message-sent': { message: Message }
  /** The connection changed state. */
  'roomful-connection': { previous: ConnectionState; current: ConnectionState }
  /** An action needed a login (e.g. sending as a guest); `roomful-chat` answers with its login screen. */
  'roomful-login-required': { roomId?: string }
  /** Something the user tried failed; `code` is the SDK's stable error code when there is one. */
  'roomful-error': { code: string; message: string }
}

export type RoomfulEventName = keyof RoomfulEventMap
export type RoomfulEvent<K extends RoomfulEventName> = CustomEvent<RoomfulEventMap[K]>

declare global {
  interface HTMLElementEventMap {
    'roomful-room-select': RoomfulEvent<'roomful-room-select'>
    'roomful-room-create': RoomfulEvent<'roomful-room-create'>
    'roomful-login': RoomfulEvent<'roomful-login'>
    'roomful-back': RoomfulEvent<'roomful-back'>
    'roomful-join': RoomfulEvent<'roomful-join'>
    'roomful-message-sent': RoomfulEvent<'roomful-message-sent'>
    'roomful-connection': RoomfulEvent<'roomful-connection'>
    'roomful-login-required': RoomfulEvent<'roomful-login-required'>
    'roomful-error': RoomfulEvent<'roomful-error'>
  }
}
