import { SeedcastError } from '../errors.js'

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }

/**
 * "1M", "500k", "2.5m", "1048576" → bytes per second (binary units), for the rate flags of
 * seed and get. A bad value is a usage error: exit 2, like the flag errors oclif reports.
 */
export function parseRate (text: string, what = 'rate'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([bkmg]?)(?:i?b)?(?:\/s)?\s*$/i.exec(text)
  if (!match) throw new SeedcastError(`invalid ${what} "${text}"`, { code: 'EUSAGE', exitCode: 2, hint: 'use bytes per second, e.g. 500k, 1M or 1048576' })
  return Math.round(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!)
}
