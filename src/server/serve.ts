import type { AddressInfo } from 'node:net'
import { SeedcastError } from '../errors.js'
import { selfTrackerUrls } from '../feed/trackers.js'
import { createServer, type SeedcastServer, type ServerOptions } from './create-server.js'
import { baseUrlWarnings, listenHost } from './listen-check.js'
import { ScheduledPublisher } from './scheduled-publishing.js'
import { summarizeShow, type ShowSummary } from './shows-api.js'

export interface ServeOptions extends ServerOptions {
  /** TCP port; 0 picks a free one. Default 8080. */
  port?: number
  /** Address to listen on. Default 127.0.0.1 (loopback only); 0.0.0.0 or :: for every interface. */
  host?: string
  /** Also answer tracker announces over UDP (BEP 15), on the same port number as HTTP. */
  udpTracker?: boolean
}

/** The tracker's announce URLs as this server answers them (per show mount path). */
export interface TrackerUrls { http: string, ws: string, udp?: string }

export interface RunningServer {
  /** Where the server answers, e.g. http://127.0.0.1:8080/ (the real port when 0 was asked). */
  url: string
  host: string
  port: number
  shows: ShowSummary[]
  /** The built-in tracker, at the first show's mount path (every mount path answers). */
  tracker: TrackerUrls
  /** One line per show whose base URL does not lead to this server. */
  warnings: string[]
  server: SeedcastServer
  /** Rebuilds a show's feeds when a scheduled episode's date comes ('released' events). */
  scheduler: ScheduledPublisher
  /**
   * Drains: stops listening, closes idle connections and lets responses in flight finish,
   * closing what is left after timeoutMs (default 5 s).
   */
  close: (timeoutMs?: number) => Promise<void>
}

/** While draining, how often the connections that have finished their response are closed. */
const IDLE_SWEEP_MS = 50

/**
 * How many port numbers `port: 0` with the UDP tracker tries before giving up: each is one
 * the kernel found free for UDP, which TCP may hold (rarely: the next one is another).
 */
const PORT_PAIR_ATTEMPTS = 20

/** Builds the server for `options.shows` and starts listening. */
export async function serveShows (options: ServeOptions): Promise<RunningServer> {
  const host = listenHost(options.host ?? '127.0.0.1')
  const server = await createServer(options)
  const asked = options.port ?? 8080
  const udpHost = host.includes(':') ? `[${host}]` : host
  let udpPort: number | undefined
  if (options.udpTracker && asked === 0) {
    // HTTP and UDP on one number, any free one. Not HTTP on a port the kernel picks and then
    // UDP on that number: another process's UDP socket (a uTP or DHT socket, a UDP tracker
    // client's) may hold it, and serve failed. UDP first on a port free for UDP, then HTTP on
    // that number, another pair when TCP holds it.
    for (let attempt = 1; udpPort === undefined; attempt++) {
      const candidate = await listenUdpTracker(server, 0, host)
      try {
        await server.listen({ port: candidate, host })
        udpPort = candidate
      } catch (error) {
        server.seedcastTracker.closeUdp()
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < PORT_PAIR_ATTEMPTS) continue
        await server.close().catch(() => {})
        throw listenError(error, host, asked)
      }
    }
  } else {
    try {
      await server.listen({ port: asked, host })
    } catch (error) {
      await server.close().catch(() => {})
      throw listenError(error, host, asked)
    }
  }
  const port = (server.server.address() as AddressInfo).port
  const url = `http://${udpHost}:${port}/`
  const tracker = selfTrackerUrls(new URL(server.seedcastShows[0]!.mountPath, url).href) as TrackerUrls
  if (options.udpTracker) {
    udpPort ??= await listenUdpTracker(server, port, host)
    tracker.udp = `udp://${udpHost}:${udpPort}/announce`
  }
  const scheduler = new ScheduledPublisher(server.seedcastShows.map(show => show.paths.root))
  scheduler.on('error', () => { /* reported by the command's listener; a failed rebuild is retried at the next change */ })
  await scheduler.start()
  let closing: Promise<void> | undefined
  return {
    url,
    host,
    port,
    shows: server.seedcastShows.map(show => summarizeShow(show)),
    tracker,
    warnings: baseUrlWarnings(server.seedcastShows, { host, port }),
    server,
    scheduler,
    close: (timeoutMs = 5_000) => {
      scheduler.close()
      closing ??= new Promise<void>(resolve => {
        // /healthz answers 503 from now on; listening stops, idle connections close, and the
        // responses in flight get until the deadline to finish.
        server.seedcastHealth.state = 'draining'
        const timer = setTimeout(() => { server.server.closeAllConnections(); resolve() }, timeoutMs)
        timer.unref()
        // Node closes the connections that are idle when close() begins, once: a keep-alive
        // connection whose request came before and was answered after (the tracker's announces
        // answer on their own, after Fastify's closing check) would then stay open, idle, until
        // the deadline. During the drain such connections are closed as they fall idle.
        const sweep = setInterval(() => server.server.closeIdleConnections(), IDLE_SWEEP_MS)
        sweep.unref()
        const done = () => { clearTimeout(timer); clearInterval(sweep); resolve() }
        server.close().then(done, done)
      })
      return closing
    }
  }
}

/** Starts the UDP tracker on `port` of `host`; on failure, closes the server and throws ELISTEN. */
async function listenUdpTracker (server: SeedcastServer, port: number, host: string): Promise<number> {
  try {
    return await server.seedcastTracker.listenUdp(port, host)
  } catch (error) {
    await server.close().catch(() => {})
    throw new SeedcastError(`cannot listen for UDP tracker requests on ${host}:${port}: ${(error as Error).message}`, { code: 'ELISTEN', cause: error, hint: 'free that UDP port or serve without `udpTracker`' })
  }
}

function listenError (error: unknown, host: string, port: number): SeedcastError {
  const code = (error as NodeJS.ErrnoException).code
  const where = `${host}:${port}`
  switch (code) {
    case 'EADDRINUSE':
      return new SeedcastError(`cannot listen on ${where}: the port is in use`, { code, cause: error, hint: 'stop the other server or pick another `port` (0 for any free port)' })
    case 'EACCES':
      return new SeedcastError(`cannot listen on ${where}: permission denied`, { code: 'ELISTEN', cause: error, hint: 'ports below 1024 need privileges; pick a `port` above 1024' })
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new SeedcastError(`cannot listen on ${where}: no such local address`, { code: 'ELISTEN', cause: error, hint: 'give `host` an address of this machine, 127.0.0.1 or 0.0.0.0' })
    default:
      return new SeedcastError(`cannot listen on ${where}: ${(error as Error).message}`, { code: 'ELISTEN', cause: error })
  }
}
