import { RoomfulRanking } from './ranking.component.js'

export { RoomfulRanking }

if (!customElements.get('roomful-ranking')) customElements.define('roomful-ranking', RoomfulRanking)

declare global {
  interface HTMLElementTagNameMap {
    'roomful-ranking': RoomfulRanking
  }
}
