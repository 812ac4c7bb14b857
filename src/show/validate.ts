import { createRequire } from 'node:module'
import { invalid } from '../errors.js'
import { APPLE_CATEGORIES, findAppleCategory, isAppleCategory } from '../feed/apple-categories.js'
import { isFeedLanguage } from '../feed/language.js'
import { SELF_TRACKER } from '../feed/trackers.js'
import { emailSchema } from './schema.js'

// Checks and normalises the values a podcaster gives to `seedcast init`. Each failure is
// one EUSAGE SeedcastError naming the option, so the CLI prints one clear line naming its flag.

const spdxIds = createRequire(import.meta.url)('spdx-license-ids') as string[]

/**
 * A BCP 47 tag in its canonical case ("en-us" → "en-US"), with a primary language of two
 * or three letters that names a known language, and no extension or private-use part, as
 * podcast apps and `feed lint` want it (isFeedLanguage). "english" is well-formed BCP 47
 * but no feed reader takes it; the error suggests "en".
 */
export function normaliseLanguage (tag: string): string {
  let canonical: string | undefined
  try {
    [canonical] = Intl.getCanonicalLocales(tag.trim())
  } catch { /* RangeError: not a well-formed tag */ }
  const primary = canonical?.split('-')[0] ?? ''
  if (canonical && /^[a-z]{2,3}$/.test(primary) && languageNames.of(primary) !== undefined) {
    if (isFeedLanguage(canonical)) return canonical
    const plain = canonical.split(/-[a-z0-9]-/i)[0]!
    return invalid('language', `"${tag}" has an extension or private-use part that podcast apps and \`feed lint\` do not take`, `give the language alone: ${plain}`)
  }
  const named = codeOfLanguageName(tag)
  return invalid('language', `"${tag}" is not a BCP 47 language tag`, named ? `did you mean ${named}? Give an ISO 639 code such as en, en-US, fr, pt-BR` : 'give an ISO 639 code such as en, en-US, fr, pt-BR')
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' })

/** The two-letter code of a language typed by its English name ("English" → "en"), if any. */
function codeOfLanguageName (name: string): string | undefined {
  const wanted = name.trim().toLowerCase()
  const letters = 'abcdefghijklmnopqrstuvwxyz'
  for (const first of letters) {
    for (const second of letters) {
      if (languageNames.of(first + second)?.toLowerCase() === wanted) return first + second
    }
  }
  return undefined
}

/** An http(s) URL, as the WHATWG parser writes it. */
export function normaliseHttpUrl (value: string, option: string): string {
  const url = URL.canParse(value.trim()) ? new URL(value.trim()) : undefined
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) invalid(option, `"${value}" is not an http(s) URL`)
  return url.href
}

/** The base URL public/ is served at, ending in "/" so relative paths resolve below it. */
export function normaliseBaseUrl (value: string): string {
  const url = new URL(normaliseHttpUrl(value, 'baseUrl'))
  if (url.search || url.hash) invalid('baseUrl', `"${value}" has a query or fragment`, 'give the folder URL public/ is served at')
  if (!url.pathname.endsWith('/')) url.pathname += '/'
  return url.href
}

/**
 * A tracker announce URL: http(s) or udp, or ws(s) for WebTorrent browsers; or `self`,
 * the tracker `seedcast serve` runs at the show's base URL (expanded where torrents,
 * magnets and feeds are written).
 */
export function normaliseTracker (value: string): string {
  if (value.trim().toLowerCase() === SELF_TRACKER) return SELF_TRACKER
  const url = URL.canParse(value.trim()) ? new URL(value.trim()) : undefined
  if (!url || !['http:', 'https:', 'udp:', 'ws:', 'wss:'].includes(url.protocol)) {
    invalid('trackers', `"${value}" is not a tracker URL`, 'e.g. self, udp://tracker.example.org:6969/announce or wss://tracker.example.org')
  }
  return url.href
}

export function checkEmail (value: string, option = 'ownerEmail'): string {
  const email = value.trim()
  // The rule show.json is loaded with (a looser one here let `init` write a show that every
  // later command refused: "a@b.c").
  if (!emailSchema.safeParse(email).success) invalid(option, `"${value}" is not an email address`)
  return email
}

/** An SPDX license id in its canonical case ("cc-by-4.0" → "CC-BY-4.0"). */
export function normaliseLicense (value: string): string {
  const wanted = value.trim().toLowerCase()
  const id = spdxIds.find(candidate => candidate.toLowerCase() === wanted)
  if (!id) invalid('license', `"${value}" is not an SPDX license id`, 'e.g. CC-BY-SA-4.0, CC-BY-4.0, CC0-1.0; see https://spdx.org/licenses/')
  return id
}

/**
 * An Apple Podcasts category, given as "Technology", as "Society & Culture > Documentary",
 * or as a category plus a separate subcategory.
 */
export function parseCategory (value: string, subcategory?: string): { category: string, subcategory?: string } {
  const [typedMain, nested, ...rest] = value.split('>').map(part => part.trim())
  if (!typedMain || rest.length || (nested !== undefined && !nested)) invalid('category', `"${value}" is not "Category" or "Category > Subcategory"`)
  if (nested && subcategory && nested !== subcategory.trim()) invalid('subcategory', `"${subcategory}" contradicts \`category\` "${value}"`)
  const typed = nested ?? subcategory?.trim() ?? undefined
  // Apple's exact spelling is what feeds need; "technology" or "Society and Culture" mean it.
  const main = findAppleCategory(typedMain)?.category ?? typedMain
  const sub = typed && (findAppleCategory(main, typed)?.subcategory ?? typed)
  if (!isAppleCategory(main)) invalid('category', `"${typedMain}" is not an Apple Podcasts category`, `one of: ${Object.keys(APPLE_CATEGORIES).join(', ')}; with their subcategories in \`seedcast init --help\``)
  if (sub && !isAppleCategory(main, sub)) {
    const subs = APPLE_CATEGORIES[main]!
    invalid('subcategory', `"${sub}" is not a subcategory of "${main}" in Apple Podcasts' list`, subs.length ? `one of: ${subs.join(', ')}` : `"${main}" has no subcategories`)
  }
  return sub ? { category: main, subcategory: sub } : { category: main }
}
