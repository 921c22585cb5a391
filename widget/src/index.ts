/**
 * `@roomful/widget`: Lit web components for Roomful live chat. Importing this module
 * registers `<roomful-chat>`, `<roomful-room>` (with its `<roomful-composer>`),
 * `<roomful-ranking>`, `<roomful-room-list>` and `<roomful-login>`.
 *
 * @example
 * import '@roomful/widget'
 * // <roomful-chat url="https://chat.example.com" app-id="my-app"></roomful-chat>
 */
export { RoomfulChat } from './chat/chat.js'
export { RoomfulRoom } from './room/room.js'
export { RoomfulComposer } from './composer/composer.js'
export { RoomfulRanking } from './ranking/ranking.js'
export { RoomfulRoomList } from './room-list/room-list.js'
export { RoomfulLogin } from './login/login.js'
export { RoomfulElement } from './core/base-element.js'
export type { Theme } from './core/base-element.js'
export type { RoomfulEventMap, RoomfulEventName, RoomfulEvent } from './core/events.js'
export type { ChatClient, ChatRoom, ConnectionState, StateChange, LobbyEvent } from './core/client.js'
export { linkify } from './core/linkify.js'
export type { TextPart } from './core/linkify.js'
export { registerLocale, resolveLocale } from './core/i18n.js'
export type { Locale, MessageKey, Translation, Translations, TranslationParams } from './core/i18n.js'
