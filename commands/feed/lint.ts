import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { SeedcastCommand } from '../../cli/base-command.js'
import { lintFeed } from '../../src/feed/lint/lint.js'

export default class FeedLint extends SeedcastCommand {
  static override summary = 'Check a podcast feed against Apple\'s requirements and the Podcasting 2.0 namespace.'

  static override description = `Reads FEED (a file or an http(s) URL) and reports each problem as one line: its level, the element it concerns and what to do, e.g.

  error    channel/itunes:image  missing: Apple requires cover art ...

Errors are what Apple Podcasts or the Podcasting 2.0 spec reject: missing title, description, itunes:image, language, itunes:category (checked against Apple's list) or itunes:explicit; items without an HTTP(S) enclosure with length and type, without a guid, with a malformed pubDate or duration; a podcast:guid that is not a UUID, a podcast:locked that is not yes/no, an alternateEnclosure without a source, an integrity value that is not SRI. Warnings are recommendations (author, owner email, self link, an encoding other than UTF-8...). The feed is read in the encoding it is written in (its byte order mark, else its XML declaration).

For feeds that offer BitTorrent (a podcast:source with a .torrent or a magnet, or a magnet enclosure as in seedcast's p2p.xml) it also fetches each .torrent and checks that the magnet's btih is its infohash and that sizes and web seeds agree. With --media it downloads each episode and checks the bytes against the torrent's pieces and the podcast:integrity SHA-256. Given a show's web page instead of a feed, it lints the feed the page names (its <link rel="alternate">), as follow and import read it. A feed file inside a show's public folder is checked against the files beside it, without fetching: a media file, .torrent or chapters file the feed names that is missing from public/ is an error.

Exits 1 when there is at least one error, 0 otherwise.`

  static override examples = [
    '<%= config.bin %> feed lint my-show/public/rss.xml',
    '<%= config.bin %> feed lint https://podcast.example/p2p.xml --media',
    '<%= config.bin %> feed lint https://podcast.example/',
    '<%= config.bin %> feed lint my-show/public/rss.xml --offline',
    '<%= config.bin %> feed lint https://podcast.example/rss.xml --json'
  ]

  static override args = {
    feed: Args.string({ description: 'feed file or http(s) URL (a show\'s web page: the feed it names)', required: true })
  }

  static override flags = {
    media: Flags.boolean({ description: 'also download each episode and check it against its .torrent and SRI digest', default: false }),
    offline: Flags.boolean({ description: 'never fetch anything over the network (files beside a local feed are still read)', default: false }),
    timeout: Flags.integer({ description: 'seconds to wait for each HTTP request', default: 30, min: 1 })
  }

  async run (): Promise<unknown> {
    const { args, flags } = await this.parse(FeedLint)
    const report = await lintFeed(args.feed, {
      checkMedia: flags.media,
      fetch: flags.offline ? false : undefined,
      timeoutMs: flags.timeout * 1000
    })
    const width = Math.max(0, ...report.findings.map(finding => finding.element.length))
    for (const finding of report.findings) {
      this.log(`${finding.level.padEnd(7)}  ${finding.element.padEnd(width)}  ${finding.message}`)
    }
    const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`
    this.log(report.findings.length === 0
      ? `${report.feed}: no problems found`
      : `${report.feed}: ${plural(report.errors, 'error')}, ${plural(report.warnings, 'warning')}`)
    // The findings are the output (also as JSON); the exit code carries the verdict.
    if (!report.ok) process.exitCode = 1
    return { feed: report.feed, ok: report.ok, errors: report.errors, warnings: report.warnings, findings: report.findings }
  }
}
