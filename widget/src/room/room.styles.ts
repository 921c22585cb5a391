import { css } from 'lit'
import { baseStyles } from '../core/theme.styles.js'
import { logEntryStyles } from './log-entries.styles.js'

export const roomStyles = [
  baseStyles,
  logEntryStyles,
  css`
    :host {
      display: block;
      height: var(--roomful-room-height, 100%);
      min-height: 320px;
      background: var(--_bg);
    }
    .room {
      display: flex;
      flex-direction: column;
      height: 100%;
    }
    header {
      position: relative;
      display: flex;
      align-items: center;
      gap: 8px;
      min-height: 56px;
      padding: 8px 12px;
      border-bottom: 1px solid var(--_border);
      background: var(--_raised);
    }
    .title {
      flex: 1;
      min-width: 0;
    }
    h2 {
      font-size: 1.05em;
      font-weight: 700;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      border-radius: 4px;
    }
    h2:focus {
      outline: none;
    }
    h2:focus-visible {
      outline: 2px solid var(--_focus);
    }
    .topic {
      font-size: 0.85em;
      color: var(--_muted);
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .icon-btn {
      display: grid;
      place-items: center;
      width: 36px;
      height: 36px;
      border-radius: 50%;
      border: none;
      background: transparent;
      color: var(--_text);
    }
    .icon-btn:hover {
      background: var(--_surface);
    }
    .people-btn {
      flex: none;
      min-height: 32px;
      padding: 0 12px;
      border-radius: 999px;
      border: 1px solid var(--_border);
      background: var(--_bg);
      font-size: 0.87em;
      font-weight: 600;
    }
    .settings {
      top: 100%;
      right: 12px;
    }
    .settings label:not(.field) {
      display: flex;
      gap: 6px;
    }
    .people-btn:hover {
      background: var(--_surface);
    }
    .body {
      position: relative;
      flex: 1;
      display: flex;
      min-height: 0;
    }
    .log-wrap {
      position: relative;
      flex: 1;
      min-width: 0;
      display: flex;
      flex-direction: column;
    }
    .log {
      flex: 1;
      overflow-y: auto;
      overflow-anchor: none;
      overscroll-behavior: contain;
      padding: 8px 12px 12px;
      display: flex;
      flex-direction: column;
      gap: 2px;
    }
    .log:focus-visible {
      outline-offset: -2px;
    }
    .log-top {
      display: flex;
      justify-content: center;
      padding: 10px 0 14px;
      font-size: 0.87em;
      min-height: 44px;
    }
    .log-top p {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .center {
      margin: auto;
      padding: 24px;
      text-align: center;
      display: grid;
      gap: 12px;
      justify-items: center;
    }
    .unseen {
      position: absolute;
      left: 50%;
      bottom: 12px;
      transform: translateX(-50%);
      box-shadow: var(--_shadow);
    }
    .people {
      width: 240px;
      flex: none;
      overflow-y: auto;
      padding: 14px 12px;
      border-left: 1px solid var(--_border);
      background: var(--_raised);
    }
    .room:not(.wide) .people {
      position: absolute;
      inset: 0 0 0 auto;
      width: min(260px, 85%);
      z-index: 2;
      box-shadow: var(--_shadow);
    }
    h3 {
      font-size: 0.8em;
      letter-spacing: 0.06em;
      text-transform: uppercase;
      color: var(--_muted);
      margin: 0 0 10px;
    }
    .people ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 8px;
    }
    .people li {
      display: flex;
      align-items: center;
      gap: 8px;
      min-width: 0;
    }
    .person {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      font-size: 0.93em;
    }
    .more {
      margin-top: 10px;
      font-size: 0.85em;
    }
    .typing {
      display: flex;
      align-items: center;
      gap: 6px;
      min-height: 22px;
      padding: 0 16px;
      font-size: 0.82em;
      color: var(--_muted);
    }
    .dots {
      display: inline-flex;
      gap: 3px;
    }
    .dots i {
      width: 5px;
      height: 5px;
      border-radius: 50%;
      background: currentColor;
      animation: bounce 1.2s infinite ease-in-out;
    }
    .dots i:nth-child(2) {
      animation-delay: 0.15s;
    }
    .dots i:nth-child(3) {
      animation-delay: 0.3s;
    }
    @keyframes bounce {
      0%,
      60%,
      100% {
        transform: none;
        opacity: 0.5;
      }
      30% {
        transform: translateY(-3px);
        opacity: 1;
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .dots i {
        animation: none;
      }
    }
  `,
]
