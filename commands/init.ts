import { createInterface } from 'node:readline/promises'
import { Args, Flags } from '@oclif/core'
import { SeedcastCommand } from '../cli/base-command.js'
import { SeedcastError } from '../src/errors.js'
import { DEFAULT_LICENSE, initShow, REQUIRED_INIT_OPTIONS, type InitOptions } from '../src/show/init.js'

export default class Init extends SeedcastCommand {
  static override summary = 'Create a show folder: show.json, the episode catalog, public/ and empty feeds.'

  static override description = `Makes DIR (default: the current folder) a seedcast show folder:
  show.json      the show's metadata (schema-checked, editable by hand)
  episodes.json  the episode catalog, empty
  public/        the site to serve at --base-url: the four feeds, the cover,
  public/        media/, torrents/, chapters/

Every value is checked before anything is written: a bad one is a one-line error and nothing is created. A folder that already holds a show.json is refused.

Required: --title --description --author --owner-name --owner-email --language --category --base-url. In a terminal the missing ones are asked for; otherwise (scripts, CI) the command fails and lists them.

--category takes Apple Podcasts' names: "Technology", or a category and subcategory as "Society & Culture > Documentary" (or --category "Society & Culture" --subcategory Documentary). --language is a BCP 47 tag (en, en-US, pt-BR). --license is an SPDX id, CC-BY-SA-4.0 when not given. --image must be a square JPEG or PNG of 1400 to 3000 pixels. --funding is a URL, optionally followed by a space and a title. The feed is marked podcast:locked (other platforms should not import it).

--base-url is where public/ will be served: every feed, media, web seed and .torrent URL is that URL plus a path below public/.

--tracker names a tracker announce URL (http, https, udp, ws or wss) put in every torrent, magnet and feed. The word self names the tracker that \`seedcast serve\` runs at the base URL: it stands for <base-url>announce twice, over http(s) for BitTorrent clients and over ws(s) for browsers (WebRTC), so --base-url https://example.org/show/ --tracker self gives https://example.org/show/announce and wss://example.org/show/announce. It is kept as self in show.json and expanded whenever torrents, magnets and feeds are written; use it when the show is served by \`seedcast serve\` (directly or through a reverse proxy that passes WebSocket upgrades).`

  static override examples = [
    `<%= config.bin %> init my-show --title "Tea Time" --description "Talks over tea" --author "Ana" --owner-name "Ana" --owner-email ana@example.org --language en --category "Arts > Food" --base-url https://tea.example.org/podcast/ --image cover.jpg`,
    `<%= config.bin %> init --title "Night Radio" --description "Late news" --author "NR" --owner-name "NR" --owner-email nr@example.org --language fr --category News --subcategory "Daily News" --base-url https://nr.example.org/ --tracker udp://tracker.example.org:6969/announce --tracker wss://tracker.example.org --license CC-BY-4.0`,
    `<%= config.bin %> init my-show --title "Tea Time" --description "Talks over tea" --author "Ana" --owner-name "Ana" --owner-email ana@example.org --language en --category "Arts > Food" --base-url https://tea.example.org/podcast/ --tracker self   # peers meet at the tracker of seedcast serve`,
    '<%= config.bin %> init my-show   # in a terminal: asks for each required value'
  ]

  static override args = {
    dir: Args.string({ description: 'show folder to create (default: current folder)', default: '.' })
  }

  static override flags = {
    title: Flags.string({ description: 'show title' }),
    description: Flags.string({ description: 'show description (plain text)' }),
    author: Flags.string({ description: 'author shown by podcast apps (itunes:author)' }),
    'owner-name': Flags.string({ description: 'owner name (itunes:owner, not shown publicly by most apps)' }),
    'owner-email': Flags.string({ description: 'owner email (itunes:owner, used by directories to verify ownership)' }),
    language: Flags.string({ description: 'BCP 47 language tag, e.g. en, en-US, fr' }),
    category: Flags.string({ description: 'Apple Podcasts category: "Technology" or "Society & Culture > Documentary"' }),
    subcategory: Flags.string({ description: 'Apple Podcasts subcategory (or give it in --category after ">")' }),
    explicit: Flags.boolean({ description: 'the show has explicit content', default: false }),
    image: Flags.string({ description: 'cover image: square JPEG or PNG, 1400 to 3000 px' }),
    link: Flags.string({ description: 'website of the show' }),
    'base-url': Flags.string({ description: 'http(s) URL where public/ will be served' }),
    license: Flags.string({ description: `SPDX license id of the episodes (default ${DEFAULT_LICENSE})` }),
    tracker: Flags.string({ description: 'tracker announce URL put in every torrent and magnet (repeatable); self = the tracker of `seedcast serve` at the base URL', multiple: true }),
    funding: Flags.string({ description: 'funding/donation URL, optionally followed by a space and a title' })
  }

  async run (): Promise<unknown> {
    const { args, flags } = await this.parse(Init)
    const options: Partial<InitOptions> = {
      title: flags.title,
      description: flags.description,
      author: flags.author,
      ownerName: flags['owner-name'],
      ownerEmail: flags['owner-email'],
      language: flags.language,
      category: flags.category,
      subcategory: flags.subcategory,
      explicit: flags.explicit,
      image: flags.image,
      link: flags.link,
      baseUrl: flags['base-url'],
      license: flags.license,
      trackers: flags.tracker,
      funding: flags.funding ? parseFunding(flags.funding) : undefined
    }
    if (process.stdin.isTTY && !this.jsonEnabled()) await askForMissing(options)
    const result = await initShow(args.dir, options as InitOptions)
    this.log(`Created show "${result.config.title}" in ${result.dir}`)
    this.log(`  feeds:    ${Object.values(result.feeds).join('\n            ')}`)
    this.log(`  served at ${result.config.baseUrl} (copy or serve ${result.dir}/public there)`)
    this.log(`  next:     seedcast publish episode.mp3 --show ${args.dir}`)
    return { dir: result.dir, show: result.config, feeds: result.feeds }
  }
}

function parseFunding (value: string): { url: string, title?: string } {
  const [url = '', ...title] = value.trim().split(/\s+/)
  return title.length ? { url, title: title.join(' ') } : { url }
}

/** Asks on the terminal for each required value not given as a flag (Ctrl+D or Ctrl+C cancels). */
async function askForMissing (options: Partial<InitOptions>): Promise<void> {
  const missing = REQUIRED_INIT_OPTIONS.filter(([key]) => !options[key]?.trim())
  if (!missing.length) return
  const prompt = createInterface({ input: process.stdin, output: process.stderr })
  // The iterator buffers lines typed (or pasted) ahead of their question.
  const lines = prompt[Symbol.asyncIterator]()
  try {
    for (const [key, flag] of missing) {
      let answer = ''
      while (!answer) {
        prompt.setPrompt(`${flag}: `)
        prompt.prompt()
        const next = await lines.next()
        if (next.done) throw new SeedcastError(`cancelled: no value for --${flag}`, { code: 'ECANCELLED', exitCode: 130, hint: 'nothing was created' })
        answer = String(next.value).trim()
      }
      options[key] = answer
    }
  } finally {
    prompt.close()
  }
}
