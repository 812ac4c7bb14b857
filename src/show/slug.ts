import transliterate from '@sindresorhus/transliterate'

const MAX_SLUG_LENGTH = 60

/**
 * A URL-safe slug from a title or file name: lowercase ASCII letters, digits and single
 * dashes, at most 60 characters cut at a dash. Other scripts are spelled in Latin letters
 * first ("Straße nach Łódź" → "strasse-nach-lodz", "Привет, мир" → "privet-mir",
 * "Καλημέρα" → "kalimera"): folding accents alone dropped ß, ł, ø, æ and every Cyrillic
 * or Greek letter, so such shows got `episode`, `episode-2`... A title with no letter
 * that has a Latin spelling (Chinese, Japanese) still gives `episode`.
 */
export function slugify (text: string): string {
  const slug = transliterate(text)
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
