import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { mkdir, readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import * as z from '../model/zod.js'
import { SeedcastError, fileError, invalidOption } from '../errors.js'
import { writeJsonAtomic } from '../atomic.js'
import { loadShow } from './load.js'
import { withShowLock } from './lock.js'
import { showPaths } from '../model/paths.js'

/** An API token as stored: never the token itself, only its SHA-256. */
export interface StoredToken {
  /** Short public id, also the token's prefix: names it in `token list` and `token revoke`. */
  id: string
  name: string
  /** SHA-256 of the whole token, hex. Tokens are 256 random bits: a fast hash is enough. */
  sha256: string
  created: string
}

const tokenFileSchema = z.object({
  version: z.literal(1),
  tokens: z.array(z.object({ id: z.string(), name: z.string(), sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)), created: z.string() }))
})

const TOKEN_PATTERN = /^sct_([0-9a-f]{8})_[A-Za-z0-9_-]{43}$/

/** .seedcast/tokens.json: inside the state folder, which is never served. */
export function tokenFile (showDir: string): string {
  return join(showPaths(resolve(showDir)).stateDir, 'tokens.json')
}

export async function readTokens (showDir: string): Promise<StoredToken[]> {
  const path = tokenFile(showDir)
  const raw = await readFile(path, 'utf8').catch(error => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw fileError(error, path, 'read')
  })
  if (raw === undefined) return []
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw new SeedcastError(`${path}: not valid JSON`, { code: 'EBADSHOW', hint: 'delete it and create new tokens with `seedcast token create`' })
  }
  const result = tokenFileSchema.safeParse(parsed)
  if (!result.success) throw new SeedcastError(`${path}: not a token file`, { code: 'EBADSHOW', hint: 'delete it and create new tokens with `seedcast token create`' })
  return result.data.tokens
}

const sha256 = (value: string) => createHash('sha256').update(value).digest()

/**
 * Makes a token for the show's HTTP API and stores its hash. The token is returned once
 * and never stored: "sct_<id>_<43 base64url characters>" (256 random bits).
 */
export async function createToken (showDir: string, name = 'api'): Promise<{ token: string, stored: StoredToken }> {
  const dir = resolve(showDir)
  const label = name.trim()
  if (label === '' || label.length > 100) throw invalidOption('name', 'a token name must have 1 to 100 characters', 'e.g. `name` ci')
  await loadShow(dir)
  return withShowLock(dir, async () => {
    const tokens = await readTokens(dir)
    let id: string
    do id = randomBytes(4).toString('hex'); while (tokens.some(token => token.id === id))
    const token = `sct_${id}_${randomBytes(32).toString('base64url')}`
    const stored: StoredToken = { id, name: label, sha256: sha256(token).toString('hex'), created: new Date().toISOString() }
    await mkdir(showPaths(dir).stateDir, { recursive: true })
    await writeJsonAtomic(tokenFile(dir), { version: 1, tokens: [...tokens, stored] })
    return { token, stored }
  })
}

/** Removes a token by its id (or its name when only one token has it). */
export async function revokeToken (showDir: string, ref: string): Promise<StoredToken> {
  const dir = resolve(showDir)
  await loadShow(dir)
  return withShowLock(dir, async () => {
    const tokens = await readTokens(dir)
    const byId = tokens.find(token => token.id === ref)
    const byName = tokens.filter(token => token.name === ref)
    const found = byId ?? (byName.length === 1 ? byName[0] : undefined)
    if (!found) {
      throw new SeedcastError(byName.length > 1 ? `${byName.length} tokens are named "${ref}"` : `no token "${ref}"`, {
        code: 'ENOTOKEN', hint: 'give the id shown by `seedcast token list`'
      })
    }
    await writeJsonAtomic(tokenFile(dir), { version: 1, tokens: tokens.filter(token => token !== found) })
    return found
  })
}

/**
 * Whether `token` is one of `tokens`: the id picks the candidate, then the hashes are
 * compared in constant time (timingSafeEqual), so the time taken says nothing of how
 * much of a guess was right.
 */
export function tokenMatches (tokens: StoredToken[], token: string): StoredToken | undefined {
  const match = TOKEN_PATTERN.exec(token)
  const given = sha256(token)
  let found: StoredToken | undefined
  for (const stored of tokens) {
    const same = timingSafeEqual(given, Buffer.from(stored.sha256, 'hex'))
    if (same && match && stored.id === match[1]) found = stored
  }
  return found
}
