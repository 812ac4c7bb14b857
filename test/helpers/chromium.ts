import { chromium, type Browser, type BrowserContext } from 'playwright-core'

/**
 * Debian's Chromium driven by playwright-core, with what WebRTC needs in a loopback-only
 * namespace (ARCHITECTURE.md): loopback candidates allowed, and the camera/microphone
 * grant without which Chromium offers no ICE candidate at all.
 */
export async function launchChromium (): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--autoplay-policy=no-user-gesture-required', '--allow-loopback-in-peer-connection', '--disable-audio-output']
  })
}

/** A fresh profile (own service workers and storage) for `origin`, with no ICE servers to ask. */
export async function listenerContext (browser: Browser, origin: string): Promise<BrowserContext> {
  const context = await browser.newContext()
  await context.grantPermissions(['microphone', 'camera'], { origin })
  await context.addInitScript(() => { (window as unknown as { seedcastRtcConfig: unknown }).seedcastRtcConfig = { iceServers: [] } })
  return context
}
