import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { SeedcastCommand } from '../cli/base-command.js'
import { progressBar } from '../cli/progress.js'
import { printable } from '../cli/printable.js'
import { StopSignals } from '../cli/stop-signals.js'
import { parseSize } from '../src/follow/size.js'
import { importFeed } from '../src/import/import-feed.js'

export default class Import extends SeedcastCommand {
  static override summary = 'Move a podcast from another host: make a show folder from its feed, every episode kept with its GUID.'

  static override description = `Reads FEED-URL (the show's RSS feed at its current host: Anchor/Spotify for Podcasters, Libsyn, Castopod, WordPress, Buzzsprout...) and makes DIR a seedcast show folder from it, as \`seedcast init\` would, with the channel's title, description, author, owner, language, category and subcategory, explicit flag, link, show type, license and podcast:guid (kept, so directories know it is the same show). The cover is downloaded into public/; if it breaks Apple's rules (square JPEG/PNG, 1400 to 3000 px) a placeholder is made and a note says so. A feed in another encoding than UTF-8 (ISO-8859-1, windows-1252, UTF-16: named by its byte order mark, its XML declaration or the HTTP charset) is read in it; the new show's feeds are UTF-8.

Then every episode, oldest first, is downloaded from its enclosure and published the seedcast way (as \`seedcast publish\` does: public/media, a .torrent with the new URL as web seed, all four feeds, the pages), keeping what podcast apps know it by: its GUID (never changed, so subscribers who move to the new feed see no episode twice), date, title, show notes (HTML descriptions sanitised), season and episode numbers, episode type, explicit flag, its people (podcast:person, hosts and guests), and its transcript and chapters when the feed links them (podcast:transcript, podcast:chapters).

Downloads show progress in a terminal. One that is cut (network, Ctrl+C) continues where it stopped at the next run (HTTP Range). When the feed gives a podcast:integrity hash, the file must match it or the episode is refused and nothing of it is kept; an enclosure length that differs from the file is reported (the new feeds give the true size).

Run it again with the same URL and DIR to bring the show up to date: only episodes whose GUID the show does not have yet are imported (new ones, and those that failed before); a second run with nothing new changes nothing. A DIR that holds anything else than an import of this feed is refused.

The feed must name an owner e-mail and a category (or give --owner-email, --category), and a license (podcast:license or a Creative Commons link, else --license: seedcast does not guess under which license the episodes are).

Ctrl-C or SIGTERM stops cleanly (exit 130): the episodes imported so far stay in the show, the one being imported is left out of it, its partial download kept for the next run; a second one quits at once (also exit 130).

Then tell your old host to redirect the old feed URL to <base-url>rss.xml (or set itunes:new-feed-url there), so apps follow the show to its new home. Exit status 1 when an episode failed (the others are imported; run again to retry).`

  static override examples = [
    { description: 'Move a show from Libsyn, to be served at https://pod.example.org/tea/', command: '<%= config.bin %> import https://teatime.libsyn.com/rss ./tea --base-url https://pod.example.org/tea/ --license CC-BY-4.0 --tracker self' },
    { description: 'Later: add the episodes published at the old host since (nothing else changes)', command: '<%= config.bin %> import https://teatime.libsyn.com/rss ./tea --base-url https://pod.example.org/tea/' },
    { description: 'A feed without itunes:owner, as a script would run it', command: '<%= config.bin %> import https://anchor.fm/s/12345/podcast/rss ./show --base-url https://example.org/show/ --owner-email me@example.org --license CC-BY-SA-4.0 --json' }
  ]

  static override args = {
    feed: Args.string({ description: 'the show\'s feed URL at its current host (http or https), or its web page that names the feed', required: true }),
    dir: Args.string({ description: 'the show folder to make (absent or empty), or the one an earlier import of this feed made', required: true })
  }

  static override flags = {
    'base-url': Flags.string({ description: 'where the new show\'s public/ folder will be served (the first import only)', required: true }),
    tracker: Flags.string({ description: 'tracker URL for the torrents and magnets (repeatable; "self" for the tracker of `seedcast serve`)', multiple: true }),
    license: Flags.string({ description: 'SPDX license id of the episodes, when the feed names none (e.g. CC-BY-4.0)' }),
    'owner-name': Flags.string({ description: 'the owner\'s name, when the feed names none' }),
    'owner-email': Flags.string({ description: 'the owner\'s e-mail, when the feed names none' }),
    category: Flags.string({ description: 'Apple Podcasts category, when the feed\'s is missing or not Apple\'s (e.g. "Arts > Food")' }),
    language: Flags.string({ description: 'BCP 47 language tag, when the feed\'s is missing or malformed (e.g. en, pt-BR)' }),
    'max-episode-size': Flags.string({ description: 'largest episode downloaded', default: '8G' }),
    timeout: Flags.integer({ description: 'seconds without a byte before a download gives up', min: 1, default: 60 })
  }

  protected override optionFlags = { maxEpisodeBytes: '--max-episode-size', trackers: '--tracker', timeoutSeconds: '--timeout' }

  async run (): Promise<unknown> {
    const { args, flags } = await this.parse(Import)
    const json = this.jsonEnabled()
    const stop = new StopSignals()
    const say = (line: string) => { if (!json) process.stderr.write(`${printable(line)}\n`) }
    let bar: ReturnType<typeof progressBar> | undefined
    let current = ''
    const stopBar = () => { bar?.stop(); bar = undefined; current = '' }
    try {
      const result = await importFeed(args.feed, args.dir, {
        baseUrl: flags['base-url'],
        trackers: flags.tracker,
        license: flags.license,
        ownerName: flags['owner-name'],
        ownerEmail: flags['owner-email'],
        category: flags.category,
        language: flags.language,
        maxEpisodeBytes: parseSize(flags['max-episode-size'], '--max-episode-size'),
        timeoutSeconds: flags.timeout,
        signal: stop.signal,
        onProgress: (episode, step, done, total) => {
          const key = `${step} ${episode.guid}`
          if (key !== current) {
            stopBar()
            current = key
            bar = progressBar(step === 'download' ? `Downloading "${short(episode.title)}"` : 'Hashing', { json })
          }
          bar!.update(done, total || done)
        },
        onEvent: event => {
          if (event.event === 'episode' || event.event === 'note') stopBar()
          if (event.event === 'show') say(event.created ? `Created show "${event.title}" in ${event.dir}` : `Show "${event.title}" in ${event.dir}: adding what is new`)
          else if (event.event === 'note') say(`Note: ${event.message}`)
          else if (event.action === 'imported') say(`imported "${event.title}" (${event.slug})`)
          else say(`failed: ${event.message}`)
        }
      })
      this.log(`${result.dir}: ${result.imported.length} episode(s) imported, ${result.alreadyThere} already there${result.failed.length ? `, ${result.failed.length} failed (run again to retry)` : ''}; ${result.episodes} in the show`)
      if (result.created) this.log(`  next: serve or copy ${result.dir}/public to ${result.show.baseUrl}, then point the old feed at ${result.show.baseUrl}rss.xml`)
      if (result.failed.length) process.exitCode = 1
      return result
    } finally {
      stopBar()
    }
  }
}

function short (title: string): string {
  return title.length > 40 ? `${title.slice(0, 37)}...` : title
}
