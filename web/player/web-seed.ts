import { pieceSize, type EpisodeTorrent } from './metainfo.js'
import type { PieceStore } from './piece-store.js'
import { pieceMatches } from './verify.js'
import { trace } from './trace.js'

/** After an HTTP error the web seed is left alone this long (peers may still deliver). */
const RETRY_AFTER_ERROR_MS = 2_000
/** Bound on the no-cors request that tells a page-only failure from a server that answers nobody (answersTheBrowser). */
const NO_CORS_PROBE_MS = 5_000
/** A read of the service worker's that sends nothing for this long is given up (its pieces can be read here again). */
const WORKER_SILENCE_MS = 2_000

/**
 * The episode's plain media URL used as a BitTorrent web seed, read by HTTP Range one run of
 * pieces at a time. Each piece is SHA-1 checked as soon as its last byte arrives and only then
 * stored (and so delivered, and shared); a piece the server got wrong is counted, never used,
 * and never asked of it again.
 */
export class WebSeed {
  /** Verified bytes that came over HTTP. */
  bytes = 0
  /** Bytes received over HTTP, verified or not. */
  received = 0
  /** Pieces that failed their SHA-1 check. */
  rejected = 0
  private readonly inFlight = new Set<number>()
  /** Reads under way, so a seek can stop those it made useless. */
  private readonly runs = new Set<{ first: number, last: number, abort: AbortController }>()
  private readonly wrong = new Set<number>()
  private failedUntil = 0
  /**
   * Why the last read failed ("HTTP 404", "a network error"), until a read gets its bytes:
   * the player tells the listener, since without peers nothing plays meanwhile.
   */
  failure?: string
  /**
   * The browser can fetch the media but this page cannot read it: its reads fail before any
   * answer while a no-cors request for it is answered (a host redirecting the media to another
   * origin without CORS). The element, which needs no CORS, plays such media: the player then
   * leaves it to the browser (EpisodePlayer). A server that answers nobody is not this: peers
   * may still bring the episode.
   */
  unreadable = false
  private answered = false
  private probed = false
  /** The worker's reads under way (see workerRun), by id. */
  private readonly workerRuns = new Map<number, { first: number, last: number, heard: () => void, finish: () => void }>()
  /** Called for each piece stored from HTTP (the swarm announces it to peers). */
  onPiece: (index: number) => void = () => {}
  /** Called when a request fails (the swarm is then wanted at once). */
  onError: () => void = () => {}

  constructor (private readonly url: string, private readonly torrent: EpisodeTorrent, private readonly store: PieceStore) {
    // A read whose every piece is held by now (peers were faster: see Engine's race at a seek) stops.
    store.changes.addEventListener('piece', () => {
      for (const run of this.runs) {
        let held = true
        for (let i = run.first; held && i <= run.last; i++) held = store.has(i)
        if (held) run.abort.abort()
      }
    })
  }

  /** Whether a fetch of `index` is worth starting now. */
  canFetch (index: number): boolean {
    return !this.store.has(index) && !this.inFlight.has(index) && !this.wrong.has(index) && performance.now() >= this.failedUntil
  }

  inFlightCount (): number { return this.inFlight.size }

  /** Fetches pieces first..last (those still fetchable, stopping at the first that is not). */
  fetchRun (first: number, last: number): void {
    const end = this.runEnd(first, last)
    for (let i = first; i <= end; i++) this.inFlight.add(i)
    const run = { first, last: end, abort: new AbortController() }
    this.runs.add(run)
    void this.read(first, end, run.abort.signal).finally(() => {
      this.runs.delete(run)
      for (let i = first; i <= end; i++) this.inFlight.delete(i)
      this.store.nudge()
    })
  }

  /** The last piece of a run from `first` to at most `last` that stops at the first piece not fetchable. */
  runEnd (first: number, last: number): number {
    let end = first
    while (end + 1 <= last && this.canFetch(end + 1)) end++
    return end
  }

  /**
   * Pieces first..last are being read by the service worker (WorkerRead `id` in sw-protocol.ts):
   * in flight here, so no read of this page asks for them too, until the worker hands them over
   * or gives up, or says nothing for WORKER_SILENCE_MS. A seek away from them stops the read
   * like one of this page's (`cancel` tells the worker).
   */
  workerRun (first: number, last: number, id: number, cancel: () => void): void {
    for (let i = first; i <= last; i++) this.inFlight.add(i)
    const run = { first, last, abort: new AbortController() }
    this.runs.add(run)
    let timer: ReturnType<typeof setTimeout> | undefined
    const finish = (): void => {
      if (!this.workerRuns.delete(id)) return
      clearTimeout(timer)
      this.runs.delete(run)
      for (let i = first; i <= last; i++) this.inFlight.delete(i)
      this.store.nudge()
    }
    const heard = (): void => {
      clearTimeout(timer)
      timer = setTimeout(finish, WORKER_SILENCE_MS)
    }
    run.abort.signal.addEventListener('abort', () => {
      if (this.workerRuns.has(id)) cancel()
      finish()
    })
    this.workerRuns.set(id, { first, last, heard, finish })
    heard()
  }

  /** Whether the service worker is reading piece `index` now (see workerRun). */
  readByWorker (index: number): boolean {
    for (const run of this.workerRuns.values()) if (index >= run.first && index <= run.last) return true
    return false
  }

  /**
   * Pieces the worker read from this web seed (its first read, see FirstRead in sw-protocol.ts,
   * or read `id`, see workerRun): checked here too, then stored. `failed`: the read ended short.
   */
  async fromWorker (first: number, pieces: Uint8Array[], id?: number, failed?: boolean): Promise<void> {
    const run = id === undefined ? undefined : this.workerRuns.get(id)
    run?.heard()
    for (const piece of pieces) this.received += piece.length
    await this.accept(pieces.map((data, i) => ({ index: first + i, data })))
    if (run && (failed || first + pieces.length > run.last)) run.finish()
  }

  /**
   * Stops the reads that will not reach piece `index` soon (a seek moved the play position
   * away from them): their bytes would only slow the read the element now waits for. Pieces
   * already checked are kept.
   */
  abortRunsAwayFrom (index: number): void {
    for (const run of this.runs) if (index < run.first || index > run.last) run.abort.abort()
  }

  private async read (first: number, last: number, signal: AbortSignal): Promise<void> {
    const { pieceLength } = this.torrent
    const start = first * pieceLength
    const end = last * pieceLength + pieceSize(this.torrent, last) - 1
    trace('web-seed-fetch', { first, last })
    try {
      let response: Response
      try {
        response = await fetch(this.url, { headers: { Range: `bytes=${start}-${end}` }, cache: 'no-store', signal })
      } catch (error) {
        if (!signal.aborted && !this.answered && !this.probed) {
          this.probed = true
          this.unreadable = await answersTheBrowser(this.url)
        }
        throw error
      }
      this.answered = true
      this.unreadable = false
      // A server that ignores Range answers 200 with the whole file: usable only from byte 0.
      if (!response.body || !(response.status === 206 || (response.status === 200 && start === 0))) {
        throw new WebSeedStatus(response.status)
      }
      this.failure = undefined
      trace('web-seed-headers', first)
      const reader = response.body.getReader()
      let index = first
      let buffer = new Uint8Array(pieceSize(this.torrent, index))
      let filled = 0
      while (index <= last) {
        const { done, value } = await reader.read()
        if (done) break
        this.received += value.length
        let offset = 0
        const complete: Array<{ index: number, data: Uint8Array }> = []
        while (offset < value.length && index <= last) {
          const take = Math.min(buffer.length - filled, value.length - offset)
          buffer.set(value.subarray(offset, offset + take), filled)
          filled += take
          offset += take
          if (filled === buffer.length) {
            complete.push({ index, data: buffer })
            index++
            if (index <= last) { buffer = new Uint8Array(pieceSize(this.torrent, index)); filled = 0 }
          }
        }
        if (complete.length) await this.accept(complete)
        if (signal.aborted) break
      }
      if (index <= last) void reader.cancel()
    } catch (error) {
      if (signal.aborted) return // stopped on purpose (a seek), not a failing server
      this.failure = error instanceof WebSeedStatus ? `HTTP ${error.status}` : 'a network error'
      this.failedUntil = performance.now() + RETRY_AFTER_ERROR_MS
      this.onError()
    }
  }

  /**
   * The pieces one network read completed: their digests run at once, and each is stored, in
   * order, as soon as it and those before it are checked, together with every later one checked
   * by then: a reader waiting on the first gets it at once, and the rest in few chunks (each
   * chunk is one trip to the element) rather than one per piece.
   */
  private async accept (pieces: Array<{ index: number, data: Uint8Array }>): Promise<void> {
    const checks = pieces.map(({ index, data }) => {
      const check = { done: false, matches: false, promise: Promise.resolve() }
      check.promise = (this.store.has(index) ? Promise.resolve(false) : pieceMatches(this.torrent, index, data)).then(matches => {
        check.matches = matches
        check.done = true
      })
      return check
    })
    for (let i = 0; i < pieces.length;) {
      await checks[i]!.promise
      for (; i < pieces.length && checks[i]!.done; i++) this.keep(pieces[i]!.index, pieces[i]!.data, checks[i]!.matches)
    }
  }

  private keep (index: number, data: Uint8Array, matches: boolean): void {
    if (this.store.has(index)) return // a peer's copy came first
    if (!matches) {
      this.rejected++
      this.wrong.add(index)
      return
    }
    trace('web-seed-verified', index)
    if (this.store.put(index, data)) {
      this.bytes += data.length
      this.onPiece(index)
    }
  }
}

/** Whether a no-cors request for `url` gets an answer (its body is not read: the request is stopped at the headers). */
async function answersTheBrowser (url: string): Promise<boolean> {
  const stop = new AbortController()
  try {
    await fetch(url, { mode: 'no-cors', cache: 'no-store', signal: AbortSignal.any([stop.signal, AbortSignal.timeout(NO_CORS_PROBE_MS)]) })
    return true
  } catch {
    return false
  } finally {
    stop.abort()
  }
}

/** The web seed answered with a status its bytes cannot be used from. */
class WebSeedStatus extends Error {
  constructor (readonly status: number) { super(`web seed: HTTP ${status}`) }
}
