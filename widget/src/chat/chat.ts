import { RoomfulChat } from './chat.component.js'

export { RoomfulChat }

if (!customElements.get('roomful-chat')) customElements.define('roomful-chat', RoomfulChat)

declare global {
  interface HTMLElementTagNameMap {
    'roomful-chat': RoomfulChat
  }
}
