import { RoomfulLogin } from './login.component.js'

export { RoomfulLogin }

if (!customElements.get('roomful-login')) customElements.define('roomful-login', RoomfulLogin)

declare global {
  interface HTMLElementTagNameMap {
    'roomful-login': RoomfulLogin
  }
}
