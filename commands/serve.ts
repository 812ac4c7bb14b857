import { Args, Flags } from '@oclif/core'
import { SeedcastCommand } from '../cli/base-command.js'
import { SHOWS_API_PATH } from '../src/server/shows-api.js'
import { serveShows, type RunningServer } from '../src/server/serve.js'
import type { SeedEvent } from '../src/swarm/seed-events.js'
import { seedTorrents, type Seeder } from '../src/swarm/seeder.js'
import { formatBytes } from '../src/torrent/format.js'

export default class Serve extends SeedcastCommand {
  static override summary = 'Serve show folders over HTTP (feeds, media as web seeds, .torrent files), optionally seeding them too'

  static override description = `Serves the public/ folder of each SHOW-DIR at the path of its base URL: a show whose base URL is http://localhost:8080/ is served at /, one at https://example.org/fieldnotes/ at /fieldnotes/. So when the base URL leads to this server (directly, or through a reverse proxy that keeps the path), every URL in the feeds and torrents works: rss.xml for podcast apps, p2p.xml for magnet enclosures, the media (which the torrents name as web seeds) and the .torrent files.

Only public/ is served: show.json, episodes.json and .seedcast/ never are, nor symbolic links leading out of public/, nor anything of a draft episode (its media, .torrent and page answer 404 until \`seedcast episodes edit <slug> --no-draft\`). Media answers Range requests (one range, 206; others 416), HEAD and conditional requests (ETag, Last-Modified, If-Range, 304), with CORS open to every origin so browsers and WebTorrent web seeds can fetch it. Feeds and pages are sent brotli- or gzip-compressed to clients that accept it. A folder's URL ending in / serves its index.html. Other methods than GET, HEAD and OPTIONS get 405. A client that reads nothing for --send-timeout seconds is dropped; connections past --max-connections are refused. GET ${SHOWS_API_PATH} lists the shows with their feed URLs.

The same port runs a BitTorrent tracker for the served episodes: HTTP announce and scrape at <base path>announce and <base path>scrape for BitTorrent clients, and a WebSocket tracker at <base path>announce (ws://) for WebTorrent in browsers. It answers only for the infohashes of the shows' published episodes (an episode published while serving is tracked at once; any other infohash is refused). A show whose trackers include \`self\` (\`seedcast init --tracker self\`) names exactly this tracker in its torrents, magnets and feeds. --udp-tracker also answers UDP announces (BEP 15) on the same port number.

The first line printed is the show page's URL (public/index.html, written by publish), then one line per show with its feed URLs, once the server listens (with --port 0, after the real port is known). A show whose base URL names another host or port than the server listens on is served anyway, with a warning: its feeds point elsewhere.

With --seed the same process also seeds every published episode of the shows over BitTorrent (TCP, uTP, WebRTC through the shows' ws:// trackers, DHT unless --no-dht), as \`seedcast seed\` does. Ctrl-C or SIGTERM stops both cleanly.

With --json one JSON line {url, shows, tracker, warnings} is printed when listening, then (with --seed) one line per seeding event: started, seeding (per episode), warning, stopped.`

  static override examples = [
    { description: 'Serve the demo show where its base URL points (what `npm start` runs, with --seed)', command: '<%= config.bin %> serve .demo/show' },
    { description: 'Serve two shows on every interface and seed their episodes', command: '<%= config.bin %> serve ./fieldnotes ./interviews --host 0.0.0.0 --port 8080 --seed' },
    { description: 'Serve on any free port and print the address as JSON', command: '<%= config.bin %> serve ./my-show --port 0 --json' }
  ]

  static override strict = false

  static override args = {
    shows: Args.string({ description: 'show folders (made by `seedcast init`); give several to serve them all', required: true })
  }

  static override flags = {
    port: Flags.integer({ description: 'HTTP port (0: any free port)', default: 8080, min: 0, max: 65535 }),
    host: Flags.string({ description: 'address to listen on (0.0.0.0 or :: for every interface)', default: '127.0.0.1' }),
    seed: Flags.boolean({ description: 'also seed every published episode over BitTorrent', default: false }),
    dht: Flags.boolean({ description: 'with --seed: announce on the Mainline DHT (--no-dht to disable)', default: true, allowNo: true }),
    'torrent-port': Flags.integer({ description: 'with --seed: TCP/uTP port for peers (default: any free port)', min: 0, max: 65535 }),
    'udp-tracker': Flags.boolean({ description: 'also answer tracker announces over UDP, on the same port number as HTTP', default: false }),
    'send-timeout': Flags.integer({ description: 'seconds a client may read nothing before it is dropped (as nginx send_timeout)', default: 60, min: 1 }),
    'max-connections': Flags.integer({ description: 'connections past this many are refused', default: 1024, min: 1 }),
    state: Flags.directory({ description: 'with --seed: fast-resume and status folder (default $XDG_STATE_HOME/seedcast or ~/.local/state/seedcast)' })
  }

  async run (): Promise<void> {
    const { argv, flags } = await this.parse(Serve)
    const json = this.jsonEnabled()
    let seeder: Seeder | undefined
    let stopping = false
    // Registered before anything starts, so a Ctrl-C during start-up (or the moment the
    // first line is printed) still means a clean stop, not the default kill. Listeners stay
    // registered for the whole run (not once): signal-exit, loaded by write-file-atomic
    // while seeding, re-raises a signal that has no other listener left, which would kill
    // the process in the middle of its clean stop. A second signal while stopping means "now".
    const stopped = new Promise<string>(resolve => {
      const onSignal = (name: NodeJS.Signals) => {
        if (stopping) process.exit(130)
        stopping = true
        resolve(name)
      }
      process.on('SIGINT', onSignal)
      process.on('SIGTERM', onSignal)
    })
    const running = await serveShows({ shows: argv as string[], port: flags.port, host: flags.host, udpTracker: flags['udp-tracker'], sendTimeoutMs: flags['send-timeout'] * 1000, maxConnections: flags['max-connections'] })
    if (json) {
      process.stdout.write(JSON.stringify({ url: running.url, shows: running.shows, tracker: running.tracker, warnings: running.warnings }) + '\n')
    } else {
      this.printShows(running)
    }

    if (flags.seed && !stopping) {
      const onEvent = json ? jsonEvent : textEvent
      seedTorrents(running.server.seedcastShows.map(show => show.paths.root), {
        torrentPort: flags['torrent-port'], dht: flags.dht, stateDir: flags.state, onEvent
      }).then(started => {
        seeder = started
        if (stopping) void started.stop('stopped')
      }, (error: Error) => {
        // The server still serves the shows (and their web seeds); only seeding failed.
        onEvent({ event: 'warning', code: (error as { code?: string }).code ?? 'ESEED', message: `not seeding: ${error.message}` })
      })
    }

    const reason = await stopped
    await Promise.all([running.close(5_000), seeder?.stop(reason)])
    if (!json) process.stderr.write(`stopped (${reason})\n`)
    // Everything is closed; a tracker announce still in flight must not keep the process alive.
    setTimeout(() => process.exit(), 2_000).unref()
  }

  private printShows (running: RunningServer): void {
    const count = running.shows.length
    // The page a listener opens comes first: the base URL when it leads here, else this server's own address.
    for (const show of running.shows) {
      const page = running.warnings.some(warning => warning.startsWith(`${show.title}: `)) ? new URL(show.path, running.url).href : show.baseUrl
      this.log(count === 1 ? `Show page: ${page}` : `Show page of ${show.title}: ${page}`)
    }
    this.log(`Serving ${count} show${count === 1 ? '' : 's'} at ${running.url} (Ctrl-C to stop)`)
    for (const show of running.shows) {
      const here = new URL(show.path, running.url).href
      this.log(`  ${show.title} (${show.episodes} episode${show.episodes === 1 ? '' : 's'}) at ${here}: rss ${show.feeds.rss}  p2p ${show.feeds.p2p}  atom ${show.feeds.atom}  json ${show.feeds.json}`)
    }
    this.log(`  tracker: ${[running.tracker.http, running.tracker.ws, running.tracker.udp].filter(Boolean).join('  ')}`)
    for (const warning of running.warnings) process.stderr.write(`warning: ${warning}\n`)
  }
}

function jsonEvent (event: SeedEvent): void {
  if (event.event === 'stats' || event.event === 'peer') return
  process.stdout.write(JSON.stringify(event) + '\n')
}

function textEvent (event: SeedEvent): void {
  if (event.event === 'started') process.stderr.write(`seeding ${event.torrents} torrent(s), peer port ${event.port}\n`)
  else if (event.event === 'seeding') process.stderr.write(`  seeding ${event.name} (${formatBytes(event.length)}${event.resumed ? ', fast resume' : `, ${event.hashedPieces} pieces checked`})\n`)
  else if (event.event === 'warning') process.stderr.write(`warning: ${event.message}\n`)
}
