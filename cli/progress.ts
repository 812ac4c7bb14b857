import { createRequire } from 'node:module'
import type * as CliProgress from 'cli-progress'

// cli-progress (16 modules) is loaded only when a bar is drawn: scripts, pipes and --json
// never draw one, and every command that may (create, publish, verify, import) starts
// sooner without it.
const require = createRequire(import.meta.url)

/** Progress reporter handed to library functions as `onProgress(done, total)`. */
export type ProgressCallback = (done: number, total: number) => void

/**
 * A progress bar on stderr when it is a terminal and the output is not --json;
 * a silent callback otherwise, so scripts and pipes get clean output.
 */
export function progressBar (label: string, options: { json?: boolean, units?: 'bytes' | 'count' } = {}): { update: ProgressCallback, stop: () => void } {
  if (options.json || !process.stderr.isTTY) return { update: () => {}, stop: () => {} }
  const bytes = options.units !== 'count'
  const { SingleBar, Presets } = require('cli-progress') as typeof CliProgress
  const bar = new SingleBar({
    stream: process.stderr,
    format: bytes
      ? `${label} [{bar}] {percentage}% | {doneMiB}/{totalMiB} MiB | {speed} MiB/s | ETA {eta_formatted}`
      : `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`,
    hideCursor: true,
    clearOnComplete: true
  }, Presets.shades_classic)
  const started = Date.now()
  let running = false
  const mib = (n: number) => (n / 1048576).toFixed(1)
  return {
    update (done, total) {
      const seconds = Math.max((Date.now() - started) / 1000, 0.001)
      const payload = { doneMiB: mib(done), totalMiB: mib(total), speed: mib(done / seconds) }
      if (!running) { bar.start(total, done, payload); running = true } else { bar.setTotal(total); bar.update(done, payload) }
    },
    stop () { if (running) bar.stop() }
  }
}

/** Runs `work` with a progress bar (see progressBar) that is stopped however `work` ends. */
export async function withProgressBar<T> (label: string, options: { json?: boolean, units?: 'bytes' | 'count' }, work: (onProgress: ProgressCallback) => Promise<T>): Promise<T> {
  const bar = progressBar(label, options)
  try {
    return await work(bar.update)
  } finally {
    bar.stop()
  }
}
