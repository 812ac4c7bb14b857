import { Presets, SingleBar } from 'cli-progress'
import type { DownloadEvent } from '../src/swarm/download/download.js'
import { formatBytes } from '../src/torrent/format.js'
import { jsonLine, warningLine } from './event-lines.js'
import { printable } from './printable.js'

export interface DownloadView { onEvent: (event: DownloadEvent) => void, stop: () => void }

/**
 * How `get` shows a download: with --json every event as a JSON line on `stream`;
 * otherwise a progress bar (size, speed, peers, ETA) on standard error in a terminal, and
 * each warning once.
 */
export function downloadView (options: { json: boolean, stream: NodeJS.WritableStream }): DownloadView {
  if (options.json) return { onEvent: event => jsonLine(event, options.stream), stop: () => {} }
  return barView(process.stderr)
}

export function barView (stream: NodeJS.WritableStream & { isTTY?: boolean }): DownloadView {
  const tty = stream.isTTY === true
  const seen = new Set<string>()
  let bar: SingleBar | undefined
  let name = ''
  const stopBar = () => { if (bar) bar.stop(); bar = undefined }
  const warn = (message: string) => {
    if (seen.has(message)) return
    seen.add(message)
    stopBar()
    stream.write(warningLine(message) + '\n')
  }
  return {
    onEvent (event) {
      switch (event.event) {
        // Tracker hiccups are usually transient; the final error names the last one if it matters.
        case 'warning': if (event.kind !== 'swarm') warn(event.message); break
        case 'peer-banned': warn(`peer ${event.address} sent ${event.failedPieces} corrupt piece(s); disconnected and banned`); break
        case 'metadata': name = printable(event.name); break
        case 'progress': {
          if (!tty) break
          const payload = { name, done: formatBytes(event.downloaded), size: formatBytes(event.total), speed: formatBytes(event.speed), peers: event.peers, remaining: formatEta(event.etaSeconds) }
          // Not cli-progress's own {eta}: it would take precedence over ours, and it guesses
          // from the bar's few updates (it said "ETA 0" at 10 %); ours is unknown ("--")
          // until the library has measured a rate, then remaining bytes / rate.
          if (!bar) {
            bar = new SingleBar({ stream, format: '{name} [{bar}] {percentage}% | {done}/{size} | {speed}/s | {peers} peers | ETA {remaining}', hideCursor: true, clearOnComplete: true }, Presets.shades_classic)
            bar.start(event.total, event.downloaded, payload)
          } else {
            bar.update(event.downloaded, payload)
          }
          break
        }
        case 'seeding':
          stopBar()
          if (tty) stream.write(`\rseeding ${name}: ${formatBytes(event.uploaded)} uploaded, ${event.peers} peers, ${formatBytes(event.speed)}/s   `)
          break
        default: break
      }
    },
    stop: stopBar
  }
}

/** 75 → "1m15s"; null (no rate measured yet) → "--". */
export function formatEta (seconds: number | null): string {
  if (seconds === null) return '--'
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}h${Math.floor(seconds % 3600 / 60)}m`
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${seconds % 60}s` : `${seconds}s`
}
