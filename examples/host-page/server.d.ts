export interface HostPageOptions {
  /** Port to listen on (0 picks a free one). */
  port: number
  /** The Roomful backend, e.g. `http://localhost:8080`. */
  backendUrl: string
  /** The app the page embeds, e.g. `demo`. */
  appId: string
  /** The app's HS256 secret, used to mint visitor tokens. */
  appSecret: string
  /** The built `roomful-widget.min.js` (default: widget/dist). */
  widgetBundlePath?: string
  /** The built `roomful.iife.min.js` for `/custom-ui/` (default: sdk/dist). */
  sdkBundlePath?: string
  /** Interface to listen on (default: all). */
  host?: string
  /** Where request failures go (default: stderr); the backend's `--demo` passes its logger. */
  onError?: (err: unknown) => void
}

export interface HostPage {
  url: string
  port: number
  close(): Promise<void>
}

/** Serves the demo host page, its token endpoint and the SDK-only example. */
export function startHostPage(options: HostPageOptions): Promise<HostPage>
