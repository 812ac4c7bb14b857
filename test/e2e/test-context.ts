import type { Browser, BrowserContext } from 'playwright-core'
import { onTestFinished } from 'vitest'
import { listenerContext } from '../helpers/chromium.ts'

// Browser contexts that live as long as the test that made them, passed or failed. Closed only
// at the end of a passing test, a failed test's page stayed open and went on sharing what it
// held over WebRTC with the next tests' pages: one failure in player-webseed made the next test
// fail too, its page getting a bad web seed's piece, right, from the page left open (4329512).

/** `context`, closed when the running test ends, passed or failed. */
export function closedWithTest (context: BrowserContext): BrowserContext {
  onTestFinished(() => context.close())
  return context
}

/** A listener's context (listenerContext), closed when the running test ends, passed or failed. */
export async function testListenerContext (browser: Browser, origin: string): Promise<BrowserContext> {
  return closedWithTest(await listenerContext(browser, origin))
}
