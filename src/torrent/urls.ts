import { SeedcastError } from '../errors.js'

const TRACKER_PROTOCOLS = new Set(['http:', 'https:', 'udp:', 'ws:', 'wss:'])
const WEB_SEED_PROTOCOLS = new Set(['http:', 'https:'])

/** Checks tracker tiers: every URL http(s), udp or ws(s); empty tiers dropped. */
export function validateTrackers (tiers: string[][]): string[][] {
  return tiers
    .map(tier => tier.map(url => checkUrl(url, TRACKER_PROTOCOLS, 'tracker', 'http(s)://, udp:// or ws(s)://')))
    .filter(tier => tier.length > 0)
}

/** Checks BEP 19 web seed URLs (http or https). */
export function validateWebSeeds (urls: string[]): string[] {
  return urls.map(url => checkUrl(url, WEB_SEED_PROTOCOLS, 'web seed', 'http:// or https://'))
}

function checkUrl (url: string, protocols: Set<string>, what: string, expected: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new SeedcastError(`invalid ${what} URL "${url}"`, { code: 'EURL', hint: `expected ${expected}` })
  }
  if (!protocols.has(parsed.protocol)) {
    throw new SeedcastError(`unsupported ${what} URL "${url}"`, { code: 'EURL', hint: `expected ${expected}` })
  }
  return url
}
