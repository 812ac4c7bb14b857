import { Flags } from '@oclif/core'
import { setFlagsFromString } from 'node:v8'
import { SeedcastCommand } from '../../cli/base-command.js'
import { libraryFlag } from '../../cli/library-flag.js'
import { jsonLine } from '../../cli/event-lines.js'
import { followLine } from '../../cli/follow-view.js'
import { printable } from '../../cli/printable.js'
import { seedFlags, seedOptionsFromFlags } from '../../cli/seed-flags.js'
import { seedView } from '../../cli/seed-view.js'
import { exitSoonAfterStop, StopSignals } from '../../cli/stop-signals.js'
import type { EpisodeFailure, FeedFailure, FollowEvent } from '../../src/follow/events.js'
import { defaultLibraryDir } from '../../src/follow/library.js'
import { runFollow } from '../../src/follow/run.js'
import { parseSize } from '../../src/follow/size.js'
import { keepWebAssemblyUnoptimised } from '../../src/swarm/wasm-tiering.js'
import { boundYoungGeneration } from '../../src/swarm/young-garbage.js'

/**
 * The young generation a running `follow run` keeps, as `seed` (commands/seed.ts). Cut back
 * to it after the first pass (by then the feed reader, the downloader and the seeder are
 * loaded): following the demo show's p2p.xml (4 episodes downloaded, then seeded), idle
 * RSS was 116 MiB instead of 139 (RssAnon 59 instead of 81), three alternated runs each.
 */
const YOUNG_GENERATION_BYTES = 4 * 1024 * 1024

export default class FollowRun extends SeedcastCommand {
  static override summary = 'Download new episodes of the followed feeds and keep seeding them.'

  static override description = `Polls every followed feed (conditional GET with ETag/Last-Modified; then each feed again when its ttl or podcast:updateFrequency says, backing off after errors, and not before the time a 429 or 503 answer's Retry-After asks for, even with --once; permanent redirects and itunes:new-feed-url are followed and remembered; a feed that so moves to the address of another followed feed is left alone, with a line saying so, rather than downloading every episode twice; a feed whose host answers 410 Gone is said so once and no longer polled, its episodes kept and seeded, until \`seedcast follow add\` of its URL finds it back), downloads new episodes and seeds everything the library holds until interrupted (Ctrl-C, SIGTERM). --once fetches what is new and exits (cron, scripts): with status 1 and a line naming them when an episode failed or a feed could not be read (both are tried again at the next run).
Seeding starts first, with what the library already holds (fast resume: nothing is hashed again), before any feed is polled; each new episode joins the running seeder as soon as it is downloaded, and what retention or \`seedcast follow remove\` takes out leaves it after the pass, without restarting it.

Each episode comes by the best way its feed offers: its torrent (podcast:alternateEnclosure .torrent or magnet, as seedcast and PeerTube publish them) with the HTTP enclosure as web seed (a magnet with no .torrent URL, or whose .torrent's host is down, from its peers, metadata included); otherwise over HTTP, and is then made into a torrent whose web seed is the enclosure URL, with the --tracker URLs. podcast:integrity is checked: a mismatch is an error and the file is not kept.
Seeding follows the license: episodes of a published torrent are seeded; HTTP-only episodes only when the feed's license allows redistribution (Creative Commons, another free license) or --allow-redistribution (here or at \`follow add\`) says you may.

Retention: --keep newest episodes per feed (0 for all) and --max-size for the whole library; what falls out stops being seeded and is deleted, and is never downloaded again.
Killed at any moment (even kill -9), the next run resumes: half-downloaded files continue where they stopped, finished episodes are neither downloaded nor hashed again, and each feed is polled when its next poll time (interval, backoff) says, not at once, so a service restarted in a loop does not poll the hosts at every restart; feeds never polled are polled at start, and --poll-now polls them all. One run per library at a time: a second (a cron --once beside a running one) is refused with a line naming the first's pid (exit 1); \`follow add\`, \`list\` and \`remove\` work beside a run.
Seeds over TCP, uTP and WebRTC like \`seedcast seed\`, with its flags; \`seedcast peers\` shows who is connected. With --json one event per line: poll, moved, skipped, episode, pass, and the seed events but the per-second stats (as \`seedcast serve\`: \`seedcast peers\` shows the live figures).`

  static override examples = [
    { description: 'Fetch what is new and exit (cron)', command: '<%= config.bin %> follow run --once' },
    { description: 'Keep the 5 newest episodes of each show within 20 GB, seed at most 2 MB/s', command: '<%= config.bin %> follow run --keep 5 --max-size 20G --upload-limit 2M' },
    { description: 'Announce the torrents made for HTTP-only shows to your own tracker', command: '<%= config.bin %> follow run --tracker wss://tracker.example/announce --tracker https://tracker.example/announce' }
  ]

  protected override optionFlags = { maxEpisodeBytes: '--max-episode-size', maxBytes: '--max-size', trackers: '--tracker', timeoutSeconds: '--timeout' }

  static override flags = {
    dir: libraryFlag,
    once: Flags.boolean({ description: 'poll every feed once, download what is new, then exit without seeding' }),
    'poll-now': Flags.boolean({ description: 'poll every feed at start, not only those due (a restart otherwise keeps each feed\'s next poll time and backoff)', exclusive: ['once'] }),
    keep: Flags.integer({ description: 'newest episodes kept per feed (0 for all)', min: 0, default: 10 }),
    'max-size': Flags.string({ description: 'size budget of the whole library, e.g. 50G (the oldest episodes go first)' }),
    'max-episode-size': Flags.string({ description: 'largest episode downloaded', default: '8G' }),
    'allow-redistribution': Flags.boolean({ description: 'seed HTTP-only episodes whatever the feeds\' licenses say (you have the right to)' }),
    tracker: Flags.string({ description: 'tracker URL written into the torrents made for HTTP-only episodes (repeatable)', multiple: true }),
    timeout: Flags.integer({ description: 'seconds without progress before an episode download gives up (retried at the next poll)', min: 1, default: 60 }),
    ...seedFlags
  }

  async run (): Promise<void> {
    const { flags } = await this.parse(FollowRun)
    const json = this.jsonEnabled()
    const stop = new StopSignals(reason => process.stderr.write(`stopping (${reason}); again to quit now\n`))
    // A long-lived seeder (unless --once), whose garbage is mostly short-lived 16 KiB blocks:
    // V8's young generation kept at its initial size, as `seed` does (see commands/seed.ts).
    if (!flags.once) setFlagsFromString('--semi-space-growth-factor=1')
    // Polls feeds and announces for days: fetch's HTTP parser kept out of V8's optimising compiler (wasm-tiering.ts).
    keepWebAssemblyUnoptimised()
    const view = json ? (event: FollowEvent) => jsonLine(event) : (event: FollowEvent) => textView(event, flags.once)
    let bounded = false
    const once = await runFollow({
      dir: flags.dir ?? defaultLibraryDir(),
      once: flags.once,
      pollNow: flags['poll-now'],
      keep: flags.keep,
      maxBytes: flags['max-size'] ? parseSize(flags['max-size'], '--max-size') : 0,
      maxEpisodeBytes: parseSize(flags['max-episode-size'], '--max-episode-size'),
      allowRedistribution: flags['allow-redistribution'],
      trackers: flags.tracker ?? [],
      dht: flags.dht,
      timeoutSeconds: flags.timeout,
      seed: seedOptionsFromFlags(flags),
      signal: stop.signal,
      onEvent: event => {
        view(event)
        // The first pass is over: everything is loaded, shrink V8's young generation and bound it.
        if (event.event === 'pass' && !flags.once && !bounded) {
          bounded = true
          boundYoungGeneration(YOUNG_GENERATION_BYTES)
        }
      },
      // No per-second 'stats' lines in --json, as serve: a follower runs for months, and each
      // line lists every torrent (57 kB a second for 200 episodes, 5 GB a day of a log).
      onSeedEvent: seedView({ json, skip: json ? ['stats'] : [] })
    })
    // A script or cron job running --once learns from the exit status that something was
    // left for the next run (the events, with --json, say which; so does this one line).
    if (once && !stop.requested && (once.failures.length || once.feedErrors.length)) {
      process.stderr.write(printable(onceFailureLine(once.failures, once.feedErrors)) + '\n')
      process.exitCode = 1
    }
    exitSoonAfterStop()
  }
}

/** E.g. `not done: 1 episode(s) failed (radio: "Two" EINTEGRITY), 1 feed(s) could not be read (news); the next run tries again (…)`. */
function onceFailureLine (failures: EpisodeFailure[], feedErrors: FeedFailure[]): string {
  const some = (names: string[]) => names.slice(0, 3).join(', ') + (names.length > 3 ? `, and ${names.length - 3} more` : '')
  const parts = []
  if (failures.length) parts.push(`${failures.length} episode(s) failed (${some(failures.map(f => `${f.feed}: "${f.title}" ${f.code}`))})`)
  if (feedErrors.length) parts.push(`${feedErrors.length} feed(s) could not be read (${some(feedErrors.map(f => f.feed))})`)
  return `not done: ${parts.join(', ')}; the next run tries again (an episode up to 5 times)`
}

function textView (event: FollowEvent, once: boolean): void {
  const text = followLine(event, { once })
  // Feed addresses, titles and hosts' error words come from elsewhere (cli/printable.ts).
  if (text !== undefined) process.stderr.write(printable(text) + '\n')
}
