import { isIP } from 'node:net'
import { invalid } from '../errors.js'
import type { MountedShow } from './mounts.js'

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.', 'ip6-localhost'])
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', ''])

function isLoopback (host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  return LOOPBACK_NAMES.has(bare) || bare.endsWith('.localhost') || /^127\./.test(bare) || bare === '::1'
}

function defaultPort (protocol: string): number {
  return protocol === 'https:' ? 443 : 80
}

/**
 * Why a show's base URL does not lead to this server listening on host:port, or
 * undefined when it does or cannot be told. The feeds and torrents carry the base URL,
 * so a mismatch means podcast apps and web seeds fetch from somewhere else. A base URL
 * on the default port of its scheme with a host name is taken as a reverse proxy in front
 * of this server, and not reported.
 */
export function baseUrlMismatch (baseUrl: string, listening: { host: string, port: number }): string | undefined {
  const url = new URL(baseUrl)
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const port = url.port === '' ? defaultPort(url.protocol) : Number(url.port)
  const listenHost = listening.host.replace(/^\[|\]$/g, '').toLowerCase()
  const wildcard = WILDCARDS.has(listenHost)
  const named = isIP(host) === 0 && !isLoopback(host)
  if (named && url.port === '') return undefined
  if (url.protocol === 'https:' && !named) return `${baseUrl} is https, this server speaks plain http on ${listening.host}:${listening.port}`
  if (port !== listening.port) return `${baseUrl} names port ${port}, this server listens on port ${listening.port}`
  if (wildcard || named) return undefined
  if (isLoopback(host) && isLoopback(listenHost)) return undefined
  if (host === listenHost) return undefined
  return `${baseUrl} names host ${url.hostname}, this server listens on ${listening.host} only`
}

/** One warning per show whose base URL does not lead here. */
export function baseUrlWarnings (shows: MountedShow[], listening: { host: string, port: number }): string[] {
  return shows.flatMap(show => {
    const reason = baseUrlMismatch(show.config.baseUrl, listening)
    return reason ? [`${show.config.title}: ${reason}; its feeds and web seeds point elsewhere (serve with the base URL's \`host\`/\`port\`, or publish the show with a base URL naming this server)`] : []
  })
}

/**
 * The address to listen on as an operator may write it: an IPv6 literal in brackets as in
 * a URL ([::1]) is taken without them; an empty value (SEEDCAST_HOST= in an environment
 * file) or an address with a port (127.0.0.1:80, the port belongs in `port`) is a usage
 * error in one line, where they were an unexpected "Invalid URL" and "no such local address".
 */
export function listenHost (given: string): string {
  const host = given.trim()
  if (!host) invalid('host', 'is empty', 'give an address of this machine: 127.0.0.1, 0.0.0.0 or ::')
  const bracketed = /^\[([^\]]*)\]$/.exec(host)
  if (bracketed) {
    if (isIP(bracketed[1]!) !== 6) invalid('host', `${host} is not an IPv6 address in brackets`)
    return bracketed[1]!
  }
  const withPort = /^(?:\[[^\]]*\]|[^:]+):(\d+)$/.exec(host)
  if (withPort) invalid('host', `${host} names a port`, `give the address alone, and ${withPort[1]} as \`port\``)
  return host
}

