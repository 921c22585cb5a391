import { RoomfulComposer } from './composer.component.js'

export { RoomfulComposer }

if (!customElements.get('roomful-composer')) customElements.define('roomful-composer', RoomfulComposer)

declare global {
  interface HTMLElementTagNameMap {
    'roomful-composer': RoomfulComposer
  }
}
