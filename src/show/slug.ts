import transliterate from '@sindresorhus/transliterate'
import { createRequire } from 'node:module'

const MAX_SLUG_LENGTH = 60

/**
 * A URL-safe slug from a title or file name: lowercase ASCII letters, digits and single
 * dashes, at most 60 characters cut at a dash. Other scripts are spelled in Latin letters
 * first ("Straße nach Łódź" → "strasse-nach-lodz", "Привет, мир" → "privet-mir",
 * "Καλημέρα" → "kalimera"): folding accents alone dropped ß, ł, ø, æ and every Cyrillic
 * or Greek letter, so such shows got `episode`, `episode-2`... Letters that library has no
 * spelling for (Japanese, Chinese, Korean, Hebrew, Devanagari, Thai...) are spelled by
 * any-ascii, a syllable a word ("こんにちは世界" → "konnichiha-shi-jie", "안녕하세요" →
 * "an-nyeong-ha-se-yo"; kanji read as Mandarin): before, such titles all gave `episode`,
 * `episode-2`... A title with no letter at all (emoji, punctuation) still gives `episode`.
 * Only new slugs come from here: an episode keeps the slug it was published under.
 */
export function slugify (text: string): string {
  const slug = transliterate(spellOthers(text))
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  if (slug.length <= MAX_SLUG_LENGTH) return slug || 'episode'
  const cut = slug.slice(0, MAX_SLUG_LENGTH + 1)
  const lastDash = cut.lastIndexOf('-')
  return (lastDash > 20 ? cut.slice(0, lastDash) : cut.slice(0, MAX_SLUG_LENGTH)).replace(/-+$/, '')
}

/** The candidates for a slug in order: "name", "name-2", "name-3"... */
export function * slugCandidates (base: string): Generator<string> {
  yield base
  for (let n = 2; ; n++) yield `${base}-${n}`
}

let anyAscii: ((text: string) => string) | null | undefined

/**
 * Spells in ASCII the letters transliterate has no spelling for (it leaves them as they
 * are, or strips their marks: ポ became ホ), in runs, with any-ascii; everything else is
 * left for transliterate, so the scripts it spells are spelled as they were. Only letters:
 * emoji stay out of slugs. any-ascii (its tables are 500 kB) is loaded only for a title that
 * needs it, synchronously (Node's require of an ES module); where that fails, such letters
 * are dropped as before.
 */
function spellOthers (text: string): string {
  if (!/\P{ASCII}/u.test(text)) return text
  const other = (char: string) => /[\p{L}\p{M}]/u.test(char) && /\P{ASCII}/u.test(char) && /\P{ASCII}/u.test(transliterate(char))
  let out = ''
  let run = ''
  const flush = () => {
    if (!run) return
    if (anyAscii === undefined) {
      try {
        anyAscii = (createRequire(import.meta.url)('any-ascii') as { default: (text: string) => string }).default
      } catch {
        anyAscii = null
      }
    }
    // It writes each syllable capitalised ("NiHaoShiJie"): a dash between them.
    out += anyAscii ? ` ${anyAscii(run).replace(/(?<=[a-z])(?=[A-Z])/g, ' ')} ` : ' '
    run = ''
  }
  for (const char of text.normalize('NFC')) {
    // A mark (a virama, a vowel sign) goes with the letters it is written on.
    if (other(char) || (run && /\p{M}/u.test(char))) run += char
    else { flush(); out += char }
  }
  flush()
  return out
}
