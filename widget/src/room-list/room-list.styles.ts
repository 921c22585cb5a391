import { css } from 'lit'
import { baseStyles } from '../core/theme.styles.js'

export const roomListStyles = [
  baseStyles,
  css`
    :host {
      display: block;
    }
    .card {
      background: var(--_raised);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      overflow: hidden;
    }
    header {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 8px;
      padding: 14px 14px 6px;
    }
    h2 {
      font-size: 0.8em;
      letter-spacing: 0.06em;
      text-transform: uppercase;
      color: var(--_muted);
    }
    form.create {
      display: grid;
      grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr) auto;
      gap: 8px;
      padding: 8px 14px 12px;
      border-bottom: 1px solid var(--_border);
    }
    @container (max-width: 520px) {
      form.create {
        grid-template-columns: minmax(0, 1fr) auto;
      }
      form.create .topic {
        grid-column: 1 / -1;
        grid-row: 2;
      }
    }
    .wrap {
      container-type: inline-size;
    }
    form.create .btn {
      min-height: 40px;
    }
    .create-hint {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 8px;
      flex-wrap: wrap;
      margin: 4px 14px 12px;
      padding: 10px 12px;
      border-radius: 10px;
      background: var(--_surface);
      font-size: 0.92em;
    }
    .form-error {
      padding: 0 14px 10px;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 6px;
    }
    button.room {
      display: grid;
      grid-template-columns: 40px minmax(0, 1fr) auto;
      align-items: center;
      gap: 12px;
      width: 100%;
      padding: 10px 8px;
      border: none;
      border-radius: 10px;
      background: transparent;
      text-align: start;
    }
    button.room:hover {
      background: var(--_surface);
    }
    li.fresh button.room {
      animation: arrive 2.5s ease-out;
    }
    @keyframes arrive {
      from {
        background: var(--_accent-soft);
      }
    }
    @media (prefers-reduced-motion: reduce) {
      li.fresh button.room {
        animation: none;
        background: var(--_accent-soft);
      }
    }
    .icon {
      display: grid;
      place-items: center;
      width: 40px;
      height: 40px;
      border-radius: 12px;
      background: var(--_accent-soft);
      color: var(--_accent);
      font-weight: 800;
      font-size: 1.05em;
    }
    .text {
      min-width: 0;
    }
    .name {
      font-weight: 650;
      display: flex;
      align-items: center;
      gap: 6px;
    }
    .name span {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .badge {
      flex: none;
      font-size: 0.72em;
      font-weight: 700;
      padding: 1px 6px;
      border-radius: 999px;
      background: var(--_accent);
      color: var(--_accent-contrast);
    }
    .topic-line {
      font-size: 0.88em;
      color: var(--_muted);
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .count {
      font-size: 0.85em;
      color: var(--_muted);
    }
    .state {
      display: grid;
      gap: 10px;
      justify-items: center;
      padding: 18px 14px;
      text-align: center;
    }
    .more {
      display: flex;
      justify-content: center;
      padding: 4px 0 12px;
    }
  `,
]
