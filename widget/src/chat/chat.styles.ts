import { css } from 'lit'
import { baseStyles } from '../core/theme.styles.js'

export const chatStyles = [
  baseStyles,
  css`
    :host {
      display: block;
      height: var(--roomful-height, 640px);
      min-width: 0;
      border-radius: var(--_radius);
      overflow: hidden;
      border: 1px solid var(--_border);
      background: var(--_bg);
    }
    .chat {
      display: flex;
      flex-direction: column;
      height: 100%;
      container-type: inline-size;
    }
    .screen {
      flex: 1;
      min-height: 0;
    }
    .scroll {
      overflow-y: auto;
      height: 100%;
    }
    .top {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 12px;
      padding: 18px 20px 8px;
    }
    .top h2 {
      font-size: 1.35em;
      font-weight: 800;
      letter-spacing: -0.01em;
      border-radius: 4px;
    }
    h2:focus {
      outline: none;
    }
    h2:focus-visible {
      outline: 2px solid var(--_focus);
    }
    .subtitle {
      font-size: 0.92em;
      color: var(--_muted);
    }
    .me {
      display: flex;
      align-items: center;
      gap: 8px;
      min-width: 0;
      font-size: 0.9em;
      font-weight: 600;
    }
    .me span:last-child {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      max-width: 160px;
    }
    .lobby {
      display: grid;
      grid-template-columns: minmax(0, 1fr);
      gap: 14px;
      padding: 8px 20px 20px;
    }
    @container (min-width: 760px) {
      .lobby {
        grid-template-columns: minmax(240px, 1fr) minmax(0, 1.6fr);
        align-items: start;
      }
    }
    @container (max-width: 400px) {
      .top {
        padding: 14px 12px 6px;
      }
      .lobby {
        padding: 6px 12px 14px;
      }
      .subtitle {
        display: none;
      }
    }
    .login-screen {
      padding: 12px 16px 24px;
    }
    .login-screen .back {
      margin-bottom: 12px;
    }
    roomful-room {
      height: 100%;
      min-height: 0;
    }
  `,
]
