import { Args, Flags } from '@oclif/core'
import { setFlagsFromString } from 'node:v8'
import { SeedcastCommand } from '../cli/base-command.js'
import { applyConfigFile } from '../cli/config-file.js'
import { withFlagNames } from '../cli/error-view.js'
import { peerTuningFlags, peerTuningOptions } from '../cli/seed-flags.js'
import { jsonLine, printWarning } from '../cli/event-lines.js'
import { seedView } from '../cli/seed-view.js'
import { exitSoonAfterStop, StopSignals } from '../cli/stop-signals.js'
import { SeedcastError } from '../src/errors.js'
import { recordSeedEvent } from '../src/server/metrics.js'
import { SHOWS_API_PATH } from '../src/server/shows-api.js'
import { listenHost } from '../src/server/listen-check.js'
import { serveShows, type RunningServer } from '../src/server/serve.js'
import { lockShowsForServing } from '../src/server/serve-lock.js'
import type { ScheduledRelease } from '../src/server/scheduled-publishing.js'
import type { SeedEvent } from '../src/swarm/seed/events.js'
import { seedTorrents, type Seeder } from '../src/swarm/seed/seeder.js'
import { internalsWarnings } from '../src/swarm/webtorrent-internals.js'
import { keepWebAssemblyUnoptimised } from '../src/swarm/wasm-tiering.js'
import { boundYoungGeneration } from '../src/swarm/young-garbage.js'

/**
 * The young generation a running server keeps, as `seed` (commands/seed.ts). Cut back to it
 * once everything is loaded, an idle `serve --seed` of the demo show held 130 MiB instead
 * of 157 (RssAnon 72 instead of 100 MiB), and `serve` alone 109 instead of 137, four and
 * two alternated runs each, identical to the MiB: loading had grown V8's young generation
 * past the initial size --semi-space-growth-factor=1 was meant to keep.
 */
const YOUNG_GENERATION_BYTES = 4 * 1024 * 1024

export default class Serve extends SeedcastCommand {
  static override summary = 'Serve show folders over HTTP (feeds, media as web seeds, .torrent files), optionally seeding them too.'

  static override description = `Serves the public/ folder of each SHOW-DIR at the path of its base URL: a show whose base URL is http://localhost:8080/ is served at /, one at https://example.org/fieldnotes/ at /fieldnotes/. So when the base URL leads to this server (directly, or through a reverse proxy that keeps the path), every URL in the feeds and torrents works: rss.xml for podcast apps, p2p.xml for magnet enclosures, the media (which the torrents name as web seeds) and the .torrent files.

Only public/ is served: show.json, episodes.json and .seedcast/ never are, nor symbolic links leading out of public/, nor anything of a draft episode (its media, .torrent and page answer 404 until \`seedcast episodes edit <slug> --no-draft\`). Media answers Range requests (one range, 206; others 416), HEAD and conditional requests (ETag, Last-Modified, If-Range, 304), with CORS open to every origin so browsers and WebTorrent web seeds can fetch it. Feeds and pages are sent brotli- or gzip-compressed to clients that accept it. A folder's URL ending in / serves its index.html. Other methods than GET, HEAD and OPTIONS get 405. A client that reads nothing for --send-timeout seconds is dropped; connections past --max-connections are refused. GET ${SHOWS_API_PATH} lists the shows with their feed URLs.

The same port runs a BitTorrent tracker for the served episodes: HTTP announce and scrape at <base path>announce and <base path>scrape for BitTorrent clients, and a WebSocket tracker at <base path>announce (ws://) for WebTorrent in browsers. It answers only for the infohashes of the shows' published episodes (an episode published while serving is tracked at once; any other infohash is refused). A show whose trackers include \`self\` (\`seedcast init --tracker self\`) names exactly this tracker in its torrents, magnets and feeds. --udp-tracker also answers UDP announces (BEP 15) on the same port number.

The first line printed is the show page's URL (public/index.html, written by publish), then one line per show with its feed URLs, once the server listens (with --port 0, after the real port is known). A show whose base URL cannot lead to this server is served anyway, with a warning (its feeds and web seeds point elsewhere): a loopback or IP address, or a host with an explicit port, naming another port or address than the server listens on, or https while the server speaks http. A base URL with a host name and no port (https://example.org/show/) is taken to be a reverse proxy in front of this server and not warned about.

Scheduled episodes (published with a --date in the future) enter the feeds at their date: the server rebuilds the show's feeds at that moment and prints a line (with --json: {"event":"released",...}).

With --seed the same process also seeds every published episode of the shows over BitTorrent (TCP, uTP, WebRTC through the shows' ws:// trackers, DHT unless --no-dht), as \`seedcast seed\` does, with the same --upload-limit, --max-conns, --no-lsd, --no-utp, --no-webrtc and --ice-server. The peer port and the DHT listen on --host like HTTP: with the default 127.0.0.1 no other machine reaches them, and Local Service Discovery is off unless --lsd is given (it is on by default for any other address). A peer that sends a message longer than its type allows (a piece of more than 128 KiB, a bitfield longer than the torrent's pieces) is dropped at once and its address refused for an hour. Episodes published or removed while it runs are added to or dropped from the swarm as they change, without checking the others again. Ctrl-C or SIGTERM stops both cleanly.

Operators get GET /healthz (200, or 503 while draining), GET /metrics (Prometheus text from loopback or with a token: requests by route and status, bytes served over HTTP per episode, tracker announces, with --seed peers and bytes uploaded per episode and transport, process metrics), the token API under /api/shows (see \`seedcast token create\`), a dashboard at /dashboard/ (each episode's peers and bytes by transport, the upload over time, publish, edit and remove, with a token), and with --log an access log on stderr. SIGTERM or Ctrl-C drains: listening stops, the responses in flight get --drain-timeout seconds, the swarm's state is saved.

One server per show folder: a second \`seedcast serve\` of a folder already served is refused with one line naming the running one's pid (a server killed with SIGKILL does not block the next start).

Every flag can also come from a SEEDCAST_* environment variable (SEEDCAST_PORT, SEEDCAST_HOST, SEEDCAST_SEED, SEEDCAST_SEND_TIMEOUT...: the flag name in capitals, dashes as underscores) or from a JSON file given with --config (or SEEDCAST_CONFIG): {"port": 8080, "seed": true, "shows": ["/srv/podcast"]}. A flag on the command line wins over the environment, which wins over the file.

With --json one JSON line {url, shows, tracker, warnings} is printed when listening, then (with --seed) one line per seeding event: started, seeding (per episode), removed, warning, stopped.`

  static override examples = [
    { description: 'Serve the demo show where its base URL points (what `npm start` runs, with --seed)', command: '<%= config.bin %> serve .demo/show' },
    { description: 'Serve two shows on every interface and seed their episodes', command: '<%= config.bin %> serve ./fieldnotes ./interviews --host 0.0.0.0 --port 8080 --seed' },
    { description: 'Serve on any free port and print the address as JSON', command: '<%= config.bin %> serve ./my-show --port 0 --json' },
    { description: 'Run from a config file, as a systemd unit would, with an access log', command: 'SEEDCAST_LOG=true <%= config.bin %> serve --config /etc/seedcast/serve.json' }
  ]

  static override strict = false

  static override args = {
    shows: Args.string({ description: 'show folders (made by `seedcast init`); give several to serve them all (or "shows" in --config)', required: false })
  }

  static override flags = {
    port: Flags.integer({ description: 'HTTP port (0: any free port)', default: 8080, min: 0, max: 65535, env: 'SEEDCAST_PORT' }),
    host: Flags.string({ description: 'address to listen on (0.0.0.0 or :: for every interface)', default: '127.0.0.1', env: 'SEEDCAST_HOST' }),
    seed: Flags.boolean({ description: 'also seed every published episode over BitTorrent', default: false, env: 'SEEDCAST_SEED' }),
    dht: Flags.boolean({ description: 'with --seed: announce on the Mainline DHT (--no-dht to disable)', default: true, allowNo: true, env: 'SEEDCAST_DHT' }),
    'torrent-port': Flags.integer({ description: 'with --seed: TCP/uTP port for peers, on the --host address (default: any free port)', min: 0, max: 65535, env: 'SEEDCAST_TORRENT_PORT' }),
    ...peerTuningFlags,
    'udp-tracker': Flags.boolean({ description: 'also answer tracker announces over UDP, on the same port number as HTTP', default: false, env: 'SEEDCAST_UDP_TRACKER' }),
    'send-timeout': Flags.integer({ description: 'seconds a client may read nothing before it is dropped (as nginx send_timeout)', default: 60, min: 1, env: 'SEEDCAST_SEND_TIMEOUT' }),
    'max-connections': Flags.integer({ description: 'connections past this many are refused', default: 1024, min: 1, env: 'SEEDCAST_MAX_CONNECTIONS' }),
    state: Flags.directory({ description: 'with --seed: fast-resume and status folder (default $XDG_STATE_HOME/seedcast or ~/.local/state/seedcast)', env: 'SEEDCAST_STATE' }),
    log: Flags.boolean({ description: 'access log on stderr: one pino JSON line per request (pretty in a terminal); errors are logged always', default: false, env: 'SEEDCAST_LOG' }),
    'drain-timeout': Flags.integer({ description: 'on SIGTERM/Ctrl-C, seconds the responses in flight get to finish', default: 30, min: 0, env: 'SEEDCAST_DRAIN_TIMEOUT' }),
    'max-upload': Flags.integer({ description: 'largest episode upload through the API, in MiB (413 past it)', default: 2048, min: 1, env: 'SEEDCAST_MAX_UPLOAD' }),
    'trust-proxy': Flags.string({ description: 'behind a reverse proxy: believe X-Forwarded-* from these addresses ("loopback", IPs or CIDRs, comma-separated; or a hop count)', env: 'SEEDCAST_TRUST_PROXY' }),
    config: Flags.file({ description: 'JSON config file of flag names and values (and "shows": [folders]); flags and SEEDCAST_* variables win over it', env: 'SEEDCAST_CONFIG' })
  }

  async run (): Promise<void> {
    const parsed = await this.parse(Serve)
    let flags = parsed.flags
    let shows = parsed.argv as string[]
    if (flags.config) {
      const given = parsed.metadata.flags as Record<string, { setFromDefault?: boolean } | undefined>
      const fromDefault = (name: string) => (flags as Record<string, unknown>)[name] === undefined || given[name]?.setFromDefault === true
      const applied = applyConfigFile(flags.config, flags, fromDefault, Object.keys(Serve.flags).filter(name => name !== 'config' && name !== 'json'))
      flags = applied.flags
      if (shows.length === 0 && applied.shows) shows = applied.shows
    }
    if (shows.length === 0) throw new SeedcastError('no show folder to serve', { code: 'EUSAGE', hint: 'give one or more show folders, or "shows" in --config' })
    const json = this.jsonEnabled()
    let seeder: Seeder | undefined
    // Taken before anything starts, so a Ctrl-C during start-up still means a clean stop.
    const stop = new StopSignals()
    // A long-lived server whose garbage is short-lived (a request's objects): keep V8's young
    // generation at its initial size. Left to grow it reached 128 MiB under 200 clients and
    // stayed committed: RSS 115 -> 290 MiB over a 200 s soak, 115 -> 170 MiB with this, no
    // fewer requests served (test/bench/serve.bench.ts).
    setFlagsFromString('--semi-space-growth-factor=1')
    // Its seeder announces for days: fetch's HTTP parser kept out of V8's optimising compiler (wasm-tiering.ts).
    keepWebAssemblyUnoptimised()
    // One address for HTTP and the peer side, as the operator may write it ([::1]); checked before anything starts.
    const host = listenHost(flags.host)
    // One server per show folder: a second is refused before it listens (serve-lock.ts).
    const lock = await lockShowsForServing(shows, (dir, error) => printWarning(`${dir}: lost the serve lock (${error.message}); another \`seedcast serve\` may be serving this folder too`))
    const running = await serveShows({
      shows, port: flags.port, host, udpTracker: flags['udp-tracker'], logger: flags.log, trustProxy: trustProxyOption(flags['trust-proxy']),
      sendTimeoutMs: flags['send-timeout'] * 1000, maxConnections: flags['max-connections'], maxUploadBytes: flags['max-upload'] * 1024 * 1024
    }).catch(async (error: unknown) => {
      await lock.release()
      throw error
    })
    // Everything is loaded now (the seeder with this command): shrink V8's young generation and bound it.
    boundYoungGeneration(YOUNG_GENERATION_BYTES)
    const swarmMetrics = running.server.seedcastMetrics.swarm
    if (json) {
      jsonLine({ url: running.url, shows: running.shows, tracker: running.tracker, warnings: running.warnings.map(warning => withFlagNames(warning)) })
    } else {
      this.printShows(running)
    }
    reportScheduledReleases(running, json)

    if (flags.seed && !stop.requested) {
      // serve prints its own "stopped" line, once both the server and the seeder are closed.
      const print = seedView({ json, skip: json ? ['stats', 'peer'] : ['stopped'] })
      // The seed events also feed /metrics: peers by transport, bytes uploaded per episode.
      const onEvent = (event: SeedEvent) => {
        recordSeedEvent(swarmMetrics, event)
        print(event)
      }
      seedTorrents(running.server.seedcastShows, {
        torrentPort: flags['torrent-port'], host, dht: flags.dht, stateDir: flags.state, ...peerTuningOptions(flags), onEvent
      }).then(started => {
        seeder = started
        // A WebTorrent internal seedcast patches is gone (a dependency changed): say which fast path is off.
        for (const line of internalsWarnings()) process.stderr.write(line + '\n')
        if (stop.requested) void started.stop(stop.reason)
      }, (error: Error) => {
        // The server still serves the shows (and their web seeds); only seeding failed.
        onEvent({ event: 'warning', code: error instanceof SeedcastError ? error.code : 'ESEED', message: `not seeding: ${this.describe(error).message}` })
      })
    }

    const reason = await stop.stopped
    await Promise.all([running.close(flags['drain-timeout'] * 1000), seeder?.stop(reason)])
    await lock.release()
    if (!json) process.stderr.write(`stopped (${reason})\n`)
    exitSoonAfterStop()
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
      const scheduled = show.scheduled ? `, ${show.scheduled} scheduled` : ''
      this.log(`  ${show.title} (${show.episodes} episode${show.episodes === 1 ? '' : 's'}${scheduled}) at ${here}: rss ${show.feeds.rss}  p2p ${show.feeds.p2p}  atom ${show.feeds.atom}  json ${show.feeds.json}`)
    }
    this.log(`  tracker: ${[running.tracker.http, running.tracker.ws, running.tracker.udp].filter(Boolean).join('  ')}`)
    for (const warning of running.warnings) printWarning(withFlagNames(warning))
  }
}

/** One line each time a scheduled episode's date comes and its show's feeds are rebuilt. */
function reportScheduledReleases (running: RunningServer, json: boolean): void {
  running.scheduler.removeAllListeners('error')
  running.scheduler.on('released', (release: ScheduledRelease) => {
    if (json) jsonLine({ event: 'released', ...release })
    else process.stderr.write(`scheduled episode out (${release.at}): feeds of ${release.dir} rebuilt, ${release.published} episodes\n`)
  })
  running.scheduler.on('error', (error: Error, dir: string) => {
    const message = `could not publish the scheduled episode of ${dir}: ${error.message}`
    if (json) jsonLine({ event: 'warning', code: 'ESCHEDULE', message })
    else printWarning(message)
  })
}

/** --trust-proxy as Fastify takes it: a hop count, true, or the addresses as given. */
function trustProxyOption (value: string | undefined): boolean | number | string | undefined {
  if (value === undefined || value === '' || value === 'false') return undefined
  if (value === 'true') return true
  return /^\d+$/.test(value) ? Number(value) : value
}
