/**
 * Diagnostics: when the page has set `window.seedcastTrace` to an array (a test or a
 * benchmark does, before the player loads), the player appends its timed events to it
 * (epoch milliseconds, so the worker's and the page's times compare). Otherwise nothing.
 */
export function trace (what: string, detail?: unknown): void {
  const sink = (globalThis as { seedcastTrace?: unknown }).seedcastTrace
  if (Array.isArray(sink)) sink.push({ t: performance.timeOrigin + performance.now(), what, detail })
}
