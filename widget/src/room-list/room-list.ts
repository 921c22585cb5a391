import { RoomfulRoomList } from './room-list.component.js'

export { RoomfulRoomList }

if (!customElements.get('roomful-room-list')) customElements.define('roomful-room-list', RoomfulRoomList)

declare global {
  interface HTMLElementTagNameMap {
    'roomful-room-list': RoomfulRoomList
  }
}
