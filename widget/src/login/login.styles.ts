import { css } from 'lit'
import { baseStyles } from '../core/theme.styles.js'

export const loginStyles = [
  baseStyles,
  css`
    :host {
      display: block;
    }
    .card {
      max-width: 400px;
      margin: 0 auto;
      padding: 24px 20px 20px;
      background: var(--_raised);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      box-shadow: var(--_shadow);
    }
    h2 {
      font-size: 1.3em;
      font-weight: 750;
      outline: none;
    }
    .hint {
      margin: 4px 0 16px;
    }
    .tabs {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 4px;
      padding: 4px;
      margin-bottom: 18px;
      border-radius: 999px;
      background: var(--_surface);
    }
    .tabs button {
      min-height: 34px;
      border: none;
      border-radius: 999px;
      background: transparent;
      font-weight: 600;
      color: var(--_muted);
    }
    .tabs button[aria-selected='true'] {
      background: var(--_raised);
      color: var(--_text);
      box-shadow: 0 1px 3px rgb(0 0 0 / 12%);
    }
    form {
      display: grid;
      gap: 14px;
    }
    .field small {
      font-size: 0.8em;
      color: var(--_muted);
    }
    .btn.primary {
      min-height: 42px;
      width: 100%;
      margin-top: 4px;
    }
    .error {
      padding: 8px 10px;
      border-radius: 8px;
      background: color-mix(in srgb, var(--_danger) 10%, transparent);
    }
    .switch {
      text-align: center;
      margin-top: 14px;
      font-size: 0.92em;
    }
  `,
]
