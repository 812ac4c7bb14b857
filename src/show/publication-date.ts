import { invalid } from '../errors.js'

// The publication date a podcaster gives (publish --date, episodes edit --date, the API's
// `date`). Date's own parser was used before and read far too much: "2026-02-30" became
// 2 March, "12" became 1 December 2001, and "10000-01-01" a year the catalog's schema then
// refused on every later command, so one typo left the show unreadable.

const HINT = 'an ISO 8601 date, e.g. 2026-11-28 or 2026-11-28T09:30:00Z (a time without Z or an offset is local time)'

// RFC 2822 (the feeds' pubDate) knows no year before 1900, and four digits end at 9999,
// the last year the catalog's ISO 8601 dates can hold.
const EARLIEST = Date.UTC(1900, 0, 1)
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

// YYYY-MM-DD, optionally followed by T (or a space) and HH:MM[:SS[.fraction]] with an
// optional Z or ±HH[:MM] offset.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s?(Z)|\s?([+-])(\d{2})(?::?(\d{2}))?)?)?$/i

/** The date as ISO 8601 in UTC, or a usage error saying what is wrong with the text. */
export function publicationDate (value: Date | string): string {
  const time = value instanceof Date ? value.getTime() : parseIso(value)
  if (Number.isNaN(time)) invalid('date', `"${String(value)}" is not a date`, HINT)
  if (time < EARLIEST || time > LATEST) invalid('date', `"${String(value)}" is out of range: publication dates run from 1900 to 9999`, HINT)
  return new Date(time).toISOString()
}

/** Milliseconds since the epoch, or NaN when the text is not an ISO 8601 date of a real day and time. */
function parseIso (text: string): number {
  const match = ISO.exec(text.trim())
  if (!match) return Number.NaN
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zulu, sign, oh, om = '0'] = match
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number]
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3))
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return Number.NaN
  const wallClock = utc(year, month - 1, day, hour, minute, second, ms)
  // A date alone is that day in UTC; a time with Z or an offset is that instant; a time
  // without either is local time (ISO 8601's reading, and what Date did here before).
  if (match[4] === undefined || zulu) return wallClock
  if (sign) {
    if (Number(oh) > 23 || Number(om) > 59) return Number.NaN
    const offset = (Number(oh) * 60 + Number(om)) * 60_000
    return sign === '+' ? wallClock - offset : wallClock + offset
  }
  const local = new Date(2000, month - 1, day, hour, minute, second, ms)
  local.setFullYear(year, month - 1, day)
  return local.getTime()
}

/** Date.UTC for every four-digit year (Date.UTC reads 0 to 99 as 1900 to 1999). */
function utc (year: number, ...rest: [number, number, number, number, number, number]): number {
  const date = new Date(Date.UTC(2000, ...rest))
  date.setUTCFullYear(year, rest[0], rest[1])
  return date.getTime()
}

function daysIn (year: number, month: number): number {
  return new Date(utc(year, month, 0, 0, 0, 0, 0)).getUTCDate()
}
