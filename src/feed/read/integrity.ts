import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { SeedcastError } from '../../errors.js'

/** SRI algorithms Node can compute, strongest first (SRI says: check the strongest given). */
const ALGORITHMS = ['sha512', 'sha384', 'sha256'] as const

export type IntegrityCheck = { ok: true, algorithm?: string } | { ok: false, expected: string, actual: string }

/**
 * Checks a file against a podcast:integrity SRI value (`sha256-<base64>`, several
 * space-separated allowed). Only the strongest algorithm present counts, and any of its
 * digests matching is a match, as in browsers. A PGP signature or an SRI with no
 * algorithm we know cannot be checked here: `ok` with no algorithm. `knownSha256` (base64)
 * saves a read when the caller has just hashed the file.
 */
export async function checkIntegrity (path: string, integrity: { type: string, value: string } | undefined, knownSha256?: string): Promise<IntegrityCheck> {
  if (!integrity || integrity.type.toLowerCase() !== 'sri') return { ok: true }
  const entries = integrity.value.split(/\s+/).map(token => /^(sha256|sha384|sha512)-([A-Za-z0-9+/_-]+={0,2})(\?.*)?$/i.exec(token)).filter(match => match !== null)
  const algorithm = ALGORITHMS.find(name => entries.some(match => match[1]!.toLowerCase() === name))
  if (!algorithm) return { ok: true }
  const expected = entries.filter(match => match[1]!.toLowerCase() === algorithm).map(match => normalise(match[2]!))
  const actual = algorithm === 'sha256' && knownSha256 ? knownSha256 : await digestFile(path, algorithm)
  return expected.includes(normalise(actual)) ? { ok: true, algorithm } : { ok: false, expected: `${algorithm}-${expected[0]}`, actual: `${algorithm}-${actual}` }
}

/** base64url and padding-less forms compare equal to standard base64. */
function normalise (base64: string): string {
  return base64.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '')
}

export function digestFile (path: string, algorithm: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash(algorithm)
    createReadStream(path, { highWaterMark: 1024 * 1024 })
      .on('data', chunk => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('base64')))
  })
}

/** The one line for an enclosure whose bytes are not the ones its podcast:integrity names. */
export function integrityError (title: string, expected: string, actual: string, hint: string): SeedcastError {
  return new SeedcastError(`"${title}": the bytes do not match the feed's podcast:integrity (expected ${expected}, got ${actual}); not kept`, { code: 'EINTEGRITY', hint })
}
