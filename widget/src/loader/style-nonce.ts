// Browsers without constructable stylesheets (Safari before 16.4) get each element's styles as a
// <style> in its shadow root, which a CSP `style-src` without 'unsafe-inline' blocks unless it
// carries the page's nonce. Lit stamps `window.litNonce` on those elements; a page may set it
// itself, or simply give the widget's <script> tag its nonce, which is taken from there. This
// module must run before any element is defined (bundle.ts imports it first).
declare global {
  interface Window {
    litNonce?: string
  }
}

const script = document.currentScript as HTMLScriptElement | null
if (window.litNonce === undefined && script?.nonce) window.litNonce = script.nonce

export {}
