import { css } from 'lit'

// Public knobs are `--roomful-*` custom properties (set them on the element or any ancestor:
// they inherit through shadow roots). Internally every rule reads the `--_*` aliases resolved
// here per theme, so one override works in light and dark alike.
const light = css`
  --_bg: var(--roomful-bg, #ffffff);
  --_surface: var(--roomful-surface, #f5f6f8);
  --_raised: var(--roomful-raised, #ffffff);
  --_border: var(--roomful-border, #e2e5ea);
  --_text: var(--roomful-text, #15181d);
  --_muted: var(--roomful-muted, #5f6672);
  --_accent: var(--roomful-accent, #4f46e5);
  --_accent-contrast: var(--roomful-accent-contrast, #ffffff);
  --_accent-soft: var(--roomful-accent-soft, #eef0ff);
  --_danger: var(--roomful-danger, #c4320a);
  --_success: var(--roomful-success, #087443);
  --_warning-bg: var(--roomful-warning-bg, #fff4d6);
  --_warning-text: var(--roomful-warning-text, #6b4a00);
  --_focus: var(--roomful-focus, #4f46e5);
  --_shadow: var(--roomful-shadow, 0 1px 2px rgb(16 24 40 / 6%), 0 4px 16px rgb(16 24 40 / 6%));
  color-scheme: light;
`

const dark = css`
  --_bg: var(--roomful-bg, #121419);
  --_surface: var(--roomful-surface, #1a1d24);
  --_raised: var(--roomful-raised, #20242c);
  --_border: var(--roomful-border, #2d323c);
  --_text: var(--roomful-text, #eceef2);
  --_muted: var(--roomful-muted, #a0a7b4);
  --_accent: var(--roomful-accent, #8b8ff9);
  --_accent-contrast: var(--roomful-accent-contrast, #0e0f1a);
  --_accent-soft: var(--roomful-accent-soft, #262a4a);
  --_danger: var(--roomful-danger, #ff8a65);
  --_success: var(--roomful-success, #5fd39a);
  --_warning-bg: var(--roomful-warning-bg, #3a2f10);
  --_warning-text: var(--roomful-warning-text, #ffd97a);
  --_focus: var(--roomful-focus, #a5a8ff);
  --_shadow: var(--roomful-shadow, 0 1px 2px rgb(0 0 0 / 30%), 0 6px 20px rgb(0 0 0 / 25%));
  color-scheme: dark;
`

/** Design tokens and the base reset every Roomful element starts from. */
export const baseStyles = css`
  :host {
    ${light}
    --_radius: var(--roomful-radius, 12px);
    --_font: var(
      --roomful-font,
      system-ui,
      -apple-system,
      'Segoe UI',
      Roboto,
      'Apple SD Gothic Neo',
      'Noto Sans KR',
      sans-serif
    );
    font-family: var(--_font);
    font-size: var(--roomful-font-size, 15px);
    line-height: 1.45;
    color: var(--_text);
    -webkit-text-size-adjust: 100%;
    box-sizing: border-box;
  }
  :host([theme='dark']) {
    ${dark}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
    }
  }
  :host([hidden]),
  [hidden] {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  button,
  input,
  textarea {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }
  h1,
  h2,
  h3,
  p {
    margin: 0;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    min-height: 36px;
    padding: 0 14px;
    border-radius: 999px;
    border: 1px solid transparent;
    font-weight: 600;
    font-size: 0.93em;
    white-space: nowrap;
  }
  .btn.primary {
    background: var(--_accent);
    color: var(--_accent-contrast);
  }
  .btn.primary:hover:not(:disabled) {
    filter: brightness(1.08);
  }
  .btn.ghost {
    background: transparent;
    border-color: var(--_border);
    color: var(--_text);
  }
  .btn.ghost:hover:not(:disabled) {
    background: var(--_surface);
  }
  .btn.link {
    background: none;
    border: none;
    padding: 0;
    min-height: 0;
    color: var(--_accent);
    font-weight: 600;
  }
  .field {
    display: grid;
    gap: 4px;
  }
  .field label {
    font-size: 0.85em;
    font-weight: 600;
    color: var(--_muted);
  }
  .input {
    width: 100%;
    min-height: 40px;
    padding: 8px 12px;
    border-radius: 10px;
    border: 1px solid var(--_border);
    background: var(--_bg);
  }
  .input:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 0;
    border-color: transparent;
  }
  .error {
    color: var(--_danger);
    font-size: 0.9em;
  }
  .muted {
    color: var(--_muted);
  }
  .avatar {
    flex: none;
    display: inline-grid;
    place-items: center;
    width: var(--_avatar, 32px);
    height: var(--_avatar, 32px);
    border-radius: 50%;
    overflow: hidden;
    font-size: calc(var(--_avatar, 32px) * 0.4);
    font-weight: 700;
    color: #fff;
    background: #6366f1;
    user-select: none;
  }
  .avatar.sm {
    --_avatar: 24px;
  }
  .avatar.lg {
    --_avatar: 40px;
  }
  .avatar img {
    width: 100%;
    height: 100%;
    object-fit: cover;
  }
  .avatar.c1 {
    background: #0e9384;
  }
  .avatar.c2 {
    background: #d4418e;
  }
  .avatar.c3 {
    background: #dc6803;
  }
  .avatar.c4 {
    background: #2e90fa;
  }
  .avatar.c5 {
    background: #7a5af8;
  }
  .avatar.c6 {
    background: #3d8a2f;
  }
  .avatar.c7 {
    background: #b54708;
  }
  .count {
    display: inline-flex;
    align-items: center;
    gap: 5px;
    font-variant-numeric: tabular-nums;
  }
  .count .dot {
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--_success);
  }
  .count.zero .dot {
    background: var(--_border);
  }
  .banner {
    display: flex;
    align-items: center;
    justify-content: center;
    gap: 8px;
    padding: 6px 12px;
    font-size: 0.87em;
    font-weight: 600;
    background: var(--_warning-bg);
    color: var(--_warning-text);
  }
  .banner.none {
    display: none;
  }
  .banner.back {
    background: var(--_accent-soft);
    color: var(--_success);
  }
  .spinner {
    width: 12px;
    height: 12px;
    border-radius: 50%;
    border: 2px solid currentColor;
    border-right-color: transparent;
    animation: roomful-spin 0.8s linear infinite;
  }
  @keyframes roomful-spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 2.4s;
    }
  }
`
