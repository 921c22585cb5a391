import { css } from 'lit'
import { baseStyles } from '../core/theme.styles.js'

export const roomStyles = [
  baseStyles,
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
    .msg {
      display: flex;
      gap: 10px;
      padding: 6px 4px 0;
      max-width: 100%;
    }
    .msg.grouped {
      padding-top: 2px;
    }
    .gutter {
      flex: none;
      width: 32px;
    }
    .content {
      min-width: 0;
      max-width: min(100%, 680px);
    }
    .meta {
      display: flex;
      align-items: baseline;
      gap: 6px;
      margin-bottom: 2px;
      font-size: 0.85em;
    }
    .author {
      font-weight: 700;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    time {
      color: var(--_muted);
      font-size: 0.92em;
      white-space: nowrap;
    }
    .you {
      font-size: 0.72em;
      font-weight: 700;
      padding: 0 6px;
      border-radius: 999px;
      background: var(--_accent-soft);
      color: var(--_accent);
    }
    .bubble {
      display: inline-block;
      padding: 7px 12px;
      border-radius: 4px 16px 16px 16px;
      background: var(--_surface);
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .msg.grouped .bubble {
      border-radius: 16px;
    }
    .attachment {
      display: block;
      margin: 2px 0 4px;
    }
    .attachment img {
      display: block;
      max-width: min(100%, 320px);
      max-height: 240px;
      width: auto;
      height: auto;
      border-radius: 12px;
      border: 1px solid var(--_border);
    }
    .msg.own .bubble {
      background: var(--_accent-soft);
    }
    .bubble a {
      color: var(--_accent);
      text-decoration: underline;
      text-underline-offset: 2px;
    }
    .pending .bubble {
      opacity: 0.65;
    }
    .pending.failed .bubble {
      opacity: 1;
      outline: 1px solid var(--_danger);
    }
    .status {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 10px;
      align-items: center;
      font-size: 0.8em;
      color: var(--_muted);
      padding: 2px 4px;
    }
    .day {
      display: flex;
      align-items: center;
      gap: 10px;
      margin: 10px 0 4px;
      font-size: 0.78em;
      font-weight: 700;
      color: var(--_muted);
    }
    .day::before,
    .day::after {
      content: '';
      flex: 1;
      border-top: 1px solid var(--_border);
    }
    .notice {
      align-self: center;
      display: flex;
      gap: 8px;
      align-items: baseline;
      margin: 8px 0;
      padding: 3px 12px;
      border-radius: 999px;
      background: var(--_surface);
      color: var(--_muted);
      font-size: 0.82em;
      text-align: center;
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
    .composer {
      display: grid;
      grid-template-columns: auto minmax(0, 1fr) auto;
      align-items: end;
      gap: 8px;
      padding: 4px 12px 10px;
    }
    .composer.login-prompt {
      grid-template-columns: 1fr;
      justify-items: center;
      padding: 10px 12px 14px;
      border-top: 1px solid var(--_border);
    }
    textarea {
      resize: none;
      width: 100%;
      min-height: 44px;
      max-height: 160px;
      padding: 10px 14px;
      border-radius: 22px;
      border: 1px solid var(--_border);
      background: var(--_raised);
      line-height: 1.4;
    }
    textarea:focus-visible {
      outline: 2px solid var(--_focus);
      outline-offset: 0;
      border-color: transparent;
    }
    .send {
      display: grid;
      place-items: center;
      width: 44px;
      height: 44px;
      border-radius: 50%;
      border: none;
      background: var(--_accent);
      color: var(--_accent-contrast);
    }
    .send:disabled,
    .attach:disabled {
      opacity: 0.4;
    }
    .attach {
      display: grid;
      place-items: center;
      width: 44px;
      height: 44px;
      border-radius: 50%;
      border: 1px solid var(--_border);
      background: var(--_raised);
      color: inherit;
    }
    .attach:focus-visible,
    .send:focus-visible {
      outline: 2px solid var(--_focus);
      outline-offset: 2px;
    }
    .picker {
      display: none;
    }
    .composer.dragging {
      outline: 2px dashed var(--_accent);
      outline-offset: -4px;
    }
    .composer-status progress {
      vertical-align: middle;
      width: 8em;
    }
    .composer-status {
      grid-column: 1 / -1;
      font-size: 0.8em;
      min-height: 0;
      padding: 0 14px;
    }
    .composer-status:empty {
      display: none;
    }
  `,
]
