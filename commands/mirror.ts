import { Args, Flags } from '@oclif/core'
import { SeedcastCommand } from '../cli/base-command.js'
import { printable } from '../cli/printable.js'
import { StopSignals } from '../cli/stop-signals.js'
import { mirrorFeed } from '../src/follow/mirror.js'

export default class Mirror extends SeedcastCommand {
  static override summary = 'Make (or update) a show folder that republishes any podcast feed peer to peer.'

  static override description = `Bitlove reborn: reads the feed, copies each episode (by its torrent when the feed publishes one, else over HTTP; podcast:integrity checked) into <show-dir>/public/media, and writes a show folder that \`seedcast serve\` and \`seedcast seed\` take like any show:
- the same channel metadata and episode GUIDs, so podcast apps see the same show;
- each episode's .torrent with both the mirror's copy and the original enclosure as web seeds (a torrent the feed publishes keeps its infohash, so the mirror joins the show's own swarm);
- p2p.xml with magnet enclosures, and an rss.xml whose enclosures point at the original host (the mirror adds peers, it never takes the listeners) with the mirror's torrent and magnet as podcast:alternateEnclosure sources;
- a channel that says it is a mirror and links the original feed (atom:link rel="via").
Run it again (from cron) to add new episodes; once the feed answers 410 Gone it is not fetched again (and no run fails for it), the mirror keeping its episodes. Ctrl-C or SIGTERM stops cleanly (exit 130): the episodes mirrored so far are written into the show with its feeds, the one being copied is left out (its partial download kept for the next run); a second one quits at once (also exit 130). A feed whose license does not allow redistribution (no Creative Commons or other free license) is refused unless --allow-redistribution.`

  static override examples = [
    { description: 'Mirror a Creative Commons show, served later at https://mirror.example/radio/', command: '<%= config.bin %> mirror https://radio.example/feed.xml ./radio-mirror --base-url https://mirror.example/radio/ --tracker self' },
    { description: 'Then seed it and serve it', command: '<%= config.bin %> serve ./radio-mirror --seed' }
  ]

  static override args = {
    feed: Args.string({ description: 'the original feed\'s http(s) URL, or the show\'s web page that names its feed', required: true }),
    dir: Args.string({ description: 'the mirror\'s show folder (made when missing)', required: true })
  }

  static override flags = {
    'base-url': Flags.string({ description: 'where the mirror\'s public/ folder will be served', required: true }),
    tracker: Flags.string({ description: 'tracker URL for the mirror\'s torrents and magnets (repeatable; "self" for the tracker of `seedcast serve`)', multiple: true }),
    keep: Flags.integer({ description: 'mirror only the newest N episodes (0 for all)', min: 0, default: 0 }),
    'allow-redistribution': Flags.boolean({ description: 'mirror even though the feed\'s license does not say it may be shared (the author allowed you)' }),
    'owner-name': Flags.string({ description: 'the mirror\'s operator, when the feed names no owner' }),
    'owner-email': Flags.string({ description: 'the operator\'s e-mail, when the feed names no owner' }),
    dht: Flags.boolean({ description: 'use the DHT to find peers of torrent episodes (--no-dht to disable)', default: true, allowNo: true }),
    timeout: Flags.integer({ description: 'seconds without progress before an episode download gives up', min: 1, default: 60 })
  }

  protected override optionFlags = { trackers: '--tracker', timeoutSeconds: '--timeout' }

  async run (): Promise<unknown> {
    const { args, flags } = await this.parse(Mirror)
    const baseUrl = flags['base-url']
    if (!/^https?:\/\//i.test(baseUrl) || !URL.canParse(baseUrl)) this.error('--base-url must be an http(s) URL', { exit: 2 })
    // A stop waits for the request or download in flight to end: say so, and how to quit now.
    const stop = new StopSignals(reason => process.stderr.write(`stopping (${reason}); again to quit now\n`))
    const result = await mirrorFeed(args.feed, args.dir, {
      baseUrl,
      trackers: flags.tracker,
      keep: flags.keep,
      allowRedistribution: flags['allow-redistribution'],
      ownerName: flags['owner-name'],
      ownerEmail: flags['owner-email'],
      dht: flags.dht,
      timeoutSeconds: flags.timeout,
      signal: stop.signal,
      onEpisode: this.jsonEnabled() ? undefined : event => {
        process.stderr.write(printable(event.action === 'mirrored' ? `mirrored "${event.title}"` : `"${event.title}" failed: ${event.message}`) + '\n')
        if (event.note) process.stderr.write(printable(`Note: ${event.note}`) + '\n')
      }
    })
    if (result.goneAt) {
      this.log(`${args.dir}: ${result.feedUrl} answered 410 Gone (since ${result.goneAt}): not fetched again; the mirror keeps its ${result.episodes} episode(s) (remove .seedcast/mirror-gone in the show folder to ask again)`)
      return result
    }
    this.log(`${args.dir}: ${result.added.length} new episode(s), ${result.episodes} in the mirror${result.failed.length ? `, ${result.failed.length} failed` : ''}`)
    if (result.failed.length) process.exitCode = 1
    return result
  }
}
