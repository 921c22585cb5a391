import { css } from 'lit'

/** Messages, notices, day dividers and pending sends in the room's log. */
export const logEntryStyles = css`
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
  .bubble.deleted {
    font-style: italic;
    color: var(--_muted);
    background: none;
    outline: 1px dashed var(--_border);
  }
  .edited {
    font-size: 0.75em;
    color: var(--_muted);
  }
  .actions {
    position: relative;
    align-self: flex-start;
  }
  .menu-btn {
    width: 28px;
    height: 28px;
    border: none;
    border-radius: 50%;
    background: none;
    color: var(--_muted);
    opacity: 0;
  }
  .msg:hover .menu-btn,
  .actions:focus-within .menu-btn,
  .menu-btn[aria-expanded='true'] {
    opacity: 1;
  }
  .pop {
    position: absolute;
    z-index: 3;
    right: 0;
    display: grid;
    gap: 6px;
    width: max-content;
    max-width: 260px;
    padding: 8px;
    border-radius: 10px;
    border: 1px solid var(--_border);
    background: var(--_raised);
    box-shadow: var(--_shadow);
  }
  [role='menuitem'] {
    padding: 6px 10px;
    border: none;
    border-radius: 6px;
    background: none;
    text-align: start;
  }
  [role='menuitem']:focus {
    background: var(--_surface);
  }
  .edit {
    width: 480px;
    max-width: 100%;
  }
`
