import { css } from 'lit'
import { baseStyles } from '../core/theme.styles.js'

export const rankingStyles = [
  baseStyles,
  css`
    :host {
      display: block;
    }
    .board {
      background: var(--_raised);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: 14px 14px 10px;
    }
    h2 {
      font-size: 0.8em;
      letter-spacing: 0.06em;
      text-transform: uppercase;
      color: var(--_muted);
      margin-bottom: 8px;
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .live {
      display: inline-flex;
      align-items: center;
      gap: 4px;
      font-size: 0.9em;
      color: var(--_danger);
      letter-spacing: 0.04em;
    }
    .live::before {
      content: '';
      width: 6px;
      height: 6px;
      border-radius: 50%;
      background: currentColor;
      animation: pulse 1.6s ease-in-out infinite;
    }
    @keyframes pulse {
      50% {
        opacity: 0.3;
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .live::before {
        animation: none;
      }
    }
    ol {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 2px;
    }
    button.entry {
      display: grid;
      grid-template-columns: 28px 1fr auto;
      align-items: center;
      gap: 10px;
      width: 100%;
      padding: 8px 8px;
      border: none;
      border-radius: 10px;
      background: transparent;
      text-align: start;
    }
    button.entry:hover {
      background: var(--_surface);
    }
    .rank {
      display: grid;
      place-items: center;
      width: 26px;
      height: 26px;
      border-radius: 8px;
      background: var(--_surface);
      color: var(--_muted);
      font-weight: 700;
      font-size: 0.85em;
      font-variant-numeric: tabular-nums;
    }
    li:nth-child(1) .rank {
      background: #fdb022;
      color: #3d2a00;
    }
    li:nth-child(2) .rank {
      background: #d0d5dd;
      color: #1d2939;
    }
    li:nth-child(3) .rank {
      background: #e4a77a;
      color: #3b1d06;
    }
    .name {
      font-weight: 600;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .count {
      font-size: 0.88em;
      color: var(--_muted);
    }
    .empty {
      padding: 8px 4px 12px;
      font-size: 0.92em;
    }
    .skeleton {
      height: 36px;
      border-radius: 10px;
      background: var(--_surface);
      margin: 4px 0;
    }
  `,
]
