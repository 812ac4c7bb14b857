import { SeedcastError } from '../errors.js'

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }

/** "50G", "700m", "1.5t", "1048576" → bytes (binary units), for size flags. Bad value: exit 2. */
export function parseSize (text: string, what = 'size'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([bkmgt]?)(?:i?b)?\s*$/i.exec(text)
  if (!match) throw new SeedcastError(`invalid ${what} "${text}"`, { code: 'EUSAGE', hint: 'use bytes with an optional k/m/g/t suffix, e.g. 700M or 50G' })
  return Math.round(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!)
}
