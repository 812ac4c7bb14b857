import { createInterface } from 'node:readline/promises'
import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { SeedcastCommand } from '../cli/base-command.js'
import { showFieldFlags, showFieldOptions } from '../cli/show-fields-flags.js'
import { describeError, errorLine, flagName } from '../cli/error-view.js'
import { SeedcastError } from '../src/errors.js'
import { APPLE_CATEGORIES } from '../src/feed/apple-categories.js'
import { readCover } from '../src/show/cover.js'
import { checkShowFields } from '../src/show/show-fields.js'
import { DEFAULT_LICENSE, initShow, REQUIRED_INIT_OPTIONS, type InitOptions } from '../src/show/init.js'

export default class Init extends SeedcastCommand {
  static override summary = 'Create a show folder: show.json, the episode catalog, public/ and empty feeds.'

  static override description = `Makes DIR (default: the current folder) a seedcast show folder:
  show.json      the show's metadata (schema-checked, editable by hand)
  episodes.json  the episode catalog, empty
  public/        the site to serve at --base-url: feeds, cover, pages, media

Every value is checked before anything is written: a bad one is a one-line error and nothing is created. A folder that already holds a show.json is refused.

Required: --title --description --author --owner-name --owner-email --language --category --base-url. In a terminal the missing ones are asked for, and the cover (--image) too, since Apple and \`seedcast feed lint\` require one: each answer, and each flag given with a bad value, is checked at once and asked again when refused, so no answer is lost. Otherwise (scripts, CI) the command fails and lists them; without --image it makes a plain placeholder cover (public/cover.png, a square in colours taken from the title) so the show can be listed at once, and says so: replace it with \`seedcast show edit --image\`.

--category takes Apple Podcasts' names (listed below): "Technology", or a category and subcategory as "Society & Culture > Documentary" (or --category "Society & Culture" --subcategory Documentary). --language is a BCP 47 tag (en, en-US, pt-BR). --license is an SPDX id, CC-BY-SA-4.0 when not given. --image must be a square JPEG or PNG of 1400 to 3000 pixels. --funding is a URL, optionally followed by a space and a title. The feed is marked podcast:locked (other platforms should not import it).

--base-url is where public/ will be served: every feed, media, web seed and .torrent URL is that URL plus a path below public/.

--tracker names a tracker announce URL (http, https, udp, ws or wss) put in every torrent, magnet and feed. The word self names the tracker that \`seedcast serve\` runs at the base URL: it stands for <base-url>announce twice, over http(s) for BitTorrent clients and over ws(s) for browsers (WebRTC), so --base-url https://example.org/show/ --tracker self gives https://example.org/show/announce and wss://example.org/show/announce. It is kept as self in show.json and expanded whenever torrents, magnets and feeds are written; use it when the show is served by \`seedcast serve\` (directly or through a reverse proxy that passes WebSocket upgrades).

Apple Podcasts categories, with their subcategories in brackets: ${categoryList()}.`

  static override examples = [
    `<%= config.bin %> init my-show --title "Tea Time" --description "Talks over tea" --author "Ana" --owner-name "Ana" --owner-email ana@example.org --language en --category "Arts > Food" --base-url https://tea.example.org/podcast/ --image cover.jpg`,
    `<%= config.bin %> init --title "Night Radio" --description "Late news" --author "NR" --owner-name "NR" --owner-email nr@example.org --language fr --category News --subcategory "Daily News" --base-url https://nr.example.org/ --tracker udp://tracker.example.org:6969/announce --tracker wss://tracker.example.org --license CC-BY-4.0`,
    `<%= config.bin %> init my-show --title "Tea Time" --description "Talks over tea" --author "Ana" --owner-name "Ana" --owner-email ana@example.org --language en --category "Arts > Food" --base-url https://tea.example.org/podcast/ --tracker self   # peers meet at the tracker of seedcast serve`,
    '<%= config.bin %> init my-show   # in a terminal: asks for each required value and the cover'
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
    if (result.placeholderCover) this.log(`  cover:    no --image given: public/${result.config.image} is a plain placeholder; replace it with seedcast show edit --image cover.jpg --show ${args.dir}`)
    this.log(`  next:     seedcast publish episode.mp3 --show ${args.dir}`)
    return { dir: result.dir, show: result.config, feeds: result.feeds, placeholderCover: result.placeholderCover }
  }
}

type Asked = typeof REQUIRED_INIT_OPTIONS[number] | 'image'

/** Checks one value as init will (throws the same one-line error). */
async function checkOne (key: Asked, value: string, options: Partial<InitOptions>): Promise<void> {
  if (key === 'image') await readCover(value)
  else if (key === 'category') checkShowFields({ category: value, subcategory: options.subcategory })
  else checkShowFields({ [key]: value })
}

/**
 * Asks on the terminal for each required value not given, and for the cover (Apple and
 * `feed lint` require one). Each answer, and each flag given with a bad value, is checked at
 * once: a bad one prints the error and is asked again, so no answer is lost. Ctrl+D cancels.
 */
async function askForMissing (options: Partial<InitOptions>): Promise<void> {
  const keys: Asked[] = [...REQUIRED_INIT_OPTIONS, 'image']
  const toAsk: Asked[] = []
  for (const key of keys) {
    const given = options[key]?.trim()
    if (!given) { toAsk.push(key); continue }
    try {
      await checkOne(key, given, options)
    } catch (error) {
      process.stderr.write(errorLine(describeError(error as Error)) + '\n')
      toAsk.push(key)
    }
  }
  if (!toAsk.length) return
  const prompt = createInterface({ input: process.stdin, output: process.stderr })
  // The iterator buffers lines typed (or pasted) ahead of their question.
  const lines = prompt[Symbol.asyncIterator]()
  try {
    for (const key of toAsk) {
      for (;;) {
        prompt.setPrompt(`${flagName(key)} (${PROMPTS[key]}): `)
        prompt.prompt()
        const next = await lines.next()
        if (next.done) throw new SeedcastError(`cancelled: no value for ${flagName(key)}`, { code: 'ECANCELLED', hint: 'nothing was created' })
        const answer = String(next.value).trim()
        if (!answer) continue
        try {
          await checkOne(key, answer, options)
          options[key] = answer
          break
        } catch (error) {
          process.stderr.write(errorLine(describeError(error as Error)) + '\n')
        }
      }
    }
  } finally {
    prompt.close()
  }
}

const PROMPTS: Record<Asked, string> = {
  title: 'the show\'s name',
  description: 'one or two sentences',
  author: 'shown by podcast apps',
  ownerName: 'for directories',
  ownerEmail: 'for directories',
  language: 'e.g. en, en-US, fr',
  category: 'e.g. Technology or "Arts > Food"; see seedcast init --help',
  baseUrl: 'where public/ will be served, e.g. https://example.org/podcast/',
  image: 'path of a square JPEG or PNG, 1400 to 3000 px'
}

/** Apple's categories as one sentence for --help: "Arts (Books, Design, ...); Business (...); ...". */
function categoryList (): string {
  return Object.entries(APPLE_CATEGORIES).map(([category, subs]) => subs.length ? `${category} (${subs.join(', ')})` : category).join('; ')
}
