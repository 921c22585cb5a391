import { css } from 'lit'
import { baseStyles } from '../core/theme.styles.js'

export const composerStyles = [
  baseStyles,
  css`
    :host {
      display: block;
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
