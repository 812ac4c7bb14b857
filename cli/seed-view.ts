import type { SeedEvent, TorrentStatus } from '../src/swarm/seed/events.js'
import { formatBytes } from '../src/torrent/format.js'
import { jsonLine, warningLine } from './event-lines.js'
import { printable } from './printable.js'

export type SeedView = (event: SeedEvent) => void

export interface SeedViewOptions {
  json: boolean
  /** Redraw a status table on standard error about once a second (`seed` in a terminal). */
  table?: boolean
  /** Events this command does not show (serve: no per-second stats in its JSON). */
  skip?: SeedEvent['event'][]
}

/**
 * How seed, serve --seed and follow run show what their seeder does: JSON lines on
 * standard output with --json; otherwise plain lines on standard error (logs, systemd),
 * or in a terminal a table redrawn in place.
 */
export function seedView (options: SeedViewOptions): SeedView {
  const skip = new Set(options.skip ?? [])
  const show = options.json ? (event: SeedEvent) => jsonLine(event) : options.table ? tableView() : lineView()
  return event => { if (!skip.has(event.event)) show(event) }
}

function lineView (): SeedView {
  // Torrent names and warnings come from elsewhere (cli/printable.ts).
  const line = (text: string) => process.stderr.write(printable(text) + '\n')
  return event => {
    if (event.event === 'started') line(`seeding ${event.torrents} torrent(s), peer port ${event.port}`)
    else if (event.event === 'seeding') line(`  seeding ${event.name} (${formatBytes(event.length)}${event.resumed ? ', fast resume' : `, ${event.hashedPieces} pieces checked`})`)
    else if (event.event === 'removed') line(`  stopped seeding ${event.name} (${event.reason})`)
    else if (event.event === 'warning') line(warningLine(event.message))
    else if (event.event === 'stopped') line(`stopped (${event.reason}), uploaded ${formatBytes(event.uploaded)}`)
  }
}

/** Lines as lineView, plus a table of the torrents redrawn in place on each 'stats'. */
function tableView (): SeedView {
  const lines = lineView()
  const notes: string[] = []
  let drawn = 0
  const draw = (torrents: TorrentStatus[]) => {
    const out = [...notes.splice(0)]
    const rows = torrents.slice(0, Math.max(5, (process.stderr.rows ?? 30) - 6))
    const width = Math.min(40, Math.max(4, ...rows.map(t => t.name.length)))
    out.push(`${'NAME'.padEnd(width)}  PEERS      UP/S   UPLOADED  RATIO`)
    for (const t of rows) {
      out.push(`${printable(t.name).slice(0, width).padEnd(width)}  ${String(t.peers).padStart(5)}  ${formatBytes(t.uploadSpeed).padStart(8)}  ${formatBytes(t.uploaded).padStart(8)}  ${t.ratio.toFixed(2).padStart(5)}`)
    }
    if (torrents.length > rows.length) out.push(`… and ${torrents.length - rows.length} more`)
    // Move up over the previous table (warnings printed since stay above it) and clear to the end of the screen before redrawing.
    process.stderr.write((drawn ? `\x1b[${drawn}F\x1b[J` : '') + out.join('\n') + '\n')
    drawn = rows.length + 1 + (torrents.length > rows.length ? 1 : 0)
  }
  return event => {
    if (event.event === 'stats') draw(event.torrents)
    // Kept for the next redraw, so they land above the table instead of inside it.
    else if (event.event === 'warning') notes.push(warningLine(event.message))
    else if (event.event === 'removed') notes.push(`stopped seeding ${printable(event.name)} (${event.reason})`)
    else if (event.event === 'started') process.stderr.write(`seeding ${event.torrents} torrent(s), peer port ${event.port}; Ctrl-C to stop\n`)
    else if (event.event !== 'seeding') lines(event)
  }
}
