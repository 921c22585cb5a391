import { html, svg, type SVGTemplateResult } from 'lit'

// The widget's few icons, drawn inline (no requests, no icon font) in the current text colour.
const icon = (body: SVGTemplateResult) =>
  html`<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">${body}</svg>`

const line = (d: string, width: number) =>
  icon(
    svg`<path d=${d} fill="none" stroke="currentColor" stroke-width=${width} stroke-linecap="round" stroke-linejoin="round" />`,
  )

export const backIcon = line('M15 5l-7 7 7 7', 2.2)

export const attachIcon = line(
  'M16.5 6.5l-7.8 7.8a1.8 1.8 0 002.6 2.6l7.8-7.8a3.6 3.6 0 00-5.1-5.1l-7.8 7.8a5.4 5.4 0 007.6 7.6l6.4-6.4',
  1.8,
)

export const sendIcon = icon(svg`<path d="M4 12l16-8-6 16-2.5-6.5L4 12z" fill="currentColor" />`)
