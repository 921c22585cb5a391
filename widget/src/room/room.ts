import { RoomfulRoom } from './room.component.js'

export { RoomfulRoom }

if (!customElements.get('roomful-room')) customElements.define('roomful-room', RoomfulRoom)

declare global {
  interface HTMLElementTagNameMap {
    'roomful-room': RoomfulRoom
  }
}
