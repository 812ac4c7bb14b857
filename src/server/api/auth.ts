import type { FastifyReply, FastifyRequest } from 'fastify'
import { readTokens, tokenMatches, type StoredToken } from '../../show/tokens.js'
import { problem } from '../request-guard.js'

/** Failures from one address before it must wait; then 1 s, 2 s, 4 s... up to 5 minutes. */
const FREE_FAILURES = 5
const MAX_WAIT_MS = 5 * 60_000
/** A failure is forgotten this long after the last one. */
const FORGET_MS = 15 * 60_000
const MAX_TRACKED = 10_000

/**
 * Bearer tokens with a backoff per client address: after a few wrong tokens, the address
 * gets 429 with Retry-After for a time that doubles with each further failure, so a
 * token cannot be guessed at network speed. Tokens are read from the show on each check
 * (one small file), so `token create` and `token revoke` act on a running server at once.
 */
export class TokenGate {
  private readonly failures = new Map<string, { count: number, last: number }>()

  /**
   * The token the request carries, checked for the show in `showDir`: 'none' when there is
   * no Authorization header, the stored token when it is valid; otherwise the reply has
   * been sent (401 or 429) and undefined is returned.
   */
  async check (request: FastifyRequest, reply: FastifyReply, showDir: string): Promise<StoredToken | 'none' | undefined> {
    const header = request.headers.authorization
    if (header === undefined) return 'none'
    const address = request.ip
    const wait = this.waitMs(address)
    if (wait > 0) {
      await reply.code(429).header('retry-after', String(Math.ceil(wait / 1000))).send(problem(429, 'too many wrong tokens from this address; wait and try again'))
      return undefined
    }
    const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? ''
    const found = tokenMatches(await readTokens(showDir), token)
    if (found) {
      this.failures.delete(address)
      return found
    }
    this.fail(address)
    await reply.code(401).header('www-authenticate', 'Bearer realm="seedcast", error="invalid_token"').send(problem(401, 'the token is not valid for this show (make one with `seedcast token create`)'))
    return undefined
  }

  /** Answers 401 for a request that must carry a token and has none. */
  async demand (reply: FastifyReply): Promise<undefined> {
    await reply.code(401).header('www-authenticate', 'Bearer realm="seedcast"').send(problem(401, 'this needs a token: header "Authorization: Bearer <token>" (make one with `seedcast token create`)'))
    return undefined
  }

  private waitMs (address: string): number {
    const entry = this.failures.get(address)
    if (!entry) return 0
    const now = Date.now()
    if (now - entry.last > FORGET_MS) {
      this.failures.delete(address)
      return 0
    }
    if (entry.count < FREE_FAILURES) return 0
    const wait = Math.min(MAX_WAIT_MS, 1000 * 2 ** (entry.count - FREE_FAILURES))
    return Math.max(0, entry.last + wait - now)
  }

  private fail (address: string): void {
    const entry = this.failures.get(address) ?? { count: 0, last: 0 }
    entry.count++
    entry.last = Date.now()
    this.failures.delete(address)
    this.failures.set(address, entry)
    // Oldest first: a flood of addresses forgets the stalest, never grows without bound.
    for (const key of this.failures.keys()) {
      if (this.failures.size <= MAX_TRACKED) break
      this.failures.delete(key)
    }
  }
}
