import { createInterface } from 'node:readline/promises'
import { Args, Flags } from '@oclif/core'
import { SeedcastCommand } from '../cli/base-command.js'
import { showFieldFlags, showFieldOptions } from '../cli/show-fields-flags.js'
import { flagName } from '../cli/error-view.js'
import { SeedcastError } from '../src/errors.js'
import { APPLE_CATEGORIES } from '../src/feed/apple-categories.js'
import { DEFAULT_LICENSE, initShow, REQUIRED_INIT_OPTIONS, type InitOptions } from '../src/show/init.js'

export default class Init extends SeedcastCommand {
  static override summary = 'Create a show folder: show.json, the episode catalog, public/ and empty feeds.'

  static override description = `Makes DIR (default: the current folder) a seedcast show folder:
  show.json      the show's metadata (schema-checked, editable by hand)
  episodes.json  the episode catalog, empty
  public/        the site to serve at --base-url: feeds, cover, pages, media

Every value is checked before anything is written: a bad one is a one-line error and nothing is created. A folder that already holds a show.json is refused.

Required: --title --description --author --owner-name --owner-email --language --category --base-url. In a terminal the missing ones are asked for; otherwise (scripts, CI) the command fails and lists them.

--category takes Apple Podcasts' names (listed below): "Technology", or a category and subcategory as "Society & Culture > Documentary" (or --category "Society & Culture" --subcategory Documentary). --language is a BCP 47 tag (en, en-US, pt-BR). --license is an SPDX id, CC-BY-SA-4.0 when not given. --image must be a square JPEG or PNG of 1400 to 3000 pixels. --funding is a URL, optionally followed by a space and a title. The feed is marked podcast:locked (other platforms should not import it).

--base-url is where public/ will be served: every feed, media, web seed and .torrent URL is that URL plus a path below public/.

--tracker names a tracker announce URL (http, https, udp, ws or wss) put in every torrent, magnet and feed. The word self names the tracker that \`seedcast serve\` runs at the base URL: it stands for <base-url>announce twice, over http(s) for BitTorrent clients and over ws(s) for browsers (WebRTC), so --base-url https://example.org/show/ --tracker self gives https://example.org/show/announce and wss://example.org/show/announce. It is kept as self in show.json and expanded whenever torrents, magnets and feeds are written; use it when the show is served by \`seedcast serve\` (directly or through a reverse proxy that passes WebSocket upgrades).

Apple Podcasts categories, with their subcategories in brackets: ${categoryList()}.`

  static override examples = [
    `<%= config.bin %> init my-show --title "Tea Time" --description "Talks over tea" --author "Ana" --owner-name "Ana" --owner-email ana@example.org --language en --category "Arts > Food" --base-url https://tea.example.org/podcast/ --image cover.jpg`,
    `<%= config.bin %> init --title "Night Radio" --description "Late news" --author "NR" --owner-name "NR" --owner-email nr@example.org --language fr --category News --subcategory "Daily News" --base-url https://nr.example.org/ --tracker udp://tracker.example.org:6969/announce --tracker wss://tracker.example.org --license CC-BY-4.0`,
    `<%= config.bin %> init my-show --title "Tea Time" --description "Talks over tea" --author "Ana" --owner-name "Ana" --owner-email ana@example.org --language en --category "Arts > Food" --base-url https://tea.example.org/podcast/ --tracker self   # peers meet at the tracker of seedcast serve`,
    '<%= config.bin %> init my-show   # in a terminal: asks for each required value'
  ]

  static override args = {
    dir: Args.string({ description: 'show folder to create (default: current folder)', default: '.' })
  }

  protected override optionFlags = { trackers: '--tracker' }

  static override flags = {
    ...showFieldFlags,
    license: Flags.string({ description: `SPDX license id of the episodes (default ${DEFAULT_LICENSE})` }),
    explicit: Flags.boolean({ description: 'the show has explicit content', default: false })
  }

  async run (): Promise<unknown> {
    const { args, flags } = await this.parse(Init)
    const options: Partial<InitOptions> = showFieldOptions(flags)
    if (process.stdin.isTTY && !this.jsonEnabled()) await askForMissing(options)
    const result = await initShow(args.dir, options as InitOptions)
    this.log(`Created show "${result.config.title}" in ${result.dir}`)
    this.log(`  feeds:    ${Object.values(result.feeds).join('\n            ')}`)
    this.log(`  served at ${result.config.baseUrl} (copy or serve ${result.dir}/public there)`)
    this.log(`  next:     seedcast publish episode.mp3 --show ${args.dir}`)
    return { dir: result.dir, show: result.config, feeds: result.feeds }
  }
}

/** Asks on the terminal for each required value not given as a flag (Ctrl+D or Ctrl+C cancels). */
async function askForMissing (options: Partial<InitOptions>): Promise<void> {
  const missing = REQUIRED_INIT_OPTIONS.filter(key => !options[key]?.trim())
  if (!missing.length) return
  const prompt = createInterface({ input: process.stdin, output: process.stderr })
  // The iterator buffers lines typed (or pasted) ahead of their question.
  const lines = prompt[Symbol.asyncIterator]()
  try {
    for (const key of missing) {
      const flag = flagName(key)
      let answer = ''
      while (!answer) {
        prompt.setPrompt(`${flag}: `)
        prompt.prompt()
        const next = await lines.next()
        if (next.done) throw new SeedcastError(`cancelled: no value for --${flag}`, { code: 'ECANCELLED', hint: 'nothing was created' })
        answer = String(next.value).trim()
      }
      options[key] = answer
    }
  } finally {
    prompt.close()
  }
}

/** Apple's categories as one sentence for --help: "Arts (Books, Design, ...); Business (...); ...". */
function categoryList (): string {
  return Object.entries(APPLE_CATEGORIES).map(([category, subs]) => subs.length ? `${category} (${subs.join(', ')})` : category).join('; ')
}
