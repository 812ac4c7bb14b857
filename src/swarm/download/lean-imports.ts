import module from 'node:module'

/**
 * Packages webtorrent (and the tracker client under it) import when they load, which a
 * download never runs: NAT port mapping (off for downloads), IP blocklists (`get` takes
 * none), creating torrents (a download only adds one), and node-fetch, which
 * cross-fetch-ponyfill loads beside Node's own fetch and whose module body also loads
 * Node's fetch at once. Left out, a `get` of 1 GiB peaked about 8 MiB lower (median of four
 * runs 130 -> 122 MiB; the import alone 92 -> 87 MiB) and started with 30 ms less CPU. Each stand-in throws a clear error if it
 * is ever called, so a webtorrent update that starts using one fails loudly, not quietly.
 * cross-fetch-ponyfill becomes Node's fetch, looked up when a request is made; every
 * importer in the tree takes only its default export.
 */
const STAND_INS: Record<string, string> = {
  '@silentbot1/nat-api': `export default class NatAPI { constructor () { ${refuse('@silentbot1/nat-api', 'NAT traversal is off for downloads')} } }`,
  'load-ip-set': `export default function loadIPSet () { ${refuse('load-ip-set', 'a download takes no blocklist')} }`,
  'create-torrent': `export default function createTorrent () { ${refuse('create-torrent', 'a download creates no torrent')} }\nexport function parseInput () { ${refuse('create-torrent', 'a download creates no torrent')} }`,
  'cross-fetch-ponyfill': 'export default function fetch (...args) { return globalThis.fetch(...args) }'
}

function refuse (name: string, why: string): string {
  return `throw new Error(${JSON.stringify(`${name} was left out of this process (${why}; src/swarm/download/lean-imports.ts)`)})`
}

type ResolveHook = (specifier: string, context: object, next: (specifier: string, context: object) => unknown) => unknown
type RegisterHooks = (hooks: { resolve: ResolveHook }) => unknown

let applied = false

/**
 * Makes the packages above resolve to their stand-ins in this process, for a process that
 * only downloads (the `get` command). Call it before webtorrent is first imported: a
 * package already loaded stays loaded. False where Node has no module.registerHooks
 * (before 22.15): everything then loads as usual.
 */
export function leaveOutUnusedModules (): boolean {
  if (applied) return true
  const registerHooks = (module as unknown as { registerHooks?: RegisterHooks }).registerHooks
  if (typeof registerHooks !== 'function') return false
  registerHooks.call(module, {
    resolve (specifier, context, next) {
      const source = Object.hasOwn(STAND_INS, specifier) ? STAND_INS[specifier] : undefined
      if (source === undefined) return next(specifier, context)
      return { url: `data:text/javascript,${encodeURIComponent(source)}`, format: 'module', shortCircuit: true }
    }
  })
  applied = true
  return true
}

/** The packages leaveOutUnusedModules replaces (for tests). */
export const leftOutModules = Object.keys(STAND_INS)
