import { SeedcastError } from '../errors.js'

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }

/** WebTorrent's value for "no limit". */
export const NO_RATE_LIMIT = -1

/**
 * "1M", "500k", "2.5m", "1048576" → bytes per second (binary units), for the rate flags of
 * seed and get. 0 means no limit, as in aria2c and most clients (to WebTorrent a limit of 0
 * would mean "send nothing" and stall the transfer). A bad value is a usage error: exit 2,
 * like the flag errors oclif reports.
 */
export function parseRate (text: string, what = 'rate'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([bkmg]?)(?:i?b)?(?:\/s)?\s*$/i.exec(text)
  if (!match) throw new SeedcastError(`invalid ${what} "${text}"`, { code: 'EUSAGE', hint: 'use bytes per second, e.g. 500k, 1M or 1048576; 0 for no limit' })
  const rate = Math.round(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!)
  return rate > 0 ? rate : NO_RATE_LIMIT
}
