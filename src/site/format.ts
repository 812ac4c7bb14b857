/** A duration as words for the page ("34 sec", "12 min", "1 h 5 min"). */
export function durationWords (seconds: number): string {
  const total = Math.max(0, Math.round(seconds))
  if (total < 60) return `${total} sec`
  const minutes = Math.round(total / 60)
  if (minutes < 60) return `${minutes} min`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}

/** The ISO duration for <time datetime>, e.g. "PT1H2M5S". */
export function isoDuration (seconds: number): string {
  const total = Math.max(0, Math.round(seconds))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s || (!h && !m) ? `${s}S` : ''}`
}

/** One formatter per language: building an Intl.DateTimeFormat costs far more than formatting (a show page dates every episode). */
const dateFormats = new Map<string, Intl.DateTimeFormat | undefined>()

function dateFormat (language: string): Intl.DateTimeFormat | undefined {
  if (!dateFormats.has(language)) {
    let format: Intl.DateTimeFormat | undefined
    try {
      format = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' })
    } catch {
      format = undefined // not a language tag Intl knows: ISO dates instead
    }
    dateFormats.set(language, format)
  }
  return dateFormats.get(language)
}

/**
 * The languages whose long date is written here by hand, as Intl writes it ("November 1,
 * 2026"): English, as `seedcast init` is mostly given it. The first Intl.DateTimeFormat of a
 * process costs about 20 ms of CPU (ICU loading its date data), paid by every `seedcast
 * publish` for the one date of its pages. test/unit/site-dates.test.ts checks
 * these dates against Intl's, day by day, so an ICU that writes them otherwise fails it.
 */
const HAND_WRITTEN = new Set(['en', 'en-US'])
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** A publication date in the show's language, as the UTC calendar day ("1 November 2026"). */
export function dateWords (iso: string, language: string): string {
  const date = new Date(iso)
  const year = date.getUTCFullYear()
  // Four-digit years only (an invalid date's NaN is not one): Intl writes eras and the like past them.
  if (HAND_WRITTEN.has(language) && year >= 1000 && year <= 9999) return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${year}`
  return dateFormat(language)?.format(date) ?? date.toISOString().slice(0, 10)
}

/** Decimal units, as listeners read file sizes ("540 kB", "12.3 MB"). */
export function sizeWords (bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  const units = ['kB', 'MB', 'GB', 'TB']
  let value = bytes / 1000
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit++ }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`
}

/** "MP3", "MP4", "M4A" from a media path, for the download link. */
export function formatName (path: string): string {
  const dot = path.lastIndexOf('.')
  return dot < 0 ? 'media' : path.slice(dot + 1).toUpperCase()
}
